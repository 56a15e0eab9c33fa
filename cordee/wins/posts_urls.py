"""Wins: the wall's settings (threshold): the pages under /w/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.wins import posts_views as views

urlpatterns: list[URLPattern] = [
    path("wins/settings/", views.wins_settings, name="wins_settings"),
]
