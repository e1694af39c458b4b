"""Why a signed-out reader is asked to sign in, kept in their session until they have.

An app that sends a reader to sign in on the way to doing something (a vote) keeps it here
with a reason ("to vote ship on Alpha Model"): the sign-in and sign-up pages say it, and the
app's own ``user_logged_in`` receiver finishes the thing with ``sign_in_intent_pop``. This
app knows nothing of what the thing is: the apps above it do. An intent older than an hour
is forgotten, as the reader has moved on.
"""

import time

from django.contrib.sessions.backends.base import SessionBase

KEY = "sign_in_intent"
MAX_AGE = 60 * 60  # seconds: time enough to sign up and confirm the address


def sign_in_intent_keep(session: SessionBase, *, kind: str, reason: str, **data) -> None:
    """Remember what the reader set out to do (``data``: JSON, as sessions store it)."""
    session[KEY] = {"kind": kind, "reason": reason, "at": time.time(), "data": data}


def sign_in_intent(session: SessionBase) -> dict | None:
    intent = session.get(KEY)
    if not isinstance(intent, dict) or time.time() - intent.get("at", 0) > MAX_AGE:
        return None
    return intent


def sign_in_intent_pop(session: SessionBase, *, kind: str) -> dict | None:
    """The data of the reader's intent of this kind, forgotten as it is handed over."""
    intent = sign_in_intent(session)
    if intent is None or intent.get("kind") != kind:
        return None
    del session[KEY]
    return intent["data"]
