"""Readers' own comparisons: the form that reads two to four tools, and the picker that asks."""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.urls import reverse

from tools.models import Tool

MAX_TOOLS = 4
ENTRY_MAX = 120  # as long as a tool's name or slug may be
SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    """A tool the reader may have meant, and the comparison with it in place of what they typed."""

    name: str
    url: str


class CompareForm(forms.Form):
    """Two to four tools, from ``?tools=a,b,c`` (slugs) and/or repeated ``?with=`` fields, one
    tool each: a picker's field, a ticked bookmark, or a name or slug typed without JavaScript.

    An entry is a tool's slug or, failing that, its name in any case. One that is neither is
    refused with the catalogue search's nearest matches as one-click corrections
    (``suggestions``). ``entries`` lets the picker show the form again as it was sent.
    """

    def __init__(self, data, *, user, **kwargs):
        super().__init__({}, **kwargs)
        tools = data.get("tools", "").split(",")
        self.entries = [e.strip() for e in [*tools, *data.getlist("with")] if e.strip()]
        self.user = user
        self.found: list[Tool | None] = []
        self.suggestions: list[Suggestion] = []

    def clean(self):
        entries = self.entries
        if len(entries) < 2:
            raise forms.ValidationError("Pick at least two tools to compare.")
        if len(entries) > MAX_TOOLS:
            raise forms.ValidationError(
                f"Compare up to {MAX_TOOLS} tools at a time; you picked {len(entries)}."
            )
        if unreadable := [e for e in entries if len(e) > ENTRY_MAX or "\x00" in e]:
            raise forms.ValidationError(
                f"A tool's name or slug has at most {ENTRY_MAX} characters; "
                f"{len(unreadable)} of these do not read as one."
            )
        self.found, problems = self._resolve(entries)
        problems += self._repeats()
        if problems:
            raise forms.ValidationError(problems)
        return {"tools": self.found}

    def _visible(self):
        return Tool.objects.visible_to(self.user).with_category()

    def _resolve(self, entries: list[str]) -> tuple[list[Tool | None], list[str]]:
        """The tool each entry names, in one query; and what to say about those that name none."""
        by_name = Q()
        for entry in entries:
            by_name |= Q(name__iexact=entry)
        candidates = list(
            self._visible().filter(Q(slug__in=[*entries, *(e.lower() for e in entries)]) | by_name)
        )
        slugs = {tool.slug: tool for tool in candidates}
        names: dict[str, list[Tool]] = defaultdict(list)
        for tool in candidates:
            names[tool.name.casefold()].append(tool)
        found, problems = [], []
        for index, entry in enumerate(entries):
            tool = slugs.get(entry) or slugs.get(entry.lower())
            same_name = names.get(entry.casefold(), [])
            if tool is None and len(same_name) == 1:
                tool = same_name[0]
            found.append(tool)
            if tool is not None:
                continue
            if same_name:
                problems.append(f"{len(same_name)} tools are called “{entry}”: choose one.")
                self._suggest(index, same_name)
            else:
                problems.append(self._unknown(index, entry))
        return found, problems

    def _unknown(self, index: int, entry: str) -> str:
        nearest = list(self._visible().matching(entry)[:SUGGESTIONS])
        self._suggest(index, nearest)
        if nearest:
            return f"We have no tool called “{entry}”. Did you mean one of these?"
        return f"We have no tool called “{entry}”. Try a word from the tool's name."

    def _suggest(self, index: int, tools: list[Tool]) -> None:
        for tool in tools:
            entries = [tool.slug if i == index else e for i, e in enumerate(self.entries)]
            url = f"{reverse('comparisons:comparison-list')}?{urlencode({'with': entries}, True)}"
            self.suggestions.append(Suggestion(name=f"{tool.name} ({tool.category.name})", url=url))

    def _repeats(self) -> list[str]:
        seen, repeated = set(), []
        for tool in self.found:
            if tool is None:
                continue
            if tool.pk in seen and tool.name not in repeated:
                repeated.append(tool.name)
            seen.add(tool.pk)
        if not repeated:
            return []
        return [f"Each tool once, please: {', '.join(repeated)} came twice."]


@dataclass(frozen=True)
class Slot:
    """One field of the picker: empty, holding what a reader typed, or with a tool picked."""

    number: int
    label: str
    value: str = ""
    picked: Tool | None = None
    required: bool = False


@dataclass(frozen=True)
class Picker:
    """The compare picker's fields: four, or three after the tool a page starts from."""

    fixed: Tool | None = None
    slots: list[Slot] = field(default_factory=list)

    @classmethod
    def starting(cls, *, fixed: Tool | None = None) -> "Picker":
        return cls.refilled(fixed=fixed)

    @classmethod
    def refilled(cls, *, fixed: Tool | None = None, entries=()) -> "Picker":
        """The picker again, each field holding what was sent in it: editable as text with
        JavaScript or without (a picked field's Change button needs htmx)."""
        first = 2 if fixed else 1
        slots = []
        for number in range(first, MAX_TOOLS + 1):
            index = number - first
            entry = entries[index] if index < len(entries) else ""
            slots.append(
                Slot(number=number, label=slot_label(number), value=entry, required=number <= 2)
            )
        return cls(fixed=fixed, slots=slots)


def slot_label(number: int) -> str:
    ordinal = {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}[number]
    return f"{ordinal} tool" + (" (optional)" if number > 2 else "")


class PickForm(forms.Form):
    """What the picker's live search asks: a field's number, and its text or the tool picked."""

    slot = forms.IntegerField(min_value=1, max_value=MAX_TOOLS)
    text = forms.CharField(required=False, max_length=ENTRY_MAX)
    pick = forms.SlugField(required=False, max_length=ENTRY_MAX)

    def __init__(self, data, **kwargs):
        # The field's own value travels under the name the compare form reads: ``with``.
        super().__init__({**data.dict(), "text": data.get("with", "")}, **kwargs)
