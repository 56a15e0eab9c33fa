from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FunnelConfig(AppConfig):
    name = "cordee.funnel"
    label = "funnel"
    verbose_name = _("Shared funnel")

    def ready(self) -> None:
        from cordee.funnel import handover

        handover.register()
