"""A Redis cache that lets the site keep serving when Redis does not answer.

Every failure is logged (at most once every few seconds, with a count of the
ones in between) and answered as a miss: reads return the default, writes do
nothing, ``incr`` raises ValueError as a missing key would. Rate limits built on
the cache therefore fail open while Redis is down (see RATELIMIT_FAIL_OPEN).
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 5.0


class _ThrottledLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0
        self.suppressed = 0

    def warn(self, operation: str, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < LOG_EVERY_SECONDS:
                self.suppressed += 1
                return
            suppressed, self.suppressed, self.last = self.suppressed, 0, now
        logger.warning(
            "Cache unavailable (%s failed: %s); serving without it. %d more failures since the "
            "last report.",
            operation,
            error,
            suppressed,
        )


_log = _ThrottledLog()


def _swallow(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                _log.warn(method.__name__, error)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _missing_key(*args, **kwargs):
    raise ValueError("The cache is unavailable.")


class ReusedClients(RedisCacheClient):
    """Django makes a new redis-py client for every cache call, and a client's constructor
    builds its whole table of reply callbacks: keep one client per connection pool instead
    (clients are thread-safe; the pool hands out the connections)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClients

    add = _swallow(False)(RedisCache.add)
    get = _swallow(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _swallow(None)(RedisCache.set)
    touch = _swallow(False)(RedisCache.touch)
    delete = _swallow(False)(RedisCache.delete)
    get_many = _swallow({})(RedisCache.get_many)
    has_key = _swallow(False)(RedisCache.has_key)
    incr = _swallow(_missing_key)(RedisCache.incr)
    set_many = _swallow(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _swallow(None)(RedisCache.delete_many)
    clear = _swallow(None)(RedisCache.clear)
