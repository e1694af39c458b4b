from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from accounts.services import member_weights_save
from core.bidi import isolate
from core.charts import score_histogram
from core.errors import problem
from core.http import HtmxHttpRequest, back_url, per_reader_limit, sign_in_first
from core.pagecache import cached_for_readers
from core.paging import paginate
from core.weights import WeightsRefused
from reviews.forms import VOTE_DONE, VoteForm
from reviews.models import Persona, Review
from reviews.pending import pending_vote_keep
from reviews.services import vote_cast_on
from reviews.weighting import PARAM, refused, weighting_read
from tools.models import Tool
from tools.renames import follows_renames, follows_tool_renames, renamed_from


@require_safe
@cached_for_readers()
def panel(request: HttpRequest) -> HttpResponse:
    personas = Persona.objects.active().with_record()
    return render(request, "reviews/panel.html", {"personas": personas})


@require_safe
@follows_renames(renamed_from(Persona))
@cached_for_readers(query=("page",))
def persona_detail(request: HttpRequest, slug: str) -> HttpResponse:
    persona = get_object_or_404(Persona.objects.with_record(), slug=slug)
    reviews = (
        Review.objects.filter(persona=persona)
        .of_live_tools()
        .select_related("tool__category")
        .order_by("-tool__published_at", "tool__name")
    )
    return render(
        request,
        "reviews/persona_detail.html",
        {
            "persona": persona,
            "histogram": score_histogram(Review.objects.filter(persona=persona).score_bands()),
            **paginate(request, reviews),
        },
    )


@require_POST
@follows_tool_renames
@per_reader_limit("VOTE_RATE_LIMIT")
def tool_vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    form = VoteForm(request.POST)
    if not request.user.is_authenticated or not form.is_valid():
        tool = get_object_or_404(Tool.objects.published(), slug=slug)
        if request.user.is_authenticated:
            message = form.errors["value"][0]
            return problem(request, status=400, template="400.html", message=message)
        if form.is_valid():
            pending_vote_keep(request, tool=tool, value=form.cleaned_data["value"])
        back = back_url(request, tool.get_absolute_url())
        return sign_in_first(request, f"{back}#tool-{tool.slug}")
    try:  # the tool is found and locked with the vote's own query
        tool, vote = vote_cast_on(member=request.user, slug=slug, value=form.cleaned_data["value"])
    except Tool.DoesNotExist:
        raise Http404("No such tool.") from None
    back = back_url(request, tool.get_absolute_url())
    tool.reader_vote = vote.value if vote else None
    done = VOTE_DONE[tool.reader_vote].format(tool=isolate(tool.name))
    if request.htmx:
        response = render(request, "reviews/vote_cast.html", {"tool": tool, "done": done})
        return trigger_client_event(response, "community-changed")  # e.g. the pick refreshes
    messages.success(request, done)
    return redirect(f"{back}#tool-{tool.slug}")


KEPT = "Your weights are kept: pages you open without weights in the address use them."
FORGOTTEN = "Your weights are forgotten: pages show the panel's own again."


@require_POST
def weights_keep(request: HtmxHttpRequest) -> HttpResponse:
    """Keep a member's weights for the panel (``w`` as the pages' addresses spell them), or
    forget them (``w`` empty), then go back to the page they were on."""
    back = back_url(request, "/")
    if not request.user.is_authenticated:
        return sign_in_first(request, back)
    forget = request.POST.getlist(PARAM) in ([], [""])
    try:
        weighting = None if forget else weighting_read(request, Persona.objects.active())
    except WeightsRefused as reason:
        return refused(request, reason)
    kept = "" if weighting is None or not weighting.reweighted else weighting.canonical
    member_weights_save(member=request.user, weights=kept)
    messages.success(request, KEPT if kept else FORGOTTEN)
    return redirect(back)
