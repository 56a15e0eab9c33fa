from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompConfig(AppConfig):
    name = "cordee.comp"
    label = "comp"
    verbose_name = _("Variable pay")

    def ready(self) -> None:
        from cordee.comp.goal_panel import two_horizons
        from cordee.funnel.goals_page import goal_panel_register

        goal_panel_register(two_horizons)
