from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Panel and community"

    def ready(self) -> None:
        from reviews import ownparts, signals  # noqa: F401  signals connects the receivers

        ownparts.register()
