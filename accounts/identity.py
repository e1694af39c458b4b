"""A member's row, remembered in the cache, so that a member's page from the page cache runs
no query at all.

Every request of a signed-in member asks who they are: Django reads the session, then the
member's row. From the page cache that row was the page's one query, and the largest share
of its time (bench/RESULTS.md). The sign-in backend here reads the row from the cache
instead, in one round trip at most (none when the process's near cache holds it,
core/nearcache.py), at a version of its own, as the page cache reads pages:

- ``member_row(pk)`` moves on any save or deletion of the member, and again once it commits
  (``moved``): a password change, a new email address, the admin taking away is_staff or
  is_active. The entry records the version it was read at and is only used at that
  version, so the next request reads the row again; a version read before the row can never
  be matched to a newer row's change. Those saves are Django's and allauth's as much as
  ours, so a signal receiver moves the version here, not the services (as
  core/pagecache.py has it).
- ``MEMBERS`` moves when Redis answers again after an outage: moves made while it was away
  were lost, so every remembered row is read again.

Django's own check still runs on what comes back: the session's hash of the password must
match the row's, so changing a password still signs out the member's other sessions at
their next request, and a member made inactive is refused. Only ``QuerySet.update`` on the
members' table goes around the signals; the site never does that, and an entry is in any
case kept no longer than IDENTITY_SECONDS.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from core.pagecache import version_move, versions_key

IDENTITY_SECONDS = 600
# Moves whenever what an entry holds changes shape (a field added to the member, say): a
# release never reads a row an older one kept.
ENTRY_FORMAT = 1
MEMBERS = "members"


def member_row(pk) -> str:
    """The version of one member's row."""
    return f"member-row:{pk}"


def _entry_key(pk) -> str:
    return f"member-row:{ENTRY_FORMAT}:{pk}"


class RememberingBackend(AuthenticationBackend):
    """allauth's sign-in backend, reading the signed-in member from the cache."""

    def get_user(self, user_id):
        keys = [versions_key(MEMBERS), versions_key(member_row(user_id)), _entry_key(user_id)]
        found = cache.get_many(keys)
        version = (found.get(keys[0], 0), found.get(keys[1], 0))
        entry = found.get(keys[2])
        if entry is not None and entry[0] == version:
            user = entry[1]
            return user if self.user_can_authenticate(user) else None
        user = self._read(user_id)
        if user is not None:
            cache.set(keys[2], (version, user), timeout=IDENTITY_SECONDS)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _read(user_id):
        """The member's row as the database has it now, before anything is cached on it."""
        model = get_user_model()
        try:
            return model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None


def moved(sender, instance, **kwargs) -> None:
    """post_save and post_delete of a member: their row is read again from now on, and again
    once this commits (a request between the two reads the row as it was before the change,
    and keeps it at a version the commit moves past)."""
    name = member_row(instance.pk)
    version_move(cache, name)
    transaction.on_commit(lambda: version_move(cache, name))


def after_an_outage(sender, cache, **kwargs) -> None:
    """Redis answers again: every row remembered before may have changed while it was away."""
    version_move(cache, MEMBERS)
