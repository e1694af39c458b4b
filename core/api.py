"""What every part of the read-only API shares: slugs, paging and error schemas."""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.urls import URLPattern, reverse
from ninja import Field, NinjaAPI, P, PathEx, Router, Schema
from ninja.pagination import PageNumberPagination

# A slug as the site's own addresses have one. Anything else is a 422 before any lookup:
# PostgreSQL cannot even compare a string holding a NUL character.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = PathEx[str, P(pattern=SLUG_PATTERN, max_length=250)]


class Pagination(PageNumberPagination):
    """Ninja's page numbers, bounded so that no page asks PostgreSQL for an absurd OFFSET."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)


class Error(Schema):
    detail: str


class InvalidInput(Schema):
    """Ninja's answer to query parameters that fail validation (HTTP 422)."""

    detail: list[dict]


def _head_as_get(pattern: URLPattern) -> URLPattern:
    """Ninja finds an operation by the request's method and knows no HEAD: answer HEAD as the
    GET it stands for (the server sends the headers without the body), leaving the OpenAPI
    schema as it is."""
    view = pattern.callback

    @wraps(view)
    def head_or_view(request: HttpRequest, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    pattern.callback = head_or_view
    return pattern


_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
# What any address of the API can answer besides what its operation declares: the site's
# own refusals (core/errors.py, core/middleware.py), in the Error schema, and gunicorn's,
# which it sends before the site sees the request, as plain text.
SERVER_ANSWERS = {
    400: {
        "description": "Malformed request: a Content-Type, charset or body the site cannot "
        "read, or a query with over 1,000 parameters. (The server answers a malformed "
        "request line, header or Content-Length with a plain-text 400 of its own.)",
        "content": _ERROR,
    },
    405: {"description": "Method not allowed: the API only reads", "content": _ERROR},
    414: {"description": "URI too long: the request line passes 4,094 bytes (plain text)"},
    431: {"description": "Request header fields too large: one passes 8,190 bytes, or "
          "there are more than 100 (plain text)"},
}  # fmt: skip


class SiteAPI(NinjaAPI):
    """Ninja, with URL names in the site's style (``api:tool-list``, not ``api:tool_list``),
    answering HEAD wherever it answers GET, and a schema that lists every status it can
    answer."""

    def get_operation_url_name(self, operation, router: Router) -> str:
        return operation.view_func.__name__.replace("_", "-")

    def _get_urls(self) -> list:
        return [_head_as_get(pattern) for pattern in super()._get_urls()]

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in SERVER_ANSWERS.items():
                    operation["responses"].setdefault(status, answer)
        return schema


class Index(Schema):
    openapi: str
    about: str


index = Router()


@index.get("/", response=Index, tags=["api"], summary="Where the API describes itself")
def api_index(request: HttpRequest):
    """What /api/ answers: the address of the OpenAPI schema, which lists every endpoint."""
    return {
        "openapi": f"{settings.SITE_URL}{reverse('api:openapi-json')}",
        "about": "Read-only JSON: tools, the panel's verdicts, comparisons and personas.",
    }
