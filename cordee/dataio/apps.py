from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    name = "cordee.dataio"
    label = "dataio"
    verbose_name = _("Data in and out")

    def ready(self) -> None:
        from cordee.core.metrics import collector_register
        from cordee.dataio.metrics import import_rate

        collector_register(import_rate)  # /metrics: the import rate
