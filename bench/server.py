"""Serve the site as production does (gunicorn, DEBUG off, whitenoise) on a loopback port."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Plain http on loopback: no redirect to https, no HSTS promise to the browser.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        **extra,
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([VENV / "python", "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(
    *,
    workers: int | None = 2,
    threads: int | None = 1,
    worker_class: str | None = "sync",
    **extra_env: str,
) -> Iterator[str]:
    """Yield the base URL of a production-settings server; stop it afterwards. ``None``
    leaves that to gunicorn.conf.py, as production has it."""
    port = free_port()
    env = production_env(port, **extra_env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    process = subprocess.Popen(
        [
            VENV / "gunicorn",
            "verdicts.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            *([f"--workers={workers}"] if workers else []),
            *([f"--threads={threads}"] if threads else []),
            *([f"--worker-class={worker_class}"] if worker_class else []),
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/ping", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit("bench: gunicorn did not start")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
