from __future__ import annotations

from django.contrib import admin

from cordee.integrations import models as m


@admin.register(m.WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "format", "url", "is_active")
    list_filter = ("workspace", "format", "is_active")


@admin.register(m.WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = ("payload",)
