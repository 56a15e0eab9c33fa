from django.urls import path

from cordee.merges import views

urlpatterns = [
    path("merges/<str:record>/<int:pk>/", views.merge_new, name="merge_new"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("merges/duplicates/<str:record>/", views.duplicates_hint, name="merge_duplicates"),
]
