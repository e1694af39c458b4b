"""Finding tools: full-text search with typo tolerance, filters, sorting, live results."""

import re

import pytest

from reviews.services import vote_cast
from tests.factories import CategoryFactory, PersonaFactory, ReviewFactory, ToolFactory
from tools.models import Tool

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [tool.name for tool in response.context["page"].object_list]


def test_search_smolvlm_finds_both_smolvlm2_tools(client, demo):
    assert set(names(client.get("/tools/?q=smolvlm"))) == {"SmolVLM2", "SmolVLM2 Turbo"}


def test_search_tolerates_a_typo_in_mistral(client, demo):
    found = names(client.get("/tools/?q=mistrl"))
    mistral = set(
        Tool.objects.published().filter(name__startswith="Mistral").values_list("name", flat=True)
    )
    assert len(mistral) >= 5
    assert set(found) == mistral


def test_search_covers_tagline_vendor_description_and_category(client):
    speech = CategoryFactory(name="Speech & Audio", slug="speech")
    ToolFactory(name="Alpha", tagline="Transcribes meetings", vendor="Zed Corp", category=speech)
    ToolFactory(name="Beta", description="Renders storyboards into clips")
    assert names(client.get("/tools/?q=transcribes")) == ["Alpha"]
    assert names(client.get("/tools/?q=zed")) == ["Alpha"]
    assert names(client.get("/tools/?q=storyboards")) == ["Beta"]
    assert names(client.get("/tools/?q=speech")) == ["Alpha"]


def test_search_follows_an_edit_of_the_text_and_a_vote_leaves_it_alone(client, member):
    """An edit through the model's save, or an update of one column, is found at once; a
    vote, which writes only the counts, leaves what search reads as it was."""
    tool = ToolFactory(name="Alpha", tagline="Transcribes meetings")
    tool.tagline = "Summarises calls"
    tool.save()
    assert names(client.get("/tools/?q=summarises")) == ["Alpha"]
    assert names(client.get("/tools/?q=transcribes")) == []
    Tool.objects.filter(pk=tool.pk).update(description="Speaks Klingon")
    assert names(client.get("/tools/?q=klingon")) == ["Alpha"]

    kept = Tool.objects.filter(pk=tool.pk).values_list("search_vector", flat=True).get()
    vote_cast(member=member, tool=tool, value="ship")
    after = Tool.objects.filter(pk=tool.pk).values_list("search_vector", "community_ships").get()
    assert after == (kept, 1)


def test_search_ranks_name_matches_first(client):
    ToolFactory(name="Notes", description="Pairs well with Qdrant for retrieval")
    ToolFactory(name="Qdrant", description="A vector database")
    assert names(client.get("/tools/?q=qdrant")) == ["Qdrant", "Notes"]


def test_search_ignores_drafts(client):
    ToolFactory(name="Hidden Gem", draft=True)
    assert names(client.get("/tools/?q=hidden")) == []


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE tools_tool; --", "& | ! :*", "((", "\\", "🙂", "%", "_"]
)
def test_search_with_hostile_text_is_a_clear_empty_result(client, text):
    ToolFactory(name="Survivor")
    response = client.get("/tools/", {"q": text})
    assert response.status_code == 200
    assert names(response) == []
    html = response.content.decode()
    assert "No tool matches" in html or "try a word from the tool's name" in html
    assert Tool.objects.filter(name="Survivor").exists()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("🚀", ["Launch 🚀 Pad"]),
        ("++", ["C++ Helper"]),
        ("?!", ["Why?! Bot"]),
        (" 🚀 ", ["Launch 🚀 Pad"]),
    ],
)
def test_a_search_with_no_word_in_it_finds_names_that_hold_it(client, text, found):
    for name in ["Launch 🚀 Pad", "C++ Helper", "Why?! Bot", "Plain"]:
        ToolFactory(name=name)
    assert names(client.get("/tools/", {"q": text})) == found


def test_a_search_with_no_word_in_it_finds_vendors_and_taglines_too(client):
    ToolFactory(name="Alpha", vendor="Ω/Σ Labs")
    ToolFactory(name="Beta", tagline="Teams who ♥ open weights")
    assert names(client.get("/tools/", {"q": "♥"})) == ["Beta"]
    assert names(client.get("/tools/", {"q": "/"})) == ["Alpha"]


@pytest.mark.parametrize("text", ["🙂", "!!!", "…", "🤖🤖"])
def test_a_search_with_no_word_that_finds_nothing_suggests_a_word(client, text):
    ToolFactory(name="Survivor")
    response = client.get("/tools/", {"q": text})
    html = response.content.decode()
    assert names(response) == []
    assert f"No tool's name, vendor or “best for” line holds “{text}”" in html
    assert "try a word from the tool's name" in html
    assert "No tool matches" not in html
    fragment = client.get("/tools/", {"q": text}, headers={"HX-Request": "true"})
    assert "try a word from the tool's name" in fragment.content.decode()


def test_search_results_as_you_type_come_back_as_a_fragment(client):
    ToolFactory(name="Ollama")
    response = client.get("/tools/?q=olla", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="results"' in html
    assert "<html" not in html and "<header" not in html.split('id="results"')[0]
    assert "Ollama" in html
    assert "HX-Request" in response["Vary"]


def test_full_page_without_htmx(client):
    ToolFactory(name="Ollama")
    html = client.get("/tools/?q=olla").content.decode()
    assert "<html" in html and "Ollama" in html


@pytest.fixture
def shelf(db):
    seats = [PersonaFactory(slug=s) for s in ("a", "b", "c", "d")]
    paid = CategoryFactory(slug="paid-tools")

    def tool(name, calls, *, votes=(0, 0), **extra):
        t = ToolFactory(name=name, **extra)
        for seat, call in zip(seats, calls, strict=False):
            ReviewFactory(tool=t, persona=seat, call=call, score=80 if call == "ship" else 40)
        Tool.objects.filter(pk=t.pk).update(community_ships=votes[0], community_skips=votes[1])
        return t

    tool("Shipper", ["ship"] * 4, votes=(9, 1))
    tool("Skipper", ["skip"] * 4, votes=(1, 1), pricing_entry="paid", category=paid)
    tool("Splitter", ["ship", "ship", "skip", "skip"], votes=(30, 10))
    tool("Waiting", [])
    return paid


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("panel=ship", ["Shipper"]),
        ("panel=skip", ["Skipper"]),
        ("panel=split", ["Splitter"]),
        ("panel=awaiting", ["Waiting"]),
        ("pricing=paid", ["Skipper"]),
        ("category=paid-tools", ["Skipper"]),
        ("min_votes=10", ["Shipper", "Splitter"]),
        ("min_votes=10&panel=split", ["Splitter"]),
        ("sort=panel", ["Shipper", "Splitter", "Skipper", "Waiting"]),
        ("sort=score", ["Shipper", "Splitter", "Skipper", "Waiting"]),
        ("sort=community", ["Shipper", "Splitter", "Skipper", "Waiting"]),
        ("sort=name", ["Shipper", "Skipper", "Splitter", "Waiting"]),
    ],
)
def test_filters_and_sorts_combine(client, shelf, query, expected):
    assert names(client.get(f"/tools/?{query}")) == expected


def test_invalid_filters_are_shown_and_ignored_while_the_valid_ones_apply(client, shelf):
    response = client.get("/tools/?pricing=paid&min_votes=2.5&panel=bogus&sort=nope")
    assert response.status_code == 200
    assert names(response) == ["Skipper"]
    assert response.context["form"].errors.keys() == {"min_votes", "panel", "sort"}
    html = response.content.decode()
    assert "Enter a whole number." in html
    assert "Select a valid choice. bogus is not one of the available choices." in html


def test_only_invalid_filters_still_say_no_tool_matches(client):
    response = client.get("/tools/?category=nope&min_votes=-1")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"category", "min_votes"}
    assert "No tool matches those filters" in response.content.decode()


def test_an_explicit_sort_overrides_search_relevance(client):
    ToolFactory(name="Notes", description="Pairs well with Qdrant for retrieval")
    ToolFactory(name="Qdrant", description="A vector database")
    assert names(client.get("/tools/?q=qdrant&sort=name")) == ["Notes", "Qdrant"]


def test_a_search_too_long_is_an_error_and_the_whole_catalogue_shows(client):
    ToolFactory(name="Ollama")
    response = client.get("/tools/", {"q": "a" * 101})
    assert names(response) == ["Ollama"]
    assert response.context["form"].errors.keys() == {"q"}


def test_the_filter_form_fields_labels_and_choices(client):
    CategoryFactory(name="Speech & Audio", slug="speech")
    form = client.get("/tools/").context["form"]
    assert [(f.name, f.label) for f in form] == [
        ("q", "Search"),
        ("category", "Category"),
        ("pricing", "Entry price"),
        ("panel", "Panel verdict"),
        ("min_votes", "Minimum votes"),
        ("sort", "Sort by"),
    ]
    choices = {
        name: [value for value, _ in form.fields[name].choices]
        for name in ("category", "pricing", "panel", "sort")
    }
    assert [str(v) for v in choices["category"]] == ["", "speech"]
    assert choices["pricing"] == ["", *Tool.Pricing.values]
    assert choices["panel"] == ["", "ship", "skip", "split", "awaiting"]
    assert choices["sort"] == ["panel", "score", "community", "newest", "name"]
    html = str(form["min_votes"])
    assert 'min="0"' in html and 'max="1000000"' in html and "step" not in html


def test_newest_first(client):
    import datetime as dt

    from django.utils import timezone

    ToolFactory(name="Old", published_at=timezone.now() - dt.timedelta(days=9))
    ToolFactory(name="New", published_at=timezone.now() - dt.timedelta(days=1))
    assert names(client.get("/tools/?sort=newest")) == ["New", "Old"]


def test_filters_stay_in_the_pagination_links(client, settings):
    settings.PAGE_SIZE = 1
    ToolFactory(name="One", pricing_entry="paid")
    ToolFactory(name="Two", pricing_entry="paid")
    html = client.get("/tools/?pricing=paid&sort=name").content.decode()
    assert "?pricing=paid&amp;sort=name&amp;page=2" in html


def test_catalogue_query_count_does_not_grow_with_tools(client, django_assert_num_queries):
    for _ in range(30):
        ToolFactory()
    with django_assert_num_queries(3):
        client.get("/tools/?q=tool&pricing=free&panel=awaiting&min_votes=0&sort=newest")


HEADER_SEARCH = re.compile(
    r'<header class="site-header">.*?<form class="site-search" role="search"[^>]*'
    r'method="get" action="/tools/">\s*<label class="visually-hidden" for="site-search">'
    r'Find a tool</label>\s*<input type="search" id="site-search" name="q"',
    re.S,
)


@pytest.mark.parametrize(
    "path",
    ["/", "/compare/", "/tools/", "/top/", "/panel/", "/categories/", "/bookmarks/",
     "/newsletter/", "/accounts/login/", "/no-such-page/"],
)  # fmt: skip
def test_every_page_has_a_search_box_in_its_header(client, path):
    response = client.get(path)
    assert HEADER_SEARCH.search(response.content.decode()), path
