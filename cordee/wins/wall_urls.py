"""Wins: the wall, reactions and kudos: the pages under /w/<slug>/ (wall_views.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.wins import wall_views as views

urlpatterns: list[URLPattern] = [
    path("wins/", views.wins_wall, name="wins_wall"),
    path("wins/<int:pk>/", views.win_detail, name="win_detail"),
    path("wins/<int:pk>/react/", views.win_react, name="win_react"),
    path("kudos/", views.kudos_page, name="kudos_page"),
    path("kudos/<int:pk>/withdraw/", views.kudos_withdraw, name="kudos_withdraw"),
]
