import django_filters
from django import forms

from tools.models import Category, Tool, ToolQuerySet, search_words


class IntegerFilter(django_filters.Filter):
    """A whole number (NumberFilter's DecimalField would take "2.5" and render step="any")."""

    field_class = forms.IntegerField


class CatalogueFilter(django_filters.FilterSet):
    """The catalogue's search box, filters and sort, all read from the query string.

    Invalid values are shown as errors on ``form`` and ignored; the valid ones still apply.
    A search without an explicit sort is ordered by relevance, anything else by ``sort``
    (the panel's verdict by default).
    """

    q = django_filters.CharFilter(method="search", max_length=100, label="Search")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        empty_label="All categories",
        method="in_category",
        label="Category",
    )
    pricing = django_filters.ChoiceFilter(
        field_name="pricing_entry",
        choices=Tool.Pricing.choices,
        empty_label="Any price",
        label="Entry price",
    )
    panel = django_filters.ChoiceFilter(
        choices=ToolQuerySet.PANEL_LABELS,
        empty_label="Any verdict",
        method="with_panel_label",
        label="Panel verdict",
    )
    min_votes = IntegerFilter(
        min_value=0, max_value=1_000_000, method="with_min_votes", label="Minimum votes"
    )
    sort = django_filters.ChoiceFilter(
        choices=ToolQuerySet.SORTS, empty_label=None, method="sorted_by", label="Sort by"
    )

    def search(self, tools: ToolQuerySet, name: str, text: str) -> ToolQuerySet:
        return tools.matching(text)

    def in_category(self, tools: ToolQuerySet, name: str, category: Category) -> ToolQuerySet:
        return tools.in_category(category)

    def with_panel_label(self, tools: ToolQuerySet, name: str, label: str) -> ToolQuerySet:
        return tools.with_panel_label(label)

    def with_min_votes(self, tools: ToolQuerySet, name: str, votes: int) -> ToolQuerySet:
        return tools.with_min_votes(votes) if votes else tools  # 0 filters nothing out

    def sorted_by(self, tools: ToolQuerySet, name: str, key: str) -> ToolQuerySet:
        return tools.sorted_by(key)

    def filter_queryset(self, tools: ToolQuerySet) -> ToolQuerySet:
        # FilterSet applies only the fields that cleaned: an invalid one is left out of
        # cleaned_data, so it filters nothing (FilterView's "strict" would empty the list).
        tools = super().filter_queryset(tools)
        data = self.form.cleaned_data
        if data.get("sort") or data.get("q"):
            return tools  # sorted by the reader's choice, or by relevance
        return tools.sorted_by("panel")

    @property
    def wordless_query(self) -> bool:
        """The reader searched for something with no word in it (an emoji, punctuation)."""
        self.form.is_valid()  # cleans the form, once: an invalid field leaves the rest cleaned
        q = self.form.cleaned_data.get("q") or ""
        return bool(q.strip()) and not search_words(q)

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.filters if name != "sort")
