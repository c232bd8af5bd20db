from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from reports import dashboard  # noqa: F401  (registers the week's trend on the dashboard)
