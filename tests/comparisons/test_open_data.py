"""/data/ and its exports: the figures the pages show, streamed, dated, licensed, citable."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.utils import timezone

from comparisons import opendata
from comparisons.opendata import COMPARISON_COLUMNS, EXPORTS, FORMATS
from reviews.services import reviews_delete
from tests.factories import ToolFactory, UserFactory, VoteFactory
from tests.support.markup import Markup, visible_text
from tools.models import Category, Tool

pytestmark = pytest.mark.django_db

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def streamed(response) -> tuple[list[str], str]:
    """The pieces a streamed answer came in, and the whole of it."""
    assert response.status_code == 200, response.status_code
    assert response.streaming
    pieces = [piece.decode() for piece in response.streaming_content]
    return pieces, "".join(pieces)


def csv_rows(client, name: str) -> list[dict[str, str]]:
    _, text = streamed(client.get(f"/data/{name}.csv"))
    return list(csv.DictReader(io.StringIO(text)))


def json_export(client, name: str) -> dict:
    _, text = streamed(client.get(f"/data/{name}.json"))
    return json.loads(text)


def tool_page_figures(client, tool: Tool) -> dict[str, str]:
    """What a tool's page says of its verdicts, read off its text as a reader sees it."""
    text = visible_text(client.get(tool.get_absolute_url()).content.decode())
    card = re.search(r"Panel ship (?:(\d+)% )?(?:[✓✕±] )?(Ship|Skip|Split|Awaiting panel)", text)
    facts = re.search(
        r"Facts Panel verdict (.+?) Mean panel score (—|\d+/100) Community (.+?)"
        r"(?: \d+ more \w+ votes? would [^.]+\.| One more vote either way [^.]+\.)? Pricing",
        text,
    )
    return {
        "panel_ship_pct": card[1] or "",
        "panel_label": card[2],
        "panel_summary": facts[1],
        "panel_mean_score": facts[2].removesuffix("/100").replace("—", ""),
        "community_summary": facts[3],
    }


def test_the_verdicts_csv_has_the_figures_each_tool_page_shows(client, judged):
    rows = csv_rows(client, "verdicts")
    assert [row["tool"] for row in rows] == ["fresh-tool", "mistral-8x22b-v2", "smolvlm2-turbo"]
    for row in rows:
        page = tool_page_figures(client, Tool.objects.get(slug=row["tool"]))
        assert {name: row[name] for name in page} == page, row["tool"]
    turbo = next(row for row in rows if row["tool"] == "smolvlm2-turbo")
    assert turbo | {"panel_updated_at": "", "url": ""} == {
        "tool": "smolvlm2-turbo",
        "name": "SmolVLM2 Turbo",
        "url": "",
        "panel_ships": "4",
        "panel_skips": "0",
        "panel_ship_pct": "100",
        "panel_mean_score": "79",
        "panel_label": "Ship",
        "panel_summary": "Ship · 4 ship / 0 skip",
        "panel_updated_at": "",
        "community_ships": "2",
        "community_skips": "1",
        "community_ship_pct": "67",
        "community_summary": "67% ship · Preliminary (3 of 10 votes)",
        "community_preliminary": "true",  # 3 votes, and rankings need 10
    }
    assert turbo["url"].endswith("/tools/smolvlm2-turbo/")
    assert re.fullmatch(STAMP, turbo["panel_updated_at"])


def test_the_community_figure_stops_being_preliminary_at_the_rankings_minimum(
    client, judged, settings
):
    settings.RANKING_MIN_VOTES = 4
    preliminary = {
        row["tool"]: row["community_preliminary"] for row in csv_rows(client, "verdicts")
    }
    assert preliminary["smolvlm2-turbo"] == "true"
    VoteFactory(member=UserFactory(), tool=judged["turbo"], value="skip")
    turbo = next(row for row in csv_rows(client, "verdicts") if row["tool"] == "smolvlm2-turbo")
    assert (turbo["community_summary"], turbo["community_preliminary"]) == (
        "50% ship · 4 votes",
        "false",
    )


def test_the_comparisons_export_names_the_pick_the_page_names(client, judged):
    [row] = csv_rows(client, "comparisons")
    text = visible_text(client.get(judged["comparison"].get_absolute_url()).content.decode())
    answer = re.search(
        r"Our pick Ship with (.+?) \. (.+?\.) (?:What would change it .+? )?Which one", text
    )
    assert row["pick"] == Tool.objects.get(name=answer[1]).slug == "smolvlm2-turbo"
    assert row["pick_reason"] == answer[2] == "Higher panel ship rate: 100% against 75%."
    assert (row["slug"], row["title"], row["editor_note"]) == (
        "smolvlm2-turbo-vs-mistral-8x22b-v2",
        "SmolVLM2 Turbo vs Mistral 8x22B v2",
        "Small against large.",
    )


def test_a_pick_too_close_to_call_is_empty_with_its_reason(client, judged):
    reviews_delete(reviews=judged["mixtral"].reviews.all())
    [row] = csv_rows(client, "comparisons")
    page = visible_text(client.get(judged["comparison"].get_absolute_url()).content.decode())
    assert row["pick"] == ""
    assert f"Our pick Too close to call. {row['pick_reason']}" in page


def test_the_reviews_export_has_each_seat_s_score_call_and_text(client, judged):
    rows = csv_rows(client, "reviews")
    founder = next(r for r in rows if (r["tool"], r["seat"]) == ("mistral-8x22b-v2", "founder"))
    assert founder | {"updated_at": ""} == {
        "tool": "mistral-8x22b-v2",
        "tool_name": "Mistral 8x22B v2",
        "seat": "founder",
        "seat_name": "Founder",
        "score": "55",
        "call": "skip",
        "summary": "Founder in one line",
        "body": "Founder on mixtral",
        "updated_at": "",
    }
    assert len(rows) == 8  # four seats, two live tools


def test_the_tools_export_has_the_catalogue(client, judged):
    rows = {row["slug"]: row for row in csv_rows(client, "tools")}
    assert rows["smolvlm2-turbo"]["pricing"] == "Free / Open weights (Apache 2.0)"
    assert rows["smolvlm2-turbo"]["licence"] == "Apache 2.0"
    assert rows["smolvlm2-turbo"]["relationship"] == "None"  # the disclosure, as on its page
    assert rows["mistral-8x22b-v2"]["entry_price"] == "paid"
    assert rows["mistral-8x22b-v2"]["category_name"] == "Developer Tools"


@pytest.mark.parametrize("name", EXPORTS)
def test_drafts_and_what_is_not_out_yet_never_appear(client, judged, name):
    for format in FORMATS:
        _, text = streamed(client.get(f"/data/{name}.{format}"))
        for hidden in ["secret-model", "Secret", "tomorrow-tool", "Not for readers yet."]:
            assert hidden not in text, (name, format, hidden)
        assert "Retired grumbling" not in text and "oracle" not in text


def test_an_editor_gets_the_same_files_as_everyone(client, judged):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    _, text = streamed(client.get("/data/tools.csv"))
    assert "secret-model" not in text


@pytest.mark.parametrize("name", EXPORTS)
def test_json_is_one_object_what_the_file_is_then_its_rows(client, judged, name):
    data = json_export(client, name)
    assert re.fullmatch(STAMP, data["as_of"])
    assert data["licence"] == {"name": "CC BY 4.0", "url": opendata.LICENCE_URL}
    assert data["citation"] == (
        f"Verdicts ({data['as_of'][:4]}). {EXPORTS[name].title}, as of {data['as_of']}. "
        f"http://127.0.0.1:8000/data/{name}.json"
    )
    names = [column["name"] for column in data["columns"]]
    assert all(list(row) == names for row in data["rows"])
    as_csv = csv_rows(client, name)
    flat = [{k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
             for k, v in row.items()} for row in data["rows"]]  # fmt: skip
    assert flat == as_csv


@pytest.mark.parametrize("name", EXPORTS)
def test_a_csv_says_when_it_was_made_its_licence_and_how_to_cite_it(client, judged, name):
    response = client.get(f"/data/{name}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    as_of = response["Data-As-Of"]
    made = dt.datetime.fromisoformat(as_of)
    assert abs(made - timezone.now()) < dt.timedelta(minutes=1)
    assert response["Data-Licence"] == f"CC BY 4.0 {opendata.LICENCE_URL}"
    assert response["Data-Citation"] == (
        f"Verdicts ({made.year}). {EXPORTS[name].title}, as of {as_of}. "
        f"http://127.0.0.1:8000/data/{name}.csv"
    )
    assert f'<{opendata.LICENCE_URL}>; rel="license"' in response["Link"]
    header = next(csv.reader(io.StringIO(streamed(response)[1])))
    assert header == [column.name for column in EXPORTS[name].columns]


def test_the_data_page_lists_every_export_with_its_licence_and_citation(client, judged):
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert "CC BY 4.0" in text
    assert "Verdicts (20" in text and "Tool verdicts dataset, as of" in text
    assert "Tool verdicts dataset Each tool's panel verdict" in text and "3 rows now" in text
    assert "Panel reviews dataset" in text and "8 rows now" in text
    assert "Comparisons dataset" in text and "1 row now" in text
    links = {attrs.get("href") for tag, attrs in Markup(html).tags if tag == "a"}
    for name in EXPORTS:
        for format in FORMATS:
            assert f"/data/{name}.{format}" in links
            assert client.get(f"/data/{name}.{format}").status_code == 200
    assert "/llms.txt" in links and "/methodology/" in links


def test_every_page_links_the_data_from_its_footer(client, judged):
    for url in ["/", "/tools/", judged["comparison"].get_absolute_url()]:
        footer = client.get(url).content.decode().split('class="site-footer"')[1]
        assert 'href="/data/"' in footer and 'href="/llms.txt"' in footer


def test_the_sitemap_lists_the_data_page(client, judged):
    assert "/data/</loc>" in client.get("/sitemap.xml").content.decode()


@pytest.mark.parametrize(
    "url", ["/data/votes.csv", "/data/tools.xml", "/data/tools.CSV", "/data/tools.csv.json"]
)
def test_an_export_that_does_not_exist_is_the_sites_404(client, judged, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


@pytest.mark.parametrize(
    "query", ["page=2", "format=xml&since=%FF", "q=%27%22%3C", "rows=-1&rows=9e99"]
)
def test_a_made_up_query_is_sent_to_the_file_without_it(client, judged, query):
    response = client.get(f"/data/verdicts.csv?{query}")
    assert response.status_code == 301 and response["Location"] == "/data/verdicts.csv"
    assert client.get(f"/data/?{query}").status_code == 301
    assert (
        client.get(f"/data/verdicts.json?{query}", headers={"HX-Request": "true"}).status_code
        == 301
    )


def test_head_answers_without_reading_the_rows(client, judged, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.head("/data/verdicts.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv") and response["Data-As-Of"]


def test_the_cache_in_front_keeps_an_export_until_what_it_shows_changes(client, judged, settings):
    settings.HTTP_CACHE_SECONDS = 600
    verdicts, tools = client.get("/data/verdicts.csv"), client.get("/data/tools.json")
    assert verdicts["Cache-Control"] == "public, max-age=0, s-maxage=600"
    assert verdicts["xkey"] == "content votes"  # a vote moves a verdict: its purge drops it
    assert tools["xkey"] == "content"  # only an editor's change does
    assert "X-Page-Cache" not in verdicts  # streamed, so never in the page cache
    settings.HTTP_CACHE_SECONDS = 0
    assert client.get("/data/verdicts.csv")["Cache-Control"] == "private"


def test_a_vote_shows_in_the_next_export(client, judged):
    csv_rows(client, "verdicts")
    VoteFactory(member=UserFactory(), tool=judged["mixtral"], value="skip")
    mixtral = next(row for row in csv_rows(client, "verdicts") if row["tool"] == "mistral-8x22b-v2")
    assert mixtral["community_summary"] == "0% ship · Preliminary (1 of 10 votes)"


def test_an_export_of_thousands_of_tools_streams_in_many_pieces(
    client, panel, django_assert_max_num_queries
):
    """Not timed: the rows come a chunk at a time from one query (a server-side cursor), and
    leave a batch at a time, so no worker holds the whole catalogue (bench/exports.py
    measures the memory on 10,000 tools)."""
    shelf = Category.objects.create(name="Bulk", slug="bulk")
    now = timezone.now()
    Tool.objects.bulk_create(
        Tool(
            name=f"Bulk {n}",
            slug=f"bulk-{n:05}",
            tagline="For a test",
            description="Made in bulk.",
            category=shelf,
            status=Tool.Status.PUBLISHED,
            published_at=now,
            panel_ships=n % 4,
            panel_skips=3 - n % 4,
            panel_score_total=(n % 4) * 90 + (3 - n % 4) * 30,
            community_ships=n % 7,
            community_skips=n % 5,
        )
        for n in range(3000)
    )
    ToolFactory(draft=True, slug="bulk-draft", category=shelf)
    with django_assert_max_num_queries(1):
        response = client.get("/data/verdicts.csv")
        pieces, text = streamed(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3000
    assert len(pieces) >= 3000 // opendata.BATCH_SIZE  # the header, then a piece per batch
    assert max(len(piece) for piece in pieces) < len(text) / 4
    seventh = rows[7]  # bulk-00007: 3 ships, 0 skips; 0 community ships, 2 skips
    assert (seventh["panel_summary"], seventh["panel_mean_score"]) == (
        "Ship · 3 ship / 0 skip",
        "90",
    )
    assert seventh["community_summary"] == "0% ship · Preliminary (2 of 10 votes)"
    json_pieces, _ = streamed(client.get("/data/verdicts.json"))
    assert len(json_pieces) >= 3000 // opendata.BATCH_SIZE


@pytest.mark.parametrize("format", FORMATS)
def test_an_empty_export_is_still_a_whole_file(client, format):
    _, text = streamed(client.get(f"/data/comparisons.{format}"))
    if format == "json":
        assert json.loads(text)["rows"] == []
    else:
        assert list(csv.reader(io.StringIO(text))) == [[c.name for c in COMPARISON_COLUMNS]]


def test_a_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(client):
    """OWASP's CSV injection: a cell that begins with = + - @ is a formula to a spreadsheet.
    The CSV cell gets an apostrophe before it; the JSON keeps the text as it is."""
    tagline = '=HYPERLINK("https://evil.example","Click")'
    ToolFactory(slug="formula", tagline=tagline, vendor="@vendor")
    ToolFactory(slug="plain", tagline="A plain tagline - with a dash", vendor="Plain Co")

    _, text = streamed(client.get("/data/tools.csv"))
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["formula"]["best_for"] == "'" + tagline
    assert rows["formula"]["vendor"] == "'@vendor"
    assert rows["plain"]["best_for"] == "A plain tagline - with a dash"
    assert rows["plain"]["vendor"] == "Plain Co"
    # On the wire no line holds a cell that starts with the formula itself.
    assert f',"{tagline.replace(chr(34), chr(34) * 2)}"' not in text

    kept = {row["slug"]: row for row in json_export(client, "tools")["rows"]}
    assert kept["formula"]["best_for"] == tagline and kept["formula"]["vendor"] == "@vendor"
