"""Pods as living units and their value log: the pages under /w/<slug>/ (pods_views.py).

``pods/`` and ``pods/<pk>/`` come before people's record pages of the same paths (config/urls.py
includes alignment's routes first): the list and the pod's page are these; people's
``pods_list`` and ``pods_detail`` names reverse to the same addresses, so their links still
lead here. Creating, editing and deleting a pod stay people's pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from cordee.alignment import pods_views as views

urlpatterns: list[URLPattern] = [
    path("pods/", views.pod_list, name="pod_units"),
    path("pods/<int:pk>/", views.pod_page, name="pod_page"),
    path("pods/<int:pk>/value-log/", views.pod_value_log, name="pod_value_log"),
    path("value-log/<int:pk>/edit/", views.pod_value_edit, name="pod_value_edit"),
    path("value-log/<int:pk>/delete/", views.pod_value_delete, name="pod_value_delete"),
]
