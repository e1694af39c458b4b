from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from core import pagecache
from reviews.models import Call, Persona, PersonaSlug, Review, Vote
from tools.models import Tool
from tools.renames import renamable_save
from tools.services import BADGE_READS, badges_moved, tool_badges_settle, tool_badges_update

CLEAR = "clear"
VOTE_VALUES = (*Call.values, CLEAR)


def _review_aggregate(expression) -> Coalesce:
    rows = (
        Review.objects.counted()
        .filter(tool=OuterRef("pk"))
        .order_by()
        .values("tool")
        .annotate(value=expression)
        .values("value")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@transaction.atomic
def panel_recount(*, tool_ids: Iterable[int] | None = None) -> int:
    """Recompute the panel counts kept on tool rows from their reviews.

    One UPDATE for however many tools; with no ids, every tool. Returns the
    number of rows updated.
    """
    tools = Tool.objects.all() if tool_ids is None else Tool.objects.filter(pk__in=list(tool_ids))
    pagecache.bump(pagecache.CONTENT)
    seats = Persona.objects.active().count()
    updated = tools.update(
        panel_ships=_review_aggregate(Count("pk", filter=Q(call=Call.SHIP))),
        panel_skips=_review_aggregate(Count("pk", filter=Q(call=Call.SKIP))),
        panel_score_total=_review_aggregate(Sum("score")),
        # Reviews by active seats, one per seat: as many as there are seats means all of them.
        panel_full=GreaterThanOrEqual(_review_aggregate(Count("pk")), seats)
        if seats
        else Value(False),
    )
    tool_badges_update(tool_ids=tool_ids)  # the rows are locked by the update until commit
    return updated


@transaction.atomic
def review_save(*, review: Review) -> Review:
    """Save a review and bring its tool's panel counts up to date in the same transaction.

    A review moved to another tool leaves that tool's counts right too.
    """
    review.full_clean()
    before = Review.objects.filter(pk=review.pk).values_list("tool_id", flat=True).first()
    review.save()
    panel_recount(tool_ids={review.tool_id, before} - {None})
    return review


def _delete_recounting(rows: QuerySet, recount) -> int:
    """Delete reviews or votes, then bring the counts of the tools they were on back in line."""
    tool_ids = set(rows.values_list("tool_id", flat=True))
    deleted, _ = rows.delete()
    recount(tool_ids=tool_ids)
    return deleted


@transaction.atomic
def reviews_delete(*, reviews: QuerySet[Review]) -> int:
    return _delete_recounting(reviews, panel_recount)


@pagecache.invalidates(pagecache.CONTENT)
def persona_save(*, persona: Persona) -> Persona:
    """Save a seat. Seating, retiring or adding one changes which reviews count and which
    tools the whole panel has reviewed, on every tool; a changed slug is kept, so its old
    addresses redirect."""
    was_active = Persona.objects.filter(pk=persona.pk).values_list("is_active", flat=True).first()
    renamable_save(persona, old_slugs=PersonaSlug)
    if was_active != persona.is_active and (was_active is not None or persona.is_active):
        panel_recount()
    return persona


@pagecache.invalidates(pagecache.CONTENT)
def personas_delete(*, personas: QuerySet[Persona]) -> int:
    """Delete seats that never reviewed (a review protects its persona)."""
    seated = personas.active().exists()
    deleted = personas.delete()[0]
    if seated:
        panel_recount()  # one seat fewer to hear from
    return deleted


# A vote is one call to ``verdicts_vote``, a function of PostgreSQL's own installed by
# reviews/migrations/0011_vote_function.py (one round trip; its statements' plans are kept
# per connection, so they are not planned again on every vote). It locks the tool's row,
# writes the vote and moves the counts of that row and no other, and answers with the tool
# as it then stands: ``_TOOL_READS`` of it, in the model's field order (as ``Tool.from_db``
# takes them), whether its counts moved, and the vote's id and dates.
_TOOL_READS = [
    field.attname
    for field in Tool._meta.concrete_fields
    if field.attname in {"id", "name", "slug", *BADGE_READS}
]
_VOTE = (
    "SELECT {reads}, vote.moved, vote.vote_id, vote.created_at, vote.updated_at"
    " FROM verdicts_vote(%s, %s, %s, %s, %s, %s) vote"
).format(
    reads=", ".join(f"(vote.tool).{Tool._meta.get_field(field).column}" for field in _TOOL_READS)
)


def _vote_write(
    member: AbstractBaseUser, value: str, *, tool_id: int | None = None, slug: str = ""
) -> tuple | None:
    """Apply the vote to the tool with ``tool_id`` or, with none, to the published tool with
    ``slug``: the tool's reads, whether its counts moved and the vote, or None when no tool
    is found."""
    if value not in VOTE_VALUES:
        raise ValueError(f"A vote is one of {', '.join(VOTE_VALUES)}, not {value!r}.")
    after = None if value == CLEAR else value
    with connection.cursor() as cursor:
        cursor.execute(
            _VOTE, [member.pk, tool_id, slug, Tool.Status.PUBLISHED, timezone.now(), after]
        )
        return cursor.fetchone()


def _vote_applied(member: AbstractBaseUser, tool: Tool, row: tuple, value: str) -> Vote | None:
    """After the vote's call: ``tool`` holding the counts as they now stand, settle its
    badges, move the versions of the pages that show its figures, and return the vote (the
    member has one, of ``value``, exactly when the call names one)."""
    moved, pk, created_at, updated_at = row[len(_TOOL_READS) :]
    if moved:
        try:
            if badges_moved(tool):  # rarely: a write of its own, the row locked again
                tool_badges_settle(tool=tool)
        finally:  # the vote is in: its pages are told even if the badges failed to settle
            pagecache.bump(
                pagecache.VOTES, pagecache.tool_votes(tool.slug), pagecache.member_own(member.pk)
            )
    if pk is None:
        return None
    return Vote(
        pk=pk, member=member, tool=tool, value=value, created_at=created_at, updated_at=updated_at
    )


def vote_cast(*, member: AbstractBaseUser, tool: Tool, value: str) -> Vote | None:
    """Record ``member``'s ship or skip on ``tool``, change it, or take it back (``clear``).

    Every vote on a tool first locks the tool's row, so votes on one tool are applied one
    at a time: two requests carrying a member's first vote cannot both find no vote and
    both count one, and a recount sees no vote half-applied. The vote and the counts are
    then written, in the same round trip (``_VOTE``). Updates
    ``tool``'s counts and badges in place and returns the member's vote, or None when there
    is none. Inside a transaction of the caller's, it is part of that transaction (no
    savepoint of its own: a database error there aborts the caller's transaction, and the
    caller's commit does not wait for the disk flush either).

    The commit does not wait for the disk flush (``synchronous_commit = off`` for this
    transaction only): waiting was most of a vote's time. A worker's crash loses nothing
    (PostgreSQL has the commit); a crash of PostgreSQL itself may lose the votes of its last
    ~0.6 s (three ``wal_writer_delay``), each whole, the vote with its counts, never half.
    """
    row = _vote_write(member, value, tool_id=tool.pk)
    if row is None:
        raise Tool.DoesNotExist(f"No tool {tool.pk} to vote on.")
    for field, now in zip(_TOOL_READS, row, strict=False):
        if field in BADGE_READS:  # the counts and badges as they now stand
            setattr(tool, field, now)
    return _vote_applied(member, tool, row, value)


def vote_cast_on(*, member: AbstractBaseUser, slug: str, value: str) -> tuple[Tool, Vote | None]:
    """``vote_cast`` on the published tool with ``slug``, found and locked by the vote's own
    call: what a vote from the site costs, one round trip (Tool.DoesNotExist when
    there is none). The tool comes back with what the answer shows of it; reading any
    other field queries for it, as for a deferred field."""
    row = _vote_write(member, value, slug=slug)
    if row is None:
        raise Tool.DoesNotExist(f"No published tool {slug!r}.")
    tool = Tool.from_db(connection.alias, _TOOL_READS, row[: len(_TOOL_READS)])
    return tool, _vote_applied(member, tool, row, value)


def _vote_count(call: str) -> Coalesce:
    rows = (
        Vote.objects.filter(tool=OuterRef("pk"), value=call)
        .order_by()
        .values("tool")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


@transaction.atomic
def community_recount(*, tool_ids: Iterable[int] | None = None) -> int:
    """Bring the community counts kept on tool rows back in line with the votes.

    Locks the tools first, as ``vote_cast`` does, so that no vote is in flight while the
    votes are counted; then rewrites only the rows that drifted. With no ids, every tool.
    Returns the number of rows repaired.
    """
    tools = Tool.objects.all() if tool_ids is None else Tool.objects.filter(pk__in=list(tool_ids))
    list(tools.select_for_update().order_by("pk").values_list("pk", flat=True))  # lock them
    drifted = list(
        tools.annotate(ships=_vote_count(Call.SHIP), skips=_vote_count(Call.SKIP))
        .exclude(community_ships=F("ships"), community_skips=F("skips"))
        .values_list("pk", flat=True)
    )
    if not drifted:
        return 0
    pagecache.bump(pagecache.CONTENT)
    repaired = Tool.objects.filter(pk__in=drifted).update(
        community_ships=_vote_count(Call.SHIP), community_skips=_vote_count(Call.SKIP)
    )
    tool_badges_update(tool_ids=drifted)
    return repaired


@transaction.atomic
def votes_delete(*, votes: QuerySet[Vote]) -> int:
    """Remove votes (an editor's answer to abuse) and recount the tools they were on. The
    voters' own pages stop showing the votes pressed (core/ownparts.py)."""
    members = set(votes.values_list("member_id", flat=True))
    pagecache.bump(*(pagecache.member_own(pk) for pk in members))
    return _delete_recounting(votes, community_recount)
