"""A catalogue of the most awkward content editors can enter, for browser tests of layout and
text direction: by default every name, slug and short text as long as its field allows, each
one unbroken word.

``awkward_site()`` builds it through the factories (so the services keep the counts);
``page_kinds(site)`` is one address of every kind of page a reader can reach.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from comparisons.models import Comparison
from newsletter.models import Edition
from reviews.models import Persona
from tests.factories import (
    CategoryFactory,
    ComparisonFactory,
    EditionFactory,
    PersonaFactory,
    ReviewFactory,
    ToolFactory,
    UserFactory,
    VoteFactory,
)
from tools.models import Category, Tool


def field_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def word(length: int, seed: str) -> str:
    """One unbroken word of exactly ``length`` characters, starting with ``seed``."""
    return (seed + "x" * length)[:length]


def slug(length: int, seed: str) -> str:
    return word(length, seed).lower()


@dataclass
class AwkwardSite:
    category: Category
    tools: list[Tool]
    personas: list[Persona]
    comparison: Comparison
    edition: Edition


def awkward_site(text: Callable[[int, str], str] = word) -> AwkwardSite:
    """Four tools with 120-character one-word names, reviewed by four seats with 60-character
    names, paired, voted on and sent in an edition. ``text(length, seed)`` writes every name
    and text a reader sees (slugs apart); the bidi tests give one with an unclosed override."""

    def field(model, name: str, seed: str) -> str:
        return text(field_length(model, name), seed)

    category = CategoryFactory(
        name=field(Category, "name", "Category0"),
        slug=slug(field_length(Category, "slug"), "category0"),
        description=field(Category, "description", "Shelf"),
    )
    tools = [
        ToolFactory(
            name=field(Tool, "name", f"Tool{index}"),
            slug=slug(field_length(Tool, "slug"), f"tool{index}"),
            tagline=field(Tool, "tagline", f"Bestfor{index}"),
            description=text(900, f"Description{index}"),
            vendor=field(Tool, "vendor", "Vendor"),
            pricing_detail=field(Tool, "pricing_detail", "Pricing"),
            license=field(Tool, "license", "Licence"),
            website="https://example.com/" + word(180, "path"),
            category=category,
        )
        for index in range(4)
    ]
    personas = [
        PersonaFactory(
            name=field(Persona, "name", f"Seat{index}"),
            slug=slug(field_length(Persona, "slug"), f"seat{index}"),
            lens=field(Persona, "lens", f"Lens{index}"),
            order=index,
        )
        for index in range(4)
    ]
    for t, tool in enumerate(tools):
        for p, persona in enumerate(personas):
            ReviewFactory(
                tool=tool,
                persona=persona,
                score=60 + 10 * p - 5 * t,
                call="ship" if (p + t) % 3 else "skip",
                body=text(700, f"Review{t}{p}"),
            )
    for index, value in enumerate(["ship", "ship", "skip"]):
        VoteFactory(tool=tools[index % 2], member=UserFactory(), value=value)
    now = timezone.now()
    comparisons = [
        ComparisonFactory(tool_a=tools[0], tool_b=tools[1], editor_note=text(600, "Note")),
        ComparisonFactory(tool_a=tools[2], tool_b=tools[3], editor_note=text(600, "Other")),
        ComparisonFactory(tool_a=tools[0], tool_b=tools[3], editor_note=""),
    ]
    edition = EditionFactory(
        key=slug(field_length(Edition, "key"), "edition"),
        subject=field(Edition, "subject", "Subject"),
        intro=text(500, "Intro"),
        comparisons=comparisons,
    )
    Edition.objects.filter(pk=edition.pk).update(
        status=Edition.Status.SENT, started_at=now - dt.timedelta(hours=1), sent_at=now
    )
    return AwkwardSite(category, tools, personas, comparisons[0], edition)


def page_kinds(site: AwkwardSite) -> dict[str, str]:
    """One address of every kind of page a reader can reach, bookmarks apart."""
    tools = site.tools
    return {
        "home": "/",
        "comparisons": "/compare/",
        "a comparison": site.comparison.get_absolute_url(),
        "three tools": "/compare/?tools=" + ",".join(t.slug for t in tools[:3]),
        "four tools": "/compare/?tools=" + ",".join(t.slug for t in tools),
        "an unpaired pair": f"/compare/{tools[1].slug}-vs-{tools[2].slug}/",
        "a tool": tools[0].get_absolute_url(),
        "the catalogue": "/tools/",
        "categories": "/categories/",
        "a category": site.category.get_absolute_url(),
        "rankings": "/top/",
        "the panel": "/panel/",
        "a seat": site.personas[0].get_absolute_url(),
        "the archive": "/newsletter/",
        "an edition": site.edition.get_absolute_url(),
    }
