from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesignConfig(AppConfig):
    name = "cordee.codesign"
    label = "codesign"
    verbose_name = _("Campaigns designed with sales")

    def ready(self) -> None:
        from cordee.codesign.review import launch_guard
        from cordee.crm.launch import launch_guard_register

        # a campaign moves to active only once sales approved its brief (or a manager overrode)
        launch_guard_register(launch_guard)
