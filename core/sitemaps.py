from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse


class Sitemap(DjangoSitemap):
    """Locations on SITE_URL, the site's public address, whatever host the request named."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(Sitemap):
    """Pages with no object behind them, by URL name."""

    changefreq = "daily"
    priority = 0.6

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def items(self):
        return self.names

    def location(self, name):
        return reverse(name)
