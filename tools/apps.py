from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "tools"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from tools import bookmarks  # noqa: F401  connects the sign-in receiver
