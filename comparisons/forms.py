from django import forms

from tools.models import Tool

MAX_TOOLS = 4


class CompareForm(forms.Form):
    """Two to four tools by slug, from ``?tools=a,b,c`` and/or repeated ``?with=`` fields."""

    tools = forms.CharField(required=False, max_length=500)

    def __init__(self, data, *, user, **kwargs):
        merged = [*data.get("tools", "").split(","), *data.getlist("with")]
        super().__init__({"tools": ",".join(s.strip() for s in merged if s.strip())}, **kwargs)
        self.user = user

    def clean_tools(self) -> list[Tool]:
        slugs = [slug for slug in self.cleaned_data["tools"].split(",") if slug]
        if len(slugs) < 2:
            raise forms.ValidationError("Pick at least two tools to compare.")
        if len(slugs) > MAX_TOOLS:
            raise forms.ValidationError(
                f"Compare up to {MAX_TOOLS} tools at a time; you picked {len(slugs)}."
            )
        repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if repeated:
            raise forms.ValidationError(
                f"Each tool once, please: {', '.join(repeated)} came twice."
            )
        found = {
            t.slug: t
            for t in Tool.objects.visible_to(self.user).with_category().filter(slug__in=slugs)
        }
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise forms.ValidationError(f"We have no tool called {', '.join(unknown)}.")
        return [found[slug] for slug in slugs]
