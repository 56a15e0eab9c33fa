"""Pods and the profile, under ``/w/<slug>/``."""

from __future__ import annotations

from django.urls import path

from cordee.core.record_views import record_urls
from cordee.people import views

urlpatterns = [
    *record_urls(views.PODS, "pods"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<str:pk>/", views.outbox_message, name="outbox_message"),
]
