from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    name = "cordee.attribution"
    label = "attribution"
    verbose_name = _("Attribution")

    def ready(self) -> None:
        from cordee.attribution import kpis

        kpis.register()
