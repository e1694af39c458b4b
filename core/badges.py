"""Badges: marks a tool earns by a published rule and keeps until it falls below a lower line.

Pure rules over the verdicts in ``core.scoring``, like the rest of the verdict math: no ORM,
no request, no settings. Each badge has an entry rule and an exit line below it, as Rotten
Tomatoes' Certified Fresh does (earned at 75%, lost only below 70%): a tool that sits on
the line does not gain and lose the badge with every review or vote. So whether a tool
holds a badge depends on whether it held it before; ``holds`` takes that, and the tool row
keeps the answer (tools.services.tool_badges_update).

Every number is a module constant, and the words each badge shows (``rule``, ``exit``) are
written from those constants, so a page can never say one line while the code keeps
another. ``BADGES`` is the list pages and the methodology read.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.scoring import CommunityVerdict, PanelVerdict, confidence_level

# Panel favourite: the whole panel has reviewed it, most seats ship, and it scores high.
PANEL_FAVOURITE_SHIPS = (3, 4)  # at least 3 in 4 of its reviews say ship, to earn and keep it
PANEL_FAVOURITE_ENTRY_SCORE = 80  # mean score (as the pages show it, /100) to earn it
PANEL_FAVOURITE_EXIT_SCORE = 75  # it is lost when the mean score falls below this

# Community favourite: enough members voted, and we can be sure most of them say ship.
COMMUNITY_FAVOURITE_MIN_VOTES = 10  # votes a tool needs before it can earn it
COMMUNITY_FAVOURITE_ENTRY = 70  # lower bound of the Wilson interval of the ship share, in %
COMMUNITY_FAVOURITE_EXIT = 65  # it is lost when that bound falls below this


@dataclass(frozen=True, slots=True)
class Standing:
    """What the badges read of a tool: its two verdicts, and whether every seat on the panel
    has reviewed it (the seats come and go, so a panel verdict alone cannot say)."""

    panel: PanelVerdict
    community: CommunityVerdict
    panel_full: bool


@dataclass(frozen=True, slots=True)
class Badge:
    key: str  # stable: the tool row keeps ``badge_<key>``
    name: str
    rule: str  # how a tool earns it, in words
    exit: str  # how a tool that holds it loses it, in words
    enters: Callable[[Standing], bool]
    stays: Callable[[Standing], bool]  # true wherever ``enters`` is: the exit line is lower

    def __str__(self) -> str:
        return self.name


def holds(badge: Badge, verdict: Standing, held_before: bool) -> bool:
    """Whether a tool holds ``badge`` now: it meets the entry rule, or it held the badge
    before and has not fallen below the exit line."""
    return badge.enters(verdict) or (held_before and badge.stays(verdict))


def _mostly_ship(panel: PanelVerdict) -> bool:
    part, whole = PANEL_FAVOURITE_SHIPS
    return panel.reviews > 0 and whole * panel.ships >= part * panel.reviews


def _scores_at_least(panel: PanelVerdict, line: int) -> bool:
    return panel.mean_score is not None and panel.mean_score >= line


def _panel_enters(verdict: Standing) -> bool:
    return (
        verdict.panel_full
        and _mostly_ship(verdict.panel)
        and _scores_at_least(verdict.panel, PANEL_FAVOURITE_ENTRY_SCORE)
    )


def _panel_stays(verdict: Standing) -> bool:
    # Not the full panel: a seat added since it earned the badge has yet to review it, and
    # that alone should not take the badge away; its review, once in, counts like any other.
    return _mostly_ship(verdict.panel) and _scores_at_least(
        verdict.panel, PANEL_FAVOURITE_EXIT_SCORE
    )


def community_bound(community: CommunityVerdict) -> float:
    """The lower bound of the Wilson interval of the members' ship share, 0 to 1."""
    return community.interval[0]


def _community_enters(verdict: Standing) -> bool:
    community = verdict.community
    return (
        community.votes >= COMMUNITY_FAVOURITE_MIN_VOTES
        and community_bound(community) >= COMMUNITY_FAVOURITE_ENTRY / 100
    )


def _community_stays(verdict: Standing) -> bool:
    return community_bound(verdict.community) >= COMMUNITY_FAVOURITE_EXIT / 100


# How sure the Wilson bound is, in words: z = 1.96 is 95% confidence.
CONFIDENCE = round(100 * confidence_level())
_SHIPS = "{} in {}".format(*PANEL_FAVOURITE_SHIPS)

PANEL_FAVOURITE = Badge(
    key="panel_favourite",
    name="Panel favourite",
    rule=(
        f"Earned when every seat on the panel has reviewed the tool, at least {_SHIPS} of "
        f"them say ship, and its mean score is {PANEL_FAVOURITE_ENTRY_SCORE}/100 or more."
    ),
    exit=(
        f"Kept until its mean score falls below {PANEL_FAVOURITE_EXIT_SCORE}/100 or fewer "
        f"than {_SHIPS} of its reviews say ship."
    ),
    enters=_panel_enters,
    stays=_panel_stays,
)

COMMUNITY_FAVOURITE = Badge(
    key="community_favourite",
    name="Community favourite",
    rule=(
        f"Earned when at least {COMMUNITY_FAVOURITE_MIN_VOTES} members have voted and the "
        f"votes show, with {CONFIDENCE}% confidence, that at least "
        f"{COMMUNITY_FAVOURITE_ENTRY}% of members say ship (the lower bound of the Wilson "
        f"score interval is {COMMUNITY_FAVOURITE_ENTRY}% or more)."
    ),
    exit=f"Kept until that lower bound falls below {COMMUNITY_FAVOURITE_EXIT}%.",
    enters=_community_enters,
    stays=_community_stays,
)

BADGES: tuple[Badge, ...] = (PANEL_FAVOURITE, COMMUNITY_FAVOURITE)


def held_now(verdict: Standing, held_before: Iterable[str] = ()) -> tuple[Badge, ...]:
    """The badges a tool holds now, given the keys of those it held before."""
    before = set(held_before)
    return tuple(badge for badge in BADGES if holds(badge, verdict, badge.key in before))
