from django.apps import AppConfig


class VerdictsConfig(AppConfig):
    name = "verdicts"
    verbose_name = "Comparisons and members"

    def ready(self) -> None:
        from verdicts import signals  # noqa: F401  connects the page-cache invalidation
