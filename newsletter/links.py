"""The absolute links the newsletter's emails carry, and the signed confirmation token.

A confirmation link holds the subscriber's token signed with a timestamp, so it
cannot be forged or guessed and stops working after NEWSLETTER_CONFIRM_MAX_AGE.
An unsubscribe link holds the bare token: it must keep working in every email
ever sent, and the token is a random UUID nobody can guess.
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signing import TimestampSigner
from django.urls import reverse

_confirmation_signer = TimestampSigner(salt="newsletter.confirm")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def confirmation_token(token: uuid.UUID) -> str:
    return _confirmation_signer.sign(str(token))


def confirmation_read(signed: str) -> uuid.UUID:
    """The subscriber token inside ``signed``; BadSignature (or SignatureExpired) if none."""
    value = _confirmation_signer.unsign(signed, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    return uuid.UUID(value)


def confirm_url(subscriber) -> str:
    return absolute(reverse("newsletter:confirm", args=[confirmation_token(subscriber.token)]))


def unsubscribe_url(subscriber) -> str:
    """The reader's own link; for a reader not on the list (an editor's preview or test
    copy), the sample page, which shows what readers see and takes nobody off."""
    if subscriber.pk is None:
        return absolute(reverse("newsletter:unsubscribe-sample"))
    return absolute(reverse("newsletter:unsubscribe", args=[subscriber.token]))


def edition_url(edition) -> str:
    return absolute(edition.get_absolute_url())


def archive_url() -> str:
    return absolute(reverse("newsletter:archive"))
