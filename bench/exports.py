"""Memory of the open-data exports: a gunicorn worker's RSS while it streams each one.

One gunicorn with one sync worker under production settings, warm (it has served /data/).
The worker's RSS is read before an export is first asked for, then the file is downloaded
whole at full speed, twice, while the worker's RSS is sampled every 5 ms; the peaks are
reported beside the figure before. For scale, the same file is also built whole in memory,
as a plain HttpResponse would hold it, in a process of its own (rows as a list, then the
text): the growth that streaming avoids.
    .venv/bin/python bench/exports.py   (the dataset must exist: bench/run builds it)
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from results import results_write
from server import ROOT, VENV, gunicorn, production_env

EXPORTS = ["verdicts", "tools", "reviews", "comparisons"]
FORMATS = ["csv", "json"]
SAMPLE_EVERY = 0.005  # seconds

WHOLE = """
import json, django
django.setup()
from django.utils import timezone
from comparisons.opendata import EXPORTS, Snapshot, csv_stream, json_stream

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

export = EXPORTS[%(name)r]
snapshot = Snapshot(export, %(format)r, timezone.now())
stream = csv_stream if %(format)r == "csv" else json_stream
for piece in stream(snapshot, export.stream()):  # warm, as the worker is: code, connection
    pass
before = status("VmRSS:")
rows = list(export.stream())
text = "".join(stream(snapshot, rows))
print(json.dumps({"before": before, "peak": status("VmHWM:"), "bytes": len(text.encode())}))
"""


def rss_kb(pid: int, field: str = "VmRSS:") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def worker_of(port: int) -> int:
    """The pid of the gunicorn worker serving ``port``: the child of the master bound to it."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            processes[int(entry.name)] = (ppid, cmdline)
    bound = f"--bind=127.0.0.1:{port}"
    master = next(pid for pid, (_, cmd) in processes.items() if "gunicorn" in cmd and bound in cmd)
    workers = [pid for pid, (ppid, _) in processes.items() if ppid == master]
    assert len(workers) == 1, workers
    return workers[0]


def download(url: str) -> int:
    size = 0
    with urllib.request.urlopen(url, timeout=120) as response:
        while chunk := response.read(65536):
            size += len(chunk)
    return size


def sampled(pid: int, url: str) -> tuple[int, int, float]:
    """Download ``url`` while sampling the worker's RSS: bytes, peak RSS (KB), seconds."""
    peak, done = [rss_kb(pid)], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    try:
        size = download(url)
    finally:
        done.set()
        sampler.join()
    return size, peak[0], time.perf_counter() - started


def streamed(base: str, pid: int, path: str) -> dict:
    """The worker's RSS before ``path`` is first asked for, and its peak the first time (its
    code and queries run for the first time) and again."""
    before = rss_kb(pid)
    _, first, _ = sampled(pid, base + path)
    time.sleep(0.5)
    size, again, seconds = sampled(pid, base + path)
    return {"before": before, "first": first, "again": again, "bytes": size, "seconds": seconds}


def whole(name: str, format: str, env: dict[str, str]) -> dict:
    """The same file built whole in one fresh process: its RSS before and at its peak."""
    output = subprocess.run(
        [VENV / "python", "-c", WHOLE % {"name": name, "format": format}],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "verdicts.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def main() -> None:
    rows = []
    with gunicorn(workers=1) as base:
        pid = worker_of(int(base.rsplit(":", 1)[1]))
        download(base + "/data/")
        idle = rss_kb(pid)
        for name in EXPORTS:
            for format in FORMATS:
                path = f"/data/{name}.{format}"
                figures = streamed(base, pid, path)
                print(f"{path}: {figures}", flush=True)
                rows.append((path, figures, whole(name, format, production_env(0))))
    write_results(idle, rows)


def write_results(idle: int, rows: list[tuple[str, dict, dict]]) -> None:
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    highest = max(max(s["first"], s["again"]) for _, s, _ in rows)
    lines = [
        "## Open data: memory while streaming an export",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, load {load} at the end), dataset "
        "`make_dataset --tools 10000 --votes 1000000 --subscribers 100000` (10,000 tools "
        "beside the demo's, their 35,904 reviews, 994 comparisons, 1M votes). One gunicorn "
        "with one sync worker, `DJANGO_DEBUG=0`; each file downloaded whole on loopback, "
        "the worker's RSS read every 5 ms, each file twice. *Before* is the worker's RSS "
        "before the file is first asked for; the peaks are the highest RSS while it streams "
        "the first time and the second. *Built whole* is the growth of a process of its own, "
        "warmed by streaming the file once, that then holds the same rows as a list and the "
        "file as one string, as a plain HttpResponse would: what streaming saves. "
        "Command: `make bench` (or `DATABASE_URL=… .venv/bin/python bench/exports.py`).",
        "",
        f"The worker: {mb(idle)} once started and warm, {mb(highest)} at its highest over all "
        f"eight downloads ({(highest - idle) / 1024:+.1f} MB).",
        "",
        "| export | size | seconds | worker RSS before | peak, first time | peak, again "
        "| growth at most | built whole: growth |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for path, s, w in rows:
        grew = max(s["first"], s["again"]) - s["before"]
        lines.append(
            f"| `{path}` | {s['bytes'] / 1e6:.1f} MB | {s['seconds']:.1f} | {mb(s['before'])} "
            f"| {mb(s['first'])} | {mb(s['again'])} | {grew / 1024:+.1f} MB "
            f"| {(w['peak'] - w['before']) / 1024:+.0f} MB |"
        )
    results_write("exports", lines)


if __name__ == "__main__":
    sys.exit(main())
