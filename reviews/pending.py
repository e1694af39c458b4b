"""A signed-out reader's Ship or Skip, cast once they have signed in.

The press is a POST: the view keeps it in the reader's session as their reason to sign in
(accounts.intent), and the sign-in (or, for a new member, the confirmation of their address)
casts it through ``vote_cast`` when ``user_logged_in`` fires (reviews/signals.py), on that
POST. No GET casts a vote.
"""

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from accounts.intent import sign_in_intent_keep, sign_in_intent_pop
from reviews.forms import VOTE_DONE
from reviews.models import Call
from reviews.services import vote_cast
from tools.models import Tool

KIND = "vote"


def pending_vote_keep(request: HttpRequest, *, tool: Tool, value: str) -> None:
    """Keep a ship or skip for after signing in (a press that takes a vote back has none)."""
    if value in Call.values:
        reason = f"to vote {value} on {tool.name}"
        sign_in_intent_keep(request.session, kind=KIND, reason=reason, tool=tool.pk, value=value)


def pending_vote_cast(request: HttpRequest, *, member: AbstractBaseUser) -> None:
    """Cast the vote the reader pressed before signing in as ``member``, if there is one."""
    pending = sign_in_intent_pop(request.session, kind=KIND)
    if not pending or pending.get("value") not in Call.values:
        return
    tool = Tool.objects.published().filter(pk=pending.get("tool")).first()
    if tool is None:  # unpublished meanwhile: nothing to vote on
        return
    vote_cast(member=member, tool=tool, value=pending["value"])
    messages.success(request, VOTE_DONE[pending["value"]].format(tool=tool.name))
