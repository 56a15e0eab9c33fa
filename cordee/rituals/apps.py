from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RitualsConfig(AppConfig):
    name = "cordee.rituals"
    label = "rituals"
    verbose_name = _("Rituals: committees and vis-ma-vie")

    def ready(self) -> None:
        from cordee.codesign.feeds import feed_source_register
        from cordee.rituals import (
            agenda_jobs,  # noqa: F401  (the pre-read before each meeting, core.scheduler's registry)
            agenda_notices,  # noqa: F401  (the agenda's notification words)
            committee_jobs,  # noqa: F401  (the committees' daily job, in core.scheduler's registry)
            notices,  # noqa: F401  (the words of its notifications)
            pairing_notices,  # noqa: F401  (the pairing's words)
        )
        from cordee.rituals.committee_selectors import feed_events

        # the meetings of a person's committees in their calendar feed (codesign.feeds)
        feed_source_register(feed_events)
