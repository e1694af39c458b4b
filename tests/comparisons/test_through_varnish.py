"""The twins and the exports behind a real varnishd (deploy/varnish.vcl), as the pages are in
tests/core/test_varnish.py: kept for anonymous readers, purged by the vote that moves them."""

import pytest

from tests.core.test_varnish import (  # noqa: F401 - servers and stack are fixtures
    SLUG,
    fetch,
    servers,
    session_of,
    signed_in_post,
    stack,
    within_a_second,
)
from tests.factories import UserFactory
from tests.support.varnish import INSTALLED

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the server sees committed rows only
    pytest.mark.skipif(not INSTALLED, reason="varnishd is not installed (apt-get install varnish)"),
]

TWIN = f"/tools/{SLUG}.md"
EXPORT = "/data/verdicts.csv"


def community(answer, slug: str = SLUG) -> str:
    """The tool's community summary, from a twin or from the verdicts export."""
    if answer["Content-Type"].startswith("text/markdown"):
        return answer.body.split("- Community: ")[1].split("\n")[0]
    row = next(line for line in answer.body.splitlines() if line.startswith(f"{slug},"))
    return row.split(",")[13]


def test_a_vote_purges_the_twin_and_the_export_that_show_it(stack):  # noqa: F811
    _, cache = stack
    for path in (TWIN, EXPORT):
        first, second = fetch(cache.base, path), fetch(cache.base, path)
        assert first.status == second.status == 200
        assert second.from_varnish and second.body == first.body, path
        assert second["Cache-Control"] == "public, max-age=0, s-maxage=600"
    before = community(fetch(cache.base, TWIN))
    assert community(fetch(cache.base, EXPORT)) == before

    voted = signed_in_post(
        cache.base, f"/tools/{SLUG}/vote/", session_of(UserFactory()), "value=skip"
    )
    assert voted.status == 200, voted.body[:500]

    twin = within_a_second(cache.base, TWIN, lambda answer: community(answer) != before)
    export = within_a_second(cache.base, EXPORT, lambda answer: community(answer) != before)
    assert community(twin) == community(export) and not export.from_varnish
