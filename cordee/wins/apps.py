from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WinsConfig(AppConfig):
    name = "cordee.wins"
    label = "wins"
    verbose_name = _("Wins wall and kudos")

    def ready(self) -> None:
        from cordee.wins import (
            jobs,  # noqa: F401  (the scan of new wins, in core.scheduler's registry)
            notices,  # noqa: F401  (the words of its notifications)
        )
