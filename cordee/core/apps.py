from django.apps import AppConfig

from cordee.core import twofactor


class CoreConfig(AppConfig):
    name = "cordee.core"
    label = "core"

    def ready(self) -> None:
        # the sign-in signal that leaves a session with a two-factor device owing its code
        twofactor.connect()
