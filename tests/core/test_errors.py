"""Error answers: a page in the site's style, or for htmx a notice swapped into #messages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from core import errors
from tests.factories import ToolFactory

pytestmark = pytest.mark.django_db


def request(htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    req = RequestFactory().post("/tools/x/vote/", headers=headers)
    req.htmx = HtmxDetails(req)
    req.user = AnonymousUser()
    return req


@pytest.mark.parametrize(
    ("handler", "exception", "status", "page_text"),
    [
        (errors.bad_request, SuspiciousOperation(), 400, "didn't make sense"),
        (errors.permission_denied, PermissionDenied(), 403, "can't do that here"),
        (errors.page_not_found, Http404(), 404, "Nothing here"),
        (errors.rate_limited, None, 429, "Slow down a little"),
    ],
)
def test_each_error_is_a_page_or_an_htmx_notice(handler, exception, status, page_text):
    page = handler(request(htmx=False), exception)
    assert page.status_code == status
    assert page_text in page.content.decode() and "site-header" in page.content.decode()
    notice = handler(request(htmx=True), exception)
    assert notice.status_code == status
    assert notice["HX-Reswap"] == "none"
    html = notice.content.decode()
    assert html.count('id="messages" hx-swap-oob="innerHTML"') == 1 and "site-header" not in html


def test_csrf_failure_is_a_page_or_an_htmx_notice():
    reason = "Cross-origin request detected via the Sec-Fetch-Site header."
    page = errors.csrf_failure(request(htmx=False), reason=reason)
    assert page.status_code == 403 and "That form came from another site" in page.content.decode()
    notice = errors.csrf_failure(request(htmx=True))
    assert notice.status_code == 403 and "open the form here" in notice.content.decode()


def test_rate_limited_says_when_to_try_again():
    assert errors.rate_limited(request(htmx=False))["Retry-After"] == "60"


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "shift_jis"])
@pytest.mark.parametrize(
    "path",
    ["/tools/sent/vote/", "/tools/sent/bookmark/", "/newsletter/subscribe/", "/accounts/login/"],
)
def test_a_form_in_another_charset_is_a_400_page_not_a_500(client, path, charset):
    """Django refuses a form body that is not UTF-8; the error pages must not read it again."""
    ToolFactory(slug="sent")
    client.raise_request_exception = False
    response = client.post(
        path,
        "value=ship&email=reader%40example.com",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    assert "didn't make sense" in response.content.decode()


@pytest.mark.parametrize("path", ["/tools/sent/vote/", "/newsletter/", "/accounts/login/"])
def test_a_method_a_page_does_not_take_is_a_405_page_keeping_its_allow_header(client, path):
    ToolFactory(slug="sent")
    page = client.generic("DELETE", path)
    assert page.status_code == 405 and page["Allow"]
    html = page.content.decode()
    assert "This address doesn't take that" in html and "site-header" in html
    notice = client.generic("DELETE", path, headers={"HX-Request": "true"})
    assert notice.status_code == 405 and notice["HX-Reswap"] == "none"
    assert 'hx-swap-oob="innerHTML"' in notice.content.decode()


def test_the_api_answers_its_own_errors_in_json(client):
    refused = client.post("/api/tools/")
    assert refused.status_code == 405 and refused.json() == {"detail": "Method not allowed"}
    assert client.get("/api/nothing-here/").json() == {"detail": "Not Found"}
    malformed = client.get("/api/tools/", QUERY_STRING="&".join(["a"] * 1100))
    assert malformed.status_code == 400 and malformed.json() == {"detail": "Malformed request."}
