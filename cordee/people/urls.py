"""Pods and the profile, under ``/w/<slug>/``."""

from __future__ import annotations

from django.urls import path

from cordee.core.record_views import record_urls
from cordee.people import access_views, views

urlpatterns = [
    *record_urls(views.PODS, "pods"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "profile/sessions/end-others/",
        access_views.sessions_end_others,
        name="sessions_end_others",
    ),
    path("members/", access_views.members, name="members"),
    path("members/<int:pk>/", access_views.member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", access_views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", access_views.member_reactivate, name="member_reactivate"),
    path(
        "members/<int:pk>/unlock/",
        access_views.member_signin_unlock,
        name="member_signin_unlock",
    ),
    path("members/<int:pk>/handover/", access_views.member_handover, name="member_handover"),
    path(
        "members/invitations/<int:pk>/revoke/",
        access_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<str:pk>/", views.outbox_message, name="outbox_message"),
    path("outbox/<str:pk>/html/", views.outbox_message_html, name="outbox_message_html"),
]
