import os

import pytest

from tests.factories import ComparisonFactory, ReviewFactory
from tests.support.celery_worker import CeleryWorker, database_url
from verdicts.celery import app as celery_app

SITE_URL = "https://verdicts.example"

# Sending knobs for tests: small chunks, a short lease and quick retries, so that
# failures and recoveries happen within seconds. (The fault tests in
# tests/reliability/test_sending_faults.py measure with the production values instead.)
FAST_SENDING = {
    "NEWSLETTER_CHUNK_SIZE": 20,
    "NEWSLETTER_CLAIM_LEASE": 3.0,
    "NEWSLETTER_SENDER_SILENCE": 1.0,
    "NEWSLETTER_RETRY_BACKOFF": 0.2,
    "NEWSLETTER_RETRY_BACKOFF_MAX": 1.0,
    "NEWSLETTER_RECONNECT_BACKOFF": 0.2,
    "NEWSLETTER_RECONNECT_BACKOFF_MAX": 1.0,
}


@pytest.fixture(autouse=True)
def site_url(settings):
    """Emails carry https links, as in production (RFC 8058 wants https)."""
    settings.SITE_URL = SITE_URL


@pytest.fixture(autouse=True)
def one_sender(settings):
    """One sender per edition unless a test asks for more, so queued tasks can be counted;
    tests/newsletter/test_sending.py runs senders side by side on purpose."""
    settings.NEWSLETTER_SENDERS = 1


@pytest.fixture
def fast_sending(settings):
    for name, value in FAST_SENDING.items():
        setattr(settings, name, value)


@pytest.fixture
def eager_celery():
    """Tasks run in the test process when queued (for tests without a worker)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.fixture
def reviewed_comparison(panel):
    """A published comparison of two reviewed tools: 4-0 against 3-1."""
    comparison = ComparisonFactory(editor_note="A small model against a big one.")
    for persona in panel:
        ReviewFactory(tool=comparison.tool_a, persona=persona, score=80, call="ship")
    for persona, call in zip(panel, ["ship", "ship", "ship", "skip"], strict=True):
        ReviewFactory(tool=comparison.tool_b, persona=persona, score=70, call=call)
    comparison.tool_a.refresh_from_db()
    comparison.tool_b.refresh_from_db()
    return comparison


@pytest.fixture
def worker_env(transactional_db, smtp_server, settings) -> dict[str, str]:
    """The environment of a worker that shares this test's database, Redis and SMTP server."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": SITE_URL,
        "DJANGO_DEBUG": "1",
        **{name: str(value) for name, value in FAST_SENDING.items()},
    }


@pytest.fixture
def start_worker(worker_env, tmp_path):
    """Start Celery workers; every one started is killed when the test ends."""
    workers: list[CeleryWorker] = []

    def start(**kwargs) -> CeleryWorker:
        options = {"env": worker_env, "logfile": tmp_path / f"worker-{len(workers)}.log"}
        worker = CeleryWorker(**{**options, **kwargs})
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.kill()


@pytest.fixture
def celery_worker(start_worker) -> CeleryWorker:
    return start_worker()
