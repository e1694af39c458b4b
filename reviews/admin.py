from django.contrib import admin
from django.db import models
from django.forms.models import BaseInlineFormSet

from core.admin import Desk, MarksCorrections, RelatedLabels, ThroughServices
from reviews.models import SCORE_RANGE, Persona, Review, Vote
from reviews.services import (
    persona_save,
    personas_delete,
    review_save,
    reviews_delete,
    votes_delete,
)
from tools.admin import ToolAdmin as CatalogueToolAdmin
from tools.admin import old_slugs_shown, tool_label
from tools.models import Tool


@admin.register(Persona)
class PersonaAdmin(MarksCorrections, Desk, ThroughServices, admin.ModelAdmin):
    list_display = ["name", "mark", "colour", "lens", "order", "is_active"]
    list_editable = ["order", "is_active"]
    fields = ["name", "slug", ("mark", "colour"), "lens", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    readonly_fields = ["old_slugs"]

    @admin.display(description="old slugs")
    def old_slugs(self, persona: Persona) -> str:
        return old_slugs_shown(persona)

    save_service = staticmethod(lambda persona: persona_save(persona=persona))
    delete_service = staticmethod(lambda personas: personas_delete(personas=personas))


# The score is the one number field; the form's own bounds (a positive number) speak
# before the model's validators do, so they say the same.
SCORE_FIELD = {
    models.PositiveSmallIntegerField: {
        "error_messages": {"min_value": SCORE_RANGE, "max_value": SCORE_RANGE}
    }
}


class ReviewFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check) -> str:
        # The one unique check on a tool's reviews is its seat.
        return "Two reviews here are from the same seat: each seat reviews a tool once."


class ReviewInline(Desk, admin.StackedInline):
    model = Review
    formset = ReviewFormSet
    related_links_off = ("persona",)  # the seats are set up on the panel's own page
    formfield_overrides = SCORE_FIELD
    extra = 0
    fields = [("persona", "score", "call"), "summary", "body"]
    ordering = ["persona__order"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new tool opens with a blank review for each seat on the panel.
        return 4 if obj is None else 0


admin.site.unregister(Tool)


@admin.register(Tool)
class ToolAdmin(MarksCorrections, CatalogueToolAdmin):
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


@admin.display(description="tool", ordering="tool__name")
def _tool_column(model_admin, row: Review | Vote) -> str:
    """A list's tool, named so that two of one name read apart."""
    return tool_label(row.tool)


@admin.register(Review)
class ReviewAdmin(MarksCorrections, RelatedLabels, Desk, ThroughServices, admin.ModelAdmin):
    formfield_overrides = SCORE_FIELD
    list_display = ["tool_named", "persona", "score", "call", "summary", "updated_at"]
    list_filter = ["persona", "call", "tool__category"]
    list_select_related = ["tool__category", "persona"]
    list_per_page = 50
    search_fields = ["tool__name", "tool__vendor", "summary", "body"]
    search_help_text = (
        "Find a review by its tool's name or vendor, or by a word in its summary or text."
    )
    autocomplete_fields = ["tool"]
    related_links_off = ("persona",)

    tool_named = _tool_column

    save_service = staticmethod(lambda review: review_save(review=review))
    delete_service = staticmethod(lambda reviews: reviews_delete(reviews=reviews))


@admin.register(Vote)
class VoteAdmin(Desk, ThroughServices, admin.ModelAdmin):
    """Members' votes, to look at and, for abuse, to remove; members cast them on the site."""

    list_display = ["tool_named", "member", "value", "updated_at"]
    list_filter = ["value", "tool__category"]
    list_select_related = ["tool__category", "member"]
    list_per_page = 50
    search_fields = ["tool__name", "tool__vendor", "member__email"]
    search_help_text = "Find votes by the tool's name or vendor, or by the member's email."
    readonly_fields = ["tool", "member", "value", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    tool_named = _tool_column

    # Votes are only ever removed here; members cast them on the site.
    delete_service = staticmethod(lambda votes: votes_delete(votes=votes))
