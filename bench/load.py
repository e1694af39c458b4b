"""Load benchmark: wrk against gunicorn under production settings, as ratios to a ceiling.

The ceiling is /ping, the smallest view the site has, on the same server, settings and
middleware, measured in the same run; every page is reported as a ratio to it.
    make bench-load            (the dataset must exist: make dataset)
"""

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import tempfile
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


def wrk(base: str, name: str, path: str, *, seconds: int, connections: int, script=None) -> Result:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
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


def write_results(results: list[Result], ceiling: Result, note: str) -> None:
    lines = [
        "## Load: pages against the ceiling",
        "",
        note,
        "",
        "| page | path | requests/s | ratio to ceiling | p50 ms | p99 ms | non-2xx/3xx |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | `{r.path}` | {r.requests_per_second:.0f} | {r.ratio(ceiling):.2f} "
            f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.non_2xx} |"
        )
    results_write("load", lines)


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
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tools.models import Tool
from accounts.models import User
from comparisons.models import Comparison
member, _ = User.objects.get_or_create(email="voter@bench.example")
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
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

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    secret = "bench-" + "x" * 60  # the prepared session must be signed with the server's key
    base_env = {"DJANGO_SECRET_KEY": secret, "VOTE_RATE_LIMIT": "1000000/s"}
    facts = prepare({**production_env(0), **base_env})
    run = {"seconds": args.seconds, "connections": args.connections}
    results: list[Result] = []
    with gunicorn(PAGE_CACHE="0", **base_env) as base:
        ceiling = wrk(base, "ceiling: minimal view", "/ping", **run)
        results.append(ceiling)
        results.append(wrk(base, "home", "/", **run))
        results.append(wrk(base, "comparison, uncached", facts["comparison"], **run))
        results.append(wrk(base, "tool page", facts["tool"], **run))
        catalogue = f"/tools/?category={facts['category']}&sort=community"
        results.append(wrk(base, "catalogue with a filter", catalogue, **run))
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
        results.append(vote)
    with gunicorn(**base_env) as base:
        cached_ceiling = wrk(base, "ceiling (cache on)", "/ping", **run)
        cached = wrk(base, "comparison, cached", facts["comparison"], **run)
    cached_ratio = Result(
        cached.name, cached.path, cached.requests_per_second * ceiling.requests_per_second
        / cached_ceiling.requests_per_second, cached.p50_ms, cached.p99_ms, cached.non_2xx,
    )  # fmt: skip
    results.append(cached_ratio)
    note = (
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}), dataset `make_dataset --tools 10000 "
        f"--votes 1000000 --subscribers 100000` ({facts['tools']} synthetic tools). gunicorn "
        f"2 sync workers, `DJANGO_DEBUG=0`, wrk -t2 -c{args.connections} -d{args.seconds}s on "
        "loopback, page requests with no cookie (the site sets none for readers), the vote "
        "with the member's session cookie and `Sec-Fetch-Site: same-origin`, as a browser "
        "sends it. "
        "Every figure but the last comes from one server with the page cache off; "
        "the cached comparison ran on a second server with the cache on, and its requests/s "
        f"is scaled by that server's own ceiling ({cached_ceiling.requests_per_second:.0f} "
        "req/s) so the ratio compares like with like. Its p99 is to be read against "
        f"that ceiling's p99 ({cached_ceiling.p99_ms:.1f} ms). Command: `make bench`."
    )
    for r in results:
        print(f"{r.name:28} {r.requests_per_second:8.0f} req/s  ratio {r.ratio(ceiling):.2f}  "
              f"p50 {r.p50_ms:.1f} ms  p99 {r.p99_ms:.1f} ms  non-2xx {r.non_2xx}")  # fmt: skip
    print(f"ceiling with cache on: {cached_ceiling.requests_per_second:.0f} req/s, "
          f"p99 {cached_ceiling.p99_ms:.1f} ms")  # fmt: skip
    write_results(results, ceiling, note)


if __name__ == "__main__":
    main()
