from django import forms

from tools.models import Category, Tool, ToolQuerySet


class CatalogueFilterForm(forms.Form):
    """The catalogue's search box, filters and sort, all read from the query string."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, to_field_name="slug", empty_label="All categories"
    )
    pricing = forms.ChoiceField(
        choices=[("", "Any price"), *Tool.Pricing.choices], required=False, label="Entry price"
    )
    sort = forms.ChoiceField(choices=ToolQuerySet.SORTS, required=False, label="Sort by")

    def filter(self, tools: ToolQuerySet) -> ToolQuerySet:
        """The tools matching the valid filters; invalid ones are shown as errors and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            tools = tools.matching(data["q"])
        if data.get("category"):
            tools = tools.in_category(data["category"])
        if data.get("pricing"):
            tools = tools.filter(pricing_entry=data["pricing"])
        return tools.sorted_by(data.get("sort") or "panel")
