"""The verdict rules PostgreSQL computes, as stored columns on Tool for the rankings.

Each is the SQL twin of a function in ``core.scoring``; tests/tools/test_rates_in_sql.py
checks that the two agree on every input up to a generous bound.
"""

from django.db import models
from django.db.models import F, Func
from django.db.models.functions import Cast, NullIf

from core.scoring import WILSON_Z


def share(part: str, *parts: str) -> models.Expression:
    """``part`` over the sum of ``parts`` as a float, NULL when the sum is 0."""
    total = sum((F(p) for p in parts[1:]), F(parts[0]))
    return Cast(part, models.FloatField()) / NullIf(total, 0)


def percent_sql(part: str, *parts: str, scale: int = 1) -> models.Expression:
    """``core.scoring.percent(part, scale × sum(parts))`` in integer SQL, NULL for a zero sum.

    The same integer arithmetic, so the figure PostgreSQL ranks by is the very one a page
    shows (halves rounded up, no float anywhere): ``scale=100`` gives ``mean``.
    """

    def big(name: str) -> models.Expression:  # 200 × a score total overflows 32 bits
        return Cast(name, models.BigIntegerField())

    whole = NullIf(sum((big(p) for p in parts[1:]), big(parts[0])), 0) * scale
    return Cast((200 * big(part) + whole) / (2 * whole), models.IntegerField())


def wilson_lower_bound_sql(positive: str, z: float = WILSON_Z) -> models.Expression:
    """``core.scoring.wilson_lower_bound`` as SQL over the vote counters."""
    n = Cast(NullIf(F("community_ships") + F("community_skips"), 0), models.FloatField())
    p = share(positive, "community_ships", "community_skips")
    spread = z * Func(p * (1 - p) / n + z * z / (4 * n * n), function="SQRT")
    return models.ExpressionWrapper(
        (p + z * z / (2 * n) - spread) / (1 + z * z / n), output_field=models.FloatField()
    )


def stored(expression: models.Expression, output_field=None) -> models.GeneratedField:
    return models.GeneratedField(
        expression=expression, output_field=output_field or models.FloatField(), db_persist=True
    )
