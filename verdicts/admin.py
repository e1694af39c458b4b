from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from verdicts import pagecache
from verdicts.models import Comparison, User


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "updated_at"]
    list_filter = ["status", "tool_a__category"]
    list_select_related = ["tool_a", "tool_b"]
    search_fields = ["tool_a__name", "tool_b__name", "editor_note"]
    autocomplete_fields = ["tool_a", "tool_b"]
    date_hierarchy = "published_at"
    actions = ["publish"]
    fields = ["tool_a", "tool_b", "editor_note", "status", "published_at"]

    @admin.display(description="comparison", ordering="tool_a__name")
    def title(self, comparison: Comparison) -> str:
        return comparison.title

    @admin.action(description="Publish the selected comparisons now")
    def publish(self, request, queryset) -> None:
        count = queryset.filter(status=Comparison.Status.DRAFT).update(
            status=Comparison.Status.PUBLISHED, published_at=timezone.now()
        )
        pagecache.bump("content")
        self.message_user(request, f"Published {count} comparison(s).")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
