"""The pages of ``core`` inside a workspace (``/w/<slug>/…``)."""

from __future__ import annotations

from django.urls import path

from cordee.core import audit_views

urlpatterns = [
    path("audit/", audit_views.audit_page, name="audit_log"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
]
