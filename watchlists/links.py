"""The signed links in alert emails and confirmations.

An unsubscribe link names the follower (by their token) and the kinds of alert the email
carried, signed without a date: it must work in every email ever sent. A confirmation link
names one follow by email and stops working after NEWSLETTER_CONFIRM_MAX_AGE, as the
newsletter's does.
"""

import uuid

from django.conf import settings
from django.core.signing import BadSignature, Signer, TimestampSigner
from django.urls import reverse

from newsletter.links import absolute

_unsubscribe = Signer(salt="watchlists.unsubscribe")
_confirm = TimestampSigner(salt="watchlists.confirm")
_manage = Signer(salt="watchlists.manage")


def unsubscribe_token(follower, kinds) -> str:
    return _unsubscribe.sign_object({"f": str(follower.token), "k": sorted(set(kinds))})


def unsubscribe_read(signed: str) -> tuple[uuid.UUID, list[str]]:
    """The follower's token and the kinds; BadSignature if the link was not ours."""
    value = _unsubscribe.unsign_object(signed)
    try:
        return uuid.UUID(value["f"]), [str(kind) for kind in value["k"]]
    except (KeyError, TypeError, ValueError):
        raise BadSignature("Not an unsubscribe link") from None


def unsubscribe_url(follower, kinds) -> str:
    return absolute(reverse("watchlists:unsubscribe", args=[unsubscribe_token(follower, kinds)]))


def confirmation_token(follow) -> str:
    return _confirm.sign_object({"f": str(follow.follower.token), "id": follow.pk})


def confirmation_read(signed: str) -> tuple[uuid.UUID, int]:
    value = _confirm.unsign_object(signed, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    try:
        return uuid.UUID(value["f"]), int(value["id"])
    except (KeyError, TypeError, ValueError):
        raise BadSignature("Not a confirmation link") from None


def confirm_url(follow) -> str:
    return absolute(reverse("watchlists:confirm", args=[confirmation_token(follow)]))


def manage_token(follower) -> str:
    return _manage.sign(str(follower.token))


def manage_read(signed: str) -> uuid.UUID:
    try:
        return uuid.UUID(_manage.unsign(signed))
    except ValueError:
        raise BadSignature("Not a settings link") from None


def manage_url(follower) -> str:
    """Where the follower changes what they hear: their page, or, by email, a signed one."""
    if follower.member_id:
        return absolute(reverse("watchlists:following"))
    return absolute(reverse("watchlists:manage", args=[manage_token(follower)]))
