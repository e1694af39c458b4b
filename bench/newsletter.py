"""Newsletter benchmark: one edition to every active subscriber through real Celery workers
and a local SMTP sink, against a plain smtplib loop sending the same messages to the same
sink; and the workers' peak memory.

    make bench-newsletter      (uses the subscribers make_dataset wrote)
"""

import argparse
import datetime as dt
import os
import platform
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import results_write
from server import ROOT, free_port, production_env

SETUP = """
import email.policy
import json
from django.utils import timezone
from newsletter.emails import EditionContent, edition_message
from newsletter.models import Edition, Subscriber
from comparisons.models import Comparison
Edition.objects.filter(key="bench").delete()
edition = Edition.objects.create(
    key="bench", subject="Benchmark edition", covers_until=timezone.now()
)
edition.comparisons.set(Comparison.objects.published().newest_first()[:6])
content = EditionContent.load(edition)
readers = Subscriber.objects.active().order_by("pk")[:%(sample)d]
samples = [
    edition_message(content=content, subscriber=s, delivery_id=i)
    .message(policy=email.policy.SMTP).as_bytes()
    for i, s in enumerate(readers)
]
import pickle, sys
with open(%(out)r, "wb") as out:
    pickle.dump({"edition": edition.pk, "active": Subscriber.objects.active().count(),
                 "samples": samples}, out)
"""

START = """
from newsletter.models import Edition
from newsletter.services import edition_start
edition_start(edition=Edition.objects.get(key="bench"))
"""

STATUS = """
from newsletter.models import Delivery, Edition
e = Edition.objects.get(key="bench")
d = e.deliveries
print(e.status, d.filter(status="sent").count(), d.count())
"""


def manage_shell(code: str, env: dict) -> str:
    return subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def sink_count(path: Path) -> int:
    try:
        return int(path.read_text() or 0)
    except (OSError, ValueError):
        return 0


def plain_smtplib(port: int, samples: list[bytes], total: int, chunk: int) -> float:
    """Messages per second sending ``total`` prebuilt messages, ``chunk`` per connection."""
    started = time.perf_counter()
    sent = 0
    while sent < total:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for _ in range(min(chunk, total - sent)):
                smtp.sendmail("verdicts@localhost", [f"r{sent}@dataset.example"],
                              samples[sent % len(samples)])  # fmt: skip
                sent += 1
    return total / (time.perf_counter() - started)


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(root)], capture_output=True, text=True)
    children = [int(p) for p in out.stdout.split()]
    return [root, *children]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    port = free_port()
    env = {
        **production_env(8000),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "NEWSLETTER_CHUNK_SIZE": "50",
    }
    workdir = Path(tempfile.mkdtemp())
    count_file = workdir / "count"
    sink = subprocess.Popen(
        [sys.executable, ROOT / "bench" / "smtp_sink.py", str(port), count_file]
    )
    worker = None
    try:
        time.sleep(1.5)
        samples_file = workdir / "samples.pickle"
        manage_shell(SETUP % {"sample": 500, "out": str(samples_file)}, env)
        import pickle

        setup = pickle.loads(samples_file.read_bytes())
        active = setup["active"]

        print(f"plain smtplib: {active} messages …", flush=True)
        baseline = plain_smtplib(port, setup["samples"], active, 50)
        print(f"plain smtplib: {baseline:.0f} messages/s", flush=True)

        before = sink_count(count_file)
        worker = subprocess.Popen(
            [ROOT / ".venv" / "bin" / "celery", "-A", "verdicts.celery:app", "worker",
             "--pool=prefork", f"--concurrency={args.concurrency}", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        time.sleep(3)
        started = time.perf_counter()
        manage_shell(START, env)
        peak: dict[int, int] = {}
        while True:
            for pid in process_tree(worker.pid):
                peak[pid] = max(peak.get(pid, 0), rss_kb(pid))
            delivered = sink_count(count_file) - before
            if delivered >= active:
                break
            if time.perf_counter() - started > 3600:
                sys.exit("bench: the edition did not finish within an hour")
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())  # other work on the machine
        status = manage_shell(STATUS, env).strip().splitlines()[-1]
        rate = active / elapsed
        worst = max(peak.values()) / 1024
        total = sum(peak.values()) / 1024
        print(f"workers: {rate:.0f} messages/s in {elapsed:.0f} s; status {status}")
        print(f"ratio {rate / baseline:.2f}; peak RSS per process {worst:.0f} MB; load {load}")
        write_results(
            [
                ("active subscribers (messages per run)", f"{active}"),
                ("plain smtplib loop, 50 per connection", f"{baseline:.0f} messages/s"),
                (
                    f"Celery workers (prefork, concurrency {args.concurrency})",
                    f"{rate:.0f} messages/s ({elapsed:.0f} s)",
                ),
                ("ratio to plain smtplib (target ≥ 0.7)", f"{rate / baseline:.2f}"),
                ("worker peak RSS, largest process (target < 250 MB)", f"{worst:.0f} MB"),
                ("worker peak RSS, all processes summed", f"{total:.0f} MB"),
                ("edition status / sent / deliveries", status),
                ("message size", f"{len(setup['samples'][0]) / 1024:.0f} KB"),
                ("load average at the end (1, 5, 15 min)", load),
            ]
        )
    finally:
        if worker:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        sink.terminate()


def write_results(rows: list[tuple[str, str]]) -> None:
    lines = [
        "## Newsletter: an edition through real workers",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores). The SMTP sink is a minimal asyncio SMTP server on loopback "
        "in its own process (bench/smtp_sink.py); "
        "the plain loop sends prebuilt copies of the same messages to it first (each built "
        "in full by the email package), then the workers send the edition for real "
        "(claiming chunks of rows, splicing each reader's copy from the edition's bytes, "
        "committing each row sent before the next message). "
        "Command: `make bench` (or `.venv/bin/python bench/newsletter.py`).",
        "",
        "| measure | result |",
        "| --- | --- |",
        *[f"| {what} | {value} |" for what, value in rows],
    ]
    results_write("newsletter", lines)


if __name__ == "__main__":
    main()
