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
        from cordee.codesign.review import launch_guard
        from cordee.crm.launch import launch_guard_register
        from cordee.funnel.record_pages import lead_panel_register

        alignment_views.register_list_link()
        # the kit beside the SLA clocks of each lead the campaign sourced
        lead_panel_register(lead_kit_panel)
        # a campaign moves to active only once sales approved its brief (or a manager overrode)
        launch_guard_register(launch_guard)
