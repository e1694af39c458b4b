"""Error answers in the site's style, for plain requests and htmx requests alike.

A plain request gets the error page. An htmx request gets a notice swapped into the page's
messages region (``#messages`` in base.html) while the part of the page that asked stays as it
was; base.html's htmx-config lets htmx swap these statuses.
"""

from collections.abc import Callable

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views import defaults
from django_htmx.http import reswap


def problem(request: HttpRequest, *, status: int, template: str, message: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = render(request, "_notice.html", {"problem": message}, status=status)
        return reswap(response, "none")
    return render(request, template, {"problem": message}, status=status)


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many requests: django-ratelimit's RATELIMIT_VIEW and allauth's handler429."""
    response = problem(
        request,
        status=429,
        template="429.html",
        message="That's more than we can take at once. Wait a minute, then try again.",
    )
    response["Retry-After"] = "60"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A post the browser says came from another site (Sec-Fetch-Site, or Origin)."""
    return problem(
        request,
        status=403,
        template="403_csrf.html",
        message=(
            "It was sent from a page that isn't Verdicts. "
            "If you meant it, open the form here and send it again."
        ),
    )


# The handlers Django calls for its own 400, 403 and 404 answers: the same pages as before
# for plain requests, a notice for htmx requests, and for the JSON API its Error schema.
API_PREFIX = "/api/"


def _drop_unreadable_form(request: HttpRequest) -> None:
    """Django's error pages read the posted form, for its CSRF token. A body too big, with
    too many fields or malformed would raise again there and turn a 404 into a 500; read
    it once here and, if it cannot be read, treat it as empty, as Django's own 400 does."""
    try:
        request.POST  # noqa: B018
    except (SuspiciousOperation, MultiPartParserError, BadRequest):  # TooManyFields, charsets…
        request.POST = QueryDict()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    _drop_unreadable_form(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Malformed request."}, status=400)
    if getattr(request, "htmx", False):
        return problem(
            request, status=400, template="400.html", message="That request was malformed."
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    _drop_unreadable_form(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    if getattr(request, "htmx", False):
        return problem(request, status=403, template="403.html", message="That isn't open to you.")
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    _drop_unreadable_form(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not Found"}, status=404)
    if getattr(request, "htmx", False):
        message = "We couldn't find that any more. Reload the page to see what's there now."
        return problem(request, status=404, template="404.html", message=message)
    return defaults.page_not_found(request, exception)


def explain_refused_methods(get_response: Callable[[HttpRequest], HttpResponse]):
    """A 405 in the site's style: Django's (``require_POST`` and the like) has no body.

    It keeps the Allow header; a HEAD gets the headers alone, as for any page.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        if request.path.startswith(API_PREFIX):
            styled = JsonResponse({"detail": "Method not allowed"}, status=405)
        else:
            message = "It answers other kinds of request. Go back and try again."
            styled = problem(request, status=405, template="405.html", message=message)
        if "Allow" in response:
            styled["Allow"] = response["Allow"]
        return styled

    return middleware
