from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "tools"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from tools import bookmarks, ownparts  # noqa: F401  bookmarks connects the sign-in receiver

        ownparts.register()
