from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import Desk, ThroughServices, publishing_shown
from tools.models import WEBSITE_IS_HTTP, Category, Tool
from tools.services import (
    categories_delete,
    category_save,
    tool_save,
    tools_delete,
    tools_publish,
    tools_unpublish,
)


def tool_label(tool: Tool) -> str:
    """A tool as editors pick it: "Cursor (Developer Tools, Anysphere)", so that two tools
    of one name read apart; a draft says so."""
    details = ", ".join(part for part in [tool.category.name, tool.vendor] if part)
    draft = " · draft" if tool.status == Tool.Status.DRAFT else ""
    return f"{tool.name} ({details}){draft}"


def old_slugs_shown(row) -> str:
    """The slugs a row had before; their addresses lead to it still."""
    slugs = row.old_slugs.values_list("slug", flat=True) if row.pk else []
    return ", ".join(slugs) or "None: the slug has not changed."


@admin.register(Category)
class CategoryAdmin(Desk, ThroughServices, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "tool_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "old_slugs", "description", "order"]
    readonly_fields = ["old_slugs"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_tool_counts()

    @admin.display(description="old slugs")
    def old_slugs(self, category: Category) -> str:
        return old_slugs_shown(category)

    @admin.display(description="published tools", ordering="tool_count")
    def tool_count(self, category: Category) -> int:
        return category.tool_count

    save_service = staticmethod(lambda category: category_save(category=category))
    delete_service = staticmethod(lambda categories: categories_delete(categories=categories))


@admin.register(Tool)
class ToolAdmin(Desk, ThroughServices, admin.ModelAdmin):
    """The catalogue's side of a tool; reviews/admin.py adds the panel's reviews inline."""

    formfield_overrides = {  # the website is the one URL: the form says what the model says
        models.URLField: {"error_messages": {"invalid": WEBSITE_IS_HTTP}}
    }

    list_display = [
        "name",
        "category",
        "state",
        "panel_verdict",
        "panel_score",
        "community_verdict",
        "price",
    ]
    list_filter = ["status", "category", "pricing_entry", "published_at"]
    list_select_related = ["category"]
    list_per_page = 50
    search_fields = ["name", "vendor", "category__name", "tagline"]
    search_help_text = "Find a tool by its name, its vendor or its category."
    prepopulated_fields = {"slug": ["name"]}
    actions = ["publish", "unpublish"]
    readonly_fields = ["old_slugs"]
    fieldsets = [
        (
            "What readers see",
            {"fields": ["name", "tagline", "description", "category", "vendor", "relationship"]},
        ),
        (
            "Pricing and licence",
            {"fields": ["pricing_entry", "pricing_detail", "license", "website"]},
        ),
        (
            "Web address",
            {
                "fields": ["slug", "old_slugs"],
                "description": "The slug ends the tool's web address: /tools/the-slug/. "
                "Changing it is safe, since links to an old slug still lead here.",
            },
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    @admin.display(description="old slugs")
    def old_slugs(self, tool: Tool) -> str:
        return old_slugs_shown(tool)

    @admin.display(description="published", ordering="published_at")
    def state(self, tool: Tool) -> str:
        return publishing_shown(tool)

    @admin.display(description="panel verdict")
    def panel_verdict(self, tool: Tool) -> str:
        return tool.panel.summary

    @admin.display(description="panel score", ordering="panel_mean_score")
    def panel_score(self, tool: Tool) -> str:
        score = tool.panel.mean_score
        return "—" if score is None else f"{score}/100"

    @admin.display(description="price", ordering="pricing_entry")
    def price(self, tool: Tool) -> str:
        return tool.get_pricing_entry_display()

    @admin.display(description="community", ordering="community_pct")
    def community_verdict(self, tool: Tool) -> str:
        return tool.community.tally or "No votes yet"

    save_service = staticmethod(lambda tool: tool_save(tool=tool))
    delete_service = staticmethod(lambda tools: tools_delete(tools=tools))

    # How other editors' pages (comparisons, reviews) name a tool in their pickers.
    related_label = staticmethod(tool_label)

    @staticmethod
    def related_queryset(tools: QuerySet) -> QuerySet:
        return tools.select_related("category")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("category")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        namesakes = Tool.objects.filter(name__iexact=obj.name).exclude(pk=obj.pk)
        if namesakes := [
            tool_label(t)
            for t in namesakes.select_related("category").order_by("category__name", "vendor")[:5]
        ]:
            self.message_user(
                request,
                f"{'Another tool has' if len(namesakes) == 1 else 'Other tools have'} this "
                f"name too: {'; '.join(namesakes)}. Readers tell them apart only by category "
                "and vendor: check this is not the same tool twice, or give it a name of "
                "its own.",
                messages.WARNING,
            )

    @admin.action(description="Publish the selected tools now")
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = tools_publish(tools=queryset)
        self.message_user(request, f"Published {count} tool(s).", messages.SUCCESS)

    @admin.action(description="Return the selected tools to draft")
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = tools_unpublish(tools=queryset)
        self.message_user(request, f"{count} tool(s) are drafts again.", messages.SUCCESS)
