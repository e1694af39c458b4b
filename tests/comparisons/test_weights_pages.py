"""A reader's weights on the pages that show verdicts (a comparison, /top/, the home page, a
tool, a category, the list of comparisons, tools side by side): the GET form, the canonical
address, junk refused, one cached page per weight set, and a member's saved weights."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Call, Persona
from tests.factories import ReviewFactory, ToolFactory, UserFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().split())


def read(response) -> str:
    """The page as a reader reads it: its words, without the markup."""
    return " ".join(re.sub(r"<[^>]*>", " ", response.content.decode()).split())


def test_the_page_without_weights_is_the_panels(client, pair):
    page = text(client.get(pair))
    assert 'Ship with <a href="/tools/beta/">Beta</a>.' in page
    assert "Re-weighted view" not in page
    assert 'name="w"' in page  # the form is there, one select per seat
    assert 'value="builder:3"' in page


def test_weights_in_the_address_reweigh_the_cards_the_table_and_the_pick(client, pair):
    response = client.get(f"{pair}?w=builder:3")
    assert response.status_code == 200
    page = text(response)
    assert "The pick with your weights" in page
    assert 'Ship with <a href="/tools/alpha/">Alpha</a>.' in page
    assert "Higher panel ship rate: 67% against 33%." in page
    assert "Re-weighted view: Builder ×3." in page
    assert "The panel's own verdict: ship with Beta." in page
    assert "Ship · 4 ship / 2 skip, weighted" in page  # Alpha's Decision table row
    assert "the panel's own: 50%, Split" in page  # beside each card's weighted ring
    assert '<option value="builder:3" selected>' in page
    assert 'href="/compare/alpha-vs-beta/?w=panel">Back to the panel\'s own weights' in page


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("w=builder:3&w=skeptic:1&w=futurist:1&w=founder:1", "w=builder:3"),  # the form's
        ("w=founder:2,builder:0", "w=builder:0,founder:2"),
        ("w=Founder:2", "w=founder:2"),
        ("w=builder:1&w=founder:1", "w=panel"),
        ("w=builder%3A3", None),  # the same address, encoded: served as it is
    ],
)
def test_weights_spelled_another_way_go_to_the_canonical_address(client, pair, query, canonical):
    response = client.get(f"{pair}?{query}")
    if canonical is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 301
        assert response["Location"] == f"{pair}?{canonical}"


def test_the_panels_own_weights_by_name(client, pair):
    page = text(client.get(f"{pair}?w=panel"))
    assert "Re-weighted view" not in page and 'Ship with <a href="/tools/beta/">Beta</a>.' in page


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("w=dreamer:2", "There is no seat called “dreamer” on the panel."),
        ("w=founder:9", "A seat&#x27;s weight is a whole number from 0 to 3."),
        ("w=founder", "Weights read seat:weight"),
        ("w=founder:2,founder:1", "weighted twice"),
        ("w=builder:0,skeptic:0,futurist:0,founder:0", "no seat counts"),
        ("w=" + "x" * 500, "more weights"),
    ],
)
def test_junk_weights_are_a_400_that_says_why(client, pair, query, says):
    response = client.get(f"{pair}?{query}")
    assert response.status_code == 400
    page = text(response)
    assert says in page
    assert "See this page with the panel's own weights" in page
    assert response.get("X-Page-Cache") != "miss"  # never kept


def test_junk_weights_from_htmx_are_a_notice(client, pair):
    response = client.get(f"{pair}?w=founder:9", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert 'id="messages"' in response.content.decode()


def test_each_weight_set_is_a_page_of_its_own_in_the_cache(client, pair):
    first = client.get(f"{pair}?w=builder:3")
    other = client.get(f"{pair}?w=founder:3")
    assert first["X-Page-Cache"] == other["X-Page-Cache"] == "miss"
    assert first.content != other.content
    assert client.get(f"{pair}?w=builder:3")["X-Page-Cache"] == "hit"
    plain = client.get(pair)
    assert plain["X-Page-Cache"] == "miss" and plain.content != first.content
    # The same weights in another order are sent to the one address, kept once.
    moved = client.get(f"{pair}?w=skeptic:1,builder:3")
    assert moved.status_code == 301 and moved["Location"] == f"{pair}?w=builder:3"
    assert client.get(moved["Location"])["X-Page-Cache"] == "hit"


def test_htmx_gets_the_pick_and_the_weighted_figures_out_of_band(client, pair):
    response = client.get(f"{pair}?w=builder:3", headers={"HX-Request": "true"})
    page = text(response)
    assert page.startswith('<div id="pick"')
    assert f'hx-get="{pair}?w=builder:3"' in page  # a vote refreshes it with the weights
    for part in ("panel-row-alpha", "score-row-beta", "panel-figure-alpha", "weights-status"):
        assert f'id="{part}" hx-swap-oob=' in page
    assert "<html" not in page


def test_the_reversed_pair_keeps_its_weights(client, pair):
    response = client.get("/compare/beta-vs-alpha/?w=builder:3")
    assert response.status_code == 301
    assert response["Location"] == f"{pair}?w=builder:3"


def test_rankings_count_the_weights(client, pair, settings):
    plain = client.get("/top/").context["top_panel"]
    assert [tool.slug for tool in plain] == ["beta", "alpha"]
    response = client.get("/top/?w=builder:3")
    assert response.status_code == 200
    ranked = response.context["top_panel"]
    assert [tool.slug for tool in ranked] == ["alpha", "beta"]
    assert [tool.panel.ship_pct for tool in ranked] == [67, 33]
    page = text(response)
    assert "Re-weighted view: Builder ×3." in page
    by_category = response.context["by_category"]
    [top] = by_category.values()
    assert [tool.slug for tool in top["panel"]] == ["alpha", "beta"]


def test_rankings_refuse_junk_and_send_other_spellings_on(client, pair):
    assert client.get("/top/?w=dreamer:1").status_code == 400
    moved = client.get("/top/?w=founder:1,builder:3")
    assert moved.status_code == 301 and moved["Location"] == "/top/?w=builder:3"


def test_the_home_pages_top_five_count_the_weights(client, pair):
    plain = client.get("/")
    assert [tool.slug for tool in plain.context["top_panel"]] == ["beta", "alpha"]
    assert "Re-weighted view" not in text(plain)
    response = client.get("/?w=builder:3")
    ranked = response.context["top_panel"]
    assert [(rank, tool.slug) for rank, tool in ranked.ranked] == [("1", "alpha"), ("2", "beta")]
    assert [tool.panel.ship_pct for tool in ranked] == [67, 33]
    page = text(response)
    assert "Re-weighted view: Builder ×3. This list counts your weights" in page
    assert 'href="/top/?w=builder:3"' in page and 'href="/?w=panel"' in page
    assert client.get("/?w=dreamer:1").status_code == 400
    moved = client.get("/?w=founder:1,builder:3")
    assert moved.status_code == 301 and moved["Location"] == "/?w=builder:3"


def test_a_member_with_saved_weights_opens_the_home_page_with_them(client, pair):
    member = UserFactory(panel_weights="builder:3")
    client.force_login(member)
    opened = client.get("/")
    assert opened.status_code == 302 and opened["Location"] == "/?w=builder:3"
    ranked = client.get("/?w=builder:3").context["top_panel"]
    assert [tool.slug for tool in ranked] == ["alpha", "beta"]


def test_rankings_htmx_answer_is_the_rankings(client, pair):
    page = text(client.get("/top/?w=builder:3", headers={"HX-Request": "true"}))
    assert page.startswith('<div id="rankings">')
    assert 'id="weights-status" hx-swap-oob=' in page


# A member's weights


def test_a_member_keeps_weights_and_pages_open_with_them(client, pair, settings):
    member = UserFactory()
    client.force_login(member)
    page = text(client.get(f"{pair}?w=builder:3"))
    assert "Keep these weights" in page
    kept = client.post("/weights/", {"w": "builder:3", "next": f"{pair}?w=builder:3"})
    assert kept.status_code == 302 and kept["Location"] == f"{pair}?w=builder:3"
    member.refresh_from_db()
    assert member.panel_weights == "builder:3"
    # Opened without weights, the page sends the member to it with theirs.
    opened = client.get(pair)
    assert opened.status_code == 302 and opened["Location"] == f"{pair}?w=builder:3"
    assert "private" in opened["Cache-Control"]
    assert client.get("/top/")["Location"] == "/top/?w=builder:3"
    page = text(client.get(f"{pair}?w=builder:3"))
    assert "These are your saved weights" in page and "Forget my weights" in page
    # The panel's own, by name, without forgetting.
    page = text(client.get(f"{pair}?w=panel"))
    assert "Re-weighted view" not in page and "You have saved weights" in page
    # Weights naming a seat since retired: refused, with the way to forget them.
    member.panel_weights = "dreamer:2"
    member.save()
    refused = client.get(pair, follow=True)
    assert refused.status_code == 400 and "Forget my weights" in text(refused)
    settings.PAGE_CACHE_ENABLED = False  # rendered for the member, not from a shell
    assert "Forget my weights" in text(client.get(refused.redirect_chain[-1][0]))
    forgot = client.post("/weights/", {"w": "", "next": pair})
    assert forgot.status_code == 302
    member.refresh_from_db()
    assert member.panel_weights == ""
    assert client.get(pair).status_code == 200


def test_the_shell_never_holds_one_members_weights_state(client, pair):
    """The page is kept once for everyone; the saved-weights part is each reader's own."""
    client.get(f"{pair}?w=builder:3")  # kept, for nobody
    member = UserFactory(panel_weights="builder:3")
    client.force_login(member)
    response = client.get(f"{pair}?w=builder:3")
    assert response["X-Page-Cache"] == "hit"
    assert "These are your saved weights" in text(response)
    client.logout()
    page = text(client.get(f"{pair}?w=builder:3"))
    assert "saved weights" not in page and "Keep these weights" not in page


def test_keeping_weights_checks_them(client, pair):
    client.force_login(UserFactory())
    assert client.post("/weights/", {"w": "dreamer:2"}).status_code == 400
    kept = client.post("/weights/", {"w": "founder:2,builder:1", "next": "/top/"})
    assert kept.status_code == 302


def test_signed_out_readers_are_asked_to_sign_in_to_keep_weights(client, pair):
    response = client.post("/weights/", {"w": "builder:3", "next": pair})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The other pages a reader's weights reach: a tool's, a category's, the list of comparisons,
# and three or more tools side by side.


def test_a_tool_page_counts_the_weights_and_gives_the_panels_own(client, pair):
    plain = client.get("/tools/alpha/")
    assert "Re-weighted view" not in read(plain) and "Split · 2 ship / 2 skip" in read(plain)
    assert 'value="builder:3"' in text(plain)  # the weights form
    response = client.get("/tools/alpha/?w=builder:3")
    page = read(response)
    assert "Re-weighted view: Builder ×3." in page
    assert "the panel's own: Split · 2 ship / 2 skip, 60/100" in page
    # The Facts, and the card's ring (67%) with the panel's own beside it.
    assert "Panel verdict Ship · 4 ship / 2 skip, weighted the panel's own: Split" in page
    assert "Mean panel score 70/100 weighted; the panel's own: 60/100" in page  # (3·90+…)/6
    assert "weighted; the panel's own: 50%, Split" in page
    assert '<option value="builder:3" selected>' in text(response)
    assert 'href="/tools/alpha/?w=panel">Back to the panel\'s own weights' in text(response)
    # Its comparisons' verdicts count the weights too.
    assert "Alpha: ✓ Ship weighted; the panel's own: Split" in page
    assert "Beta: ✕ Skip weighted; the panel's own: Split" in page
    # Machines read the panel's own verdict.
    assert 'The panel says Split · 2 ship / 2 skip.">' in text(response)


def test_a_tool_page_reads_the_seats_off_its_scorecard(client, pair):
    with CaptureQueriesContext(connection) as plain:
        client.get("/tools/alpha/")
    with CaptureQueriesContext(connection) as weighted:  # another tool: nothing kept yet
        response = client.get("/tools/beta/?w=futurist:0,founder:0")
    assert response.status_code == 200
    assert "Skip · 0 ship / 2 skip, weighted" in text(response)
    # The seats are the scorecard's; its comparisons' other tools are weighed in one query.
    assert len(weighted) == len(plain) + 1


def test_a_tool_page_refuses_junk_and_sends_other_spellings_on(client, pair):
    refused = client.get("/tools/alpha/?w=dreamer:1")
    assert refused.status_code == 400
    assert 'href="/tools/alpha/?w=panel"' in refused.content.decode()
    moved = client.get("/tools/alpha/?w=founder:1,builder:3")
    assert moved.status_code == 301 and moved["Location"] == "/tools/alpha/?w=builder:3"


def test_a_tool_pages_htmx_answer_is_its_verdict(client, pair):
    response = client.get("/tools/alpha/?w=builder:3", headers={"HX-Request": "true"})
    page = text(response)
    assert page.startswith('<div id="verdict">')
    assert "Ship · 4 ship / 2 skip, weighted" in page
    assert 'id="weights-status" hx-swap-oob=' in page
    assert "Panel scorecard" not in page and "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_a_member_with_saved_weights_opens_a_tool_page_with_them(client, pair):
    client.force_login(UserFactory(panel_weights="builder:3"))
    opened = client.get("/tools/alpha/")
    assert opened.status_code == 302 and opened["Location"] == "/tools/alpha/?w=builder:3"


def category_of(slug: str) -> str:
    return Tool.objects.get(slug=slug).category.get_absolute_url()


def test_a_category_ranks_its_tools_with_the_weights(client, pair):
    shelf = category_of("alpha")
    plain = client.get(shelf)
    assert [tool.slug for tool in plain.context["page"].object_list] == ["beta", "alpha"]
    assert "Re-weighted view" not in text(plain)
    response = client.get(f"{shelf}?w=builder:3")
    assert response.status_code == 200
    ranked = response.context["page"].object_list
    assert [tool.slug for tool in ranked] == ["alpha", "beta"]
    assert [tool.panel.ship_pct for tool in ranked] == [67, 33]
    page = text(response)
    assert "Re-weighted view: Builder ×3." in page
    assert "weighted; the panel's own: 50%, Split" in page  # on each card
    # Its comparisons' verdicts count the weights too.
    assert "Alpha: ✓ Ship weighted; the panel's own: Split" in read(response)
    assert f'href="{shelf}?w=panel">Back to the panel\'s own weights' in page


def test_a_category_keeps_every_tool_in_its_weighted_order(client, pair):
    """Unlike /top/, a shelf lists the tools not every seat has reviewed: last, unreviewed."""
    alpha = Tool.objects.get(slug="alpha")
    ToolFactory(name="Gamma", slug="gamma", category=alpha.category)
    ranked = client.get(f"{category_of('alpha')}?w=builder:3").context["page"].object_list
    assert [tool.slug for tool in ranked] == ["alpha", "beta", "gamma"]


def test_a_category_reads_the_seats_only_for_weights(client, pair, django_assert_num_queries):
    shelf = category_of("alpha")
    client.get(shelf)  # the session, set up once
    with django_assert_num_queries(4):
        client.get(f"{shelf}?page=1")
    with django_assert_num_queries(6):  # and the seats, and the comparisons' tools weighed
        client.get(f"{shelf}?w=builder:3")


def test_a_category_refuses_junk_and_keeps_its_page_on_other_spellings(client, pair):
    shelf = category_of("alpha")
    assert client.get(f"{shelf}?w=founder:9").status_code == 400
    moved = client.get(f"{shelf}?page=1&w=founder:1,builder:3")
    assert moved.status_code == 301 and moved["Location"] == f"{shelf}?page=1&w=builder:3"


def test_the_list_of_comparisons_counts_the_weights(client, pair, django_assert_num_queries):
    plain = read(client.get("/compare/"))
    assert "Alpha: ± Split Beta: ± Split" in plain and "Re-weighted view" not in plain
    with django_assert_num_queries(5):  # the seats, and the listed tools weighed, read once
        response = client.get("/compare/?w=builder:3")
    page = text(response)
    assert "Re-weighted view: Builder ×3." in page
    assert "Alpha: ✓ Ship weighted; the panel's own: Split" in read(response)
    assert "Beta: ✕ Skip weighted; the panel's own: Split" in read(response)
    assert 'href="/compare/?w=panel">Back to the panel\'s own weights' in page


def test_the_list_of_comparisons_refuses_junk_and_keeps_its_filter(client, pair):
    category = Tool.objects.get(slug="alpha").category.slug
    assert client.get("/compare/?w=dreamer:1").status_code == 400
    moved = client.get(f"/compare/?category={category}&w=Builder:3")
    assert moved.status_code == 301
    assert moved["Location"] == f"/compare/?category={category}&w=builder:3"


@pytest.fixture
def trio(pair):
    """Alpha, Beta and Gamma, whom every seat skips: side by side at this address."""
    gamma = ToolFactory(name="Gamma", slug="gamma")
    for seat in Persona.objects.all():
        ReviewFactory(tool=gamma, persona=seat, call=Call.SKIP, score=20)
    return "/compare/?tools=alpha,beta,gamma"


def test_three_tools_side_by_side_count_the_weights(client, trio, django_assert_num_queries):
    plain = text(client.get(trio))
    assert 'Ship with <a href="/tools/beta/">Beta</a>.' in plain
    assert "What would change it" in plain and "Re-weighted view" not in plain
    with django_assert_num_queries(2):  # as without weights: the seats are the scorecard's
        response = client.get(f"{trio}&w=builder:3")
    assert response.status_code == 200
    page = text(response)
    assert "The pick with your weights" in page
    assert 'Ship with <a href="/tools/alpha/">Alpha</a>.' in page
    assert "Re-weighted view: Builder ×3." in page
    assert "The panel's own verdict: ship with Beta." in page
    assert "Ship · 4 ship / 2 skip, weighted" in page  # Alpha's Decision table row
    assert "weighted; the panel's own: 50%, Split" in page
    assert "What would change it" not in page  # no what-ifs for a re-weighted pick
    back = 'href="/compare/?tools=alpha,beta,gamma&amp;w=panel">Back to the panel'
    assert back in page  # the way back keeps the tools


def test_side_by_side_refuses_junk_and_keeps_the_tools_on_other_spellings(client, trio):
    refused = client.get(f"{trio}&w=founder:9")
    assert refused.status_code == 400
    assert "w=panel" in refused.content.decode() and "gamma" in refused.content.decode()
    moved = client.get(f"{trio}&w=founder:1&w=builder:3")
    assert moved.status_code == 301
    assert moved["Location"] == "/compare/?tools=alpha,beta,gamma&w=builder:3"


def test_side_by_sides_pick_refreshes_with_the_weights(client, trio):
    response = client.get(f"{trio}&w=builder:3", headers={"HX-Request": "true"})
    page = text(response)
    assert page.startswith('<div id="pick"')
    assert "Ship with" in page and "Alpha" in page and "Re-weighted view" in page


def test_two_picks_go_to_their_pair_with_the_weights(client, pair):
    response = client.get("/compare/?tools=beta&with=alpha&w=builder:3")
    assert response.status_code == 302
    assert response["Location"] == "/compare/beta-vs-alpha/?w=builder:3"
    assert client.get("/compare/?tools=beta&with=alpha")["Location"] == "/compare/beta-vs-alpha/"
