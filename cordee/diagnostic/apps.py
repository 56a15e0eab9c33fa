from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    name = "cordee.diagnostic"
    label = "diagnostic"
    verbose_name = _("Alignment diagnostic")

    def ready(self) -> None:
        from cordee.diagnostic import (
            jobs,  # noqa: F401  (the daily closing of waves, core.scheduler's registry)
            notices,  # noqa: F401  (the words of its notifications)
        )
