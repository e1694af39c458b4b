from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction


@transaction.atomic
def member_delete(*, member: AbstractBaseUser) -> None:
    """Delete a member and all that is theirs, and sign them out everywhere.

    Their votes, bookmarks and email addresses go by cascade: the apps that keep them (and
    keep counts of them, see reviews/signals.py) sit above this one and look after their
    own rows. Every session the member signed in with (allauth's usersessions keeps the
    list) is deleted from the store, database and cache alike, once the deletion commits:
    before that, a request from another browser could read its session back into the cache.
    """
    session_keys = list(
        UserSession.objects.filter(user=member).values_list("session_key", flat=True)
    )
    member.delete()
    transaction.on_commit(lambda: _sessions_end(session_keys))


def _sessions_end(session_keys: list[str]) -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store().delete(key)


def member_weights_save(*, member: AbstractBaseUser, weights: str) -> AbstractBaseUser:
    """Keep the member's weights for the panel (checked and spelled canonically by the
    caller, reviews/weighting.py); "" forgets them. Pages are not kept per member, so no
    cache moves: the member's row is read afresh with each request."""
    member.panel_weights = weights
    member.save(update_fields=["panel_weights"])
    return member
