from __future__ import annotations

from django.contrib import admin

from cordee.funnel import models as m


@admin.register(m.Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "stage", "score", "owner", "created_at")
    list_filter = ("workspace", "stage")
    raw_id_fields = ("contact", "source_campaign", "owner", "pod")


@admin.register(m.Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "stage", "amount", "currency", "close_date")
    list_filter = ("workspace", "stage")
    search_fields = ("name",)
    raw_id_fields = ("account", "lead", "owner", "primary_campaign", "pod")
