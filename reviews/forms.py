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


# What a vote did, said to the reader: after the press, or after signing in to cast it.
VOTE_DONE = {
    "ship": "You'd ship {tool}. Thanks for voting.",
    "skip": "You'd skip {tool}. Thanks for voting.",
    None: "Your vote on {tool} is taken back.",
}
