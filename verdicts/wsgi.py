import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verdicts.settings")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line for the operator, not a traceback per gunicorn worker.
    sys.exit(f"Configuration error: {error}")
