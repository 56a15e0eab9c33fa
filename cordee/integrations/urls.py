from __future__ import annotations

from django.urls import path

from cordee.core.record_views import record_urls
from cordee.integrations import views

urlpatterns = [
    *record_urls(views.WEBHOOKS, "settings/webhooks"),
    *record_urls(views.INCOMING, "settings/incoming"),
    path("settings/incoming/<int:pk>/rotate/", views.incoming_rotate, name="incoming_rotate"),
]
