from comparisons.models import Comparison
from core.sitemaps import Sitemap


class ComparisonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return Comparison.objects.published().with_tools().order_by("pk")

    def lastmod(self, comparison):
        return max(
            comparison.updated_at, comparison.tool_a.updated_at, comparison.tool_b.updated_at
        )
