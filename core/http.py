"""Where a reader goes after a form post: back to the page they were on."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails
from django_ratelimit.decorators import ratelimit

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
    """
    return ratelimit(
        key="user_or_ip", rate=lambda group, request: getattr(settings, setting), block=True
    )
