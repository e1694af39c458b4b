"""Real Celery worker and beat processes for tests, on the test database and the test Redis.

The worker is another process, so a test that uses it needs a transactional
database: the worker sees only committed rows. Each process runs in a process group
of its own and ``kill()`` reaches the whole group, so no worker or pool child outlives
its test, even one a test has half killed. Nothing a test process holds is worth a
graceful shutdown, so that is how tests end them.
"""

import atexit
import contextlib
import itertools
import os
import signal
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
_names = itertools.count(1)
_alive: set["CeleryProcess"] = set()


@atexit.register
def _kill_leftovers() -> None:
    """Should a test run end without its teardowns (an interrupt), still end its workers."""
    for worker in list(_alive):
        worker.kill()


def wait_for(condition: Callable[[], object], *, timeout: float = 30, what: str = "") -> object:
    """Poll ``condition`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what or condition}")
        time.sleep(0.05)


def database_url() -> str:
    """The URL of the database Django uses now: in a test, pytest-django's test database."""
    db = settings.DATABASES["default"]
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class CeleryProcess(ABC):
    """A ``celery`` command in a process group of its own, logging to ``logfile``."""

    ready_line = b""  # what the log says once the process is ready

    def __init__(self, *, env: dict[str, str], logfile: Path) -> None:
        self.env = env
        self.logfile = logfile
        self.process: subprocess.Popen | None = None

    @abstractmethod
    def arguments(self) -> list[str]:
        """The celery subcommand and its options (worker or beat)."""

    def start(self, timeout: float = 60) -> "CeleryProcess":
        offset = self.logfile.stat().st_size if self.logfile.exists() else 0
        with self.logfile.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "verdicts.celery:app", *self.arguments()],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, pool children included
            )
        _alive.add(self)
        name = type(self).__name__
        try:
            wait_for(lambda: self._ready(offset), timeout=timeout, what=f"{name} to start")
        except AssertionError:
            self.kill()
            raise AssertionError(f"{name} did not start:\n{self.log()[-3000:]}") from None
        return self

    def _ready(self, offset: int) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"{type(self).__name__} exited:\n{self.log()[-3000:]}")
        with self.logfile.open("rb") as log:
            log.seek(offset)
            return self.ready_line in log.read()

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def kill(self) -> None:
        """SIGKILL the process group at once, as a crashed machine would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _alive.discard(self)


class CeleryWorker(CeleryProcess):
    ready_line = b" ready."

    def __init__(self, *, env: dict[str, str], logfile: Path, concurrency: int = 2) -> None:
        super().__init__(env=env, logfile=logfile)
        self.concurrency = concurrency
        self.name = f"test{os.getpid()}-{next(_names)}@%h"

    def arguments(self) -> list[str]:
        return [
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "-Q",
            "celery",
            "-n",
            self.name,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]

    def pool_pids(self) -> list[int]:
        """The prefork pool's child processes, which run the tasks."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill_pool(self) -> list[int]:
        """SIGKILL every pool child, as the kernel's OOM killer would; the worker replaces them."""
        pids = self.pool_pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return pids


class CeleryBeat(CeleryProcess):
    """Celery beat on the settings' schedule (``CELERY_BEAT_SCHEDULE``), its state in a file
    beside its log."""

    ready_line = b"beat: Starting..."

    def arguments(self) -> list[str]:
        schedule = self.logfile.with_suffix(".schedule")
        return ["beat", f"--schedule={schedule}", "--loglevel=INFO"]
