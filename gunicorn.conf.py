"""gunicorn reads this file from the working directory on its own (compose, Dockerfile, bench).

It loads Django's settings in the master before any worker starts, so a missing required
variable stops start-up with one line instead of every worker failing in turn.

The site runs behind nginx (deploy/nginx.conf), which reads each request whole before
passing it on and takes each answer whole: a worker is never held by a slow client, so
workers are sized for the CPU alone. Threads let one process go on rendering while another
request waits on PostgreSQL or Redis. WEB_CONCURRENCY and WEB_THREADS change the defaults.
"""

import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")
try:
    settings.INSTALLED_APPS  # noqa: B018 - load the settings now
except ImproperlyConfigured as error:
    sys.exit(f"Configuration error: {error}")

workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = 30
graceful_timeout = 20
# Longer than nginx keeps an idle upstream connection (deploy/nginx.conf), so that gunicorn
# never closes one just as nginx sends a request down it.
keepalive = 10
