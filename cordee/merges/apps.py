from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergesConfig(AppConfig):
    name = "cordee.merges"
    label = "merges"
    verbose_name = _("Merges")

    def ready(self) -> None:
        from cordee.merges import timeline

        timeline.register()
