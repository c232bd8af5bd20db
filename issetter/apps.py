from django.apps import AppConfig


class IssetterConfig(AppConfig):
    name = "issetter"
    verbose_name = "Offices and people"
