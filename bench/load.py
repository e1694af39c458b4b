"""Load benchmark: wrk against gunicorn under production settings, as ratios to a ceiling.

The ceiling is /ping, the smallest view the site has, on the same server, settings and
middleware, measured in the same run; every page is reported as a ratio to it.
    make bench-load            (the dataset must exist: make dataset)
"""

import re
import subprocess
from dataclasses import dataclass

from server import ROOT

MARK_START = "<!-- load:start -->"
MARK_END = "<!-- load:end -->"


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
        MARK_START,
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
    lines.append(MARK_END)
    block = "\n".join(lines)
    results_file = ROOT / "bench" / "RESULTS.md"
    text = results_file.read_text() if results_file.exists() else "# Benchmark results\n"
    if MARK_START in text:
        before, rest = text.split(MARK_START, 1)
        text = before + block + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    results_file.write_text(text)
