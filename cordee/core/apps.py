from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cordee.core"
    label = "core"
