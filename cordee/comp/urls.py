"""Variable pay pages, under ``/w/<slug>/pay/``."""

from __future__ import annotations

from django.urls import path

from cordee.comp import views

urlpatterns = [
    path("pay/", views.pay, name="pay"),
    path("pay/plans/new/", views.plan_new, name="pay_plan_new"),
    path("pay/plans/<int:pk>/", views.plan_detail, name="pay_plan_detail"),
    path("pay/plans/<int:pk>/cost/", views.plan_cost, name="pay_plan_cost"),
    path(
        "pay/plans/<int:pk>/remove/",
        views.plan_participant_remove,
        name="pay_plan_participant_remove",
    ),
    path(
        "pay/plans/<int:pk>/versions/<int:number>/document.json",
        views.plan_download,
        name="pay_plan_download",
    ),
    path("pay/statements/<int:pk>/", views.statement_detail, name="pay_statement"),
    path("pay/statements/refresh/", views.statements_refresh, name="pay_statements_refresh"),
    path("pay/plans/<int:pk>/payroll/<str:period>/", views.payroll, name="pay_payroll"),
    path("pay/admins/grant/", views.comp_admin_grant, name="comp_admin_grant"),
    path("pay/admins/revoke/", views.comp_admin_revoke, name="comp_admin_revoke"),
]
