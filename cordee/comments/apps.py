from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "cordee.comments"
    label = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from cordee.comments import timeline

        timeline.register()
