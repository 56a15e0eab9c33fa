from django.urls import path

from cordee.bulk import views

urlpatterns = [
    path("bulk/<str:record>/", views.bulk_start, name="bulk_start"),
    path("bulk-jobs/", views.bulk_job_list, name="bulk_job_list"),
    path("bulk-jobs/<int:pk>/", views.bulk_job_detail, name="bulk_job_detail"),
    path("bulk-jobs/<int:pk>/undo/", views.bulk_job_undo, name="bulk_job_undo"),
]
