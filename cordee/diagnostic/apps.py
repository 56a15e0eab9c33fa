from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticConfig(AppConfig):
    name = "cordee.diagnostic"
    label = "diagnostic"
    verbose_name = _("Alignment diagnostic")
