from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "watchlists"
    verbose_name = "Watchlists"

    def ready(self) -> None:
        from watchlists import ownparts

        ownparts.register()
