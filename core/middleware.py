"""Requests no view should see."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


def refuse_nul_characters(get_response: Callable[[HttpRequest], HttpResponse]):
    """A NUL character in the path or the query string is a 400, before any view runs.

    PostgreSQL cannot store or compare NUL, so a lookup with one (a slug in an API path,
    a category in a filter) fails as a 500; no address on the site has a use for it.
    Forms refuse it on their own (Django's ProhibitNullCharactersValidator); the API checks
    its own parameters and answers 422, as its schema says.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return get_response(request)
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            raise BadRequest("NUL character in the address")
        return get_response(request)

    return middleware
