from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompConfig(AppConfig):
    name = "cordee.comp"
    label = "comp"
    verbose_name = _("Variable pay")
