from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    """The ground floor: workspaces, people, their memberships and API tokens.

    Imports no other Cordée app; every other app may import it."""

    name = "cordee.tenancy"
    label = "tenancy"
    verbose_name = _("Workspaces and people")
