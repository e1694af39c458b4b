"""Forged posts are refused by what the browser says of where they come from (Fetch
metadata), not by a token: pages carry none, and no csrftoken cookie is ever set.

A post is refused when Sec-Fetch-Site says another site (cross-site, same-site) or, from a
browser too old to send it, when Origin names another origin; a page of the site, a
typed-in or bookmarked request (``none``) and a client that sends neither header may act.
Every client here is held to the checks (``enforce_csrf_checks``), as a browser is.
"""

import pytest
from django.test import Client

from newsletter.models import Subscriber
from reviews.models import Vote
from tests.factories import PASSWORD, ComparisonFactory, ToolFactory, UserFactory
from tools.models import Category, Tool

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example"

ALLOWED = {
    "a page of the site": {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    "typed in or bookmarked": {"Sec-Fetch-Site": "none"},
    "an old browser, on the site": {"Origin": "http://testserver"},
    "no browser at all": {},
}
REFUSED = {
    "another site": {"Sec-Fetch-Site": "cross-site", "Origin": EVIL},
    "another site, Origin hidden": {"Sec-Fetch-Site": "cross-site"},
    "a sibling subdomain": {"Sec-Fetch-Site": "same-site", "Origin": "http://a.testserver"},
    "an old browser, on another site": {"Origin": EVIL},
    "a page with no origin (sandboxed, or redirected)": {"Origin": "null"},
    "another scheme of the same host": {"Origin": "https://testserver"},
}


@pytest.fixture
def tool():
    return ComparisonFactory(tool_a=ToolFactory(slug="alpha")).tool_a


def member_browser(member) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    return browser


@pytest.mark.parametrize("headers", ALLOWED.values(), ids=ALLOWED.keys())
def test_a_vote_from_the_site_or_from_no_browser_counts(member, tool, headers):
    response = member_browser(member).post("/tools/alpha/vote/", {"value": "ship"}, headers=headers)
    assert response.status_code == 302
    assert Vote.objects.get().value == "ship"
    assert Tool.objects.get(pk=tool.pk).community_ships == 1


@pytest.mark.parametrize("headers", REFUSED.values(), ids=REFUSED.keys())
def test_a_vote_from_another_origin_is_a_403_page_and_not_counted(member, tool, headers):
    response = member_browser(member).post("/tools/alpha/vote/", {"value": "ship"}, headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "That form came from another site" in html and "site-header" in html
    assert not Vote.objects.exists()
    assert Tool.objects.get(pk=tool.pk).community_ships == 0


def test_an_htmx_vote_from_another_site_is_a_notice(member, tool):
    response = member_browser(member).post(
        "/tools/alpha/vote/",
        {"value": "ship"},
        headers={"HX-Request": "true", "Sec-Fetch-Site": "cross-site", "Origin": EVIL},
    )
    assert response.status_code == 403 and response["HX-Reswap"] == "none"
    assert "open the form here" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_trusted_origin_may_post_across_sites(member, tool, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://verdicts.example"]
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://verdicts.example"}
    response = member_browser(member).post("/tools/alpha/vote/", {"value": "ship"}, headers=headers)
    assert response.status_code == 302 and Vote.objects.count() == 1


def test_reading_is_never_refused_whoever_links_to_the_page(tool):
    response = Client(enforce_csrf_checks=True).get(
        "/tools/alpha/", headers={"Sec-Fetch-Site": "cross-site", "Origin": EVIL}
    )
    assert response.status_code == 200


# Every form of the site, its own, allauth's and the admin's: refused from another site.
FORMS = [
    ("/newsletter/subscribe/", {"email": "ada@example.com"}, False),
    ("/accounts/login/", {"login": "ada@example.com", "password": PASSWORD}, False),
    ("/accounts/signup/", {"email": "new@example.com", "password1": "plenty-of-words-99"}, False),
    ("/accounts/password/reset/", {"email": "ada@example.com"}, False),
    ("/accounts/logout/", {}, True),
    ("/accounts/password/change/", {"oldpassword": PASSWORD}, True),
    ("/accounts/email/", {"email": "other@example.com", "action_add": ""}, True),
    ("/tools/alpha/bookmark/", {}, False),
    ("/admin/logout/", {}, True),
]


@pytest.mark.parametrize(("path", "data", "signed_in"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_refuses_a_post_from_another_site(tool, path, data, signed_in):
    member = UserFactory(email="ada@example.com", verified=True, is_staff=True)
    browser = member_browser(member) if signed_in else Client(enforce_csrf_checks=True)
    response = browser.post(path, data, headers={"Sec-Fetch-Site": "cross-site", "Origin": EVIL})
    assert response.status_code == 403
    assert "That form came from another site" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert ("_auth_user_id" in browser.session) == signed_in  # nobody signed in or out
    assert not browser.cookies.get("csrftoken")


@pytest.mark.parametrize("headers", [ALLOWED["a page of the site"], REFUSED["another site"]])
def test_the_admin_takes_its_forms_from_its_pages_only(headers):
    """The admin's views are wrapped in Django's csrf_protect, which checks a token whatever
    the middleware list says: the middleware's decision stands for it, both ways."""
    browser = member_browser(UserFactory(is_staff=True, is_superuser=True))
    form = browser.get("/admin/tools/category/add/")
    assert b"csrfmiddlewaretoken" not in form.content and not form.cookies
    data = {"name": "Agents", "slug": "agents", "description": "", "order": "0"}
    response = browser.post("/admin/tools/category/add/", data, headers=headers)
    forged = headers is REFUSED["another site"]
    assert response.status_code == (403 if forged else 302)
    assert Category.objects.filter(slug="agents").exists() != forged
    signed_out = browser.post("/admin/logout/", headers=headers)
    assert signed_out.status_code == (403 if forged else 200)
    assert ("_auth_user_id" in browser.session) == forged
    assert "csrftoken" not in browser.cookies


def test_a_member_signs_in_without_a_token_and_gets_no_csrf_cookie():
    UserFactory(email="ada@example.com", verified=True)
    browser = Client(enforce_csrf_checks=True)
    assert b"csrfmiddlewaretoken" not in browser.get("/accounts/login/").content
    response = browser.post(
        "/accounts/login/",
        {"login": "ada@example.com", "password": PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302 and "_auth_user_id" in browser.session
    assert "csrftoken" not in browser.cookies


@pytest.mark.parametrize(
    "path", ["/", "/tools/", "/tools/alpha/", "/accounts/login/", "/accounts/signup/",
             "/newsletter/subscribe/"],
)  # fmt: skip
def test_no_page_sets_a_cookie_or_carries_a_token_for_a_reader(tool, path, settings):
    settings.PAGE_CACHE_ENABLED = False  # each one rendered for this request
    response = Client(enforce_csrf_checks=True).get(path)
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "nonce" not in html and "nonce" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("cached", [True, False], ids=["page cache", "rendered each time"])
def test_two_readers_get_the_same_bytes_of_the_comparison_page(tool, settings, cached):
    settings.PAGE_CACHE_ENABLED = cached
    url = tool.comparisons_as_a.get().get_absolute_url()
    first, second = (Client(enforce_csrf_checks=True).get(url) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "Set-Cookie" not in first and "Set-Cookie" not in second
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
