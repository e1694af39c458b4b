"""Links to a page seen with other weights (reviews/weighting.py)."""

from django import template

from core.weights import PANEL
from reviews import weighting

register = template.Library()


@register.simple_tag(takes_context=True)
def weighted_address(context, canonical: str = PANEL) -> str:
    """This page's address with the weights ``canonical`` (the panel's own unless named), its
    other parameters kept: the way back from a side by side keeps its tools."""
    return weighting.weighted_address(context["request"], canonical)
