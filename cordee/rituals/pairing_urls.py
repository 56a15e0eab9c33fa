from __future__ import annotations

from django.urls import URLPattern, path

from cordee.rituals import pairing_views as views

urlpatterns: list[URLPattern] = [
    path("programmes/<int:pk>/pairing/", views.pairing_board, name="pairing_board"),
    path("programmes/<int:pk>/pairing/propose/", views.pairing_propose, name="pairing_propose"),
    path("programmes/<int:pk>/pairing/add/", views.pairing_add, name="pairing_add"),
    path("programmes/<int:pk>/pairing/confirm/", views.pairing_confirm, name="pairing_confirm"),
    path("pairings/<int:pk>/drop/", views.pairing_drop, name="pairing_drop"),
    path("exchange-sessions/<int:pk>/move/", views.session_move, name="exchange_session_move"),
    path("programmes/<int:pk>/effect/", views.programme_effect_page, name="programme_effect"),
]
