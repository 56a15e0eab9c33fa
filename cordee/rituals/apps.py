from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RitualsConfig(AppConfig):
    name = "cordee.rituals"
    label = "rituals"
    verbose_name = _("Rituals: committees and vis-ma-vie")

    def ready(self) -> None:
        from cordee.rituals import (  # noqa: F401
            agenda_jobs,  # the agenda's periodic job (the pre-read before each meeting)
            agenda_notices,  # the agenda's notification words
            notices,
        )
