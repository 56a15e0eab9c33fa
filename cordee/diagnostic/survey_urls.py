"""Alignment diagnostic: waves, answers and results: the pages under /w/<slug>/
(survey_views.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.diagnostic import survey_views as views

urlpatterns: list[URLPattern] = [
    path("diagnostic/", views.wave_list, name="diagnostic_waves"),
    path("diagnostic/open/", views.wave_open, name="diagnostic_wave_open"),
    path("diagnostic/<int:pk>/", views.wave_detail, name="diagnostic_wave"),
    path("diagnostic/<int:pk>/answer/", views.wave_answer, name="diagnostic_wave_answer"),
    path("diagnostic/<int:pk>/close/", views.wave_close, name="diagnostic_wave_close"),
    path("diagnostic/<int:pk>/export/", views.wave_export, name="diagnostic_wave_export"),
]
