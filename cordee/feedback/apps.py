from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "cordee.feedback"
    label = "feedback"
    verbose_name = _("Field feedback")

    def ready(self) -> None:
        from cordee.feedback import handover, kpis

        handover.register()
        kpis.register()
