"""gunicorn reads this file from the working directory on its own (compose, Dockerfile, bench).

It loads Django's settings in the master before any worker starts, so a missing required
variable stops start-up with one line instead of every worker failing in turn.

The site runs behind nginx (deploy/nginx.conf), which reads each request whole before
passing it on and takes each answer whole: a worker is never held by a slow client, so
gunicorn's plain sync workers serve it, one request each at a time, sized for the CPU: one a
core and one more for the moments a worker waits on PostgreSQL or Redis. Requests beyond
them wait in the listen queue in the order they came, which is what lets the load shedding
(core/middleware.py) judge each by how long it waited. Measured against threads on two
cores in bench/RESULTS.md. WEB_CONCURRENCY changes the number of workers; WEB_THREADS above
1 switches to gunicorn's threaded workers.
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

workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "sync" if threads == 1 else "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 10  # threaded workers only: longer than nginx keeps an idle upstream connection
