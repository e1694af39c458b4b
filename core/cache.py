"""django-redis, made to let the site keep serving when Redis does not answer.

IGNORE_EXCEPTIONS (settings.CACHES) answers a failure as a miss: reads return the
default, writes do nothing. ResilientClient changes what callers rely on: ``add`` says it
added, ``incr`` and ``decr`` raise ValueError as for a missing key, and ``touch`` is a miss
too. Rate limits built on the cache therefore fail open while Redis is down (see
RATELIMIT_FAIL_OPEN).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS logs every failure to this module's logger, where
``_throttle`` lets one line through every few seconds, with a count of the ones between.

A Redis that hangs rather than refuses costs every operation a whole socket timeout, and
a page makes several. So after a failure the cache does not ask Redis again for
RETRY_AFTER_SECONDS: operations get their miss at once, and a page waits at most one
socket timeout. When Redis first answers again, ``cache_recovered`` is sent: writes made
while it was away were lost, so whatever was cached before may be stale
(core/pagecache.py acts on it).

Both classes below are django-redis's documented extension points and go together:
ResilientRedis (REDIS_CLIENT_CLASS) notes each failure, ResilientClient (CLIENT_CLASS)
decides before each operation whether to ask Redis at all.

ResilientClient also answers reads of the few small keys every page needs (versions, the
member's row, own state and session: NEAR_CACHE_PREFIXES) from the process's near cache
(core/nearcache.py), exact because Redis tells it of every change. It does so only while
Redis answers: a thread that met a failure reads through Redis, as above, and a near cache
that loses its connection counts as a failure of Redis.
"""

import logging
import threading
import time
from contextlib import contextmanager

import redis
from django.conf import settings
from django.dispatch import Signal
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.nearcache import NearCache, near_cache

logger = logging.getLogger(__name__)  # settings.DJANGO_REDIS_LOGGER names it

LOG_EVERY_SECONDS = 5.0
RETRY_AFTER_SECONDS = 2.0
UNANSWERED = (RedisConnectionError, RedisTimeoutError)  # not reached, or no answer in time

cache_recovered = Signal()  # sender: ResilientClient; cache: the cache that recovered


class _Throttle(logging.Filter):
    """django-redis logs every ignored failure with its traceback, and a Redis that is down
    fails every operation of every page: pass one line every LOG_EVERY_SECONDS instead."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.last = 0.0
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info:
            return True  # not a failure ("Cache available again.")
        with self.lock:
            now = time.monotonic()
            if now - self.last < LOG_EVERY_SECONDS:
                self.suppressed += 1
                return False
            suppressed, self.suppressed, self.last = self.suppressed, 0, now
        record.msg = (
            "Cache unavailable (%s); serving without it. %d more failures since the last report."
        )
        record.args = (record.exc_info[1], suppressed)
        record.exc_info = record.exc_text = None
        return True


_throttle = _Throttle()
logger.addFilter(_throttle)


class ResilientRedis(redis.Redis):
    """Every command, PING included, goes through execute_command: note when one fails."""

    failure: Exception | None = None  # the failure Redis has not yet recovered from
    retry_at = 0.0  # monotonic time before which Redis is not asked again

    def execute_command(self, *args, **options):
        try:
            return super().execute_command(*args, **options)
        except UNANSWERED as error:
            self.failure, self.retry_at = error, time.monotonic() + RETRY_AFTER_SECONDS
            raise


def answering(cache) -> bool:
    """Whether the cache's Redis answered its last operation in this thread: False while it
    is down (every operation a miss), True once it answers again or for another backend."""
    client = getattr(cache, "client", None)
    return not isinstance(client, ResilientClient) or client.answering


@contextmanager
def _missing_key_while_down():
    try:
        yield
    except ConnectionInterrupted as error:
        logger.exception("Exception ignored")  # as django-redis reports the ones it ignores
        raise ValueError("The cache is unavailable.") from error


class ResilientClient(DefaultClient):
    """For IGNORE_EXCEPTIONS and REDIS_CLIENT_CLASS = ResilientRedis. Django keeps one cache,
    so one client and its ResilientRedis, per thread: this state needs no lock."""

    def __init__(self, server, params, backend) -> None:
        super().__init__(server, params, backend)
        self.cache = backend
        self._near_prefixes = [self.make_key(prefix) for prefix in settings.NEAR_CACHE_PREFIXES]

    @property
    def answering(self) -> bool:
        return all(client is None or client.failure is None for client in self._clients)

    # Every operation starts by asking for the redis-py client (pipelines included).
    def get_client(self, write=True, tried=None):
        return self.get_client_with_index(write=write, tried=tried)[0]

    def get_client_with_index(self, write=True, tried=None):
        client, index = super().get_client_with_index(write=write, tried=tried)
        if client.failure is not None:
            self._answers_again(client)
        return client, index

    def _answers_again(self, client: ResilientRedis) -> None:
        """After a failure: raise ConnectionInterrupted (a miss) unless Redis answers now. Its
        first answer sends cache_recovered, before the operation that asked runs, so that
        operation sees what receivers did."""
        if time.monotonic() < client.retry_at:
            cause = RedisConnectionError(f"not tried, as {client.failure}")
            raise ConnectionInterrupted(connection=client) from cause
        try:
            client.ping()
        except RedisError as error:
            raise ConnectionInterrupted(connection=client) from error
        client.failure = None
        logger.warning("Cache available again.")
        cache_recovered.send(sender=type(self), cache=self.cache)
        if client.failure is not None:  # a receiver's own operation failed
            raise ConnectionInterrupted(connection=client) from client.failure

    @property
    def near(self) -> NearCache | None:
        """This process's near cache of the first (the writable) server, or None when it is
        off. Looked up on each use: a forked process gets its own."""
        if not settings.NEAR_CACHE_BYTES:
            return None
        timeout = self._options.get("SOCKET_TIMEOUT", RETRY_AFTER_SECONDS)
        return near_cache(self._server[0], self._near_prefixes, settings.NEAR_CACHE_BYTES, timeout)

    def get(self, key, default=None, version=None, client=None):
        near = self.near
        if client is None and near is not None and near.tracks(self.make_key(key, version=version)):
            return self.get_many([key], version=version).get(key, default)
        return super().get(key, default=default, version=version, client=client)

    def get_many(self, keys, version=None, client=None):
        near = self.near
        made = {str(self.make_key(key, version=version)): key for key in keys}
        tracked = [key for key in made if near is not None and near.tracks(key)]
        if client is not None or not tracked or not self.answering:
            return super().get_many(keys, version=version, client=client)
        try:
            found, reading = near.held(tracked)
        except RedisTimeoutError as error:  # Redis did not answer in time: a miss, as for any
            client = self.get_client(write=True)  # operation that times out (ResilientRedis)
            client.failure, client.retry_at = error, time.monotonic() + RETRY_AFTER_SECONDS
            raise ConnectionInterrupted(connection=client) from error
        except (RedisError, OSError):  # its connection closed, or it was not tried: ask Redis
            return super().get_many(keys, version=version)
        rest = [key for key in made if key not in found]
        read = {}
        try:
            if rest:  # from the server Redis tracks writes on, never a replica behind it
                client = self.get_client(write=True)
                try:
                    read = dict(zip(rest, client.mget(*rest), strict=True))
                except (RedisError, OSError) as error:
                    raise ConnectionInterrupted(connection=client) from error
        finally:
            near.keep(reading, read)  # what was not read is not kept
        found.update(read)
        return {made[key]: self.decode(value) for key, value in found.items() if value is not None}

    def _written(self, *keys) -> None:
        """This thread wrote ``keys``: the near cache lets them go at once."""
        near = self.near
        if near is not None:
            near.drop(str(key) for key in keys)

    def set(self, key, *args, version=None, **kwargs):
        try:
            return super().set(key, *args, version=version, **kwargs)
        finally:
            self._written(self.make_key(key, version=version))

    def _incr(self, key, *args, version=None, **kwargs):
        try:
            return super()._incr(key, *args, version=version, **kwargs)
        finally:
            self._written(self.make_key(key, version=version))

    def delete(self, key, version=None, prefix=None, client=None):
        try:
            return super().delete(key, version=version, prefix=prefix, client=client)
        finally:
            self._written(self.make_key(key, version=version, prefix=prefix))

    def delete_many(self, keys, version=None, client=None):
        keys = list(keys)
        try:
            return super().delete_many(keys, version=version, client=client)
        finally:
            self._written(*(self.make_key(key, version=version) for key in keys))

    def clear(self, client=None):
        try:
            return super().clear(client=client)
        finally:
            if (near := self.near) is not None:
                near.drop_all()

    # Two writes that each take one round trip, where django-redis's own would take one per
    # key (incr) or two (add, then incr).
    def incr_each(self, keys, version=None) -> None:
        """Add one to each of ``keys``, a key not there starting at 1 (Redis's INCR): the page
        versions a change moves (core/pagecache.py), all in one round trip."""
        made = [self.make_key(key, version=version) for key in keys]
        try:
            self._pipelined(lambda pipe: [pipe.incr(key) for key in made])
        finally:
            self._written(*made)

    def count(self, key, seconds: int, version=None) -> int | None:
        """Count one more against ``key``, which lives ``seconds`` from its first count, and
        return the count so far; None when Redis did not answer (a rate limit fails open)."""
        made = self.make_key(key, version=version)
        answers = self._pipelined(
            lambda pipe: (pipe.incr(made), pipe.expire(made, seconds, nx=True))
        )
        return None if answers is None else answers[0]

    def _pipelined(self, fill) -> list | None:
        """Send the commands ``fill`` queues on a pipeline, in one round trip, and return
        their answers; None when Redis did not answer, a failure noted as ResilientRedis
        notes its own (pipelines do not pass through its execute_command) and logged as
        django-redis logs the ones it ignores."""
        try:
            client = self.get_client(write=True)
        except ConnectionInterrupted:  # not asked: it failed a moment ago
            logger.exception("Exception ignored")
            return None
        pipe = client.pipeline(transaction=False)
        fill(pipe)
        try:
            return pipe.execute()
        except UNANSWERED as error:
            client.failure, client.retry_at = error, time.monotonic() + RETRY_AFTER_SECONDS
            logger.exception("Exception ignored")
        except RedisError:
            logger.exception("Exception ignored")
        return None

    # While Redis is down, ``add`` says it added: locks taken with it (allauth's rate
    # limits take one) let their holder through, as RATELIMIT_FAIL_OPEN has it, instead
    # of every holder waiting for a lock it can never get. (django-redis answers None.)
    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except ConnectionInterrupted:
            logger.exception("Exception ignored")
            return True

    # django-redis would answer None; callers (core/pagecache.py) handle a missing key.
    def incr(self, *args, **kwargs):
        with _missing_key_while_down():
            return super().incr(*args, **kwargs)

    def decr(self, *args, **kwargs):
        with _missing_key_while_down():
            return super().decr(*args, **kwargs)

    # django-redis lets touch's errors through unwrapped, past IGNORE_EXCEPTIONS.
    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except UNANSWERED as error:
            raise ConnectionInterrupted(connection=None) from error
