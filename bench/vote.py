"""The vote in-process: what one vote costs with nothing else running, in two layers.

The vote's one call to PostgreSQL alone (reviews.services._vote_write: the lock, the write
and the answer's row), and the whole request through Django's test client (middleware, rate
limit, the call, the version moves, the answer's render), each the median of many votes by
one member, cycling over the 20 most voted tools, after some to warm up. The load benchmark
(bench/load.py) gives the rate; this says how much of a vote's time is which layer's.
    DATABASE_URL=… .venv/bin/python bench/vote.py
"""

import datetime as dt
import os
import platform
import statistics
import sys
import time

from results import results_write
from server import ROOT, production_env

VOTES, WARM = 400, 40


def main() -> None:
    os.environ.update(production_env(0, DJANGO_ALLOWED_HOSTS="testserver"))
    os.environ.update(VOTE_RATE_LIMIT="1000000/s", DJANGO_SETTINGS_MODULE="verdicts.settings")
    # The project's apps, not this folder's scripts (bench/newsletter.py is no app).
    sys.path[:] = [str(ROOT), *(entry for entry in sys.path if entry != str(ROOT / "bench"))]
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User
    from reviews.services import _vote_write
    from tools.models import Tool

    member, _ = User.objects.get_or_create(email="voter@bench.example")
    tools = Tool.objects.published().filter(slug__startswith="ds-").order_by("-community_ships")
    slugs = list(tools.values_list("slug", flat=True)[:20])

    def value(i: int) -> str:  # every vote changes the last: the counts move each time
        return "ship" if (i // len(slugs)) % 2 == 0 else "skip"

    def median_ms(vote) -> float:
        times = []
        for i in range(WARM + VOTES):
            started = time.perf_counter()
            vote(i)
            if i >= WARM:
                times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    call = median_ms(lambda i: _vote_write(member, value(i), slug=slugs[i % len(slugs)]))
    client = Client(headers={"Sec-Fetch-Site": "same-origin", "HX-Request": "true"})
    client.force_login(member)

    def request(i: int) -> None:
        response = client.post(f"/tools/{slugs[i % len(slugs)]}/vote/", {"value": value(i)})
        assert response.status_code == 200, response.status_code

    whole = median_ms(request)
    print(f"the vote's call {call:.2f} ms, the whole request {whole:.2f} ms")
    results_write(
        "vote",
        [
            "## The vote in-process",
            "",
            f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
            f"({os.cpu_count()} cores, 1-minute load {os.getloadavg()[0]:.1f} at the end), "
            f"the 1M-vote dataset, `DJANGO_DEBUG=0`; medians of {VOTES} votes by one member "
            f"after {WARM} to warm up, every vote moving the counts. "
            "Command: `make bench` (or `.venv/bin/python bench/vote.py`).",
            "",
            "| layer | median ms |",
            "| --- | --- |",
            f"| the vote's one call to PostgreSQL (`verdicts_vote`) | {call:.2f} |",
            f"| the whole request, Django's test client | {whole:.2f} |",
        ],
    )


if __name__ == "__main__":
    main()
