from __future__ import annotations

from django.contrib import admin

from cordee.crm import models as m


@admin.register(m.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "industry", "size_band", "city")
    list_filter = ("workspace", "size_band")
    search_fields = ("name", "domain")


@admin.register(m.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "workspace", "account")
    list_filter = ("workspace",)
    search_fields = ("last_name", "email")
    raw_id_fields = ("account", "owner")


@admin.register(m.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "channel", "start_date", "budget", "status")
    list_filter = ("workspace", "channel", "status")
    search_fields = ("name",)
