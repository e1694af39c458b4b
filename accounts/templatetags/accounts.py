from django import template

from accounts.intent import sign_in_intent

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_reason(context) -> str:
    """Why this reader is asked to sign in ("to vote ship on Alpha Model"), or nothing."""
    request = context.get("request")
    intent = sign_in_intent(request.session) if request is not None else None
    return intent["reason"] if intent else ""
