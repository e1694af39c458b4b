from django.contrib import admin

from reviews.models import Persona, Review, Vote
from reviews.services import community_recount, panel_recount


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "lens", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "is_active" in form.changed_data:
            # Seating or retiring a persona changes which reviews count, everywhere.
            panel_recount()


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["tool", "persona", "score", "call", "updated_at"]
    list_filter = ["persona", "call", "tool__category"]
    list_select_related = ["tool", "persona"]
    search_fields = ["tool__name", "body"]
    autocomplete_fields = ["tool"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        tool_ids = {obj.tool_id}
        if change and "tool" in form.changed_data:
            tool_ids.add(form.initial["tool"])
        panel_recount(tool_ids=tool_ids)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        panel_recount(tool_ids=[obj.tool_id])

    def delete_queryset(self, request, queryset) -> None:
        tool_ids = set(queryset.values_list("tool_id", flat=True))
        super().delete_queryset(request, queryset)
        panel_recount(tool_ids=tool_ids)


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Members' votes, to look at and, for abuse, to remove; members cast them on the site."""

    list_display = ["tool", "member", "value", "updated_at"]
    list_filter = ["value", "tool__category"]
    list_select_related = ["tool", "member"]
    search_fields = ["tool__name", "member__email"]
    readonly_fields = ["tool", "member", "value", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        community_recount(tool_ids=[obj.tool_id])

    def delete_queryset(self, request, queryset) -> None:
        tool_ids = set(queryset.values_list("tool_id", flat=True))
        super().delete_queryset(request, queryset)
        community_recount(tool_ids=tool_ids)
