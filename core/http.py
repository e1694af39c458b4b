"""Where a reader goes after a form post: back to the page they were on."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails
from django_ratelimit import ALL
from django_ratelimit import core as ratelimit_core
from django_ratelimit.exceptions import Ratelimited

from core import ownparts


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def back_url(request: HtmxHttpRequest, fallback: str) -> str:
    """The page the form was posted from: its ``next`` field, else the Referer, as a path.

    Only a URL on this site counts, so a crafted ``next`` cannot send a reader elsewhere.
    """
    for candidate in (request.POST.get("next"), request.headers.get("referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(candidate)
            if parts.path.startswith("/"):
                return parts.path + (f"?{parts.query}" if parts.query else "")
    return fallback


def page_path(request: HtmxHttpRequest) -> str:
    """The path of the page the reader is on: for htmx, the one it says it swaps into.

    django-htmx parses the HX-Current-URL header as it is sent, so one that is no URL
    (``http://[::1``) raised ValueError in the template; it counts as naming no page.
    A page rendered as a shell, for everyone, is the page its address names.
    """
    htmx = getattr(request, "htmx", None)
    # A shell is everyone's (core/ownparts.py): not the page its first reader was on.
    if htmx is not None and not ownparts.rendering_shell(request):
        try:
            if current := htmx.current_url_abs_path:
                return current
        except ValueError:
            pass
    return request.get_full_path()


def sign_in_first(request: HtmxHttpRequest, next_url: str) -> HttpResponse:
    """Send a signed-out reader to sign in, and from there back to ``next_url``."""
    url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def per_reader_limit(setting: str):
    """A POST view's rate limit per member, or per address when signed out: a flood is a 429.

    The rate is ``settings.<setting>`` ("30/m"), read per request so that it can be changed.
    The windows, keys, addresses and RATELIMIT_ENABLE are django-ratelimit's, as for the
    site's other limits; the counting differs: one round trip to Redis
    (``ResilientClient.count``) where the library's takes two, on the views a member sends
    most. While Redis does not answer, the limit lets requests through, as
    RATELIMIT_FAIL_OPEN has it for the site's other limits.
    """

    def decorate(view):
        group = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs):
            if not getattr(settings, "RATELIMIT_ENABLE", True):  # as the library's own
                return view(request, *args, **kwargs)
            rate = getattr(settings, setting)
            limit, period = ratelimit_core._split_rate(rate)
            reader = ratelimit_core._SIMPLE_KEYS["user_or_ip"](request)
            window = ratelimit_core._get_window(reader, period)
            key = ratelimit_core._make_cache_key(group, window, rate, reader, ALL)
            count = cache.client.count(key, period + ratelimit_core.EXPIRATION_FUDGE)
            if count is not None and count > limit:
                raise Ratelimited()  # RatelimitMiddleware answers it with RATELIMIT_VIEW
            return view(request, *args, **kwargs)

        return limited

    return decorate
