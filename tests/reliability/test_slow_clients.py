"""Slow and stalled clients, and more requests than the workers can take, against the stack
production runs: nginx (deploy/nginx.conf) in front of gunicorn (gunicorn.conf.py).

gunicorn used to face clients itself: three half-sent requests held its workers, /ping
answered after 38.4 s, and the workers were killed (WORKER TIMEOUT) with a bare 500. nginx
reads every request whole before passing it on, so the workers only ever see whole ones.
Figures are printed for SECURITY.md.
"""

import contextlib
import socket
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.celery_worker import database_url
from tests.support.nginx import Nginx
from tests.support.server import Gunicorn

pytestmark = pytest.mark.django_db(transaction=True)  # the server sees committed rows only

STALLED = 120  # half-sent requests held open at once: headers cut off, or bodies
PAGE = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"


def timed_get(base: str, path: str, timeout: float = 10) -> tuple[int, float, dict, str]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            body, status, headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, dict(error.headers)
    return status, time.monotonic() - started, headers, body.decode()


def reader(base: str) -> dict[str, list[float]]:
    """A normal reader's visit: /ping and a page, ten times each, a fresh connection each."""
    times: dict[str, list[float]] = {"/ping": [], PAGE: []}
    for _ in range(10):
        for path in times:
            status, took, _, _ = timed_get(base, path)
            assert status == 200, (path, status)
            times[path].append(took)
    return times


@contextlib.contextmanager
def stalled_requests(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections, each with a request sent in part and then nothing more: the
    headers cut off halfway, or the headers whole and a body promised but not sent."""
    held = []
    try:
        for n in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 2:
                sock.sendall(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sl")
            else:
                sock.sendall(
                    b"POST /newsletter/subscribe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\nemail=slow"
                )
            held.append(sock)
        yield held
    finally:
        for sock in held:
            sock.close()


def still_open(sock: socket.socket) -> bool:
    """Nothing came back and the connection was not closed: it is still waiting on us."""
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)


@pytest.fixture
def site(demo, tmp_path, settings):
    env = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": "slow-clients-test",
        "PAGE_CACHE": "0",  # every page rendered: the workers have work to do
        "TRUSTED_PROXY_COUNT": "1",
    }

    def serve(**extra: str):
        stack = contextlib.ExitStack()
        web = stack.enter_context(
            Gunicorn(env={**env, **extra}, logfile=tmp_path / "gunicorn.log", workers=None)
        )
        proxy = stack.enter_context(Nginx(upstream_port=web.port, workdir=tmp_path / "nginx"))
        return stack, web, proxy

    return serve


def test_stalled_clients_do_not_hold_the_workers(site):
    stack, web, proxy = site()
    with stack:
        before = reader(proxy.base)
        with stalled_requests(proxy.port, STALLED) as held:
            during = reader(proxy.base)
            assert all(still_open(sock) for sock in held)  # nginx waits on them, not gunicorn

        # The same half-sent requests straight at gunicorn hold all its workers: it is the
        # proxy that keeps the site answering, not the workers.
        with stalled_requests(web.port, STALLED), pytest.raises(TimeoutError):
            timed_get(web.base, "/ping", timeout=2)
        log = web.log()

    def ms(values) -> str:
        return ", ".join(f"{path} {value * 1000:.1f}" for path, value in values.items())

    median = {path: statistics.median(times) for path, times in before.items()}
    held_median = {path: statistics.median(times) for path, times in during.items()}
    slowest = {path: max(times) for path, times in during.items()}
    print(
        f"\n{STALLED} stalled connections, in ms: median before {ms(median)}; while held "
        f"{ms(held_median)}, slowest {ms(slowest)}"
    )
    for path in before:
        assert held_median[path] < 2 * median[path] + 0.05, path
        assert slowest[path] < 1.0, path
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log


def test_requests_past_what_the_workers_take_are_shed_fast_with_retry_after(site):
    """One sync worker and 60 readers at once: the ones that waited past the
    limit get a 503 at once instead of a turn at the end of the queue."""
    stack, _web, proxy = site(WEB_CONCURRENCY="1", REQUEST_QUEUE_LIMIT="0.25")
    with stack, ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(lambda _: timed_get(proxy.base, PAGE), range(60)))
        after = timed_get(proxy.base, PAGE)[0]

    statuses = [answer[0] for answer in answers]
    shed = [answer for answer in answers if answer[0] == 503]
    print(
        f"\n60 readers at once, one worker: {statuses.count(200)} served, {len(shed)} shed, "
        f"slowest 503 {max(answer[1] for answer in shed) * 1000:.0f} ms"
    )
    assert set(statuses) <= {200, 503}  # never a 502 or 504 from the proxy
    assert shed and statuses.count(200) >= 1
    for _, took, headers, body in shed:
        assert headers["Retry-After"] == "5"
        assert "Too busy for a moment" in body
        # Answered once it reached the worker, a little past the limit: not at the end of
        # a queue of 60 renders, as it would be without shedding.
        assert took < 1.0
    assert after == 200  # the burst over, served again
