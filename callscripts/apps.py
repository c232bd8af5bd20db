from django.apps import AppConfig


class CallScriptsConfig(AppConfig):
    name = "callscripts"
    verbose_name = "Call scripts"
