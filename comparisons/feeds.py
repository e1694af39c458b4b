from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import linebreaks

from comparisons.models import Comparison
from core.bidi import isolate
from core.text import XMLSafeAtom1Feed
from tools.models import Category

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
