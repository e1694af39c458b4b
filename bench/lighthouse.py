"""Lighthouse (npm) in Debian's headless Chromium against the production-settings site.

Writes the four category scores for the home and a comparison page into bench/RESULTS.md.
    make lighthouse
"""

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from results import results_write
from server import ROOT, gunicorn, manage, production_env

PAGES = {
    "home": "/",
    "comparison": "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def audit(url: str, preset: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        args = [
            str(ROOT / "node_modules" / ".bin" / "lighthouse"),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ]
        if preset == "desktop":
            args.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
        subprocess.run(args, check=True, env=env, timeout=300)
        data = json.loads(report.read_text())
    return {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}


def write_results(rows: list[tuple[str, str, dict[str, int]]]) -> None:
    table = [
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores), Lighthouse with `CHROME_PATH=/usr/bin/chromium`, "
        "against gunicorn with `DJANGO_DEBUG=0` and the demo data. Command: `make lighthouse`.",
        "",
        "| page | form factor | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- | --- |",
        *[
            f"| {page} | {preset} | " + " | ".join(str(s[c]) for c in CATEGORIES) + " |"
            for page, preset, s in rows
        ],
    ]
    results_write("lighthouse", ["## Lighthouse", "", *table])


def main() -> None:
    if not (ROOT / "node_modules" / ".bin" / "lighthouse").exists():
        sys.exit("lighthouse is not installed: run npm ci")
    manage("load_demo", env=production_env(0))
    rows = []
    with gunicorn() as base:
        for page, path in PAGES.items():
            for preset in ("mobile", "desktop"):
                scores = audit(base + path, preset)
                print(page, preset, scores)
                rows.append((page, preset, scores))
    write_results(rows)
    low = [(p, f, c, s[c]) for p, f, s in rows for c in CATEGORIES if s[c] < 95]
    if low:
        print("Below 95:", low)


if __name__ == "__main__":
    main()
