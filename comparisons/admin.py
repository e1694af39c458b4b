from django.contrib import admin

from comparisons.models import TITLE_VS, Comparison
from comparisons.services import comparison_save, comparisons_delete, comparisons_publish
from core.admin import Desk, RelatedLabels, ThroughServices, publishing_shown


@admin.register(Comparison)
class ComparisonAdmin(RelatedLabels, Desk, ThroughServices, admin.ModelAdmin):
    list_display = ["title", "category", "state", "updated_at"]
    list_filter = ["status", "tool_a__category", "published_at"]
    list_select_related = ["tool_a__category", "tool_b"]
    list_per_page = 50
    search_fields = ["tool_a__name", "tool_b__name", "editor_note"]
    search_help_text = "Find a comparison by either tool's name, or by a word in its note."
    autocomplete_fields = ["tool_a", "tool_b"]
    actions = ["publish"]
    fields = ["tool_a", "tool_b", "editor_note", "status", "published_at"]

    def get_search_results(self, request, queryset, search_term):
        """A title typed as it reads ("Cursor vs Claude Code", either way round) finds its
        comparison, here and in every comparison picker (autocomplete asks this)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if TITLE_VS.search(search_term):
            found = found | queryset.titled(search_term)
        return found, may_have_duplicates

    @admin.display(description="category", ordering="tool_a__category__name")
    def category(self, comparison: Comparison) -> str:
        return comparison.tool_a.category.name

    @admin.display(description="published", ordering="published_at")
    def state(self, comparison: Comparison) -> str:
        return publishing_shown(comparison)

    @admin.display(description="comparison", ordering="tool_a__name")
    def title(self, comparison: Comparison) -> str:
        return comparison.title

    save_service = staticmethod(lambda comparison: comparison_save(comparison=comparison))
    delete_service = staticmethod(lambda rows: comparisons_delete(comparisons=rows))

    @admin.action(description="Publish the selected comparisons now")
    def publish(self, request, queryset) -> None:
        count = comparisons_publish(comparisons=queryset)
        self.message_user(request, f"Published {count} comparison(s).")
