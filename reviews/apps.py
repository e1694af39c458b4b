from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Panel and community"

    def ready(self) -> None:
        from reviews import signals  # noqa: F401  connects the receivers (deletion, sign-in)
