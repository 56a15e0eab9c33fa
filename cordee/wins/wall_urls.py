"""Wins: the wall, reactions and kudos: the pages under /w/<slug>/."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
