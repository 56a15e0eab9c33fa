"""The programmes' pages under /w/<slug>/programmes/ (the pairing and the effect pages,
…/<pk>/pairing/ and …/<pk>/effect/, are ``pairing_urls.py``'s)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.rituals import programme_views as views

urlpatterns: list[URLPattern] = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/close/", views.programme_close, name="programme_close"),
    path("programmes/<int:pk>/join/", views.programme_join, name="programme_join"),
    path(
        "programmes/participants/<int:pk>/",
        views.participant_change,
        name="programme_participant_change",
    ),
    path(
        "programmes/participants/<int:pk>/withdraw/",
        views.participant_withdraw,
        name="programme_participant_withdraw",
    ),
    path(
        "programmes/participants/<int:pk>/debrief/",
        views.debrief_write,
        name="programme_debrief_write",
    ),
    path(
        "programmes/debriefs/<int:pk>/to-feedback/",
        views.debrief_to_feedback,
        name="exchange_debrief_to_feedback",
    ),
    path(
        "programmes/debriefs/<int:pk>/to-agenda/",
        views.debrief_to_agenda,
        name="exchange_debrief_to_agenda",
    ),
]
