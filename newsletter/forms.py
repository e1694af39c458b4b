from django import forms

from core.addresses import validate_deliverable


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        validators=[validate_deliverable],
        error_messages={
            "required": "Enter your email address.",
            "invalid": "That isn't an email address we can write to. Check it and try again.",
            "max_length": "That address is longer than any we can write to.",
        },
    )
    # Hidden from people by CSS; bots that fill in every field give themselves away.
    website = forms.CharField(required=False)

    @property
    def from_a_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
