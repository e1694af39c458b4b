"""Load benchmark: wrk against gunicorn under production settings, as ratios to a ceiling.

The ceiling is /ping, the smallest view the site has, on the same server, settings and
middleware, measured in the same run; every page is reported as a ratio to it.
    make bench-load            (the dataset must exist: make dataset)
"""

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from results import results_write
from server import ROOT, gunicorn


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int

    def ratio(self, ceiling: "Result") -> float:
        return self.requests_per_second / ceiling.requests_per_second


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    base: str,
    name: str,
    path: str,
    *,
    seconds: int,
    connections: int,
    script=None,
    headers: dict[str, str] | None = None,
) -> Result:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header, value in (headers or {}).items():
        args += ["-H", f"{header}: {value}"]
    if script:
        args += ["-s", str(script)]
    output = subprocess.run(
        [*args, base + path], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(name, path, rps, p50, p99, int(errors.group(1)) if errors else 0)


def write_results(rows: list[tuple[Result, Result]], note: str) -> None:
    """Each row with the reference it is measured against, run in the same session."""
    lines = [
        "## Load: pages against their references",
        "",
        note,
        "",
        "| page | path | requests/s | reference | ratio | p50 ms | p99 ms | reference p99 ms "
        "| p99 × reference | non-2xx/3xx |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r, ref in rows:
        lines.append(
            f"| {r.name} | `{r.path}` | {r.requests_per_second:.0f} | {ref.name} "
            f"| {r.ratio(ref):.2f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {ref.p99_ms:.2f} "
            f"| {r.p99_ms / ref.p99_ms:.1f} | {r.non_2xx} |"
        )
    results_write("load", lines)


NGINX_STATIC = """
daemon off;
worker_processes 2;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    server {
        listen 127.0.0.1:%(port)d;
        root %(dir)s/www;
        default_type text/html;
        charset utf-8;
        location / { try_files $uri $uri/index.html =404; }
    }
}
"""


@contextlib.contextmanager
def nginx_static(page_path: str, body: bytes):
    """nginx on this machine serving ``body`` as a file at ``page_path``: the floor."""
    from server import free_port

    with tempfile.TemporaryDirectory() as workdir:
        os.chmod(workdir, 0o755)  # started as root, nginx's workers read it as nobody
        port = free_port()
        target = Path(workdir, "www", page_path.strip("/"), "index.html")
        target.parent.mkdir(parents=True)
        target.write_bytes(body)
        config = Path(workdir, "nginx.conf")
        config.write_text(NGINX_STATIC % {"dir": workdir, "port": port})
        process = subprocess.Popen(["nginx", "-c", str(config), "-p", workdir])
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(base + page_path, timeout=2).read()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        sys.exit("bench: nginx did not start")
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


VOTE_SCRIPT = """
local tools = {%(tools)s}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sessionid=%(session)s"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
wrk.headers["HX-Request"] = "true"
request = function()
  i = i + 1
  local slug = tools[(i %% #tools) + 1]
  local value = (math.floor(i / #tools) %% 2 == 0) and "ship" or "skip"
  return wrk.format(nil, "/tools/" .. slug .. "/vote/", nil, "value=" .. value)
end
"""

PREPARE = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tools.models import Tool
from accounts.models import User
from comparisons.models import Comparison
member, _ = User.objects.get_or_create(email="voter@bench.example")
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()
tools = Tool.objects.published().filter(slug__startswith="ds-")
popular = tools.order_by("-community_ships")
comparisons = Comparison.objects.published().filter(tool_a__slug__startswith="ds-")
comparison = comparisons.with_tools().first()
print(json.dumps({
    "session": session.session_key,
    "vote_tools": list(popular.values_list("slug", flat=True)[:20]),
    "tool": popular.first().get_absolute_url(),
    "comparison": comparison.get_absolute_url(),
    "category": comparison.tool_a.category.slug,
    "tools": tools.count(),
}))
"""


def prepare(env: dict[str, str]) -> dict:
    import json

    output = subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "manage.py", "shell", "-c", PREPARE],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    from server import production_env

    sys.path.insert(0, str(ROOT))
    from tests.support.varnish import Varnish  # one varnishd runner for the tests and the bench

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    secret = "bench-" + "x" * 60  # the prepared session must be signed with the server's key
    base_env = {"DJANGO_SECRET_KEY": secret, "VOTE_RATE_LIMIT": "1000000/s"}
    facts = prepare({**production_env(0), **base_env})
    run = {"seconds": args.seconds, "connections": args.connections}
    member = {"Cookie": f"sessionid={facts['session']}"}
    catalogue = f"/tools/?category={facts['category']}&sort=community"
    page = facts["comparison"]
    rows: list[tuple[Result, Result]] = []
    with tempfile.TemporaryDirectory() as workdir:
        varnish_port = free_port_for_varnish()
        purges = {"HTTP_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}"}
        with gunicorn(**base_env, **purges) as base:
            upstream = int(base.rsplit(":", 1)[1])
            # Warm the page cache for both kinds of reader, as a running site has it.
            for path in (page, facts["tool"], "/", catalogue):
                for headers in ({}, member):
                    request = urllib.request.Request(base + path, headers=headers)
                    urllib.request.urlopen(request, timeout=30).read()
            ceiling = wrk(base, "ceiling: minimal view", "/ping", **run)
            rows.append((ceiling, ceiling))
            for name, path in [
                ("comparison, signed-in member", page),
                ("tool page, signed-in member", facts["tool"]),
                ("home, signed-in member", "/"),
                ("catalogue with a filter, signed-in member", catalogue),
            ]:
                rows.append((wrk(base, name, path, headers=member, **run), ceiling))
            anonymous = wrk(base, "comparison, anonymous, Django's page cache", page, **run)
            rows.append((anonymous, ceiling))
            with Varnish(upstream_port=upstream, workdir=Path(workdir), port=varnish_port) as hc:
                with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                    script.write(
                        VOTE_SCRIPT
                        % {
                            "tools": ", ".join(f'"{slug}"' for slug in facts["vote_tools"]),
                            "session": facts["session"],
                        }
                    )
                vote = wrk(base, "vote POST, signed in", "/", script=Path(script.name), **run)
                vote.path = "/tools/<slug>/vote/"
                rows.append((vote, ceiling))
                body = urllib.request.urlopen(hc.base + page, timeout=30).read()
                through = wrk(hc.base, "comparison, anonymous, through Varnish", page, **run)
        with nginx_static(page, body) as static:
            floor = wrk(static, "the same bytes, a static file from nginx", page, **run)
    rows.append((through, floor))
    rows.append((floor, floor))
    note = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, 1-minute load "
        f"{os.getloadavg()[0]:.1f} at the end), dataset `make_dataset --tools 10000 --votes "
        f"1000000 --subscribers 100000` ({facts['tools']} synthetic tools). One gunicorn "
        "(2 sync workers, `DJANGO_DEBUG=0`, page cache on, purges to the Varnish in front), "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s on loopback, warm caches. Members "
        "send one member's session cookie; votes cycle over 20 tools. Django's rows are "
        "ratios to `/ping` on the same server in the same run; the Varnish row is a ratio "
        "to nginx serving the bytes Varnish served, as a static file, on the same machine. "
        "Command: `make bench` (or `.venv/bin/python bench/load.py`)."
    )
    for r, ref in rows:
        print(f"{r.name:45} {r.requests_per_second:8.0f} req/s  ratio {r.ratio(ref):.2f}  "
              f"p50 {r.p50_ms:.2f} ms  p99 {r.p99_ms:.2f} ms (ref {ref.p99_ms:.2f})  "
              f"non-2xx {r.non_2xx}")  # fmt: skip
    write_results(rows, note)


def free_port_for_varnish() -> int:
    from server import free_port

    return free_port()


if __name__ == "__main__":
    main()
