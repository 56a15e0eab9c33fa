from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RitualsConfig(AppConfig):
    name = "cordee.rituals"
    label = "rituals"
    verbose_name = _("Rituals: committees and vis-ma-vie")

    def ready(self) -> None:
        import cordee.rituals.pairing_notices  # noqa: F401  (the pairing's words)
        from cordee.rituals import notices  # noqa: F401  (the words of its notifications)
