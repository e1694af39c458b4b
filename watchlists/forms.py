from django import forms

from newsletter.forms import SubscribeForm
from watchlists.models import DEFAULT_FREQUENCY, Frequency, Kind


class FollowByEmailForm(SubscribeForm):
    """The newsletter's address field and its bot trap, for a follow by email."""


class AlertSettingsForm(forms.Form):
    """How often to hear of each kind of change: at once, in a digest, or never."""

    def __init__(self, *args, chosen: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = chosen or {}
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=chosen.get(kind.value, DEFAULT_FREQUENCY[kind]),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose at once, daily, weekly or never."},
            )
