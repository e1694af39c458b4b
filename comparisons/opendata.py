"""The open data at /data/: tools, reviews, verdicts and comparisons, as CSV and as JSON.

Every figure is read the way the pages read it: the counts kept on each tool's row, made
into ``tool.panel`` and ``tool.community`` (core/scoring.py), and the pick from
``core.scoring.pick`` over the same candidates side by side builds. So a file and a page
never disagree. Only what readers may see goes out: live tools, the reviews of the seats on
the panel, published comparisons.

An export is streamed: rows come from a server-side cursor a chunk at a time, as plain
values, and go out a batch at a time, so a worker holds one chunk whatever the size of the
catalogue (bench/exports.py measures it). Each file says when it was made (``as of``), under
which licence, and how to cite it: a JSON file in its opening object, a CSV file in its
response headers (a comment line would break CSV readers), and /data/ for both.
"""

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from comparisons.models import Comparison
from core.pagecache import VOTES
from core.scoring import Candidate, pick
from reviews.models import Review
from tools.models import Tool

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHER = "Verdicts"
FORMATS = ("csv", "json")
CHUNK_SIZE = 2000  # rows fetched from the cursor at a time
BATCH_SIZE = 500  # rows written out at a time: each batch is one piece of the stream

Row = dict[str, object]


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


@dataclass(frozen=True)
class Export:
    name: str  # its address: /data/<name>.csv and /data/<name>.json
    title: str  # as a citation names it
    about: str  # one line on /data/
    columns: tuple[Column, ...]
    source: Callable[[], QuerySet]  # what it lists, in its order
    rows: Callable[[QuerySet], Iterator[Row]]  # the source's rows, as the file has them
    depends: tuple[str, ...] = ()  # page-cache versions beyond content that move its figures

    def count(self) -> int:
        return self.source().count()

    def stream(self) -> Iterator[Row]:
        return self.rows(self.source())

    def path(self, format: str) -> str:
        return reverse("comparisons:data-export", args=[self.name, format])


@dataclass(frozen=True)
class Snapshot:
    """One export as one reader gets it: when it was made, where from, how to cite it."""

    export: Export
    format: str
    as_of: dt.datetime

    @property
    def stamp(self) -> str:
        return self.as_of.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.export.path(self.format)}"

    @property
    def citation(self) -> str:
        return citation(self.export, as_of=self.stamp, year=self.as_of.year, url=self.url)

    @property
    def about(self) -> dict[str, object]:
        return {
            "dataset": self.export.name,
            "title": self.export.title,
            "description": self.export.about,
            "publisher": PUBLISHER,
            "as_of": self.stamp,
            "licence": {"name": LICENCE, "url": LICENCE_URL},
            "citation": self.citation,
            "url": self.url,
            "columns": [{"name": c.name, "meaning": c.meaning} for c in self.export.columns],
        }


def citation(export: Export, *, as_of: str, year: int, url: str) -> str:
    """ "Verdicts (2026). Tool verdicts dataset, as of 2026-12-02T06:01:00Z. https://…"."""
    return f"{PUBLISHER} ({year}). {export.title}, as of {as_of}. {url}"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _tool_url(slug: str) -> str:
    return _absolute(reverse("comparisons:tool-detail", args=[slug]))


def _tools():
    return Tool.objects.published().order_by("slug")


def _reviews():
    return Review.objects.counted().of_live_tools().order_by("tool__slug", "persona__order")


def _comparisons():
    return Comparison.objects.published().newest_first()


# What a tool's verdict is made of: the counts on its row, as Tool.panel and Tool.community read.
COUNTED = ["panel_ships", "panel_skips", "panel_score_total", "community_ships", "community_skips"]


def _counted_tool(values: dict, prefix: str = "") -> Tool:
    """An unsaved Tool holding a row's counts, so its verdicts come from Tool.panel and
    Tool.community themselves and not from a copy of them."""
    return Tool(**{name: values[f"{prefix}{name}"] for name in COUNTED})


def _stream(queryset, fields: list[str]) -> Iterator[dict]:
    return queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE)


TOOL_COLUMNS = (
    Column("slug", "The tool's identifier; its page is /tools/<slug>/."),
    Column("name", "As its makers write it."),
    Column("url", "Its page on Verdicts."),
    Column("category", "The shelf it sits on (its slug)."),
    Column("category_name", "The shelf's name."),
    Column("vendor", "Who makes it."),
    Column("best_for", "One line: who or what it is best for."),
    Column("description", "What it does and for whom; paragraphs apart by a blank line."),
    Column("entry_price", "The cheapest way in: free, freemium or paid."),
    Column("pricing", "The prices in a few words."),
    Column("licence", "The tool's own licence, as its makers state it."),
    Column("website", "The tool's own site."),
    Column("relationship", "Anything Verdicts has with its makers, as its page says, or None."),
    Column("published_at", "When it went up on Verdicts (UTC)."),
)


def tool_rows(tools: QuerySet) -> Iterator[Row]:
    fields = ["slug", "name", "category__slug", "category__name", "vendor", "tagline"]
    fields += ["description", "pricing_entry", "pricing_detail", "license", "website"]
    for tool in _stream(tools, [*fields, "relationship", "published_at"]):
        yield {
            "slug": tool["slug"],
            "name": tool["name"],
            "url": _tool_url(tool["slug"]),
            "category": tool["category__slug"],
            "category_name": tool["category__name"],
            "vendor": tool["vendor"],
            "best_for": tool["tagline"],
            "description": tool["description"],
            "entry_price": tool["pricing_entry"],
            "pricing": tool["pricing_detail"],
            "licence": tool["license"],
            "website": tool["website"],
            "relationship": tool["relationship"],
            "published_at": tool["published_at"],
        }


VERDICT_COLUMNS = (
    Column("tool", "The tool's slug."),
    Column("name", "The tool's name."),
    Column("url", "Its page on Verdicts, which shows the same figures."),
    Column("panel_ships", "Seats on the panel that call it ship."),
    Column("panel_skips", "Seats on the panel that call it skip."),
    Column("panel_ship_pct", "Ship calls as a share of the panel's reviews; empty with none."),
    Column("panel_mean_score", "The panel's mean score out of 100; empty with no reviews."),
    Column("panel_label", "Ship, Skip, Split (as many of each) or Awaiting panel."),
    Column("panel_summary", "The panel verdict as the pages show it: “Ship · 3 ship / 1 skip”."),
    Column("panel_updated_at", "When a score or a call last moved (UTC); empty if never."),
    Column("community_ships", "Members' ship votes."),
    Column("community_skips", "Members' skip votes."),
    Column("community_ship_pct", "Ship votes as a share of all votes, rounded; empty with none."),
    Column("community_summary", "The community figure as the pages show it."),
    Column(
        "community_preliminary",
        "true while the tool has fewer votes than the community rankings need "
        "(RANKING_MIN_VOTES): the figure may still swing.",
    ),
)


def verdict_rows(tools: QuerySet) -> Iterator[Row]:
    fields = ["slug", "name", "verdict_updated_at", *COUNTED]
    for values in _stream(tools, fields):
        counted = _counted_tool(values)
        panel, community = counted.panel, counted.community
        yield {
            "tool": values["slug"],
            "name": values["name"],
            "url": _tool_url(values["slug"]),
            "panel_ships": panel.ships,
            "panel_skips": panel.skips,
            "panel_ship_pct": panel.ship_pct,
            "panel_mean_score": panel.mean_score,
            "panel_label": panel.label,
            "panel_summary": panel.summary,
            "panel_updated_at": values["verdict_updated_at"],
            "community_ships": community.ships,
            "community_skips": community.skips,
            "community_ship_pct": community.ship_pct,
            "community_summary": community.summary,
            "community_preliminary": not community.ranks,
        }


REVIEW_COLUMNS = (
    Column("tool", "The tool's slug."),
    Column("tool_name", "The tool's name."),
    Column("seat", "The seat on the panel (its slug); its page is /panel/<seat>/."),
    Column("seat_name", "The seat's name."),
    Column("score", "Out of 100."),
    Column("call", "ship or skip."),
    Column("summary", "The review in one line; may be empty."),
    Column("body", "The seat's reasons; paragraphs apart by a blank line."),
    Column("updated_at", "When the review last changed (UTC)."),
)


def review_rows(reviews: QuerySet) -> Iterator[Row]:
    fields = ["tool__slug", "tool__name", "persona__slug", "persona__name", "score", "call"]
    for review in _stream(reviews, [*fields, "summary", "body", "updated_at"]):
        yield {
            "tool": review["tool__slug"],
            "tool_name": review["tool__name"],
            "seat": review["persona__slug"],
            "seat_name": review["persona__name"],
            "score": review["score"],
            "call": review["call"],
            "summary": review["summary"],
            "body": review["body"],
            "updated_at": review["updated_at"],
        }


COMPARISON_COLUMNS = (
    Column("slug", "The comparison's identifier; its page is /compare/<slug>/."),
    Column("title", "“A vs B”, in the editor's order."),
    Column("url", "Its page on Verdicts."),
    Column("tool_a", "The first tool's slug."),
    Column("tool_b", "The second tool's slug."),
    Column("editor_note", "Why these two, and what to weigh; may be empty."),
    Column("published_at", "When it went up (UTC)."),
    Column("pick", "The slug of the tool to ship with; empty when it is too close to call."),
    Column("pick_reason", "Why, in one line, as the page says it."),
)


def comparison_rows(comparisons: QuerySet) -> Iterator[Row]:
    sides = [f"{side}__{name}" for side in ("tool_a", "tool_b") for name in ["slug", "name"]]
    counts = [f"{side}__{name}" for side in ("tool_a", "tool_b") for name in COUNTED]
    for values in _stream(comparisons, [*sides, *counts, "editor_note", "published_at"]):
        slugs = [values["tool_a__slug"], values["tool_b__slug"]]
        tools = [_counted_tool(values, f"{side}__") for side in ("tool_a", "tool_b")]
        names = [values["tool_a__name"], values["tool_b__name"]]
        # The candidates side_by_side builds, from the same counts.
        candidates = [
            Candidate(name=name, panel=tool.panel, community=tool.community)
            for name, tool in zip(names, tools, strict=True)
        ]
        answer = pick(candidates)
        winner = next(
            (slug for slug, c in zip(slugs, candidates, strict=True) if c is answer.winner), None
        )
        slug = f"{slugs[0]}-vs-{slugs[1]}"
        yield {
            "slug": slug,
            "title": " vs ".join(names),
            "url": _absolute(reverse("comparisons:comparison-detail", args=[slug])),
            "tool_a": slugs[0],
            "tool_b": slugs[1],
            "editor_note": values["editor_note"],
            "published_at": values["published_at"],
            "pick": winner,
            "pick_reason": answer.reason,
        }


EXPORTS = {
    export.name: export
    for export in [
        Export(
            "verdicts",
            "Tool verdicts dataset",
            "Each tool's panel verdict and community figure, exactly as its page shows them.",
            VERDICT_COLUMNS,
            _tools,
            verdict_rows,
            depends=(VOTES,),
        ),
        Export(
            "tools",
            "Tools dataset",
            "The catalogue: every published tool, its category, vendor and pricing.",
            TOOL_COLUMNS,
            _tools,
            tool_rows,
        ),
        Export(
            "reviews",
            "Panel reviews dataset",
            "Every review by a seat on the panel: score, call and reasons.",
            REVIEW_COLUMNS,
            _reviews,
            review_rows,
        ),
        Export(
            "comparisons",
            "Comparisons dataset",
            "Every published comparison, with its pick and the reason for it.",
            COMPARISON_COLUMNS,
            _comparisons,
            comparison_rows,
            depends=(VOTES,),  # the community ship rate can settle the pick
        ),
    ]
}


# A spreadsheet opening a CSV file reads a cell that begins with one of these as a formula:
# a tool's name or a review written "=HYPERLINK(…)" would run as one on the reader's
# machine. Such a text cell is written with an apostrophe before it, which spreadsheets show
# as text and do not display (OWASP's advice for CSV files); the JSON has the text as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return str(value)


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def csv_stream(snapshot: Snapshot, rows: Iterable[Row]) -> Iterator[str]:
    """The header line, then the rows, one batch per piece."""
    names = [column.name for column in snapshot.export.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    yield buffer.getvalue()
    for batch in _batches(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_cell(row[name]) for name in names] for row in batch)
        yield buffer.getvalue()


def _json_value(value):
    if isinstance(value, dt.datetime):
        return _cell(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_stream(snapshot: Snapshot, rows: Iterable[Row]) -> Iterator[str]:
    """One object: what the file is (``Snapshot.about``), then ``rows``, an array streamed
    one batch per piece."""
    opening = json.dumps(snapshot.about, ensure_ascii=False, indent=1).removesuffix("\n}")
    yield opening + ',\n "rows": [\n'
    first = True
    for batch in _batches(rows):
        text = ",\n".join(json.dumps(row, default=_json_value, ensure_ascii=False) for row in batch)
        yield text if first else ",\n" + text
        first = False
    yield "\n]\n}\n"
