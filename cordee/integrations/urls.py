from __future__ import annotations

from cordee.core.web import record_urls
from cordee.integrations import views

urlpatterns = [*record_urls(views.WEBHOOKS, "settings/webhooks")]
