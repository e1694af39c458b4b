"""Pages as Markdown, for agents and for readers who paste them: the twin of each tool page and
comparison page (``/tools/<slug>.md``, ``/compare/<a>-vs-<b>.md``), and ``/llms.txt``.

A twin is written from what its page is rendered from (``scorecard``, ``side_by_side``, the
pair ``pair_resolve`` found), so it carries the page's figures and no others. Whatever an
editor typed is escaped, so a name or a review cannot turn into a heading, a link or HTML.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.dateformat import format as date_format

from comparisons.models import Comparison
from comparisons.opendata import EXPORTS, FORMATS, LICENCE
from comparisons.sidebyside import Pair, SideBySide
from core.bidi import isolate
from reviews.scorecard import ScorecardRow
from tools.models import Tool

SUMMARY = (
    "Which AI tool should you ship with? A panel of four reviewer seats (Builder, Skeptic, "
    "Futurist, Founder) scores every tool out of 100 and calls it ship or skip; members vote "
    "ship or skip; editors pair tools into comparisons and name the one to ship with."
)
LLMS_LISTED = 50  # comparisons and tools /llms.txt names; the exports hold them all

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def text(value) -> str:
    """An editor's text, isolated (core/bidi.py) and with Markdown's marks escaped."""
    return _SPECIAL.sub(r"\\\1", isolate(value))


def paragraphs(value: str) -> str:
    """A multi-line text as Markdown paragraphs: blank lines apart, each line escaped."""
    lines = (text(line.strip()) for line in value.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def tool_twin_path(tool: Tool) -> str:
    return reverse("comparisons:tool-markdown", args=[tool.slug])


def pair_twin_path(slug: str) -> str:
    return reverse("comparisons:comparison-markdown", args=[slug])


def _link(label: str, path: str) -> str:
    return f"[{label}]({absolute(path)})"


def _score(value: int | None) -> str:
    return "—" if value is None else f"{value}/100"


def _pct(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def _pricing(tool: Tool) -> str:
    return text(tool.pricing_detail or tool.get_pricing_entry_display())


def _review(review) -> list[str]:
    lines = [f"{review.score}/100 · {review.call}", ""]
    if review.summary:
        lines += [f"**{text(review.summary)}**", ""]
    return [*lines, paragraphs(review.body), ""]


def _footer(html_path: str) -> list[str]:
    return [
        "---",
        "",
        f"The page: {absolute(html_path)}. How the verdicts are worked out: "
        f"{absolute(reverse('comparisons:methodology'))}. Every figure as open data ({LICENCE}): "
        f"{absolute(reverse('comparisons:open-data'))}.",
        "",
    ]


def tool_page(tool: Tool, rows: list[ScorecardRow], comparisons: Iterable[Comparison]) -> str:
    """The twin of /tools/<slug>/: the card, the facts, the scorecard, its comparisons."""
    panel, community = tool.panel, tool.community
    lines = [
        f"# {text(tool.name)}: ship or skip?",
        "",
        f"> {text(tool.tagline)}",
        "",
        f"{text(tool.vendor or 'AI tool')} · {text(tool.category.name)}",
        "",
        *([] if tool.is_live else ["Draft preview: readers can't see this tool yet.", ""]),
        "## Verdict",
        "",
        f"- Panel verdict: {panel.summary}",
        f"- Panel ship: {_pct(panel.ship_pct)}",
        f"- Mean panel score: {_score(panel.mean_score)}",
        f"- Community: {community.summary}",
        *(
            [f"- What would change the community's call: {community.firmness}"]
            if community.votes
            else []
        ),
        f"- Entry price: {tool.get_pricing_entry_display()}",
        f"- Pricing: {_pricing(tool)}",
        *(f"- Badge: {badge.name}. {badge.rule} {badge.exit}" for badge in tool.badges),
        f"- Our relationship with {text(tool.vendor or 'its makers')}: {text(tool.relationship)}",
    ]
    if tool.license:
        lines.append(f"- Licence: {text(tool.license)}")
    if tool.website:
        lines.append(f"- Website: <{tool.website}>")
    if tool.verdict_updated_at:
        lines.append(f"- Panel verdict updated: {date_format(tool.verdict_updated_at, 'j M Y')}")
    lines += ["", "## About", "", paragraphs(tool.description), "", "## Panel scorecard", ""]
    for row in rows:
        lines += [f"### {text(row.persona.name)}", "", f"*{text(row.persona.lens)}*", ""]
        review = row.reviews[0]
        lines += _review(review) if review else ["No review from this seat yet.", ""]
    if not rows:
        lines += ["The panel has no seats yet.", ""]
    lines += [f"## Comparisons with {text(tool.name)}", ""]
    listed = [f"- {_link(text(c.title), pair_twin_path(c.slug))}" for c in comparisons]
    lines += listed or [f"No editor has paired {text(tool.name)} with another tool yet."]
    return "\n".join([*lines, "", *_footer(tool.get_absolute_url())])


def comparison_page(pair: Pair, sbs: SideBySide) -> str:
    """The twin of /compare/<a>-vs-<b>/: the pick, the Decision table, the scorecard, the tools."""
    tools, comparison = sbs.tools, pair.comparison
    lines = [f"# {text(pair.title)}: which one should you ship with?", ""]
    if comparison and not comparison.is_live:
        lines += ["Draft preview: readers can't see this comparison yet.", ""]
    for tool in tools:
        if not tool.is_live:
            lines += [f"Draft preview: {text(tool.name)} is not published yet.", ""]
    lines += ["## Our pick", ""]
    if sbs.winner:
        lines.append(f"Ship with {_link(text(sbs.winner.name), tool_twin_path(sbs.winner))}.")
    else:
        lines.append("Too close to call.")
    lines += ["", sbs.pick.reason, ""]
    if changes := sbs.changes:
        lines += ["What would change it:", "", *(f"- {change.text}" for change in changes), ""]
    standing = comparison and comparison.pick_since and sbs.winner
    if standing and comparison.pick_winner_id == sbs.winner.pk:
        lines += [f"Our answer since {date_format(comparison.pick_since, 'j M Y')}.", ""]
    if comparison and comparison.editor_note:
        lines += ["## Editor's note", "", paragraphs(comparison.editor_note), ""]
    lines += ["## Decision", "", _decision_table(tools), "", "## Reviewer scorecard", ""]
    for row in sbs.rows:
        lines += [f"### {text(row.persona.name)}", "", f"*{text(row.persona.lens)}*", ""]
        for tool, review in row.cells:
            lines += [f"#### {text(tool.name)}", ""]
            lines += _review(review) if review else ["No review from this seat yet.", ""]
    if not sbs.rows:
        lines += ["The panel has no seats yet.", ""]
    lines += ["## The tools", ""]
    for tool in tools:
        lines += [f"### {_link(text(tool.name), tool_twin_path(tool))}", ""]
        lines += [f"> {text(tool.tagline)}", "", paragraphs(tool.description), ""]
    return "\n".join([*lines, *_footer(reverse("comparisons:comparison-detail", args=[pair.slug]))])


def _decision_table(tools: list[Tool]) -> str:
    measures = [
        ("Panel verdict", lambda t: t.panel.summary),
        ("Panel ship", lambda t: _pct(t.panel.ship_pct)),
        ("Mean panel score", lambda t: _score(t.panel.mean_score)),
        ("Community", lambda t: t.community.summary),
        ("Entry price", lambda t: t.get_pricing_entry_display()),
        ("Pricing", _pricing),
        ("Best for", lambda t: text(t.tagline)),
        ("Category", lambda t: text(t.category.name)),
    ]
    rows = [
        "| | " + " | ".join(text(tool.name) for tool in tools) + " |",
        "| --- |" + " --- |" * len(tools),
        *(
            f"| {name} | " + " | ".join(value(tool) for tool in tools) + " |"
            for name, value in measures
        ),
    ]
    return "\n".join(rows)


def llms_txt(comparisons: Iterable[Comparison], tools: Iterable[Tool]) -> str:
    """/llms.txt, as llmstxt.org lays it out: the site's name, a summary, then links."""
    data_path = reverse("comparisons:open-data")
    lines = [
        "# Verdicts",
        "",
        f"> {SUMMARY}",
        "",
        "Every tool page and comparison page has a Markdown twin with the same figures: its "
        "address without the closing slash, plus `.md` (`/tools/<slug>.md`, "
        "`/compare/<a>-vs-<b>.md`). Any two published tools make a comparison, paired by an "
        "editor or not.",
        "",
        "## Comparisons",
        "",
        *(
            [f"- {_link(text(c.title), pair_twin_path(c.slug))}" for c in comparisons]
            or ["No comparisons published yet."]
        ),
        "",
        "## Tools",
        "",
        *(f"- {_link(text(t.name), tool_twin_path(t))}: {text(t.tagline)}" for t in tools),
        "",
        "## Data",
        "",
        f"- {_link('Open data', data_path)}: what each file holds, its licence ({LICENCE}) "
        "and how to cite it",
    ]
    for export in EXPORTS.values():
        files = ", ".join(_link(format.upper(), export.path(format)) for format in FORMATS)
        lines.append(f"- {export.title} ({files}): {export.about}")
    lines += [
        "",
        "## Methodology",
        "",
        f"- {_link('How the verdicts are worked out', reverse('comparisons:methodology'))}: "
        "every rule and threshold behind a label, a ship percentage and a pick",
        "",
        "## Optional",
        "",
        f"- {_link('API', '/api/openapi.json')}: the read-only JSON API's OpenAPI schema",
        f"- {_link('New comparisons', reverse('comparisons:feed'))}: an Atom feed",
        f"- {_link('Sitemap', '/sitemap.xml')}: every page",
        "",
    ]
    return "\n".join(lines)
