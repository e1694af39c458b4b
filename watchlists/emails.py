"""The alert emails: one "at once" email or digest per AlertDelivery, and the confirmation
of a follow by email. HTML with the CSS inlined, and a plain-text part saying the same."""

import css_inline
from django.conf import settings
from django.template.loader import render_to_string

from core.mail import EmailMultiAlternatives
from newsletter.links import absolute, site_host
from watchlists import links
from watchlists.models import Alert, AlertDelivery, Follow, Frequency, Kind

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)

SUBJECTS = {
    Frequency.DAILY: "Your daily digest: {n} change{s} you follow",
    Frequency.WEEKLY: "Your weekly digest: {n} change{s} you follow",
}


def _message(*, subject: str, to: str, template: str, context: dict, headers=None):
    context = {"site_url": settings.SITE_URL, **context}
    text = render_to_string(f"{template}.txt", context)
    html = _inliner.inline(render_to_string(f"{template}.html", context))
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def subject_of(frequency: str, alerts: list[Alert]) -> str:
    n = len(alerts)
    if frequency == Frequency.AT_ONCE:
        return alerts[0].text if n == 1 else f"{n} changes in what you follow"
    return SUBJECTS[frequency].format(n=n, s="" if n == 1 else "s")


def alerts_message(*, delivery: AlertDelivery, alerts: list[Alert]) -> EmailMultiAlternatives:
    """The email of ``delivery``. Its Message-ID is fixed, so the rare copy sent twice (the
    one in flight when a sender dies) carries the same ID and clients show one."""
    follower = delivery.follower
    kinds = sorted({alert.kind for alert in alerts})
    unsubscribe = links.unsubscribe_url(follower, kinds)
    host = site_host()
    labels = dict(Kind.choices)
    context = {
        "alerts": [(alert, absolute(alert.path)) for alert in alerts],
        "digest": delivery.frequency != Frequency.AT_ONCE,
        "stop": [(labels[k], links.unsubscribe_url(follower, [k])) for k in kinds],
        "unsubscribe_url": unsubscribe,
        "settings_url": links.manage_url(follower),
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Verdicts alerts <alerts.{host}>",
        "Message-ID": f"<alerts.delivery-{delivery.pk}@{host}>",
    }
    return _message(
        subject=subject_of(delivery.frequency, alerts),
        to=follower.address,
        template="watchlists/email/alerts",
        context=context,
        headers=headers,
    )


def confirmation_message(*, follow: Follow) -> EmailMultiAlternatives:
    return _message(
        subject=f"Confirm you want to follow {follow.target} on Verdicts",
        to=follow.follower.address,
        template="watchlists/email/confirm",
        context={"follow": follow, "confirm_url": links.confirm_url(follow)},
    )
