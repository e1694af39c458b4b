"""Weights in the API: ``w`` on a comparison, a tool and a verdict counts the panel again, and the
answer says so."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_comparison_with_weights_says_so_and_keeps_the_panels_own(client, pair):
    data = client.get("/api/comparisons/alpha-vs-beta/?w=skeptic:1,builder:3").json()
    assert data["weights"] == {
        "w": "builder:3",
        "reweighted": True,
        "described": "Builder ×3",
        "note": "Re-weighted view: Builder ×3. Each panel figure counts a seat's review as "
        "many times as its weight; panel_own is the panel's own verdict.",
    }
    assert data["pick"] == {
        "winner": "alpha",
        "reason": "Higher panel ship rate: 67% against 33%.",
        "changes": [],  # what would change it is said of the panel's own pick only
    }
    assert data["panel_pick"]["winner"] == "beta"
    alpha = data["tools"][0]
    assert alpha["panel"]["summary"] == "Ship · 4 ship / 2 skip, weighted"
    assert alpha["panel"]["ship_pct"] == 67
    assert alpha["panel_own"]["summary"] == "Split · 2 ship / 2 skip"
    assert alpha["weights"]["w"] == "builder:3"


def test_a_comparison_without_weights_is_the_panels(client, pair):
    data = client.get("/api/comparisons/alpha-vs-beta/").json()
    assert data["weights"]["reweighted"] is False and data["weights"]["w"] == "panel"
    assert data["panel_pick"] is None
    assert data["pick"]["winner"] == "beta"
    assert data["tools"][0]["panel"] == data["tools"][0]["panel_own"]


def test_a_tool_with_weights(client, pair):
    tool = client.get("/api/tools/beta/?w=founder:0,futurist:0").json()
    assert tool["panel"]["label"] == "Skip"
    assert tool["panel"]["ship_pct"] == 0
    assert tool["panel"]["mean_score"] == 53  # (50 + 55) / 2 = 52.5
    assert tool["panel_own"]["label"] == "Split"
    assert tool["weights"]["described"] == "Futurist ×0, Founder ×0"


@pytest.mark.parametrize("w", ["dreamer:1", "founder:7", "founder", "", "x" * 600])
def test_junk_weights_are_a_400_with_the_reason(client, pair, w):
    for url in ("/api/comparisons/alpha-vs-beta/", "/api/tools/alpha/"):
        response = client.get(url, {"w": w})
        assert response.status_code == 400
        assert response.json()["detail"]


def test_no_seat_counting_is_refused(client, pair):
    response = client.get("/api/tools/alpha/?w=builder:0,skeptic:0,futurist:0,founder:0")
    assert response.status_code == 400
    assert "no seat counts" in response.json()["detail"]


def test_the_schema_documents_w(client):
    schema = client.get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/comparisons/{slug}/"]["get"]["parameters"]
    assert any(p["name"] == "w" and "founder:2" in p["description"] for p in parameters)


def test_a_verdict_with_weights_says_so_and_keeps_the_panels_own(client, pair):
    data = client.get("/api/verdicts/alpha/?w=builder:3").json()
    assert data["tool"] == "alpha"
    assert data["panel"]["summary"] == "Ship · 4 ship / 2 skip, weighted"
    assert (data["panel"]["ship_pct"], data["panel"]["mean_score"]) == (67, 70)
    assert data["panel_own"]["summary"] == "Split · 2 ship / 2 skip"
    assert data["weights"]["w"] == "builder:3" and data["weights"]["reweighted"] is True
    assert data["weights"]["note"].startswith("Re-weighted view: Builder ×3.")
    assert data["community"]["votes"] == 0


def test_a_verdict_without_weights_is_the_panels_and_reads_one_row(
    client, pair, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the tool's row: no seats without weights
        data = client.get("/api/verdicts/beta/").json()
    assert data["panel"] == data["panel_own"]
    assert data["weights"] == {
        "w": "panel",
        "reweighted": False,
        "described": "",
        "note": "The panel's own weights: every seat counts once.",
    }
    assert client.get("/api/verdicts/beta/?w=panel").json()["weights"]["reweighted"] is False


@pytest.mark.parametrize(
    "w", ["dreamer:1", "founder:7", "", "builder:0,skeptic:0,futurist:0,founder:0"]
)
def test_a_verdict_refuses_junk_weights_with_the_reason(client, pair, w):
    response = client.get("/api/verdicts/alpha/", {"w": w})
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_schema_documents_w_on_verdicts(client):
    schema = client.get("/api/openapi.json").json()
    verdict = schema["paths"]["/api/verdicts/{slug}/"]["get"]
    assert any(p["name"] == "w" and "founder:2" in p["description"] for p in verdict["parameters"])
    shape = verdict["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][shape.rsplit("/", 1)[1]]["properties"]
    assert {"panel", "panel_own", "community", "weights"} <= properties.keys()
