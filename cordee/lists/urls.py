from django.urls import path

from cordee.lists import views

urlpatterns = [
    path("lists/views/new/", views.saved_view_create, name="saved_view_create"),
    path("lists/views/<int:pk>/update/", views.saved_view_update, name="saved_view_update"),
    path("lists/views/<int:pk>/rename/", views.saved_view_rename, name="saved_view_rename"),
    path("lists/views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("lists/default/", views.list_default_set, name="list_default_set"),
    path("lists/columns/", views.list_columns_set, name="list_columns_set"),
]
