"""What every part of the read-only API shares: slugs, paging and error schemas."""

from ninja import Field, P, PathEx, Schema
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
