from django import forms

from reviews.models import Call
from reviews.services import CLEAR


class VoteForm(forms.Form):
    value = forms.ChoiceField(
        choices=[*Call.choices, (CLEAR, "Take my vote back")],
        error_messages={
            "required": "Say ship, skip or clear.",
            "invalid_choice": "A vote is ship, skip or clear, not “%(value)s”.",
        },
    )
