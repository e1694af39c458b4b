"""A Redis cache that lets the site keep serving when Redis does not answer.

Every failure is logged (at most once every few seconds, with a count of the
ones in between) and answered as a miss: reads return the default, writes do
nothing, ``incr`` raises ValueError as a missing key would, ``add`` says it
added. Rate limits built on the cache therefore fail open while Redis is down
(see RATELIMIT_FAIL_OPEN).

A Redis that hangs rather than refuses costs every operation a whole socket
timeout, and a page makes several. So after a failure the cache does not ask
Redis again for RETRY_AFTER_SECONDS: operations get their miss at once, and a
page waits at most one socket timeout. When Redis first answers again,
``cache_recovered`` is sent: writes made while it was away were lost, so
whatever was cached before may be stale (verdicts/signals.py acts on it).
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 5.0
RETRY_AFTER_SECONDS = 2.0

cache_recovered = Signal()  # sender: the cache class; cache: the instance that recovered


class _ThrottledLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0
        self.suppressed = 0

    def warn(self, operation: str, error: Exception | str) -> None:
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
            if self._error is not None and not self._answers_again(method.__name__):
                return default(*args, **kwargs) if callable(default) else default
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._failed(method.__name__, error)
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

    # Django keeps one cache instance per thread, so this state needs no lock.
    _error: Exception | None = None  # the failure Redis has not yet recovered from
    _resting_until = 0.0  # monotonic time before which Redis is not asked again

    def _failed(self, operation: str, error: Exception) -> None:
        self._error = error
        self._resting_until = time.monotonic() + RETRY_AFTER_SECONDS
        _log.warn(operation, error)

    def _answers_again(self, operation: str) -> bool:
        """After a failure: whether Redis answers now. Its first answer sends cache_recovered,
        before the operation that asked runs, so that operation sees what receivers did."""
        if time.monotonic() < self._resting_until:
            _log.warn(operation, f"not tried, as {self._error}")
            return False
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as error:
            self._failed(operation, error)
            return False
        self._error = None
        logger.warning("Cache available again.")
        cache_recovered.send(sender=type(self), cache=self)
        return self._error is None  # a receiver's own operation may have failed

    def validate_key(self, key: str) -> None:
        """Redis takes any key. Django's checks warn of memcached's limits (250 characters,
        no spaces), and an address with a long slug would set them off on every request."""

    # While Redis is down, ``add`` says it added: locks taken with it (allauth's rate
    # limits take one) let their holder through, as RATELIMIT_FAIL_OPEN has it, instead
    # of every holder waiting for a lock it can never get.
    add = _swallow(True)(RedisCache.add)
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
