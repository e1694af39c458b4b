"""Keeping community counts right when a member's votes go with their account.

Deleting a member deletes their votes by cascade, round ``vote_cast``; these receivers
recount the tools those votes were on once the deletion commits.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from reviews.services import community_recount


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.votes_before")
def note_the_members_votes(sender, instance, **kwargs) -> None:
    instance._voted_tool_ids = list(instance.votes.values_list("tool_id", flat=True))


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews.votes_after")
def recount_after_a_member_leaves(sender, instance, **kwargs) -> None:
    if tool_ids := getattr(instance, "_voted_tool_ids", None):
        transaction.on_commit(lambda: community_recount(tool_ids=tool_ids))
