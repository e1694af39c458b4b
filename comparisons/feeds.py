from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import linebreaks

from comparisons.models import Comparison
from comparisons.moved import week_moved
from core.bidi import isolate
from core.text import XMLSafeAtom1Feed
from reviews.history import tool_history
from tools.models import Category, Tool

FEED_SIZE = 20


def _on_site(path: str) -> str:
    """Links on SITE_URL: Django's feeds would take the request's Host header and scheme."""
    return f"{settings.SITE_URL}{path}"


class ComparisonFeed(Feed):
    """The newest published comparisons, as Atom."""

    feed_type = XMLSafeAtom1Feed
    title = "Verdicts: new comparisons"
    subtitle = "Two AI tools side by side, and which one to ship with."

    def link(self):
        return _on_site("/compare/")

    def feed_url(self):
        return _on_site(reverse("comparisons:feed"))

    def item_link(self, comparison):
        return _on_site(comparison.get_absolute_url())

    def items(self):
        return Comparison.objects.published().with_tools().newest_first()[:FEED_SIZE]

    def item_title(self, comparison):
        return comparison.title

    def item_description(self, comparison):
        """HTML, as Atom's summary type="html" says: readers render it, so the text is escaped."""
        verdicts = "; ".join(
            f"{isolate(tool.name)}: {tool.panel.summary}" for tool in comparison.tools
        )
        return linebreaks(f"{comparison.editor_note}\n\n{verdicts}".strip(), autoescape=True)

    def item_pubdate(self, comparison):
        return comparison.published_at

    def item_updateddate(self, comparison):
        return comparison.updated_at

    def item_guid(self, comparison):
        return f"{settings.SITE_URL}/comparisons/{comparison.pk}"

    item_guid_is_permalink = False


class CategoryComparisonFeed(ComparisonFeed):
    """The newest published comparisons in one category."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"Verdicts: new {isolate(category.name)} comparisons"

    def link(self, category):
        return _on_site(category.get_absolute_url())

    def feed_url(self, category):
        return _on_site(reverse("comparisons:category-feed", args=[category.slug]))

    def items(self, category):
        comparisons = Comparison.objects.published().in_category(category)
        return comparisons.with_tools().newest_first()[:FEED_SIZE]


class MovedFeed(Feed):
    """What moved this week (comparisons.moved): flips, price changes, new tools and
    comparisons, one entry each."""

    feed_type = XMLSafeAtom1Feed
    title = "Verdicts: what moved this week"
    subtitle = "Verdicts and picks that flipped, prices that changed, and what is new."

    def link(self):
        return _on_site(reverse("comparisons:moved"))

    def feed_url(self):
        return _on_site(reverse("comparisons:moved-feed"))

    def items(self):
        return week_moved().lines[: FEED_SIZE * 5]

    def item_title(self, line):
        return isolate(line.text)

    def item_description(self, line):
        text = line.text if not line.correction else f"{line.text}\n\nCorrection: {line.correction}"
        return linebreaks(isolate(text), autoescape=True)

    def item_link(self, line):
        return _on_site(line.path)

    def item_pubdate(self, line):
        return line.at

    def item_guid(self, line):
        return f"{settings.SITE_URL}/moved/{line.key}"

    item_guid_is_permalink = False


class ToolHistoryFeed(Feed):
    """One tool's history (reviews.history), newest first."""

    feed_type = XMLSafeAtom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Tool.objects.published(), slug=slug)

    def title(self, tool):
        return f"Verdicts: the history of {isolate(tool.name)}"

    def link(self, tool):
        return _on_site(f"{tool.get_absolute_url()}#history-heading")

    def feed_url(self, tool):
        return _on_site(reverse("comparisons:tool-history-feed", args=[tool.slug]))

    def items(self, tool):
        return tool_history(tool)[: FEED_SIZE * 5]

    def item_title(self, change):
        return isolate(change.line)

    def item_description(self, change):
        note = f"\n\nCorrection: {change.correction}" if change.correction else ""
        return linebreaks(isolate(change.line + note), autoescape=True)

    def item_link(self, change):
        return _on_site(f"{change.tool.get_absolute_url()}#history-heading")

    def item_pubdate(self, change):
        return change.at

    def item_guid(self, change):
        return f"{settings.SITE_URL}/history/{change.key}"

    item_guid_is_permalink = False
