"""The rate-limited actions, each with the setting that sets its limit and one request."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.test import Client

from tools.models import Tool


@dataclass(frozen=True)
class Limited:
    setting: str
    one_a_minute: str | dict
    send: Callable[[Client, Tool], HttpResponse]
    as_member: bool = False  # sent by a signed-in member (else signed out)

    def allow_one(self, settings) -> None:
        """Lower the limit so that the second request in a row is refused."""
        if self.setting == "ACCOUNT_RATE_LIMITS":
            settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **self.one_a_minute}
        else:
            setattr(settings, self.setting, self.one_a_minute)


LIMITED = {
    "vote": Limited(
        "VOTE_RATE_LIMIT",
        "1/m",
        lambda c, t: c.post(f"/tools/{t.slug}/vote/", {"value": "ship"}),
        as_member=True,
    ),
    "bookmark": Limited(
        "BOOKMARK_RATE_LIMIT",
        "1/m",
        lambda c, t: c.post(f"/tools/{t.slug}/bookmark/"),
        as_member=True,
    ),
    "subscribe": Limited(
        "NEWSLETTER_SUBSCRIBE_RATE",
        "1/h",
        lambda c, t: c.post("/newsletter/subscribe/", {"email": "reader@example.com"}),
    ),
    "sign-in": Limited(
        "ACCOUNT_RATE_LIMITS",
        {"login": "1/m/ip"},
        lambda c, t: c.post("/accounts/login/", {"login": "x@example.com", "password": "wrong"}),
    ),
    "sign-up": Limited(
        "ACCOUNT_RATE_LIMITS",
        {"signup": "1/m/ip"},
        lambda c, t: c.post("/accounts/signup/", {"email": "new@example.com", "password1": "x"}),
    ),
    "password reset": Limited(
        "ACCOUNT_RATE_LIMITS",
        {"reset_password": "1/m/ip"},
        lambda c, t: c.post("/accounts/password/reset/", {"email": "x@example.com"}),
    ),
}
