from core.sitemaps import Sitemap
from reviews.models import Persona


class PersonaSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Persona.objects.active()
