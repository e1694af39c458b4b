"""Invalidation stays exact: each kind of change shows on every page that shows it, at once.

Pages are cached as shells shared by every reader (core/pagecache.py), so a change a
service does not invalidate would leave a stale copy for everyone, signed in or not. Each
row of ``CHANGES`` names a change, made the way the site makes it (an editor through the
admin, a member through the vote button), and what each page that shows the thing must
show after it (``Gone``: what it must no longer show; ``Mine``: what the member sees in
their own bookmarks panel, filled per request). Every page is first warmed for a signed-out
reader and for a member who saved Alpha (the second visit a hit, and the new value not shown
yet), and each must show the new value on the very next visit. The htmx fragment the pick
fetches after a vote is a page of its own here: it is cached apart.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from accounts.editors import EDITORS_GROUP, editors_group_sync
from comparisons.models import Comparison
from reviews.models import Persona, Review, Vote
from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
)
from tests.support.admin import admin_errors, admin_form
from tests.support.markup import Markup
from tools.models import Category, Tool

pytestmark = pytest.mark.django_db(transaction=True)  # versions move on commit

PAGES = {
    "home": "/",
    "comparison": "/compare/alpha-vs-beta/",
    "pair": "/compare/alpha-vs-gamma/",
    "side by side": "/compare/?with=alpha&with=beta&with=gamma",
    "tool": "/tools/alpha/",
    "catalogue": "/tools/?category=chat",
    "catalogue, paid": "/tools/?category=chat&pricing=paid",
    "category": "/categories/chat/",
    "top": "/top/",
    "panel": "/panel/",
    "persona": "/panel/builder/",
    "categories": "/categories/",
    "comparisons": "/compare/",
    "moved": "/moved/",
    "corrections": "/corrections/",
    # What the pick fetches after a vote (htmx): the pick, and the community row out of band.
    "comparison, pick refreshed": "/compare/alpha-vs-beta/",
    "side by side, pick refreshed": "/compare/?with=alpha&with=beta&with=gamma",
}
HTMX_PAGES = {"comparison, pick refreshed", "side by side, pick refreshed"}


def get(reader: Client, page: str):
    headers = {"HX-Request": "true"} if page in HTMX_PAGES else {}
    return reader.get(PAGES[page], headers=headers)


@pytest.fixture
def world(panel, settings):
    """Three tools in one category, Alpha and Beta paired by an editor; Gamma still waits for
    the Builder's review, and an editor's draft pairs Alpha with Gamma."""
    settings.RANKING_MIN_VOTES = 1  # so that one vote puts a tool in the community's rankings
    chat = CategoryFactory(name="Chat assistants", slug="chat")
    tools = {
        name: ToolFactory(name=name.title(), slug=name, category=chat, pricing_entry="free")
        for name in ["alpha", "beta", "gamma"]
    }
    scores = {"alpha": [80, 81, 82, 83], "beta": [70, 71, 72, 73], "gamma": [None, 62, 63, 64]}
    for name, tool in tools.items():
        for persona, score in zip(panel, scores[name], strict=True):
            if score is not None:
                body = f"{persona} on {tool}"
                ReviewFactory(tool=tool, persona=persona, score=score, call="ship", body=body)
    ComparisonFactory(tool_a=tools["alpha"], tool_b=tools["beta"], editor_note="Asked about most.")
    ComparisonFactory(
        tool_a=tools["alpha"],
        tool_b=tools["gamma"],
        editor_note="Big against small.",
        status=Comparison.Status.DRAFT,
        published_at=None,
    )
    return tools


# How each change is made: the way the site makes it.


def edit(editor: Client, model, pk: int, **changes) -> None:
    """Change a row through its admin form, as an editor would."""
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{pk}/change/"
    data = admin_form(editor, url)
    data.update(changes)
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def add(editor: Client, model, **fields) -> None:
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
    data = admin_form(editor, url)
    data.update(fields)
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def vote(value: str) -> Callable:
    """A member other than the reader presses a vote button on Alpha."""

    def cast(world, editor: Client, voter: Client) -> None:
        response = voter.post("/tools/alpha/vote/", {"value": value})
        assert response.status_code == 302

    return cast


def review_rescored(world, editor, voter) -> None:
    review = Review.objects.get(tool=world["alpha"], persona__slug="builder")
    edit(editor, Review, review.pk, score="14", call="skip")


def review_added(world, editor, voter) -> None:
    """On the tool's own page, where editors write its panel's reviews."""
    url = f"/admin/tools/tool/{world['gamma'].pk}/change/"
    data = admin_form(editor, url)
    row = int(data["reviews-TOTAL_FORMS"])
    data["reviews-TOTAL_FORMS"] = str(row + 1)
    builder = Persona.objects.get(slug="builder")
    review = {"persona": builder.pk, "score": 67, "call": "ship", "body": "Builder, late, on Gamma"}
    data.update({f"reviews-{row}-{name}": str(value) for name, value in review.items()})
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def review_corrected(world, editor, voter) -> None:
    review = Review.objects.get(tool=world["alpha"], persona__slug="builder")
    edit(editor, Review, review.pk, score="40", correction_note="The benchmark was misread.")


def review_withdrawn(world, editor, voter) -> None:
    """Deleted from the tool's own page, as editors remove a review."""
    url = f"/admin/tools/tool/{world['alpha'].pk}/change/"
    data = admin_form(editor, url)
    builder = Review.objects.get(tool=world["alpha"], persona__slug="builder")
    row = next(
        key for key, value in data.items() if key.endswith("-id") and value == str(builder.pk)
    )
    data[row.replace("-id", "-DELETE")] = "on"
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def vote_removed(world, editor, voter) -> None:
    """Staff remove a vote (the answer to abuse) from the votes' list: not an Editors' job, so
    it takes a superuser."""
    desk = Client()
    desk.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = desk.post(
        "/admin/reviews/vote/",
        {"action": "delete_selected", "_selected_action": [Vote.objects.get().pk], "post": "yes"},
    )
    assert response.status_code == 302


def repriced(world, editor, voter) -> None:
    edit(editor, Tool, world["alpha"].pk, pricing_entry="paid", pricing_detail="From $20 a month")


def renamed(world, editor, voter) -> None:
    edit(editor, Tool, world["alpha"].pk, name="Alpha Pro")


def retagged(world, editor, voter) -> None:
    edit(editor, Tool, world["alpha"].pk, tagline="Answers in your own voice")


def persona_renamed(world, editor, voter) -> None:
    edit(editor, Persona, Persona.objects.get(slug="builder").pk, name="Maker")


def persona_retired(world, editor, voter) -> None:
    edit(editor, Persona, Persona.objects.get(slug="builder").pk, is_active="")


def category_renamed(world, editor, voter) -> None:
    edit(editor, Category, Category.objects.get(slug="chat").pk, name="Chatbots")


def note_changed(world, editor, voter) -> None:
    pair = Comparison.objects.get(tool_b=world["beta"])
    edit(editor, Comparison, pair.pk, editor_note="Rewritten after the spring releases.")


def published(world, editor, voter) -> None:
    draft = Comparison.objects.get(tool_b=world["gamma"])
    response = editor.post(
        "/admin/comparisons/comparison/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302


def unpublished(world, editor, voter) -> None:
    pair = Comparison.objects.get(tool_b=world["beta"])
    edit(editor, Comparison, pair.pk, status=Comparison.Status.DRAFT)


@dataclass(frozen=True)
class Gone:
    """What a page must no longer show."""

    text: str


@dataclass(frozen=True)
class Mine:
    """What a page shows the member who saved Alpha, in their own bookmarks panel."""

    text: str


Expected = str | Gone | Mine


@dataclass(frozen=True)
class Change:
    name: str
    make: Callable
    # page (PAGES) -> what it shows once the change is made (one expectation or several)
    shows: dict[str, Expected | tuple[Expected, ...]]
    before: Callable | None = field(default=None)  # run before the pages are warmed


ALPHA_CARD = "Alpha What Alpha is best for"

CHANGES = [
    Change(
        "a review's score and call",
        review_rescored,
        {
            "home": "Alpha 75% ship · 65/100",
            "comparison": "A Alpha 14/100 ✕ skip Builder on Alpha",
            "pair": "A Alpha 14/100 ✕ skip Builder on Alpha",
            "side by side": "A Alpha 14/100 ✕ skip Builder on Alpha",
            "tool": "Builder's lens 14/100 ✕ skip",
            "catalogue": f"{ALPHA_CARD} Panel ship 75%",
            "category": f"{ALPHA_CARD} Panel ship 75%",
            "top": "Overall, by the panel 1 Beta 100% ship · 72/100 2 Alpha 75% ship · 65/100",
            "panel": "Builder Builder's lens Reviews 2 Ship rate 50%",
            "persona": "Alpha Chat assistants 14/100 ✕ skip",
            "moved": "Alpha · Builder: 80 → 14",
        },
    ),
    Change(
        "a review added",
        review_added,
        {
            "home": "Gamma 100% ship · 64/100",
            "pair": "G Gamma 67/100 ✓ ship Builder, late, on Gamma",
            "side by side": "G Gamma 67/100 ✓ ship Builder, late, on Gamma",
            "top": "Gamma 100% ship · 64/100",
            "panel": "Builder Builder's lens Reviews 3",
            "persona": "Gamma Chat assistants 67/100 ✓ ship Builder, late, on Gamma",
            "moved": "Gamma · Builder: reviewed it: 67, ship",
        },
    ),
    Change(
        "a review corrected",
        review_corrected,
        {
            "tool": "Builder's lens 40/100 ✓ ship",
            "comparison": "A Alpha 40/100 ✓ ship Builder on Alpha",
            "persona": "Alpha Chat assistants 40/100 ✓ ship",
            "corrections": "The benchmark was misread.",
            "moved": "Alpha · Builder: 80 → 40",
        },
    ),
    Change(
        "a review withdrawn",
        review_withdrawn,
        {
            "tool": "Builder's lens No review from this seat yet.",
            "comparison": "A Alpha No review from this seat yet.",
            "pair": "A Alpha No review from this seat yet.",
            "side by side": "A Alpha No review from this seat yet.",
            "persona": Gone("Builder on Alpha"),
            "panel": "Builder Builder's lens Reviews 1",
            "top": Gone("Overall, by the panel 1 Alpha"),
            "home": Gone("Top by the panel 1 Alpha"),
            "moved": "Alpha · Builder: review withdrawn (it was 80, ship)",
        },
    ),
    Change(
        "a vote cast",
        vote("ship"),
        {
            "home": "Top by the community 1 Alpha 100% ship · 1 vote",
            "comparison": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "pair": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "side by side": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "tool": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "catalogue": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "category": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 100% ship · 1 vote",
            "top": "Overall, by the community 1 Alpha 100% ship · 1 vote",
            "comparison, pick refreshed": "would change this pick on its own. 100% ship · 1 vote",
            "side by side, pick refreshed": "would change this pick on its own. 100% ship · 1 vote",
            "moved": "Verdicts that flipped Alpha · Community call: No community votes yet → Ship",
        },
    ),
    Change(
        "a vote changed",
        vote("skip"),
        {
            "comparison": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "pair": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "side by side": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "tool": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "catalogue": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "category": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community 0% ship · 1 vote",
            "home": "Top by the community 1 Alpha 0% ship · 1 vote",
            "top": "Overall, by the community 1 Alpha 0% ship · 1 vote",
            "comparison, pick refreshed": "would change this pick on its own. 0% ship · 1 vote",
            "side by side, pick refreshed": "would change this pick on its own. 0% ship · 1 vote",
            "moved": "Alpha · Community call: Ship → Skip",
        },
        before=vote("ship"),
    ),
    Change(
        "a vote cleared",
        vote("clear"),
        {
            "home": "Top by the community No community votes yet.",
            "comparison": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "pair": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "side by side": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "tool": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "catalogue": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "category": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "top": "Overall, by the community No community votes yet.",
        },
        before=vote("ship"),
    ),
    Change(
        "a vote removed by an editor",
        vote_removed,
        {
            "home": "Top by the community No community votes yet.",
            "comparison": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "tool": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "catalogue": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "category": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes",
            "top": "Overall, by the community No community votes yet.",
        },
        before=vote("ship"),
    ),
    Change(
        "a tool's pricing",
        repriced,
        {
            "comparison": "Pricing From $20 a month Free / Open weights Best for",
            "side by side": "Pricing From $20 a month Free / Open weights Free / Open weights",
            "pair": "Pricing From $20 a month Free / Open weights Best for",
            "tool": "Pricing From $20 a month",
            "catalogue": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes "
            "yet Entry Paid",
            "catalogue, paid": "1 tool A Chat assistants Alpha",
            "category": f"{ALPHA_CARD} Panel ship 100% ✓ Ship Community No community votes "
            "yet Entry Paid",
            "moved": "Prices Alpha · Pricing: “Free / Open weights” → “From $20 a month”",
        },
    ),
    Change(
        "a tool renamed",
        renamed,
        {
            "home": ("Latest comparisons Alpha Pro vs Beta", "Top by the panel 1 Alpha Pro 100%"),
            "comparison": (
                "AI tool comparison Alpha Pro vs Beta Our pick Ship with Alpha Pro",
                Mine("Your bookmarks Alpha Pro Chat assistants"),
            ),
            "pair": "AI tool comparison Alpha Pro vs Gamma",
            "side by side": "AI tool comparison Alpha Pro vs Beta vs Gamma",
            "tool": "Tools / Chat assistants / Alpha Pro",
            "catalogue": "Chat assistants Alpha Pro What Alpha is best for",
            "category": "Chat assistants Alpha Pro What Alpha is best for",
            "top": "Overall, by the panel 1 Alpha Pro 100% ship · 82/100",
            "persona": "Alpha Pro Chat assistants 80/100",
            "comparisons": "Filter Alpha Pro vs Beta Alpha Pro: ✓ Ship",
            "moved": "Alpha Pro · Builder: reviewed it: 80, ship",
        },
    ),
    Change(
        "a tool's tagline",
        retagged,
        {
            "comparison": "Alpha Answers in your own voice",
            "pair": "Alpha Answers in your own voice",
            "side by side": "Alpha Answers in your own voice",
            "tool": "Alpha Answers in your own voice",
            "catalogue": "Alpha Answers in your own voice",
            "category": "Alpha Answers in your own voice",
        },
    ),
    Change(
        "a persona renamed",
        persona_renamed,
        {
            "comparison": "M Maker Builder's lens A Alpha 80/100",
            "pair": "M Maker Builder's lens A Alpha 80/100",
            "side by side": "M Maker Builder's lens A Alpha 80/100",
            "tool": "M Maker Builder's lens 80/100",
            "panel": "M Maker Builder's lens Reviews 2",
            "persona": "Panel / Maker",
            "moved": "Alpha · Maker: reviewed it: 80, ship",
        },
    ),
    Change(
        "a persona retired",
        persona_retired,
        {
            "comparison": "Panel verdict ✓ Ship · 3 ship / 0 skip",
            "pair": "Panel verdict ✓ Ship · 3 ship / 0 skip",
            "side by side": "Panel verdict ✓ Ship · 3 ship / 0 skip",
            "tool": "Panel verdict Ship · 3 ship / 0 skip",
            "panel": Gone("Builder's lens"),
            "persona": "Panel seat · retired",
            # Gamma had every seat but the Builder's review: now it has the whole panel's.
            "top": "Gamma 100% ship · 63/100",
            "home": "Gamma 100% ship · 63/100",
        },
    ),
    Change(
        "a category renamed",
        category_renamed,
        {
            "home": "Categories Chatbots 3 tools",
            "comparison": ("Category Chatbots Chatbots", Mine("Your bookmarks Alpha Chatbots")),
            "pair": "Category Chatbots Chatbots",
            "side by side": "Category Chatbots Chatbots Chatbots",
            "tool": "Tools / Chatbots / Alpha",
            "catalogue": "Chatbots Alpha What Alpha is best for",
            "category": "Categories / Chatbots",
            "top": "By category Chatbots Panel",
            "persona": "Alpha Chatbots 80/100",
            "comparisons": "All categories Chatbots Filter",
            "categories": "Chatbots 3 tools",
        },
    ),
    Change(
        "a comparison's editor note",
        note_changed,
        {"comparison": "Editor's note Rewritten after the spring releases."},
    ),
    Change(
        "a comparison published",
        published,
        {
            "home": "Latest comparisons Alpha vs Gamma",
            "pair": "Editor's note Big against small.",
            "tool": "Comparisons with Alpha Alpha vs Gamma",
            "category": "Chat assistants comparisons Alpha vs Gamma",
            "comparisons": "Filter Alpha vs Gamma",
            "moved": "New comparison: Alpha vs Gamma",
        },
    ),
    Change(
        "a comparison unpublished",
        unpublished,
        {
            "home": "No comparisons published yet.",
            "comparison": Gone("Asked about most."),
            "tool": "No editor has paired Alpha with another tool yet.",
            "category": Gone("Chat assistants comparisons Alpha vs Beta"),
            "comparisons": Gone("Alpha vs Beta Alpha: ✓ Ship"),
            "moved": Gone("New comparison: Alpha vs Beta"),
        },
    ),
]


def shown(response) -> str:
    """The page's text as a reader sees it, its spacing collapsed."""
    return " ".join(" ".join(Markup(response.content.decode()).text).split())


def shows(text: str, expected: Expected, who: str) -> bool:
    if isinstance(expected, Mine):
        return who != "member" or expected.text in text
    return expected.text not in text if isinstance(expected, Gone) else expected in text


@pytest.fixture
def editor(editor_group):
    """An editor, as the suite's own; a transactional test empties the tables the Editors group
    came in with, so it is made again first, as the migration makes it."""
    user = UserFactory(is_staff=True)
    user.groups.add(editor_group)
    return user


@pytest.fixture
def editor_group(transactional_db):
    editors_group_sync(apps, None)
    return Group.objects.get(name=EDITORS_GROUP)


@pytest.fixture
def readers(world, member) -> dict[str, Client]:
    """A signed-out reader with nothing saved, served the shell's plain page, and a member who
    saved Alpha, served the shell with their own parts filled (their bookmarks panel too)."""
    signed_in = Client()
    signed_in.force_login(member)
    assert signed_in.post("/tools/alpha/bookmark/", {"saved": "1"}).status_code == 302
    signed_in.get("/")  # the bookmark's "Saved" message, read once
    return {"signed out": Client(), "member": signed_in}


def expectations(change: Change) -> list[tuple[str, Expected]]:
    return [
        (page, expected)
        for page, shown_there in change.shows.items()
        for expected in (shown_there if isinstance(shown_there, tuple) else (shown_there,))
    ]


@pytest.mark.parametrize("change", CHANGES, ids=[change.name for change in CHANGES])
def test_a_change_shows_at_once_on_every_page_that_shows_it(world, readers, editor, change):
    editors_desk, voter = Client(), Client()
    editors_desk.force_login(editor)
    voter.force_login(UserFactory())
    if change.before:
        change.before(world, editors_desk, voter)
    for page, expected in expectations(change):
        for who, reader in readers.items():
            get(reader, page)
            response = get(reader, page)
            assert response["X-Page-Cache"] == "hit", f"{page} is not kept for the {who} reader"
            if not isinstance(expected, Mine) or who == "member":
                assert not shows(shown(response), expected, who), f"{page} shows it already"

    change.make(world, editors_desk, voter)

    stale = []
    for page, expected in expectations(change):
        for who, reader in readers.items():
            response = get(reader, page)
            assert response.status_code == 200, (page, who)
            if not shows(shown(response), expected, who):
                stale.append(f"{page} ({who}, {response['X-Page-Cache']}): {expected}")
    assert not stale, "still the old copy: " + "; ".join(stale)
