from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "cordee.people"
    label = "people"
    verbose_name = _("Pods and notifications")

    def ready(self) -> None:
        from cordee.people import handover, sessions  # noqa: F401  (receivers, hand-over kinds)

        handover.register_pods()
