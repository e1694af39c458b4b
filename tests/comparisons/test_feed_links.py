"""The feeds link to SITE_URL, whatever Host header and scheme the request came with."""

import re

import pytest

from tests.factories import ComparisonFactory

pytestmark = pytest.mark.django_db

SITE = "http://verdicts.test:8080"


@pytest.mark.parametrize("feed", ["all", "category"])
def test_feed_links_are_on_site_url(client, settings, feed):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal.example"]
    comparison = ComparisonFactory()
    path = (
        "/feeds/comparisons/"
        if feed == "all"
        else f"/feeds/categories/{comparison.tool_a.category.slug}/"
    )
    body = client.get(path, HTTP_HOST="internal.example", secure=True).content.decode()
    links = re.findall(r'href="([^"]+)"', body) + re.findall(r"<id>([^<]+)</id>", body)
    assert f'href="{SITE}{comparison.get_absolute_url()}"' in body
    assert f'href="{SITE}{path}"' in body  # the feed's own address
    assert links and all(link.startswith(f"{SITE}/") for link in links), links
