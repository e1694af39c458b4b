import os
import sys

from celery import Celery
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")

app = Celery("verdicts")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _settings_or_one_line(sender: Celery, **kwargs) -> None:
    """A worker or beat without a required variable stops with one line, not a traceback.

    Celery reads Django's settings lazily, when the command line first needs its
    configuration; this runs just before that read.
    """
    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings now
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
