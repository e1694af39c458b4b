"""The read-only JSON API: what it answers, and a schemathesis run against its own schema."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from reviews.services import vote_cast
from tests.factories import ReviewFactory, ToolFactory, UserFactory
from verdicts.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo catalogue, loaded once for the schemathesis run and rolled back after.

    Schemathesis calls the real WSGI application, whose end-of-request signal
    would close the connection holding this transaction; Django's test client
    unhooks it the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema_and_never_fails(demo_module, case):
    """No 5xx, every response as the schema says, for generated and hostile inputs."""
    # The site gzips what it sends to clients that accept it; schemathesis's WSGI transport
    # asks for gzip (requests' default headers) but does not unpack it, so ask for it plain.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


def test_tool_list_is_paginated(client, demo):
    first = client.get("/api/tools/").json()
    assert first["count"] >= 20
    assert len(first["items"]) == 20
    second = client.get("/api/tools/?page=2").json()
    assert {t["slug"] for t in first["items"]}.isdisjoint(t["slug"] for t in second["items"])
    assert client.get("/api/tools/?page=0").status_code == 422


def test_tool_search_and_category_filter(client, demo):
    found = client.get("/api/tools/?q=smolvlm").json()["items"]
    assert {t["slug"] for t in found} == {"smolvlm2", "smolvlm2-turbo"}
    shelf = client.get("/api/tools/?category=developer-tools").json()["items"]
    assert shelf and all(t["category"]["slug"] == "developer-tools" for t in shelf)


def test_tool_detail_carries_the_panel(client, demo):
    tool = client.get("/api/tools/mistral-8x22b-v2/").json()
    assert tool["panel"]["summary"] == "Ship · 3 ship / 1 skip"
    assert tool["panel"]["ship_pct"] == 75
    assert tool["community"]["summary"] == "No community votes yet"
    founder = next(r for r in tool["reviews"] if r["persona"] == "founder")
    assert (founder["score"], founder["call"]) == (55, "skip")


def test_comparison_detail_with_the_pick(client, demo):
    data = client.get("/api/comparisons/smolvlm2-turbo-vs-mistral-8x22b-v2/").json()
    assert [t["slug"] for t in data["tools"]] == ["smolvlm2-turbo", "mistral-8x22b-v2"]
    assert data["pick"] == {
        "winner": "smolvlm2-turbo",
        "reason": "Higher panel ship rate: 100% against 75%.",
        # Mistral's one skip turned ship levels the ship rates; its mean must then pass 79.
        "changes": [
            "Mistral 8x22B v2 would be the pick if Founder called it ship and scored it "
            "28 points higher."
        ],
    }


def test_the_api_says_what_would_change_a_pick_and_a_call(client, panel, settings):
    settings.RANKING_MIN_VOTES = 10
    alpha, beta = ToolFactory(name="Alpha", slug="alpha"), ToolFactory(name="Beta", slug="beta")
    for seat, (a, b) in zip(panel, [(80, 85), (80, 60), (80, 90), (80, 95)], strict=True):
        ReviewFactory(tool=alpha, persona=seat, score=a, call="ship")
        ReviewFactory(tool=beta, persona=seat, score=b, call="ship" if b > 65 else "skip")
    for value in ["ship", "ship", "skip"]:
        vote_cast(member=UserFactory(), tool=beta, value=value)
    data = client.get("/api/comparisons/alpha-vs-beta/").json()
    assert data["pick"]["changes"] == ["Beta would be the pick if Skeptic called it ship."]
    page = client.get("/compare/alpha-vs-beta/").content.decode()
    assert "Beta would be the pick if Skeptic called it ship." in page
    community = client.get("/api/tools/beta/").json()["community"]
    assert community == {
        "ships": 2,
        "skips": 1,
        "votes": 3,
        "ship_pct": 67,
        "summary": "67% ship · Preliminary (3 of 10 votes)",
        "preliminary": True,
        "needed": 10,
        "firmness": "2 more skip votes would make the community call Skip; 1 would split it.",
    }


def test_drafts_are_not_in_the_api(client, demo):
    assert client.get("/api/tools/gemini-cli/").status_code == 404
    assert client.get("/api/comparisons/claude-code-vs-gemini-cli/").status_code == 404
    slugs = {t["slug"] for t in client.get("/api/tools/?q=gemini").json()["items"]}
    assert "gemini-cli" not in slugs


def test_personas_and_verdicts(client, demo):
    personas = client.get("/api/personas/").json()
    assert [p["slug"] for p in personas] == ["builder", "skeptic", "futurist", "founder"]
    verdict = client.get("/api/verdicts/pinecone/").json()
    assert verdict["panel"]["label"] == "Split"


def test_schema_is_served_and_there_is_no_docs_page_calling_a_cdn(client):
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Verdicts API"
    assert client.get("/api/docs").status_code == 404


def test_the_api_root_says_where_its_schema_is(client, settings):
    """/api/ once answered a 404 page reading "docs_url = /api/None"."""
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json()["openapi"] == f"{settings.SITE_URL}/api/openapi.json"
    assert client.get(response.json()["openapi"].removeprefix(settings.SITE_URL)).status_code == 200
