"""What deleting a member removes, told to them before they confirm.

Django's deletion collector follows every foreign key to the member, whichever app declares
it, so the list is what a deletion would remove, not what this app remembers of the others.
"""

from collections import Counter

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import router
from django.db.models.deletion import Collector

# The rows members know as theirs, by model label; any other kind is listed by its name.
SAYING = {
    "reviews.vote": (
        "your vote on {n} tool{s}, ship or skip: each tool's community figures are counted "
        "again without it"
    ),
    "tools.bookmark": "your {n} bookmark{s}",
    "watchlists.follow": "the {n} thing{s} you follow, and their alerts",
    "watchlists.alert": "{n} alert{s} about what you follow",
    "watchlists.alertsetting": "your alert settings",
    "usersessions.usersession": (
        "your sign-ins on {n} browser{s}: every one of them is signed out"
    ),
}
# Named one by one below, or part of another line (a follower is its follows and settings).
HIDDEN = {"account.emailaddress", "watchlists.follower", "watchlists.alertdelivery"}


def _counts(member: AbstractBaseUser) -> Counter:
    collector = Collector(using=router.db_for_write(member._meta.model))
    collector.collect([member])
    counts: Counter = Counter()
    for model, instances in collector.data.items():
        counts[model] += len(instances)
    for rows in collector.fast_deletes:
        counts[rows.model] += rows.count()
    return counts


def member_deletion_summary(member: AbstractBaseUser) -> list[str]:
    """One line a kind of row, each with how many: "your 3 bookmarks"."""
    lines = []
    counts = _counts(member)
    for model, n in sorted(counts.items(), key=lambda item: item[0]._meta.label_lower):
        label = model._meta.label_lower
        if not n or model._meta.auto_created or label in HIDDEN or model is member._meta.model:
            continue
        saying = SAYING.get(label, "{n} " + str(model._meta.verbose_name_plural))
        lines.append(saying.format(n=n, s="" if n == 1 else "s"))
    addresses = EmailAddress.objects.filter(user=member).values_list("email", flat=True)
    lines.append(
        "your email address"
        + ("es " if len(addresses) > 1 else " ")
        + ", ".join(sorted(addresses) or [member.email])
        + ": nobody can sign in with it any more, and we stop writing to it"
    )
    return lines
