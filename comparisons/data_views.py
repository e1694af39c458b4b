"""The open data and what agents read first: /data/, its exports, and /llms.txt.

The Markdown twins of the tool and comparison pages sit beside those pages, in views.py.
"""

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_safe

from comparisons import markdown
from comparisons.models import Comparison
from comparisons.opendata import (
    EXPORTS,
    FORMATS,
    LICENCE,
    LICENCE_URL,
    Snapshot,
    citation,
    csv_stream,
    json_stream,
)
from core import httpcache
from core.pagecache import CONTENT, cached_for_readers
from tools.models import Tool

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8; header=present",
    "json": "application/json; charset=utf-8",
}
STREAMS = {"csv": csv_stream, "json": json_stream}


@require_safe
@cached_for_readers()
def open_data(request: HttpRequest) -> HttpResponse:
    exports = [
        {
            "name": export.name,
            "title": export.title,
            "about": export.about,
            "columns": export.columns,
            "rows_now": export.count(),
            "csv": export.path("csv"),
            "json": export.path("json"),
        }
        for export in EXPORTS.values()
    ]
    now, verdicts = timezone.now(), EXPORTS["verdicts"]
    example = citation(
        verdicts,
        as_of="<the file's as-of time>",
        year=now.year,
        url=f"{settings.SITE_URL}{verdicts.path('csv')}",
    )
    context = {
        "exports": exports,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "example_citation": example,
        "methodology": reverse("comparisons:methodology"),
    }
    return render(request, "comparisons/open_data.html", context)


@require_safe
def data_export(request: HttpRequest, dataset: str, format: str) -> HttpResponseBase:
    """One export, streamed as it is read (comparisons/opendata.py). Not kept in the page
    cache, which holds whole pages: the HTTP cache in front keeps it instead, told by the
    same versions as the pages that show its figures."""
    export = EXPORTS.get(dataset)
    if export is None or format not in FORMATS:
        raise Http404("No such export.")
    if request.GET:  # as for the pages: a made-up query is no file of its own (core/pagecache)
        return HttpResponsePermanentRedirect(escape_uri_path(request.path))
    snapshot = Snapshot(export, format, timezone.now())
    if request.method == "HEAD":  # the headers alone, without reading a row
        response = HttpResponse(content_type=CONTENT_TYPES[format])
    else:
        stream = STREAMS[format](snapshot, export.stream())
        response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'inline; filename="{export.name}.{format}"'
    response["Data-As-Of"] = snapshot.stamp
    response["Data-Licence"] = f"{LICENCE} {LICENCE_URL}"
    response["Data-Citation"] = snapshot.citation
    data_page = f"{settings.SITE_URL}{reverse('comparisons:open-data')}"
    response["Link"] = f'<{LICENCE_URL}>; rel="license", <{data_page}>; rel="describedby"'
    return httpcache.streamed(response, [CONTENT, *export.depends])


@require_safe
@cached_for_readers()
def llms_txt(request: HttpRequest) -> HttpResponse:
    """The site for language models (llmstxt.org): what it is, and where the Markdown is."""
    listed = markdown.LLMS_LISTED
    comparisons = Comparison.objects.published().with_tools().newest_first()[:listed]
    tools = Tool.objects.published().newest_first()[:listed]
    text = markdown.llms_txt(comparisons, tools)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
