"""gunicorn reads this file from the working directory on its own (compose, Dockerfile, bench).

It loads Django's settings in the master before any worker starts, so a missing required
variable stops start-up with one line instead of every worker failing in turn.
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
