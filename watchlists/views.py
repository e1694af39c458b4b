"""Following: the buttons' posts, a follow by email and its confirmation, a member's page
with their alert settings, an email follower's settings page, and the one-click unsubscribe."""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from comparisons.models import Comparison
from core.bidi import isolate
from core.http import HtmxHttpRequest, back_url, per_reader_limit, sign_in_first
from reviews.models import Persona
from tools.models import Category, Tool
from watchlists import links
from watchlists.following import followed_by, settings_of
from watchlists.forms import AlertSettingsForm, FollowByEmailForm
from watchlists.models import Follow, Follower, Kind
from watchlists.services import (
    InvalidLink,
    alert_settings_set,
    alerts_unsubscribe,
    follow_by_email,
    follow_confirm,
    follow_set,
    follower_by_link,
)

TARGETS = {
    "tool": lambda: Tool.objects.published(),
    "comparison": lambda: Comparison.objects.published().with_tools(),
    "category": lambda: Category.objects.all(),
    "persona": lambda: Persona.objects.all(),
}


def _target(kind: str, pk: int):
    if kind not in TARGETS:
        raise Http404("Nothing to follow here.")
    return get_object_or_404(TARGETS[kind](), pk=pk)


def _button(request, target, following: bool, done: str = "") -> HttpResponse:
    context = {"target": target, "following": following, "done": done}
    return render(request, "watchlists/_follow.html", context)


@require_POST
@per_reader_limit("BOOKMARK_RATE_LIMIT")
def follow(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Follow or stop: ``following`` = 1 or 0."""
    target = _target(kind, pk)
    back = back_url(request, target.get_absolute_url())
    if not request.user.is_authenticated:
        return sign_in_first(request, back)
    following = request.POST.get("following") != "0"
    follow_set(member=request.user, target=target, following=following)
    name = isolate(str(target))
    done = f"Following {name}." if following else f"You no longer follow {name}."
    if request.htmx:
        return _button(request, target, following, done)
    messages.success(request, done)
    return redirect(back)


def _email_rate(group: str, request: HttpRequest) -> str:
    return settings.NEWSLETTER_SUBSCRIBE_RATE


@require_POST
@ratelimit(key="ip", rate=_email_rate, method="POST", block=True)
def follow_email(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    form = FollowByEmailForm(request.POST)
    if not form.is_valid():
        context = {"target": target, "email_form": form}
        return render(request, "watchlists/follow_email.html", context, status=400)
    if not form.from_a_bot:
        follow_by_email(email=form.cleaned_data["email"], target=target)
    done = "Check your inbox: press the button in the email we sent, and you're following."
    if request.htmx:
        return render(request, "watchlists/_follow.html#sent", {"target": target, "done": done})
    messages.success(request, done)
    return redirect(back_url(request, target.get_absolute_url()))


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link shows a button; its POST confirms, so link scanners confirm nothing."""
    follow = None
    if request.method == "POST":
        with contextlib.suppress(InvalidLink):
            follow = follow_confirm(token=token)
    else:
        try:
            follower_token, follow_id = links.confirmation_read(token)
        except signing.BadSignature:
            follower_token, follow_id = None, None
        follow = Follow.objects.filter(pk=follow_id, follower__token=follower_token).first()
    context = {"follow": follow, "confirmed": request.method == "POST"}
    return render(request, "watchlists/confirm.html", context, status=200 if follow else 400)


def _settings_page(request, follower: Follower | None, member=None) -> HttpResponse:
    chosen = settings_of(follower)
    form = AlertSettingsForm(request.POST or None, chosen=chosen)
    if request.method == "POST":
        if form.is_valid():
            follower = follower or Follower.objects.get_or_create(member=member)[0]
            alert_settings_set(follower=follower, frequencies=form.cleaned_data)
            messages.success(request, "Saved. Alerts now come as you chose.")
            return redirect(request.path)
        status = 400
    else:
        status = 200
    context = {"followed": followed_by(follower, member), "form": form, "by_email": not member}
    return render(request, "watchlists/following.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def following(request: HtmxHttpRequest) -> HttpResponse:
    follower = Follower.objects.filter(member=request.user).first()
    return _settings_page(request, follower, member=request.user)


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """An email follower's page, reached from the link in each of their alerts."""
    try:
        follower = follower_by_link(token=token)
    except InvalidLink:
        raise Http404("This link doesn't lead anywhere.") from None
    return _settings_page(request, follower)


@csrf_exempt  # RFC 8058: mail clients post the one-click form without cookies or a token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks; only a POST of ``List-Unsubscribe=One-Click`` switches the kinds off."""
    try:
        follower_token, kinds = links.unsubscribe_read(token)
    except signing.BadSignature:
        raise Http404("This link doesn't lead anywhere.") from None
    labels = dict(Kind.choices)
    if not Follower.objects.filter(token=follower_token).exists() or not set(kinds) <= set(labels):
        raise Http404("This link doesn't lead anywhere.")
    status, done = 200, False
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            alerts_unsubscribe(token=token)
            done = True
        else:
            status = 400
    context = {"kinds": [labels[kind] for kind in kinds], "done": done}
    return render(request, "watchlists/unsubscribe.html", context, status=status)
