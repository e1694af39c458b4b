"""What the community's votes hear from the accounts below them.

Deleting a member deletes their votes by cascade, round ``vote_cast``; two receivers recount
the tools those votes were on once the deletion commits. Signing in casts the vote a reader
pressed while signed out (reviews/pending.py).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from reviews.pending import pending_vote_cast
from reviews.services import community_recount


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.votes_before")
def note_the_members_votes(sender, instance, **kwargs) -> None:
    instance._voted_tool_ids = list(instance.votes.values_list("tool_id", flat=True))


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.votes_after")
def recount_after_a_member_leaves(sender, instance, **kwargs) -> None:
    if tool_ids := getattr(instance, "_voted_tool_ids", None):
        transaction.on_commit(lambda: community_recount(tool_ids=tool_ids))


@receiver(user_logged_in, dispatch_uid="reviews.pending_vote")
def cast_the_vote_pressed_before_signing_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        pending_vote_cast(request, member=user)
