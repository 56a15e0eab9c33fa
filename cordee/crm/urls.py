"""Pages of the shared data, under ``/w/<slug>/``."""

from __future__ import annotations

from cordee.core.web import record_urls
from cordee.crm import views

urlpatterns = [
    *record_urls(views.ACCOUNTS, "accounts"),
    *record_urls(views.CONTACTS, "contacts"),
    *record_urls(views.LEADS, "leads"),
    *record_urls(views.OPPORTUNITIES, "opportunities"),
    *record_urls(views.CAMPAIGNS, "campaigns"),
]
