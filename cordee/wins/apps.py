from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WinsConfig(AppConfig):
    name = "cordee.wins"
    label = "wins"
    verbose_name = _("Wins wall and kudos")
