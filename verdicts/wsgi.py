import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from core.middleware import content_type_checked

# gunicorn halts, rather than booting worker after worker, when one exits with this code
# (its WORKER_BOOT_ERROR). gunicorn.conf.py normally stops start-up before any worker.
BOOT_ERROR = 3

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")
try:
    application = content_type_checked(get_wsgi_application())
except ImproperlyConfigured as error:
    print(f"Configuration error: {error}", file=sys.stderr)
    sys.exit(BOOT_ERROR)
