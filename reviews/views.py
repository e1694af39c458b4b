from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from reviews.models import Persona, Review
from verdicts.charts import score_histogram
from verdicts.paging import paginate


@require_GET
def panel(request: HttpRequest) -> HttpResponse:
    personas = Persona.objects.active().with_record()
    return render(request, "reviews/panel.html", {"personas": personas})


@require_GET
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
