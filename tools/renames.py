"""Old addresses of renamed tools and categories: a permanent redirect to the current one.

Editors may change a slug; links to the old one live on in sent newsletters, readers'
bookmarks, search engines and other sites. The services keep every old slug (ToolSlug,
CategorySlug), and the views that take a slug answer one with a redirect to the same
view at the current slug.
"""

from collections.abc import Callable
from functools import wraps

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse

from tools.models import Category, OldSlug, Tool


def _slug_stored(row: Model) -> str | None:
    """The slug the database holds for ``row``: its address until the save under way."""
    if row.pk is None:
        return None
    return type(row).objects.filter(pk=row.pk).values_list("slug", flat=True).first()


def renamable_save(row: Model, *, old_slugs: type[OldSlug]) -> Model:
    """For a save service: validate and save ``row``, and when that changes its slug, keep
    the one it had in ``old_slugs`` so its old addresses still lead to it. A slug given
    back is no longer an old one."""
    [owner] = [f.name for f in old_slugs._meta.fields if f.related_model is type(row)]
    row.full_clean()
    before = _slug_stored(row)
    row.save()
    if before is not None and before != row.slug:
        old_slugs.objects.update_or_create(slug=before, defaults={owner: row})
    old_slugs.objects.filter(slug=row.slug, **{owner: row}).delete()
    return row


# (request, old slug) -> the current slug, or None when no row had that slug.
Finder = Callable[[HttpRequest, str], str | None]


def tool_slug_now(request: HttpRequest, slug: str) -> str | None:
    """The current slug of the tool that had ``slug``, if the reader may see that tool."""
    tools = Tool.objects.visible_to(request.user).formerly(slug)
    return tools.values_list("slug", flat=True).first()


def renamed_from(model: type[Model]) -> Finder:
    """The Finder for a model whose manager has ``formerly(slug)`` and no drafts."""

    def slug_now(request: HttpRequest, slug: str) -> str | None:
        return model.objects.formerly(slug).values_list("slug", flat=True).first()

    return slug_now


category_slug_now = renamed_from(Category)


def moved_permanently(request: HttpRequest, **kwargs) -> HttpResponse:
    """The view ``request`` reached, at the URL with ``kwargs`` changed, and the same query.

    301 for GET and HEAD; 308 for other methods, so a vote posted to an old address is
    sent again, as it was, to the new one.
    """
    match = request.resolver_match
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, **kwargs})
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(
        url, preserve_request=request.method not in ("GET", "HEAD")
    )


def category_moved(request: HttpRequest, param: str = "category") -> HttpResponse | None:
    """For a list filtered by ``?category=<slug>``: a permanent redirect to the same list at
    the renamed category's current slug, or None when no category had the slug."""
    current = category_slug_now(request, request.GET.get(param, ""))
    if current is None:
        return None
    query = request.GET.copy()
    query[param] = current
    return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")


def follows_renames(slug_now: Finder):
    """For a view taking ``slug``: where it finds nothing (404) at a slug that a row had
    before, answer a permanent redirect to the same view at the row's current slug.

    The lookup runs only after a 404, so pages at current slugs cost nothing more.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                if (current := slug_now(request, kwargs["slug"])) is None:
                    raise
                return moved_permanently(request, slug=current)
            # An API operation returns data, not a response; a page may answer 404 itself.
            if getattr(response, "status_code", None) == 404 and (
                current := slug_now(request, kwargs["slug"])
            ):
                return moved_permanently(request, slug=current)
            return response

        return wrapper

    return decorate


follows_tool_renames = follows_renames(tool_slug_now)
follows_category_renames = follows_renames(category_slug_now)
