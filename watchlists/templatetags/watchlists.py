"""The follow button pages put beside a tool, comparison, category or seat:
``{% load watchlists %}{% follow_button tool %}``. Pages render it; only it reads follows."""

from django import template

from watchlists.following import is_following

register = template.Library()


@register.inclusion_tag("watchlists/_follow.html", takes_context=True)
def follow_button(context, target):
    request = context["request"]
    return {
        "request": request,
        "user": request.user,
        "target": target,
        "follow_key": f"{target._meta.model_name}:{target.pk}",
        "following": is_following(request.user, target),
    }


@register.filter
def follow_kind(target) -> str:
    """ "tool", "comparison", "category" or "persona": the follow URLs' word for it."""
    return target._meta.model_name
