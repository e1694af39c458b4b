import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.middleware import HtmxDetails
from django_ratelimit.decorators import ratelimit

from comparisons.models import Comparison
from core.paging import paginate
from newsletter import links
from newsletter.emails import edition_contents, edition_moved
from newsletter.forms import SubscribeForm
from newsletter.models import Edition, Subscriber
from newsletter.services import (
    InvalidConfirmation,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)
from newsletter.snapshots import MovedLine, snapshot_taken_at
from tools.models import Tool

PLACES = {"box", "footer", "page"}  # where a subscribe form sits; its answer fits there


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _subscribe_rate(group: str, request: HttpRequest) -> str:
    return settings.NEWSLETTER_SUBSCRIBE_RATE


def _subscribe_page(request: HtmxHttpRequest, part: str, context=None, status=200):
    """The subscribe page showing ``part``; only that part when htmx asked for it.

    htmx swaps only 2xx answers, so it gets the "slow down" part as a 200; a
    plain form post gets the real 429.
    """
    template, context = "newsletter/subscribe.html", {"part": part, **(context or {})}
    if request.htmx:
        template, status = f"{template}#{part}", 200
    else:
        context["place"] = "page"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=_subscribe_rate, method="POST", block=False)
def subscribe(request: HtmxHttpRequest) -> HttpResponse:
    place = request.POST.get("place") if request.POST.get("place") in PLACES else "box"
    if request.method != "POST":
        return _subscribe_page(request, "form")
    if request.limited:
        return _subscribe_page(request, "limited", status=429)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _subscribe_page(request, "form", {"subscribe_form": form, "place": place})
    if not form.from_a_bot:
        subscriber_subscribe(email=form.cleaned_data["email"])
    if request.htmx:
        return _subscribe_page(request, "answer")
    return redirect("newsletter:thanks")


@require_safe
def thanks(request: HtmxHttpRequest) -> HttpResponse:
    return _subscribe_page(request, "answer")


def _confirming(token: str) -> Subscriber | None:
    try:
        return Subscriber.objects.filter(token=links.confirmation_read(token)).first()
    except (signing.BadSignature, ValueError):
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link only shows a button; its POST confirms, so link scanners confirm nothing."""
    if request.method == "POST":
        try:
            subscriber = subscriber_confirm(token=token)
        except InvalidConfirmation:
            subscriber = None
    else:
        subscriber = _confirming(token)
    context = {"subscriber": subscriber, "confirmed": request.method == "POST"}
    return render(request, "newsletter/confirm.html", context, status=200 if subscriber else 400)


@csrf_exempt  # RFC 8058: mail clients post the one-click form without cookies or a token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET asks; only a POST of ``List-Unsubscribe=One-Click`` takes the address off."""
    subscriber = get_object_or_404(Subscriber, token=token)
    status = 200
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            subscriber = subscriber_unsubscribe(token=token)
        else:
            status = 400
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber}, status=status)


@csrf_exempt  # as the real link: a mail client may one-click a test copy's header too
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_sample(request: HttpRequest) -> HttpResponse:
    """Where a preview's or test copy's Unsubscribe leads: the readers' page, changing nothing."""
    context = {"sample": True, "pressed": request.method == "POST"}
    return render(request, "newsletter/unsubscribe.html", context)


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.sent().newest_first()
    return render(request, "newsletter/archive.html", paginate(request, editions))


def _still_up(lines: list[MovedLine]) -> list[tuple[MovedLine, bool]]:
    """Each "What moved" line, and whether what it links to is still on the site."""
    tools = Tool.objects.published().filter(pk__in=[line.tool_id for line in lines])
    comparisons = Comparison.objects.published()
    comparisons = comparisons.filter(pk__in=[line.comparison_id for line in lines])
    up_tools = set(tools.values_list("pk", flat=True))
    up_comparisons = set(comparisons.values_list("pk", flat=True))
    return [
        (
            line,
            (line.tool_id is None or line.tool_id in up_tools)
            and (line.comparison_id is None or line.comparison_id in up_comparisons),
        )
        for line in lines
    ]


@require_safe
def edition_detail(request: HttpRequest, key: str) -> HttpResponse:
    """The edition as it went out; a comparison taken down since keeps its place, unlinked."""
    edition = get_object_or_404(Edition.objects.visible_to(request.user), key=key)
    items = edition_contents(edition)
    on_site = Comparison.objects.published().filter(pk__in=[i.comparison_id for i in items])
    on_site = set(on_site.values_list("pk", flat=True))
    context = {
        "edition": edition,
        "items": [(i, i.comparison_id in on_site) for i in items],
        "moved": _still_up(edition_moved(edition)),
        "frozen_on": edition.snapshot and snapshot_taken_at(edition.snapshot),
    }
    return render(request, "newsletter/edition.html", context)
