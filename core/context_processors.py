from django.conf import settings
from django.http import HttpRequest
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils.functional import SimpleLazyObject

from core.pagecache import CSRF_PLACEHOLDER, NONCE_PLACEHOLDER


def site(request: HttpRequest) -> dict:
    return {"SITE_URL": settings.SITE_URL}


def per_request_secrets(request: HttpRequest) -> dict:
    """The CSRF token and CSP nonce, or placeholders when the page is rendered for the cache.

    Replaces what Django's csrf and csp context processors give (it runs after them).
    """
    if getattr(request, "render_placeholders", False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER}
    return {
        "csrf_token": SimpleLazyObject(lambda: get_token(request)),
        "csp_nonce": get_nonce(request),
    }
