from core.sitemaps import Sitemap
from tools.models import Category, Tool


class ToolSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Tool.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, tool):
        return tool.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.order_by("pk")
