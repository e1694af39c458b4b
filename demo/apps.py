from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data: it writes every app's rows, so it sits above them all."""

    name = "demo"
    verbose_name = "Demo data"
