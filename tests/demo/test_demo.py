import pytest
from django.core.management import call_command

from comparisons.models import Comparison
from reviews.models import Persona, Review, Vote
from reviews.services import community_recount
from tools.models import Category, Tool

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every demo row with every value, to prove a second load changes nothing."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=lambda row: row[0])
        for model in (Category, Persona, Tool, Review, Comparison, Vote)
    }


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_load_demo_restores_an_edited_row(demo):
    Tool.objects.filter(slug="smolvlm2-turbo").update(tagline="Edited by hand")
    call_command("load_demo", verbosity=0)
    assert Tool.objects.get(slug="smolvlm2-turbo").tagline != "Edited by hand"


def test_demo_catalogue_is_big_enough_to_look_real(demo):
    published = Tool.objects.published()
    assert published.count() >= 20
    assert Category.objects.filter(tools__in=published).distinct().count() >= 4
    assert Comparison.objects.published().count() >= 10
    labels = {tool.panel.label for tool in published}
    assert {"Ship", "Skip", "Split", "Awaiting panel"} <= labels
    assert Tool.objects.filter(status=Tool.Status.DRAFT).exists()


def test_demo_has_the_seed_comparisons(demo):
    slugs = {c.slug for c in Comparison.objects.published().with_tools()}
    assert {
        "smolvlm2-turbo-vs-mistral-3-small-22b",
        "smolvlm2-vs-mistral-3-small-24b",
        "smolvlm2-turbo-vs-mistral-8b-instruct-v3",
        "smolvlm2-turbo-vs-mistral-8x22b-v2",
        "smolvlm2-turbo-vs-mistral-large-3",
    } <= slugs


def test_seed_comparison_page_shows_the_seed_verdicts(client, demo):
    response = client.get("/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ship · 4 ship / 0 skip" in html
    assert "Ship · 3 ship / 1 skip" in html
    turbo, mixtral = response.context["sbs"].tools
    assert (turbo.panel.ship_pct, mixtral.panel.ship_pct) == (100, 75)
    founder = next(r for r in response.context["sbs"].rows if r.persona.slug == "founder")
    assert founder.reviews[1].headline == "55/100 · skip"
    assert "55/100" in html


def test_every_demo_page_renders(client, demo):
    urls = ["/", "/compare/", "/tools/", "/categories/", "/panel/"]
    urls += [t.get_absolute_url() for t in Tool.objects.published()]
    urls += [c.get_absolute_url() for c in Comparison.objects.published().with_tools()]
    urls += [c.get_absolute_url() for c in Category.objects.all()]
    urls += [p.get_absolute_url() for p in Persona.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url


SEED_COMPARISONS = [
    "smolvlm2-turbo-vs-mistral-3-small-22b",
    "smolvlm2-vs-mistral-3-small-24b",
    "smolvlm2-turbo-vs-mistral-8b-instruct-v3",
    "smolvlm2-turbo-vs-mistral-8x22b-v2",
    "smolvlm2-turbo-vs-mistral-large-3",
]


def test_demo_has_community_votes_away_from_the_seed_comparisons(client, demo):
    voted = Tool.objects.published().filter(community_ships__gt=0)
    assert voted.count() >= 5
    assert community_recount() == 0  # the counts on the rows are the votes'
    for slug in SEED_COMPARISONS:
        html = client.get(f"/compare/{slug}/").content.decode()
        assert html.count("No community votes yet") == 4, slug  # two cards, two table cells
    html = client.get("/").content.decode()
    assert "Claude Code" in html and "83% ship · 12 votes" in html
