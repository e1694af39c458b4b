"""What the runners of real servers for the tests (nginx, varnishd) share: waiting for one
to answer, and stopping its process group."""

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable


def wait_until_answering(
    url: str, process: subprocess.Popen, *, seconds: float, failed: Callable[[], str]
) -> None:
    """Return once ``url`` answers; if the process ends or ``seconds`` pass first, raise with
    what ``failed()`` says (its log), the process stopped."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2).read()
            return
        if process.poll() is not None or time.monotonic() > deadline:
            stop_group(process)
            raise AssertionError(failed())
        time.sleep(0.1)


def stop_group(process: subprocess.Popen | None) -> None:
    """SIGTERM to the process's group, SIGKILL if it has not gone within ten seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
