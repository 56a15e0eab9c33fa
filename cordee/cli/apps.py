from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CliConfig(AppConfig):
    """The commands that run the whole product (``cordee run``, ``cordee demo``,
    ``cordee attribution``): the top floor, which may import every app."""

    name = "cordee.cli"
    label = "cli"
    verbose_name = _("Command line")
