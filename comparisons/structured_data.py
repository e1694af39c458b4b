"""schema.org descriptions of tools and comparisons, for search engines (JSON-LD)."""

from django.conf import settings

from reviews.scorecard import ScorecardRow
from tools.models import Tool


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def tool_data(tool: Tool, rows: list[ScorecardRow], column: int = 0) -> dict:
    """A SoftwareApplication with the panel's reviews and their aggregate rating."""
    reviews = [(row.persona, row.reviews[column]) for row in rows if row.reviews[column]]
    data = {
        "@type": "SoftwareApplication",
        "name": tool.name,
        "url": _absolute(tool.get_absolute_url()),
        "description": tool.description,
        "applicationCategory": tool.category.name,
        "offers": {
            "@type": "Offer",
            "price": "0" if tool.pricing_entry == Tool.Pricing.FREE else None,
            "priceCurrency": "USD",
            "description": tool.pricing_detail or tool.get_pricing_entry_display(),
        },
        "review": [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": f"{persona.name} (Verdicts panel)"},
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.score,
                    "bestRating": 100,
                    "worstRating": 0,
                },
                "reviewBody": review.body,
            }
            for persona, review in reviews
        ],
    }
    if tool.vendor:
        data["publisher"] = {"@type": "Organization", "name": tool.vendor}
    if data["offers"]["price"] is None:
        del data["offers"]["price"], data["offers"]["priceCurrency"]
    panel = tool.panel
    if panel.reviews:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": panel.mean_score,
            "bestRating": 100,
            "worstRating": 0,
            "reviewCount": panel.reviews,
        }
    return data


def tool_page(tool: Tool, rows: list[ScorecardRow]) -> dict:
    return {"@context": "https://schema.org", **tool_data(tool, rows)}


def comparison_page(title: str, path: str, tools: list[Tool], rows: list[ScorecardRow]) -> dict:
    """A WebPage about the tools side by side, each a SoftwareApplication."""
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": title,
        "url": _absolute(path),
        "about": [tool_data(tool, rows, column) for column, tool in enumerate(tools)],
    }
