"""The agenda's pages, under ``/w/<slug>/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.rituals import agenda_views as views

urlpatterns: list[URLPattern] = [
    path("meetings/<int:pk>/preread/", views.meeting_preread, name="meeting_preread"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path(
        "meetings/<int:pk>/agenda/build/",
        views.meeting_agenda_build,
        name="meeting_agenda_build",
    ),
    path("meetings/<int:pk>/agenda/add/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("agenda-items/<int:pk>/move/", views.agenda_item_move, name="agenda_item_move"),
    path("agenda-items/<int:pk>/remove/", views.agenda_item_remove, name="agenda_item_remove"),
    path("agenda-items/<int:pk>/restore/", views.agenda_item_restore, name="agenda_item_restore"),
]
