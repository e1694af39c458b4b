"""/healthz: whether the database, the cache and the Celery broker answer."""

import logging

from celery import current_app as app
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not return what was stored")


def _broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every part answers; 503 naming the ones that do not."""
    status = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "down", whatever raised it
            logger.warning("healthz: %s is down: %s", name, error)
            status[name] = "down"
        else:
            status[name] = "ok"
    down = [name for name, state in status.items() if state != "ok"]
    return JsonResponse(
        {"status": "ok" if not down else "down", **status}, status=503 if down else 200
    )
