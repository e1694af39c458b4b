import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.template import TemplateSyntaxError

from core.middleware import content_type_checked
from core.warmup import warm

# gunicorn halts, rather than booting worker after worker, when one exits with this code
# (its WORKER_BOOT_ERROR). gunicorn.conf.py normally stops start-up before any worker.
BOOT_ERROR = 3

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")
try:
    application = content_type_checked(get_wsgi_application())
    warm()  # the URLconf and templates, before this worker's first request (core/warmup.py)
except ImproperlyConfigured as error:
    print(f"Configuration error: {error}", file=sys.stderr)
    sys.exit(BOOT_ERROR)
except TemplateSyntaxError as error:  # a broken template stops the deploy, not one reader
    print(f"Template error: {error}", file=sys.stderr)
    sys.exit(BOOT_ERROR)
