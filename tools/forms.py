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
    panel = forms.ChoiceField(
        choices=[("", "Any verdict"), *ToolQuerySet.PANEL_LABELS],
        required=False,
        label="Panel verdict",
    )
    min_votes = forms.IntegerField(
        required=False, min_value=0, max_value=1_000_000, label="Minimum votes"
    )
    sort = forms.ChoiceField(choices=ToolQuerySet.SORTS, required=False, label="Sort by")

    def filter(self, tools: ToolQuerySet) -> ToolQuerySet:
        """The tools matching the valid filters; invalid ones are shown as errors and ignored.

        A search without an explicit sort is ordered by relevance.
        """
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("category"):
            tools = tools.in_category(data["category"])
        if data.get("pricing"):
            tools = tools.filter(pricing_entry=data["pricing"])
        if data.get("panel"):
            tools = tools.with_panel_label(data["panel"])
        if data.get("min_votes"):
            tools = tools.with_min_votes(data["min_votes"])
        if data.get("q"):
            tools = tools.matching(data["q"])
            if not data.get("sort"):
                return tools
        return tools.sorted_by(data.get("sort") or "panel")

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "sort")
