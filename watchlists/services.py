"""Writes with side effects: following and unfollowing, by account or by email, the alert
settings and the one-click unsubscribe."""

import datetime as dt
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import pagecache
from watchlists import links
from watchlists.models import (
    TARGETS,
    Alert,
    AlertDelivery,
    AlertSetting,
    Follow,
    Follower,
    Frequency,
)
from watchlists.tasks import send_follow_confirmation


class InvalidLink(Exception):
    """A signed link was tampered with, has expired, or names nobody."""


def _target_field(target) -> str:
    name = target._meta.model_name
    if name not in TARGETS:
        raise TypeError(f"Nothing to follow in a {name}")
    return name


def follower_of(member) -> Follower:
    follower, _ = Follower.objects.get_or_create(member=member)
    return follower


def follow_set(*, member, target, following: bool) -> Follow:
    """Follow ``target`` or stop. Stopping keeps the row, inactive: for a bookmarked tool
    that is what says "unfollowed, though still saved"."""
    with transaction.atomic():
        follower = follower_of(member)
        follow, made = Follow.objects.select_for_update().get_or_create(
            follower=follower,
            **{_target_field(target): target},
            defaults={"active": following, "confirmed_at": timezone.now()},
        )
        if made or follow.active != following:
            follow.active = following
            follow.save(update_fields=["active"])
            pagecache.bump(pagecache.member_own(member.pk))
    return follow


def follow_by_email(*, email: str, target) -> Follow:
    """Follow ``target`` from ``email``, once its owner confirms (the newsletter's double
    opt-in). The caller learns nothing of the address: a confirmed follow stays as it is,
    and a confirmation goes out at most once per NEWSLETTER_CONFIRM_INTERVAL per follow."""
    email = email.strip()
    with transaction.atomic():
        Follower.objects.bulk_create([Follower(email=email)], ignore_conflicts=True)
        follower = Follower.objects.with_email(email).get()
        follow, made = Follow.objects.select_for_update().get_or_create(
            follower=follower, **{_target_field(target): target}
        )
        if made and follower.member_id:  # a member's own address: their button changes
            pagecache.bump(pagecache.member_own(follower.member_id))
        if follow.confirmed_at is not None:
            return follow
        now, last = timezone.now(), follow.confirmation_sent_at
        if last is None or now - last >= dt.timedelta(seconds=settings.NEWSLETTER_CONFIRM_INTERVAL):
            follow.confirmation_sent_at = now
            follow.save(update_fields=["confirmation_sent_at"])
            send_follow_confirmation.delay_on_commit(follow.pk)
    return follow


def follow_confirm(*, token: str) -> Follow:
    """Confirm the follow a confirmation link names; confirming twice changes nothing."""
    try:
        follower_token, follow_id = links.confirmation_read(token)
    except signing.BadSignature:
        raise InvalidLink from None
    with transaction.atomic():
        follow = (
            Follow.objects.select_for_update()
            .filter(pk=follow_id, follower__token=follower_token)
            .first()
        )
        if follow is None:
            raise InvalidLink
        if follow.confirmed_at is None:
            follow.confirmed_at = timezone.now()
            follow.save(update_fields=["confirmed_at"])
    return follow


def _switch_off(follower: Follower, kinds) -> None:
    """Alerts of ``kinds`` not yet sent are dropped, from emails being sent too."""
    unsent = Q(delivery__isnull=True) | Q(delivery__status=AlertDelivery.Status.PENDING)
    Alert.objects.filter(unsent, follower=follower, kind__in=kinds).delete()


def alert_settings_set(*, follower: Follower, frequencies: dict[str, str]) -> Follower:
    """Set how often each kind is heard of; alerts waiting go out at the new pace."""
    with transaction.atomic():
        for kind, frequency in frequencies.items():
            AlertSetting.objects.update_or_create(
                follower=follower, kind=kind, defaults={"frequency": frequency}
            )
            if frequency == Frequency.NEVER:
                _switch_off(follower, [kind])
            else:
                follower.alerts.waiting().filter(kind=kind).update(frequency=frequency)
    return follower


def alerts_unsubscribe(*, token: str) -> tuple[Follower, list[str]]:
    """The one-click unsubscribe: the kinds the link names are switched to never."""
    try:
        follower_token, kinds = links.unsubscribe_read(token)
    except signing.BadSignature:
        raise InvalidLink from None
    follower = Follower.objects.filter(token=follower_token).first()
    if follower is None:
        raise InvalidLink
    alert_settings_set(follower=follower, frequencies=dict.fromkeys(kinds, Frequency.NEVER))
    return follower, kinds


def follower_by_link(*, token: str) -> Follower:
    try:
        follower_token: uuid.UUID = links.manage_read(token)
    except signing.BadSignature:
        raise InvalidLink from None
    follower = Follower.objects.filter(token=follower_token, member__isnull=True).first()
    if follower is None:
        raise InvalidLink
    return follower
