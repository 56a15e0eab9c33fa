from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesignConfig(AppConfig):
    name = "cordee.codesign"
    label = "codesign"
    verbose_name = _("Campaigns designed with sales")

    def ready(self) -> None:
        from cordee.codesign import (
            alignment_views,
            kit_notices,  # noqa: F401  (the kit's notification words)
        )
        from cordee.codesign.kit_views import lead_kit_panel
        from cordee.funnel.record_pages import lead_panel_register

        alignment_views.register_list_link()
        lead_panel_register(lead_kit_panel)
