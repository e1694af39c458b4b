"""Script an editor (or a member, in their display name) types into any text field is shown
as text everywhere it appears: every page, the admin, the feeds, the sitemap, the JSON API
and the newsletter email. A website is never a javascript: link.

Each field holds its own payload, so the test also proves every field was shown somewhere.
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from newsletter.emails import EditionContent, edition_message
from newsletter.models import Edition
from tests.factories import (
    BookmarkFactory,
    CategoryFactory,
    ComparisonFactory,
    EditionFactory,
    PersonaFactory,
    ReviewFactory,
    SubscriberFactory,
    ToolFactory,
    UserFactory,
    VoteFactory,
)
from tests.support.markup import Markup, json_strings
from tools.models import Tool

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}
ATTACK = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>'"


def hostile(field: str) -> str:
    """A payload that names its field: "Tn<script>…" is the tool's name."""
    return f"{field}{ATTACK}"


FIELDS = {
    "Tn": "Tool.name",
    "Tt": "Tool.tagline",
    "Td": "Tool.description",
    "Tv": "Tool.vendor",
    "Tp": "Tool.pricing_detail",
    "Tl": "Tool.license",
    "Cn": "Category.name",
    "Cd": "Category.description",
    "Pn": "Persona.name",
    "Pl": "Persona.lens",
    "Rb": "Review.body",
    "Ce": "Comparison.editor_note",
    "Es": "Edition.subject",
    "Ei": "Edition.intro",
    "Un": "User.name",
}


@pytest.fixture
def stored(db):
    """Everything an editor can write, written with payloads; a member who votes and saves."""
    category = CategoryFactory(name=hostile("Cn"), description=hostile("Cd"))
    tools = [
        ToolFactory(
            category=category,
            name=hostile("Tn"),
            tagline=hostile("Tt"),
            description=hostile("Td"),
            vendor=hostile("Tv"),
            pricing_detail=hostile("Tp"),
            license=hostile("Tl"),
            website="https://example.com/?q=</script><script>alert(1)</script>",
        )
        for _ in range(3)
    ]
    persona = PersonaFactory(name=hostile("Pn"), slug="hostile", lens=hostile("Pl"))
    for tool in tools:
        ReviewFactory(tool=tool, persona=persona, body=hostile("Rb"))
    comparison = ComparisonFactory(tool_a=tools[0], tool_b=tools[1], editor_note=hostile("Ce"))
    edition = EditionFactory(subject=hostile("Es"), intro=hostile("Ei"), comparisons=[comparison])
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(status="sent", started_at=now, sent_at=now)
    member = UserFactory(name=hostile("Un"))
    VoteFactory(member=member, tool=tools[0], value="ship")
    BookmarkFactory(member=member, tool=tools[0])
    edition.refresh_from_db()
    return {
        "category": category,
        "tools": tools,
        "persona": persona,
        "comparison": comparison,
        "edition": edition,
        "member": member,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_stored_script_is_shown_as_text_everywhere(stored, editor):
    tool, comparison, edition = stored["tools"][0], stored["comparison"], stored["edition"]
    slugs = ",".join(t.slug for t in stored["tools"])
    reader, member = Client(), signed_in(stored["member"])
    superuser = signed_in(UserFactory(is_staff=True, is_superuser=True))
    staff = signed_in(editor)
    html_pages = {
        reader: [
            "/",
            "/compare/",
            comparison.get_absolute_url(),
            f"/compare/{stored['tools'][2].slug}-vs-{tool.slug}/",  # a pair no editor made
            f"/compare/?tools={slugs}",
            f"/compare/?category={stored['category'].slug}",
            "/tools/",
            "/tools/?q=script",
            tool.get_absolute_url(),
            "/categories/",
            stored["category"].get_absolute_url(),
            "/panel/",
            stored["persona"].get_absolute_url(),
            "/top/",
            "/newsletter/",
            edition.get_absolute_url(),
        ],
        member: ["/", comparison.get_absolute_url(), tool.get_absolute_url(), "/bookmarks/"],
        staff: [
            "/admin/",
            "/admin/tools/tool/",
            f"/admin/tools/tool/{tool.pk}/change/",
            f"/admin/tools/tool/{tool.pk}/delete/",
            "/admin/tools/category/",
            f"/admin/tools/category/{stored['category'].pk}/change/",
            "/admin/reviews/persona/",
            f"/admin/reviews/persona/{stored['persona'].pk}/change/",
            "/admin/reviews/review/",
            f"/admin/reviews/review/{tool.reviews.get().pk}/change/",
            "/admin/comparisons/comparison/",
            f"/admin/comparisons/comparison/{comparison.pk}/change/",
            "/admin/newsletter/edition/",
            f"/admin/newsletter/edition/{edition.pk}/change/",
            f"/admin/newsletter/edition/{edition.pk}/preview/",
        ],
        superuser: [
            "/admin/accounts/user/",
            f"/admin/accounts/user/{stored['member'].pk}/change/",
        ],
    }
    shown, problems, checked = {}, {}, 0
    for client, paths in html_pages.items():
        for path in paths:
            response = client.get(path, follow=True)  # an editor-less pair has one order
            assert response.status_code == 200, path
            markup = Markup(response.content.decode())
            if found := markup.problems():
                problems[path] = found
            shown[path] = markup.shown()
            checked += 1

    # The Atom feeds: titles are text; summaries are HTML that feed readers render.
    for path in ["/feeds/comparisons/", f"/feeds/categories/{stored['category'].slug}/"]:
        feed = ET.fromstring(reader.get(path).content)
        [entry] = feed.findall("a:entry", ATOM)
        assert entry.find("a:title", ATOM).text == comparison.title
        summary = entry.find("a:summary", ATOM)
        assert summary.get("type") == "html"
        markup = Markup(summary.text)
        if found := markup.problems():
            problems[path] = found
        shown[path] = f"{comparison.title}\n{markup.shown()}"
        checked += 1

    # The JSON API: payloads come back as the strings they are, never as HTML.
    for path in [
        "/api/tools/",
        f"/api/tools/{tool.slug}/",
        f"/api/comparisons/{comparison.slug}/",
        "/api/comparisons/",
        "/api/personas/",
        f"/api/personas/{stored['persona'].slug}/",
    ]:
        response = reader.get(path)
        assert response["Content-Type"] == "application/json; charset=utf-8", path
        assert response["X-Content-Type-Options"] == "nosniff"
        shown[path] = "\n".join(json_strings(json.loads(response.content)))
        checked += 1

    # The newsletter as a subscriber receives it, both parts.
    message = edition_message(
        content=EditionContent.load(edition), subscriber=SubscriberFactory(), delivery_id=1
    )
    html_part = Markup(message.alternatives[0].content)
    if found := html_part.problems():  # an email has no scripts of its own at all
        problems["email (HTML)"] = found
    shown["email (HTML)"] = f"{message.subject}\n{html_part.shown()}"
    shown["email (text)"] = message.body  # plain text: shown as typed, and inert
    checked += 2

    # The sitemap names only addresses on the site.
    sitemap = ET.fromstring(reader.get("/sitemap.xml").content)
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert locations and all(loc.startswith("https://verdicts.example/") for loc in locations)
    checked += 1

    coverage = {
        name: sorted(where for where, text in shown.items() if hostile(marker) in text)
        for marker, name in FIELDS.items()
    }
    print(
        f"\nXSS: {len(FIELDS)} fields with payloads, {checked} pages, feeds, API answers and "
        f"email parts checked, problems {sum(map(len, problems.values()))}; "
        f"each field shown in {min(len(w) for w in coverage.values())} to "
        f"{max(len(w) for w in coverage.values())} of them"
    )
    assert problems == {}
    assert [name for name, where in coverage.items() if not where] == []
    assert all(hostile(m) in shown["email (HTML)"] for m in ["Es", "Ei", "Ce", "Tn"])
    assert all(hostile(m) in shown["email (text)"] for m in ["Es", "Ei", "Ce", "Tn"])


def test_the_website_link_keeps_its_address_and_runs_nothing(client, stored):
    tool = stored["tools"][0]
    markup = Markup(client.get(tool.get_absolute_url()).content.decode())
    [link] = [a for tag, a in markup.tags if tag == "a" and a.get("href", "").startswith("https")]
    assert link["href"] == tool.website and link["rel"] == "noopener"


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.com/file",
    ],
)
def test_a_website_that_is_not_http_is_refused(client, editor, website):
    tool = ToolFactory(website="https://example.com/")
    client.force_login(editor)
    form = {
        "name": tool.name,
        "slug": tool.slug,
        "tagline": tool.tagline,
        "description": tool.description,
        "category": tool.category_id,
        "pricing_entry": "free",
        "relationship": "None",
        "website": website,
        "status": "published",
        "published_at_0": "2026-11-01",
        "published_at_1": "09:00:00",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
    }

    response = client.post(f"/admin/tools/tool/{tool.pk}/change/", form)

    assert response.status_code == 200  # the form again, with the error
    assert "errornote" in response.content.decode()
    tool.refresh_from_db()
    assert tool.website == "https://example.com/"
    # Nor can anything that skips the form store it: the database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Tool.objects.filter(pk=tool.pk).update(website=website)


def test_a_feed_summary_is_html_with_the_note_escaped(client):
    ComparisonFactory(
        editor_note="Line one <b>bold?</b>\n\nLine two",
        published_at=timezone.now() - dt.timedelta(minutes=5),
    )
    entry = ET.fromstring(client.get("/feeds/comparisons/").content).find("a:entry", ATOM)
    summary = entry.find("a:summary", ATOM).text
    assert summary.startswith("<p>Line one &lt;b&gt;bold?&lt;/b&gt;</p>\n\n<p>Line two")
