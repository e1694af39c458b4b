"""Demo community votes: a dozen demo members' votes on a few tools.

The seed comparisons' tools get none, so those pages still read "No community votes yet".
Loaded through ``vote_cast`` so the counts on the tool rows follow, and only where a vote
differs, so loading twice changes nothing.
"""

from collections import Counter

from django.contrib.auth import get_user_model

from reviews.models import Vote
from reviews.services import CLEAR, vote_cast
from tools.models import Tool

DEMO_MEMBERS = 12

# tool slug: (ship votes, skip votes), out of DEMO_MEMBERS
DEMO_VOTES = {
    "claude-code": (10, 2),
    "cursor": (8, 3),
    "github-copilot": (5, 5),
    "aider": (4, 3),
    "ollama": (7, 1),
    "pgvector": (6, 1),
    "langfuse": (5, 2),
    "braintrust": (3, 3),
    "autoloop": (0, 4),
}


def demo_member_email(number: int) -> str:
    return f"member{number:02d}@demo.verdicts.invalid"


def demo_votes_load(counts: Counter) -> None:
    members = []
    for number in range(1, DEMO_MEMBERS + 1):
        member, created = get_user_model().objects.get_or_create(email=demo_member_email(number))
        if created:
            member.set_unusable_password()  # demo members never sign in
            member.save(update_fields=["password"])
        counts["created" if created else "unchanged"] += 1
        members.append(member)
    tools = Tool.objects.in_bulk(list(DEMO_VOTES), field_name="slug")
    existing = {
        (vote.member_id, vote.tool_id): vote.value
        for vote in Vote.objects.filter(member__in=members, tool__in=tools.values())
    }
    for slug, (ships, skips) in DEMO_VOTES.items():
        tool = tools[slug]
        values = ["ship"] * ships + ["skip"] * skips
        values += [CLEAR] * (DEMO_MEMBERS - len(values))
        for member, value in zip(members, values, strict=True):
            before = existing.get((member.pk, tool.pk), CLEAR)
            if before == value:
                counts["unchanged"] += value != CLEAR
                continue
            vote_cast(member=member, tool=tool, value=value)
            counts["created" if before == CLEAR else "updated"] += 1
