"""Members under load: many signed-in readers at once, through the production serving stack.

nginx (deploy/nginx.conf) in front of gunicorn with its production configuration
(gunicorn.conf.py: workers, threads), `DJANGO_DEBUG=0`, the 1M-vote dataset. wrk holds
50 connections on a comparison page with a member's session cookie for 60 s, then 100
connections posting votes. Each runs with load shedding as configured (REQUEST_QUEUE_LIMIT)
and with it off (0), to show what it prevents. Latencies come from nginx's access log
(`$request_time`, from the request's first byte to the answer's last), apart for the pages
served and the 503s shed.
    .venv/bin/python bench/members.py [--seconds 60]      (make bench runs it)
"""

import argparse
import datetime as dt
import os
import platform
import runpy
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from load import VOTE_SCRIPT, prepare, wrk
from results import results_write
from server import ROOT, gunicorn, production_env

sys.path.insert(0, str(ROOT))
from tests.support.nginx import Nginx  # one nginx runner for the tests and the bench

PAGE_SCRIPT = """
wrk.headers["Cookie"] = "sessionid=%(session)s"
"""


@dataclass
class Run:
    name: str
    workers: str
    shedding: str
    connections: int
    requests_per_second: float
    served: list[float]  # seconds, answers other than 503
    shed: list[float]  # seconds, the 503s
    load: float  # the machine's 1-minute load average as the run started

    @staticmethod
    def p(times: list[float], q: int) -> str:
        if len(times) < 2:
            return "–"
        return f"{statistics.quantiles(times, n=100)[q - 1] * 1000:.0f}"

    @property
    def shed_share(self) -> float:
        return len(self.shed) / max(1, len(self.served) + len(self.shed))

    def row(self) -> str:
        return (
            f"| {self.name} | {self.workers} | {self.shedding} | {self.connections} "
            f"| {self.requests_per_second:.0f} | {len(self.served)} "
            f"| {self.p(self.served, 50)} | {self.p(self.served, 99)} "
            f"| {self.shed_share:.0%} | {self.p(self.shed, 99)} | {self.load:.1f} |"
        )


def read_log(path: Path) -> tuple[list[float], list[float]]:
    served, shed = [], []
    for line in path.read_text().splitlines():
        status, request_time, *_ = line.split()
        (shed if status == "503" else served).append(float(request_time))
    return served, shed


def measure(name: str, path: str, script: str, *, limit: str, connections: int, seconds: int,
            workers: str, env: dict[str, str], workdir: Path) -> Run:  # fmt: skip
    log = workdir / f"{name} {workers} {limit}.log".replace(" ", "-").replace(",", "")
    load = os.getloadavg()[0]
    with (
        gunicorn(workers=None, threads=None, worker_class=None, REQUEST_QUEUE_LIMIT=limit, **env)
        as base,
        Nginx(upstream_port=urlsplit(base).port, workdir=workdir / "nginx", access_log=log)
        as proxy,
    ):  # fmt: skip
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(script)
        result = wrk(proxy.base, name, path, seconds=seconds, connections=connections,
                     script=Path(lua.name))  # fmt: skip
    served, shed = read_log(log)  # nginx writes it out as it stops
    shedding = f"{float(limit) * 1000:.0f} ms" if float(limit) else "off"
    rps = result.requests_per_second
    return Run(name, workers, shedding, connections, rps, served, shed, load)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    secret = "bench-" + "x" * 60  # the prepared session must be signed with the server's key
    env = {"DJANGO_SECRET_KEY": secret, "VOTE_RATE_LIMIT": "1000000/s"}
    facts = prepare({**production_env(0), **env})
    cookie = {"session": facts["session"]}
    votes = VOTE_SCRIPT % {"tools": ", ".join(f'"{s}"' for s in facts["vote_tools"]), **cookie}
    page = PAGE_SCRIPT % cookie
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # loads the settings too
    from django.conf import settings

    limit = str(settings.REQUEST_QUEUE_LIMIT)  # the default, as production has it
    production = f"{conf['workers']} {conf['worker_class']}"
    threaded = {"WEB_CONCURRENCY": "2", "WEB_THREADS": "4"}  # the alternative, for comparison
    page_load = ("comparison page, signed in", facts["comparison"], page, 50)
    vote_load = ("vote POST, signed in", "/", votes, 100)
    plan = [
        (page_load, limit, production, {}),
        (vote_load, limit, production, {}),
        (page_load, "0", production, {}),
        (vote_load, "0", production, {}),
        (page_load, limit, "2 gthread × 4 threads", threaded),
    ]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for (name, path, script, connections), shedding, workers, extra in plan:
            run = measure(name, path, script, limit=shedding, connections=connections,
                          seconds=args.seconds, workers=workers, env={**env, **extra},
                          workdir=Path(tmp))  # fmt: skip
            print(run.row(), flush=True)
            runs.append(run)
    write_results(runs, facts, args.seconds)


def write_results(runs: list[Run], facts: dict, seconds: int) -> None:
    lines = [
        "## Members under load: nginx, gunicorn, load shedding",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}), dataset of {facts['tools']} "
        "synthetic tools and 1M votes. nginx with `deploy/nginx.conf` in front of gunicorn "
        "with `gunicorn.conf.py` (the last row: threaded workers instead), `DJANGO_DEBUG=0`, "
        f"wrk -t2 for {seconds} s on loopback with one member's session cookie; the comparison "
        f"page is `{facts['comparison']}`, the votes cycle over 20 tools. Times are nginx's "
        "`$request_time` (from the request's first byte to the answer's last), served answers "
        "and shed 503s apart; requests/s counts both. The last column is the machine's "
        "1-minute load average as the run began: other work on the machine shares its cores. "
        "Command: `make bench` (or `.venv/bin/python bench/members.py`).",
        "",
        "| load | gunicorn | shedding (`REQUEST_QUEUE_LIMIT`) | connections | requests/s "
        "| served in the run | served p50 ms | served p99 ms | shed (503) | 503 p99 ms "
        "| machine load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(run.row() for run in runs),
    ]
    results_write("members", lines)


if __name__ == "__main__":
    main()
