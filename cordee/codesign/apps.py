from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesignConfig(AppConfig):
    name = "cordee.codesign"
    label = "codesign"
    verbose_name = _("Campaigns designed with sales")

    def ready(self) -> None:
        from cordee.codesign import alignment_views

        alignment_views.register_list_link()
