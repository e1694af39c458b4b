from django.apps import AppConfig

from core import pagecache
from core.cache import cache_recovered


class CoreConfig(AppConfig):
    """The shared web toolkit: no models; template tags and operators' commands."""

    name = "core"
    verbose_name = "Site toolkit"

    def ready(self) -> None:
        cache_recovered.connect(
            pagecache.after_an_outage, dispatch_uid="core.pagecache.after_an_outage"
        )
