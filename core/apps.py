from django.apps import AppConfig
from django.core.signals import setting_changed

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
        # Pages a worker holds were made under the settings of their time (tests change them).
        setting_changed.connect(
            pagecache.on_setting_changed, dispatch_uid="core.pagecache.on_setting_changed"
        )
