from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "calendars"

    def ready(self) -> None:
        from calendars import dashboard  # noqa: F401  (registers today's figures)
