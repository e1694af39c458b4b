"""The Markdown twin of every tool and comparison page, and /llms.txt: the page's figures, in
Markdown, at ``<page>.md``; kept and dropped from the caches exactly as the page is."""

import re

import pytest
from django.test import Client

from comparisons.models import Comparison
from reviews.models import Review
from tests.factories import ReviewFactory, ToolFactory, UserFactory
from tests.support.admin import admin_errors, admin_form
from tests.support.markup import Markup, visible_text

MARKDOWN = "text/markdown; charset=utf-8"
PAIR = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2"
TURBO = "/tools/smolvlm2-turbo"


def twin(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == MARKDOWN
    return response.content.decode()


def page_text(client, url: str) -> str:
    return visible_text(client.get(url).content.decode())


def numbers(text: str) -> list[str]:
    """Every figure in a text: percentages, scores out of 100, vote counts, in order."""
    return re.findall(r"\d+%|\d+/100|\d+ of \d+ votes|\d+ votes?|\d+ ship / \d+ skip", text)


@pytest.mark.django_db
def test_a_tool_twin_has_the_figures_of_its_page(client, judged):
    markdown = twin(client, f"{TURBO}.md")
    page = page_text(client, f"{TURBO}/")
    facts = re.search(r"Facts (.+?) Panel scorecard", page)[1]
    assert numbers(facts) == ["4 ship / 0 skip", "79/100", "67%", "3 of 10 votes"]
    verdict = markdown.split("## Verdict")[1].split("## About")[0]
    assert numbers(verdict) == ["4 ship / 0 skip", "100%", "79/100", "67%", "3 of 10 votes"]
    card = re.search(r"Panel ship (\d+%) ✓ Ship Community (.+?) Entry (\w+)", page)
    for line in [
        "- Panel verdict: Ship · 4 ship / 0 skip",
        f"- Panel ship: {card[1]}",
        "- Mean panel score: 79/100",
        f"- Community: {card[2]}",
        f"- Entry price: {card[3]}",
        "- Pricing: Free / Open weights (Apache 2.0)",
        "- Licence: Apache 2.0",
    ]:
        assert line in markdown, line
    for seat, score in [("Builder", 85), ("Skeptic", 78), ("Futurist", 82), ("Founder", 72)]:
        assert f"{seat} {seat}'s lens {score}/100 ✓ ship {seat} on turbo" in page
        section = markdown.split(f"### {seat}\n")[1].split("###")[0]
        assert f"{score}/100 · ship" in section and f"{seat} on turbo" in section
    assert "Retired grumbling" not in markdown and "Retired grumbling" not in page
    assert f"[SmolVLM2 Turbo vs Mistral 8x22B v2](http://127.0.0.1:8000{PAIR}.md)" in markdown
    assert markdown.startswith("# SmolVLM2 Turbo: ship or skip?\n\n> What SmolVLM2 Turbo is best")


@pytest.mark.django_db
def test_a_comparison_twin_has_the_figures_of_its_page(client, judged):
    markdown = twin(client, f"{PAIR}.md")
    page = page_text(client, f"{PAIR}/")
    pick = re.search(
        r"Our pick Ship with (.+?) \. (.+?\.) (?:What would change it .+? )?Which one", page
    )
    assert f"Ship with [{pick[1]}](http://127.0.0.1:8000{TURBO}.md)." in markdown
    assert f"\n{pick[2]}\n" in markdown
    decision = re.search(r"Decision Decision table: .+? Category", page)[0]
    table = markdown.split("## Decision")[1].split("## Reviewer scorecard")[0]
    in_page = ["4 ship / 0 skip", "3 ship / 1 skip", "79/100", "73/100", "67%", "3 of 10 votes"]
    assert numbers(decision) == in_page
    # The twin's table also has the cards' panel ship %, beside the page's rows.
    assert numbers(table) == [*in_page[:2], "100%", "75%", *in_page[2:]]
    assert (
        "| Community | 67% ship · Preliminary (3 of 10 votes) | No community votes yet |" in table
    )
    assert "| Pricing | Free / Open weights (Apache 2.0) | From $2 per million tokens |" in table
    assert "| Entry price | Free | Paid |" in table
    scorecard = re.search(
        r"Each panel seat's score, call and reasoning, tool by tool (.+?) What", page
    )
    cells = re.findall(r"(\d+/100) [✓✕] (ship|skip)", scorecard[1])
    in_twin = re.findall(r"(\d+/100) · (ship|skip)", markdown)
    assert in_twin == cells and len(cells) == 8
    assert "55/100 · skip\n\n**Founder in one line**\n\nFounder on mixtral" in markdown
    assert "## Editor's note\n\nSmall against large." in markdown


@pytest.mark.django_db
@pytest.mark.parametrize("url", [f"{TURBO}/", f"{PAIR}/"])
def test_each_page_links_its_twin_from_its_head(client, judged, url):
    html = client.get(url).content.decode()
    head = Markup(html.split("</head>")[0])
    [href] = [
        attrs["href"]
        for tag, attrs in head.tags
        if tag == "link"
        and attrs.get("rel") == "alternate"
        and attrs.get("type") == "text/markdown"
    ]
    assert href == url.removesuffix("/") + ".md"
    assert twin(client, href)


@pytest.mark.django_db
def test_a_draft_tool_has_no_twin_for_readers_but_editors_preview_it(client, judged):
    for url in ["/tools/secret-model.md", "/tools/tomorrow-tool.md"]:
        response = client.get(url)
        assert response.status_code == 404 and "Nothing here" in response.content.decode()
    assert client.get("/compare/secret-model-vs-smolvlm2-turbo.md").status_code == 404
    editor = Client()
    editor.force_login(UserFactory(is_staff=True))
    preview = twin(editor, "/tools/secret-model.md")
    assert "Secret praise" in preview and "Draft preview: readers can't see" in preview
    assert "Draft preview" not in twin(editor, f"{TURBO}.md")
    pair = twin(editor, "/compare/smolvlm2-turbo-vs-fresh-tool.md")
    assert "Draft preview: readers can't see this comparison yet." in pair
    assert "Not for readers yet." in pair


@pytest.mark.django_db
def test_a_draft_comparison_s_note_stays_out_of_its_pair_s_twin(client, judged):
    markdown = twin(client, "/compare/fresh-tool-vs-smolvlm2-turbo.md")
    assert "Not for readers yet." not in markdown and "Editor's note" not in markdown
    assert "Fresh Tool" not in twin(client, f"{TURBO}.md")  # nor in the tool's comparisons


@pytest.mark.django_db
def test_the_reversed_pair_answers_with_the_canonical_twin(client, judged):
    response = client.get("/compare/mistral-8x22b-v2-vs-smolvlm2-turbo.md")
    assert response.status_code == 301 and response["Location"] == f"{PAIR}.md"


@pytest.mark.django_db
def test_a_renamed_tool_s_old_twin_leads_to_the_new_one(client, judged):
    editor = Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/tools/tool/{judged['turbo'].pk}/change/"
    data = admin_form(editor, url)
    data["slug"] = "smolvlm2-turbo-ii"
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)
    moved = client.get(f"{TURBO}.md")
    assert moved.status_code == 301 and moved["Location"] == "/tools/smolvlm2-turbo-ii.md"


@pytest.mark.django_db
def test_llmstxt_s_spelling_of_a_twin_leads_to_ours(client, judged):
    for url, twin_url in [
        (f"{TURBO}/index.html.md", f"{TURBO}.md"),
        (f"{PAIR}/index.html.md", f"{PAIR}.md"),
    ]:
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == twin_url
    assert client.get(f"{TURBO}/index.md").status_code == 404  # one spelling only


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/tools/no-such-tool.md", "/compare/no-such-vs-nothing.md", "/compare/smolvlm2-turbo.md"],
)
def test_an_unknown_twin_is_the_sites_404(client, judged, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page=2", "q=%FF%FE", "next=%2F%2Fevil.example&x=1"])
def test_a_made_up_query_on_a_twin_is_sent_to_the_twin_without_it(client, judged, query):
    for url in [f"{TURBO}.md", f"{PAIR}.md", "/llms.txt"]:
        response = client.get(f"{url}?{query}", headers={"HX-Request": "true"})
        assert response.status_code == 301 and response["Location"] == url


@pytest.mark.django_db
def test_what_an_editor_typed_cannot_become_markup(client, panel):
    tool = ToolFactory(
        name="Evil [click](javascript:alert(1)) <script>",
        slug="evil",
        tagline="# Not a heading | nor a cell",
    )
    ReviewFactory(tool=tool, persona=panel[0], body="<img src=x onerror=alert(1)>\n\n## Loud")
    markdown = twin(client, "/tools/evil.md")
    assert not re.search(r"(?<!\\)<(script|img)", markdown)
    assert r"\<img src=x onerror=alert(1)\>" in markdown
    assert r"Evil \[click\](javascript:alert(1)) \<script\>" in markdown
    assert r"> \# Not a heading \| nor a cell" in markdown
    assert "\n## Loud" not in markdown and r"\#\# Loud" in markdown


@pytest.mark.django_db
def test_a_twin_costs_a_fixed_few_queries(client, judged, django_assert_num_queries):
    with django_assert_num_queries(3):  # the tool, the scorecard, its comparisons
        client.get(f"{TURBO}.md")
    with django_assert_num_queries(3):  # the pair's tools, their comparison, the scorecard
        client.get(f"{PAIR}.md")
    with django_assert_num_queries(0):  # and then it is kept
        client.get(f"{PAIR}.md")


@pytest.mark.django_db
def test_llms_txt_lists_the_twins_the_data_and_the_methodology(client, judged):
    response = client.get("/llms.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    title, blank, summary = text.splitlines()[:3]
    assert (title, blank) == ("# Verdicts", "") and summary.startswith("> Which AI tool")
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections == ["Comparisons", "Tools", "Data", "Methodology", "Optional"]
    links = re.findall(r"\]\((http://127\.0\.0\.1:8000[^)]+)\)", text)
    assert f"http://127.0.0.1:8000{PAIR}.md" in links
    assert f"http://127.0.0.1:8000{TURBO}.md" in links
    assert "http://127.0.0.1:8000/data/verdicts.csv" in links
    assert "http://127.0.0.1:8000/methodology/" in links
    assert "secret-model" not in text and "tomorrow-tool" not in text
    assert "vs-fresh-tool" not in text and "Not for readers yet." not in text
    for link in links:
        path = link.removeprefix("http://127.0.0.1:8000")
        if path.endswith(".md"):
            assert client.get(path)["Content-Type"] == MARKDOWN


# Invalidation: a twin is kept beside its page and dropped with it (tests/core/test_invalidation.py
# does the same for every page). Each change is made the way the site makes it.


def rescored(world, editor: Client, voter: Client) -> None:
    review = Review.objects.get(tool=world["turbo"], persona__slug="builder")
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = admin_form(editor, url)
    data.update(score="14", call="skip")
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def voted(world, editor: Client, voter: Client) -> None:
    assert voter.post(f"{TURBO}/vote/", {"value": "skip"}).status_code == 302


def repriced(world, editor: Client, voter: Client) -> None:
    url = f"/admin/tools/tool/{world['turbo'].pk}/change/"
    data = admin_form(editor, url)
    data.update(pricing_entry="paid", pricing_detail="From $20 a month")
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


def unpublished(world, editor: Client, voter: Client) -> None:
    url = f"/admin/comparisons/comparison/{world['comparison'].pk}/change/"
    data = admin_form(editor, url)
    data.update(status=Comparison.Status.DRAFT)
    response = editor.post(url, data)
    assert response.status_code == 302, admin_errors(response)


CHANGES = {
    "a review's score and call": (
        rescored,
        {
            f"{TURBO}.md": (
                "### Builder\n\n*Builder's lens*\n\n14/100 · skip",
                "Ship · 3 ship / 1 skip",
            ),
            f"{PAIR}.md": ("#### SmolVLM2 Turbo\n\n14/100 · skip", "| Mean panel score | 62/100 |"),
            "/data/verdicts.csv": ("3,1,75,62,Ship,Ship · 3 ship / 1 skip",),
        },
    ),
    "a vote": (
        voted,
        {
            f"{TURBO}.md": ("- Community: 50% ship · Preliminary (4 of 10 votes)",),
            f"{PAIR}.md": ("| Community | 50% ship · Preliminary (4 of 10 votes) |",),
            "/data/verdicts.csv": ("50% ship · Preliminary (4 of 10 votes)",),
        },
    ),
    "a tool's pricing": (
        repriced,
        {
            f"{TURBO}.md": ("- Entry price: Paid", "- Pricing: From $20 a month"),
            f"{PAIR}.md": ("| Pricing | From $20 a month |",),
            "/data/tools.csv": ("From $20 a month",),
        },
    ),
    "a comparison unpublished": (
        unpublished,
        {
            f"{TURBO}.md": ("No editor has paired SmolVLM2 Turbo with another tool yet.",),
            "/llms.txt": ("## Comparisons\n\nNo comparisons published yet.",),
        },
    ),
}


@pytest.mark.django_db(transaction=True)  # versions move on commit
@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_shows_at_once_in_every_twin_that_shows_it(judged, change):
    make, shows = CHANGES[change]
    editor, voter, member = Client(), Client(), Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    voter.force_login(UserFactory())
    member.force_login(UserFactory())
    readers = {"signed out": Client(), "member": member}
    for url, expected in shows.items():
        for who, reader in readers.items():
            reader.get(url)
            response = reader.get(url)
            if not url.startswith("/data/"):  # exports are streamed, never kept
                assert response["X-Page-Cache"] == "hit", f"{url} is not kept for the {who}"
            assert not all(text in body(response) for text in expected), f"{url} shows it already"

    make(judged, editor, voter)

    stale = [
        f"{url} ({who}): {text!r}"
        for url, expected in shows.items()
        for who, reader in readers.items()
        for text in expected
        if text not in body(reader.get(url))
    ]
    assert not stale, "still the old copy: " + "; ".join(stale)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
