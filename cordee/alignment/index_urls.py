"""The alignment index: the pages under /w/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.alignment import index_views

urlpatterns: list[URLPattern] = [
    path("alignment/", index_views.alignment_index, name="alignment_index"),
    path("alignment/weights/", index_views.alignment_index_weights, name="alignment_index_weights"),
    path("alignment/export/", index_views.alignment_index_export, name="alignment_index_export"),
    path(
        "alignment/export/trend/",
        index_views.alignment_index_trend_export,
        name="alignment_index_trend_export",
    ),
]
