"""The meeting's page and its actions, the action items' page (under /w/<slug>/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.rituals import meeting_views as views

urlpatterns: list[URLPattern] = [
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/decisions/", views.meeting_decide, name="meeting_decide"),
    path("meetings/<int:pk>/actions/", views.meeting_action_add, name="meeting_action_add"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("agenda-items/<int:pk>/minutes/", views.agenda_item_minutes, name="agenda_item_minutes"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/done/", views.action_tick, name="action_tick"),
]
