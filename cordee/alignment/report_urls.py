"""The monthly executive report: the pages under /w/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from cordee.alignment import report_views as views

urlpatterns: list[URLPattern] = [
    path("reports/", views.report_list, name="report_list"),
    re_path(r"^reports/(?P<month>\d{4}-\d{2})/$", views.report_month, name="report_month"),
    re_path(r"^reports/(?P<month>\d{4}-\d{2})\.pdf$", views.report_pdf, name="report_pdf"),
]
