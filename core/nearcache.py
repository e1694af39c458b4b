"""Small values of the cache's Redis mirrored in each process's memory, kept exact by Redis.

What a page from the page cache still asks Redis for is a handful of small values: the
version numbers it was rendered at, the member's row and own state, their session. Those
round trips were most of a cached page's time (bench/RESULTS.md), and the values change
rarely next to how often they are read. So each process keeps the ones it read, and Redis
tells it the moment any of them changes: server-assisted client-side caching
(``CLIENT TRACKING`` in broadcasting mode) sends the name of every key under the prefixes
asked for (settings.NEAR_CACHE_PREFIXES) whenever it is written, deleted, expired or
evicted, and a null name when the database is flushed.

How memory stays exact:

- One connection per process receives those names (RESP2, tracking redirected to itself
  and subscribed to ``__redis__:invalidate``). Redis sends them as it applies the write,
  before it answers the writer, so whoever reads after a write was answered finds the
  name already waiting on that socket. Every read first takes in what is waiting (a poll
  that does not block), then answers from memory: no thread, no lag behind Redis.
- A value read from Redis is kept only if no name for its key arrived while it was read
  (a placeholder, kept only if still there), so a read racing a write never keeps the
  older value.
- Memory is trusted only while that connection is known to be alive: it is pinged every
  PING_SECONDS while the process reads, and a process whose last answered ping was sent
  more than TRUST_SECONDS ago pings again and waits for the answer before it trusts
  memory. Only a pong vouches for Redis, and only as of when its ping was sent: a message
  read late (a worker that sat idle) says nothing of now. Redis answers in order, so
  waiting for the pong also takes in every name sent before it. A connection that closes,
  does not answer within the socket timeout, or falls so far behind that Redis drops it
  (its output buffer limit for subscribers) takes everything held with it: the process
  reads from Redis until it has subscribed again. So a Redis that hangs, or a network that
  parts, leaves a process serving what it holds for at most TRUST_SECONDS plus the socket
  timeout before it stops. After such a failure the near cache is left alone for
  RETRY_SECONDS (reads go to Redis, as without it), and a thread never waits longer than
  LOCK_WAIT_SECONDS for another that is waiting on Redis: it reads from Redis itself.
- A value is kept at most KEEP_SECONDS, then read again: Redis sends a key's name when it
  expires the key, which for a key nobody reads may be long after its time to live (its
  expiry is sampled); reading it again lets Redis expire it on the spot.

Keys are Django's made keys (prefix and version included). A Redis database is not part of
a tracked name: a write under the same prefix in another database of the same server only
costs a needless miss. redis-py's own client-side caching (``cache_config``) needs Redis
7.4 and tracks what each connection read; Debian's Redis is 7.0, and broadcasting by
prefix is what lets one connection serve the whole process.
"""

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

import redis
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger("core.cache")  # the cache's logger, with its throttle (core/cache.py)

CHANNEL = b"__redis__:invalidate"
PING_SECONDS = 0.5
TRUST_SECONDS = 1.0
RETRY_SECONDS = 2.0
LOCK_WAIT_SECONDS = 0.05
KEEP_SECONDS = 30.0
ENTRY_OVERHEAD = 100  # bytes a kept value costs beyond its key and value, near enough


class Busy(RedisConnectionError):
    """Not tried: the near cache failed moments ago, or another thread is waiting on Redis."""


class NearCache:
    """One process's mirror of one Redis server's tracked keys. Threads share it."""

    def __init__(self, url: str, prefixes: Iterable[str], limit: int, timeout: float) -> None:
        self.prefixes = tuple(prefixes)
        self.limit = limit
        self.timeout = timeout
        self._pool = redis.ConnectionPool.from_url(
            url, protocol=2, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._lock = threading.Lock()
        # key -> (value, or None when Redis does not have it; when it was kept)
        self._values: OrderedDict[str, tuple[bytes | None, float]] = OrderedDict()
        self._bytes = 0
        self._reading: dict[str, object] = {}  # key -> placeholder of a read under way
        self._connection = None
        self._pinged_at = 0.0  # when the ping still unanswered was sent; 0: none is
        self._heard_at = 0.0  # when the last ping Redis answered was sent
        self._retry_at = 0.0  # after a failure, when to try the connection again

    def tracks(self, key: str) -> bool:
        return key.startswith(self.prefixes)

    @property
    def connected(self) -> bool:
        return self._connection is not None

    def held(self, keys: list[str]) -> tuple[dict[str, bytes | None], dict[str, object]]:
        """What memory holds of ``keys`` (a value, or None for a key Redis does not have),
        and a placeholder for each of the others, for ``keep`` once they are read.

        Raises redis's TimeoutError when Redis does not answer within the socket timeout,
        and another RedisError or OSError when the connection closed or cannot be opened:
        either way memory was let go, and a call after RETRY_SECONDS connects again. Raises
        Busy, having asked Redis nothing, until then, or while another thread waits on it."""
        if time.monotonic() < self._retry_at:
            raise Busy("not tried: the near cache's connection failed moments ago")
        if not self._lock.acquire(timeout=LOCK_WAIT_SECONDS):
            raise Busy("not tried: another thread is waiting on Redis")
        try:
            self._take_in()
            found, reading = {}, {}
            stale = time.monotonic() - KEEP_SECONDS
            for key in keys:
                held = self._values.get(key)
                if held is not None and held[1] > stale:
                    self._values.move_to_end(key)
                    found[key] = held[0]
                else:
                    self._forget(key)
                    reading[key] = self._reading[key] = object()
            return found, reading
        finally:
            self._lock.release()

    def keep(self, reading: dict[str, object], values: dict[str, bytes | None]) -> None:
        """Keep what was read for ``reading``'s keys (a key missing from ``values`` was not
        read: nothing is kept for it), unless a change came for one meanwhile."""
        with self._lock:
            now = time.monotonic()
            for key, placeholder in reading.items():
                if self._reading.get(key) is not placeholder:
                    continue  # changed while it was read, or memory was let go
                del self._reading[key]
                if key not in values:
                    continue
                value = values[key]
                size = len(key) + len(value or b"") + ENTRY_OVERHEAD
                if size > self.limit // 16:
                    continue
                self._values[key] = (value, now)
                self._bytes += size
            while self._bytes > self.limit:
                self._forget(next(iter(self._values)))

    def drop(self, keys: Iterable[str]) -> None:
        """This process wrote ``keys``: let them go now, not only when Redis's names arrive
        (they are on the way: while another thread waits on Redis, this one does not)."""
        if not self._lock.acquire(timeout=LOCK_WAIT_SECONDS):
            return
        try:
            for key in keys:
                self._forget(key)
                self._reading.pop(key, None)
        finally:
            self._lock.release()

    def drop_all(self) -> None:
        with self._lock:
            self._clear()

    def close(self) -> None:
        with self._lock:
            self._disconnect()

    def _forget(self, key: str) -> None:
        if key in self._values:
            value = self._values.pop(key)[0]
            self._bytes -= len(key) + len(value or b"") + ENTRY_OVERHEAD

    def _clear(self) -> None:
        self._values.clear()
        self._reading.clear()
        self._bytes = 0

    def _disconnect(self) -> None:
        self._clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.disconnect()

    def _connect(self) -> None:
        connection = self._pool.make_connection()
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            tracking = ["ON", "REDIRECT", own_id, "BCAST"]
            tracking += [word for prefix in self.prefixes for word in ("PREFIX", prefix)]
            connection.send_command("CLIENT", "TRACKING", *tracking)
            connection.read_response()
            connection.send_command("SUBSCRIBE", CHANNEL)
            connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
        self._connection = connection
        self._heard_at, self._pinged_at = time.monotonic(), 0.0  # it just answered

    def _take_in(self) -> None:
        """Apply every name Redis has sent, and make sure the connection is alive."""
        try:
            if self._connection is None:
                self._connect()
            connection = self._connection
            while connection.can_read(timeout=0):
                self._apply(connection.read_response())
            now = time.monotonic()
            if not self._pinged_at and now - self._heard_at >= PING_SECONDS:
                connection.send_command("PING")
                self._pinged_at = now
            if now - self._heard_at >= TRUST_SECONDS:
                while self._pinged_at:  # not vouched for lately: wait for the answer
                    self._apply(connection.read_response())
        except BaseException:  # whatever it was, the connection's state is not known
            self._disconnect()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            raise

    def _apply(self, message) -> None:
        kind = message[0]
        if kind == b"pong":  # Redis was there when this ping was sent
            self._heard_at, self._pinged_at = self._pinged_at, 0.0
        elif kind == b"message" and message[1] == CHANNEL:
            if message[2] is None:  # the database was flushed
                self._clear()
                return
            for raw in message[2]:
                key = raw.decode(errors="replace")  # no key of ours is not UTF-8
                self._forget(key)
                self._reading.pop(key, None)


_near: dict[tuple[int, str], NearCache] = {}
_near_lock = threading.Lock()


def near_cache(url: str, prefixes: Iterable[str], limit: int, timeout: float) -> NearCache:
    """This process's near cache of the Redis at ``url``: a process forked from another
    (gunicorn's and Celery's workers) opens its own, never reading its parent's socket."""
    key = (os.getpid(), url)
    found = _near.get(key)
    if found is None:
        with _near_lock:
            found = _near.setdefault(key, NearCache(url, prefixes, limit, timeout))
    return found
