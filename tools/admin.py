from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from reviews.models import Review
from reviews.services import panel_recount
from tools.models import Category, Tool
from verdicts import pagecache


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "tool_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_tool_counts()

    @admin.display(description="published tools", ordering="tool_count")
    def tool_count(self, category: Category) -> int:
        return category.tool_count


class ReviewInline(admin.StackedInline):
    model = Review
    extra = 0
    fields = [("persona", "score", "call"), "body"]
    ordering = ["persona__order"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new tool opens with a blank review for each seat on the panel.
        return 4 if obj is None else 0


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "status",
        "panel_verdict",
        "panel_score",
        "community_verdict",
        "pricing_entry",
        "published_at",
    ]
    list_filter = ["status", "category", "pricing_entry"]
    list_select_related = ["category"]
    search_fields = ["name", "vendor", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "published_at"
    inlines = [ReviewInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "category", "vendor"]}),
        (
            "Pricing and licence",
            {"fields": ["pricing_entry", "pricing_detail", "license", "website"]},
        ),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    @admin.display(description="panel")
    def panel_verdict(self, tool: Tool) -> str:
        return tool.panel.summary

    @admin.display(description="mean score")
    def panel_score(self, tool: Tool) -> str:
        score = tool.panel.mean_score
        return "—" if score is None else f"{score}/100"

    @admin.display(description="community")
    def community_verdict(self, tool: Tool) -> str:
        return tool.community.summary

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        panel_recount(tool_ids=[form.instance.pk])

    @admin.action(description="Publish the selected tools now")
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        drafts = queryset.filter(status=Tool.Status.DRAFT)
        count = drafts.update(status=Tool.Status.PUBLISHED, published_at=timezone.now())
        pagecache.bump("content")
        self.message_user(request, f"Published {count} tool(s).", messages.SUCCESS)

    @admin.action(description="Return the selected tools to draft")
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Tool.Status.DRAFT)
        pagecache.bump("content")
        self.message_user(request, f"{count} tool(s) are drafts again.", messages.SUCCESS)
