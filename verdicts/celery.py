import os
import sys

from celery import Celery
from celery.app.amqp import AMQP
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")

# Seconds between a worker's or beat's tries to reach a broker that went away.
RECONNECT_INTERVAL = 1


class BrokerConnection(Connection):
    """kombu's connection, trying again every RECONNECT_INTERVAL while the broker is away.

    Celery's worker and beat reconnect through ``ensure_connection`` with kombu's default
    waits, which grow by 2 s a try up to 30 s, and Celery has no setting for them: after
    a 90 s Redis outage the worker found Redis back up to 30 s late, and sending resumed
    only then. A connection attempt a second costs Redis nothing.
    """

    def ensure_connection(
        self,
        errback=None,
        max_retries=None,
        interval_start=RECONNECT_INTERVAL,
        interval_step=0,
        interval_max=RECONNECT_INTERVAL,
        **kwargs,
    ):
        return super().ensure_connection(
            errback, max_retries, interval_start, interval_step, interval_max, **kwargs
        )


class BrokerAMQP(AMQP):
    Connection = BrokerConnection


app = Celery("verdicts", amqp=BrokerAMQP)
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
