"""allauth's forms, labelled as the rest of the site labels its fields.

Sentence case, no colon after a label, and no placeholder repeating the label inside the
box (it vanishes as soon as the reader types). ACCOUNT_FORMS in settings names these.
"""

from allauth.account import forms as allauth
from django import forms

from core.addresses import UNDELIVERABLE


class SiteLabels:
    labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if isinstance(field, forms.EmailField):  # Django's words, else
                field.error_messages["invalid"] = UNDELIVERABLE


class LoginForm(SiteLabels, allauth.LoginForm):
    labels = {
        "login": "Email address",
        "password": "Password",
        "remember": "Keep me signed in on this browser",
    }


class SignupForm(SiteLabels, allauth.SignupForm):
    labels = {"email": "Email address", "password1": "Password"}


class AddEmailForm(SiteLabels, allauth.AddEmailForm):
    labels = {"email": "New email address"}


class ChangePasswordForm(SiteLabels, allauth.ChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password, again",
    }


class SetPasswordForm(SiteLabels, allauth.SetPasswordForm):
    labels = {"password1": "Password", "password2": "Password, again"}


class ResetPasswordForm(SiteLabels, allauth.ResetPasswordForm):
    labels = {"email": "Email address"}


class ResetPasswordKeyForm(SiteLabels, allauth.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password, again"}


class ReauthenticateForm(SiteLabels, allauth.ReauthenticateForm):
    labels = {"password": "Password"}


class AccountDeleteForm(ReauthenticateForm):
    """The member's password, checked as a sign-in is (and under the same rate limits)."""

    labels = {"password": "Your password"}
