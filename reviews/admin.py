from django.contrib import admin

from core.admin import ThroughServices
from reviews.models import Persona, Review, Vote
from reviews.services import (
    persona_save,
    personas_delete,
    review_save,
    reviews_delete,
    votes_delete,
)
from tools.admin import ToolAdmin as CatalogueToolAdmin
from tools.models import Tool


@admin.register(Persona)
class PersonaAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["name", "mark", "colour", "lens", "order", "is_active"]
    list_editable = ["order", "is_active"]
    fields = ["name", "slug", ("mark", "colour"), "lens", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    save_service = staticmethod(lambda persona: persona_save(persona=persona))
    delete_service = staticmethod(lambda personas: personas_delete(personas=personas))


class ReviewInline(admin.StackedInline):
    model = Review
    extra = 0
    fields = [("persona", "score", "call"), "summary", "body"]
    ordering = ["persona__order"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new tool opens with a blank review for each seat on the panel.
        return 4 if obj is None else 0


admin.site.unregister(Tool)


@admin.register(Tool)
class ToolAdmin(CatalogueToolAdmin):
    """A tool with its panel's reviews, which editors write on the tool's own page."""

    inlines = [ReviewInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Review:
            return super().save_formset(request, form, formset, change)
        for review in formset.save(commit=False):
            review_save(review=review)
        if formset.deleted_objects:
            reviews_delete(
                reviews=Review.objects.filter(pk__in=[r.pk for r in formset.deleted_objects])
            )
        return None


@admin.register(Review)
class ReviewAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ["tool", "persona", "score", "call", "summary", "updated_at"]
    list_filter = ["persona", "call", "tool__category"]
    list_select_related = ["tool", "persona"]
    search_fields = ["tool__name", "summary", "body"]
    autocomplete_fields = ["tool"]

    save_service = staticmethod(lambda review: review_save(review=review))
    delete_service = staticmethod(lambda reviews: reviews_delete(reviews=reviews))


@admin.register(Vote)
class VoteAdmin(ThroughServices, admin.ModelAdmin):
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

    # Votes are only ever removed here; members cast them on the site.
    delete_service = staticmethod(lambda votes: votes_delete(votes=votes))
