"""The newsletter's emails, built as Django messages for any mailer to send.

Each email is an HTML part, with the CSS inlined because most mail clients drop
<style> blocks, and a plain-text part saying the same things.
"""

import dataclasses
import uuid
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string

from comparisons.moved import week_moved
from core.mail import EmailMultiAlternatives
from newsletter import links
from newsletter.models import Edition, Subscriber
from newsletter.snapshots import (
    EditionItem,
    MovedLine,
    edition_items,
    moved_lines,
    snapshot_load,
    snapshot_moved,
)

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)


def _render(template: str, context: dict) -> tuple[str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"{template}.txt", context)
    html = _inliner.inline(render_to_string(f"{template}.html", context))
    return text, html


def _message(*, subject: str, to: str, template: str, context: dict, headers=None):
    text, html = _render(template, context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def confirmation_message(*, subscriber: Subscriber) -> EmailMultiAlternatives:
    return _message(
        subject="Confirm your Verdicts weekly subscription",
        to=subscriber.email,
        template="newsletter/email/confirm",
        context={"subscriber": subscriber, "confirm_url": links.confirm_url(subscriber)},
    )


def edition_contents(edition: Edition) -> list[EditionItem]:
    """What went out, once sending has started; until then, the comparisons as they stand
    (see ``newsletter.snapshots``)."""
    if edition.snapshot is not None:
        return snapshot_load(edition.snapshot)
    return edition_items(edition.comparisons.published().with_tools().newest_first())


def edition_moved(edition: Edition) -> list[MovedLine]:
    """The edition's "What moved this week": as sent, or, for a draft, as it stands."""
    if edition.snapshot is not None:
        return snapshot_moved(edition.snapshot)
    return moved_lines(week_moved())


# Stands in for each reader's unsubscribe link in the edition rendered once for everyone.
_UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/placeholder-3f9c2e71/"


@dataclass(frozen=True)
class EditionContent:
    """What every copy of an edition shares: loaded and rendered once, then one message
    per reader with their own unsubscribe link written in."""

    edition: Edition
    items: list[EditionItem]
    moved: list[MovedLine]
    url: str
    text: str = ""
    html: str = ""

    @classmethod
    def load(cls, edition: Edition) -> "EditionContent":
        content = cls(
            edition=edition,
            items=edition_contents(edition),
            moved=edition_moved(edition),
            url=links.edition_url(edition),
        )
        text, html = _render(
            "newsletter/email/edition",
            {
                **content.context,
                "unsubscribe_url": _UNSUBSCRIBE_PLACEHOLDER,
                "archive_url": links.archive_url(),
            },
        )
        return dataclasses.replace(content, text=text, html=html)

    @property
    def context(self) -> dict:
        return {
            "edition": self.edition,
            "items": self.items,
            "moved": self.moved,
            "web_url": self.url,
        }

    def for_reader(self, unsubscribe_url: str) -> tuple[str, str]:
        """The text and HTML parts with this reader's unsubscribe link.

        The link is a plain https URL of letters, digits, dashes and slashes, so it
        reads the same escaped for HTML as it does in the text part.
        """
        return (
            self.text.replace(_UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
            self.html.replace(_UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
        )


def edition_message(
    *, content: EditionContent, subscriber: Subscriber, delivery_id: int | None = None
) -> EmailMultiAlternatives:
    """The edition as ``subscriber`` receives it, with their own unsubscribe link.

    A delivery's Message-ID is fixed, so the rare copy sent twice (the one in
    flight when a sender dies) carries the same ID and clients that dedupe by
    it show one.
    """
    unsubscribe = links.unsubscribe_url(subscriber)
    host = links.site_host()
    text, html = content.for_reader(unsubscribe)
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Verdicts weekly <weekly.{host}>",
        "Message-ID": edition_message_id(content.edition, delivery_id=delivery_id),
    }
    message = EmailMultiAlternatives(
        content.edition.subject, text, to=[subscriber.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def edition_message_id(edition: Edition, *, delivery_id: int | None) -> str:
    """The Message-ID of ``delivery_id``'s copy; a copy outside the list gets a new one."""
    delivery = delivery_id or uuid.uuid4().hex
    return f"<edition-{edition.pk}.delivery-{delivery}@{links.site_host()}>"
