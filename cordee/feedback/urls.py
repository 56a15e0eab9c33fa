"""Field-feedback pages, under ``/w/<slug>/feedback/``."""

from __future__ import annotations

from django.urls import path

from cordee.core.record_views import record_urls
from cordee.feedback import views

urlpatterns = [
    path("feedback/", views.inbox, name="feedback_inbox"),
    path("feedback/export/", views.inbox_export, name="feedback_inbox_export"),
    path("feedback/new/", views.create, name="feedback_create"),
    path("feedback/similar/", views.similar, name="feedback_similar"),
    path("feedback/mine/", views.mine, name="feedback_mine"),
    path("feedback/health/", views.health, name="feedback_health"),
    path("feedback/settings/", views.settings_view, name="feedback_settings"),
    path("feedback/<int:pk>/", views.detail, name="feedback_detail"),
    path("feedback/<int:pk>/file/", views.attachment, name="feedback_attachment"),
    path("feedback/<int:pk>/vote/", views.vote, name="feedback_vote"),
    path("feedback/<int:pk>/status/", views.status_change, name="feedback_status"),
    path("feedback/<int:pk>/assign/", views.assign, name="feedback_assign"),
    path("feedback/<int:pk>/respond/", views.respond, name="feedback_respond"),
    path("feedback/<int:pk>/merge/", views.merge, name="feedback_merge"),
    path("feedback/<int:pk>/merge/search/", views.merge_search, name="feedback_merge_search"),
    *record_urls(views.COMPETITORS_PAGE, "feedback/competitors"),
]
