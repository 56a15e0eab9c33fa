"""Django admin for instance operators: pods."""

from __future__ import annotations

from django.contrib import admin

from cordee.people import models as m


@admin.register(m.Pod)
class PodAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace")
    list_filter = ("workspace",)
    search_fields = ("name",)
