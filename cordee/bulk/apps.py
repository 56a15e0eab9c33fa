from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkConfig(AppConfig):
    name = "cordee.bulk"
    label = "bulk"
    verbose_name = _("Bulk actions")

    def ready(self) -> None:
        from cordee.bulk import views

        views.register_list_extension()
