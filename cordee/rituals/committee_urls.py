"""The committees' pages under /w/<slug>/committees/ (committee_views.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.rituals import committee_views as views

urlpatterns: list[URLPattern] = [
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/new/", views.committee_create, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/archive/", views.committee_archive, name="committee_archive"),
    path(
        "committees/<int:pk>/members/add/",
        views.committee_member_add,
        name="committee_member_add",
    ),
    path(
        "committees/<int:pk>/members/remove/",
        views.committee_member_remove,
        name="committee_member_remove",
    ),
]
