from django.apps import AppConfig


class AgentConfig(AppConfig):
    name = "agent"
    verbose_name = "Agent"

    def ready(self) -> None:
        from agent import model_summaries  # noqa: F401  (the language model improves calls' summaries when configured)
