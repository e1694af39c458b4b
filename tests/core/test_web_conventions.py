"""What the web needs from us: canonical links, social cards, JSON-LD, sitemap, robots, feeds."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import URLResolver, get_resolver

from comparisons.models import Comparison
from tests.factories import ComparisonFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_comparison_page_json_ld_names_both_tools(client, demo):
    html = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/").content.decode()
    [data] = json_ld(html)
    assert data["@type"] == "WebPage"
    assert [tool["name"] for tool in data["about"]] == ["SmolVLM2 Turbo", "Mistral 8x22B v2"]
    mixtral = data["about"][1]
    assert mixtral["@type"] == "SoftwareApplication"
    assert mixtral["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 73,
        "bestRating": 100,
        "worstRating": 0,
        "reviewCount": 4,
    }
    founder = next(r for r in mixtral["review"] if r["author"]["name"].startswith("Founder"))
    assert founder["reviewRating"]["ratingValue"] == 55


def test_tool_page_json_ld_without_reviews_has_no_rating(client, panel):
    tool = ToolFactory(name="Fresh")
    [data] = json_ld(client.get(tool.get_absolute_url()).content.decode())
    assert data["name"] == "Fresh"
    assert "aggregateRating" not in data
    assert data["review"] == []


def test_json_ld_cannot_be_broken_out_of(client, panel):
    tool = ToolFactory(description="</script><script>alert(1)</script>")
    ReviewFactory(tool=tool, persona=panel[0], body="<!-- & </SCRIPT>")
    html = client.get(tool.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    [data] = json_ld(html)
    assert data["description"] == "</script><script>alert(1)</script>"
    assert data["review"][0]["reviewBody"] == "<!-- & </SCRIPT>"


def test_pages_have_canonical_title_description_and_social_cards(client, demo, settings):
    settings.SITE_URL = "https://verdicts.example"
    html = client.get("/compare/mistral-8x22b-v2-vs-smolvlm2-turbo/", follow=True).content.decode()
    assert (
        '<link rel="canonical" href="https://verdicts.example/compare/'
        'smolvlm2-turbo-vs-mistral-8x22b-v2/">'
    ) in html
    assert "<title>SmolVLM2 Turbo vs Mistral 8x22B v2: which one should you ship with?" in html
    assert '<meta name="description" content="' in html
    assert '<meta property="og:title" content="SmolVLM2 Turbo vs Mistral 8x22B v2' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_sitemap_lists_every_published_tool_and_comparison(client, demo, settings):
    settings.SITE_URL = "https://verdicts.example"
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)
    }
    for tool in Tool.objects.published():
        assert f"https://verdicts.example{tool.get_absolute_url()}" in locations
    for comparison in Comparison.objects.published().with_tools():
        assert f"https://verdicts.example{comparison.get_absolute_url()}" in locations
    drafts = Tool.objects.filter(status=Tool.Status.DRAFT)
    assert drafts and not any(d.slug in loc for d in drafts for loc in locations)


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://verdicts.example"
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: https://verdicts.example/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_comparison_feed_is_atom_newest_first(client, demo):
    response = client.get("/feeds/comparisons/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall("a:entry", ATOM_NS)
    titles = [entry.find("a:title", ATOM_NS).text for entry in entries]
    newest = Comparison.objects.published().with_tools().newest_first()
    assert titles == [c.title for c in newest[:20]]
    assert "Ship · 3 ship / 1 skip" in response.content.decode()


def test_category_feed_holds_only_that_category(client):
    first = ComparisonFactory()
    ComparisonFactory()
    response = client.get(f"/feeds/categories/{first.tool_a.category.slug}/")
    entries = ET.fromstring(response.content).findall("a:entry", ATOM_NS)
    assert [e.find("a:title", ATOM_NS).text for e in entries] == [first.title]
    assert client.get("/feeds/categories/no-such-shelf/").status_code == 404


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_the_sites_url_names_are_kebab_case_in_a_namespace():
    """One style for every name the site itself defines (allauth and the admin keep theirs)."""
    ours = [
        name
        for name in _url_names(get_resolver().url_patterns)
        if not name.startswith(("admin:", "account_", "socialaccount_", "usersessions_"))
    ]
    assert "reviews:tool-vote" in ours and "comparisons:comparison-detail" in ours
    assert [name for name in ours if not re.fullmatch(r"[a-z]+:[a-z]+(-[a-z]+)*", name)] == []
