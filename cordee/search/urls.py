from django.urls import path

from cordee.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/pick/", views.search_pick, name="search_pick"),
]
