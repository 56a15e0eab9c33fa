"""Django admin for instance operators: pods, invitations, sessions."""

from __future__ import annotations

from django.contrib import admin

from cordee.people import models as m


@admin.register(m.Pod)
class PodAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace")
    list_filter = ("workspace",)
    search_fields = ("name",)


@admin.register(m.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "workspace", "role", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("workspace", "role")
    search_fields = ("email",)
    readonly_fields = ("key_hash",)


@admin.register(m.UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "last_seen", "ip", "user_agent")
    search_fields = ("user__email",)
