from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from core.pagecache import uncacheable


def paginate(request: HttpRequest, items, per_page: int | None = None) -> dict:
    """The requested page of ``items`` and the query string the page links keep.

    A page number past the end shows the last page; one that is not a number
    shows the first, so a hand-edited URL never errors; neither is kept in the page cache,
    so that made-up numbers cannot fill it.
    """
    asked = request.GET.get("page")
    page: Page = Paginator(items, per_page or settings.PAGE_SIZE).get_page(asked)
    if asked is not None and asked != str(page.number):
        uncacheable(request)
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
