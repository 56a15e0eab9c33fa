"""The import wizard's pages (``/w/<slug>/imports/…``)."""

from __future__ import annotations

from django.urls import path

from cordee.dataio.imports import views

urlpatterns = [
    path("imports/", views.imports_list, name="imports_list"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/preview/", views.import_preview, name="import_preview"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/rejected/", views.import_rejected, name="import_rejected"),
    path("imports/<int:pk>/rerun/", views.import_rerun, name="import_rerun"),
]
