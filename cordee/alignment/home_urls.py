"""The home page per role: the pages under /w/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.alignment import home_views

urlpatterns: list[URLPattern] = [
    path("", home_views.workspace_home, name="workspace_home"),
]
