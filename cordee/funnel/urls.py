"""Funnel pages, under ``/w/<slug>/``."""

from __future__ import annotations

from django.urls import path

from cordee.core.record_views import record_urls
from cordee.funnel import credit_views, goal_views, record_pages, settings_pages, views

urlpatterns = [
    *record_urls(record_pages.ACCOUNTS, "accounts"),
    *record_urls(record_pages.CONTACTS, "contacts"),
    *record_urls(record_pages.LEADS, "leads"),
    path("opportunities/board/", views.opportunity_board, name="opportunity_board"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path(
        "opportunities/<int:pk>/credits/",
        credit_views.opportunity_credits,
        name="opportunity_credits",
    ),
    *record_urls(record_pages.OPPORTUNITIES, "opportunities"),
    *record_urls(record_pages.CAMPAIGNS, "campaigns"),
    path("queue/", views.queue, name="mql_queue"),
    path("queue/export/", views.queue_export, name="mql_queue_export"),
    path("funnel/", views.board, name="funnel_board"),
    path("sla/", views.sla_dashboard, name="sla_dashboard"),
    path("rejections/", views.rejections, name="rejections_report"),
    path("funnel/metrics/", views.funnel_metrics, name="funnel_metrics"),
    path("plan/", views.plan, name="plan"),
    path("plan/goals/", goal_views.plan_goals, name="plan_goals"),
    path("kpis/", views.kpis_catalogue, name="kpis"),
    path("goals/", goal_views.goal_list, name="goals"),
    path("goals/new/", goal_views.goal_new, name="goal_new"),
    path("goals/thresholds/", goal_views.goal_thresholds, name="goal_thresholds"),
    path("goals/<int:pk>/", goal_views.goal_detail, name="goal_detail"),
    path("goals/<int:pk>/edit/", goal_views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", goal_views.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/trend/", goal_views.goal_trend, name="goal_trend"),
    path("leads/<int:pk>/accept/", views.lead_accept, name="lead_accept"),
    path("leads/<int:pk>/reject/", views.lead_reject, name="lead_reject"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("activity/<str:record>/<int:pk>/", views.activity_log, name="activity_log"),
    path("tasks/<str:record>/<int:pk>/", views.task_plan, name="task_plan"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("timeline/<str:record>/<int:pk>/", views.record_timeline, name="record_timeline"),
    path("sla-contracts/<int:pk>/sign/", views.contract_sign, name="contract_sign"),
    path("settings/scoring/", views.scoring_settings, name="scoring_settings"),
    path("settings/routing/", views.routing_settings, name="routing_settings"),
    *record_urls(settings_pages.SLA_CONTRACTS, "settings/sla-contracts"),
    *record_urls(settings_pages.SCORING_RULES, "settings/scoring-rules"),
    *record_urls(settings_pages.REJECTION_REASONS, "settings/rejection-reasons"),
    *record_urls(settings_pages.ROUTING_RULES, "settings/routing-rules"),
]
