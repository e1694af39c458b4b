from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse

from reviews.models import Persona
from tools.models import Category, Tool
from verdicts.models import Comparison


class Sitemap(DjangoSitemap):
    """Locations on SITE_URL, the site's public address, whatever host the request named."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ToolSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Tool.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, tool):
        return tool.updated_at


class ComparisonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return Comparison.objects.published().with_tools().order_by("pk")

    def lastmod(self, comparison):
        return max(
            comparison.updated_at, comparison.tool_a.updated_at, comparison.tool_b.updated_at
        )


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.order_by("pk")


class PersonaSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Persona.objects.active()


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return [
            "home",
            "compare:list",
            "tools:tool-list",
            "tools:rankings",
            "tools:category-list",
            "reviews:panel",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "comparisons": ComparisonSitemap,
    "tools": ToolSitemap,
    "categories": CategorySitemap,
    "panel": PersonaSitemap,
}
