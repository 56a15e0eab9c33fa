from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "cordee.lists"
    label = "lists"
    verbose_name = _("Lists and saved views")

    def ready(self) -> None:
        from cordee.lists import extension

        extension.register()
