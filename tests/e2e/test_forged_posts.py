"""A real browser, signed in, on another site whose page posts the site's vote and sign-out
forms: Chromium says ``Sec-Fetch-Site: cross-site`` and the site refuses both, while the
same forms on the site's own pages work, without JavaScript and with htmx."""

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Vote
from tests.e2e.test_sign_in_to_vote import sign_in_here
from tests.factories import ComparisonFactory, ToolFactory, UserFactory


@pytest.fixture
def comparison(transactional_db):
    alpha = ToolFactory(name="Alpha Model", slug="alpha-model")
    beta = ToolFactory(name="Beta Model", slug="beta-model", category=alpha.category)
    return ComparisonFactory(tool_a=alpha, tool_b=beta)


@pytest.fixture
def other_site(site) -> Iterator[str]:
    """Another origin (the other loopback name than the live server's, so another site to the
    browser) serving one page with the site's vote and sign-out forms, as a forger would."""
    target = urlsplit(site)
    host = "127.0.0.1" if target.hostname == "localhost" else "localhost"
    page = (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="{site}/tools/beta-model/vote/">'
        '<input type="hidden" name="value" value="ship"><button>Claim your prize</button></form>'
        f'<form method="post" action="{site}/accounts/logout/"><button>Close this</button></form>'
    ).encode()

    class Forger(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Forger)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"], ids=["htmx", "no-js"])
def test_a_vote_posted_from_another_site_is_refused_and_one_from_the_site_counts(
    request, comparison, other_site, browser_page, browser_errors
):
    page: Page = request.getfixturevalue(browser_page)
    member = UserFactory(verified=True)
    url = comparison.get_absolute_url()
    page.goto(f"/accounts/login/?next={url}")
    sign_in_here(page, member)
    expect(page).to_have_url(re.compile(f"{url}$"))

    page.goto(other_site)
    with page.expect_request(re.compile(r"/tools/beta-model/vote/$")) as sent:
        page.get_by_role("button", name="Claim your prize").click()
    assert sent.value.all_headers()["sec-fetch-site"] == "cross-site"
    expect(page.get_by_role("heading", level=1)).to_have_text("That form came from another site")
    assert not Vote.objects.exists()

    page.goto(other_site)
    page.get_by_role("button", name="Close this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("That form came from another site")

    assert browser_errors == ["Failed to load resource: the server responded with a status "
                              "of 403 (Forbidden)"] * 2  # fmt: skip
    browser_errors.clear()

    page.goto(url)  # still signed in: the forged sign-out did nothing
    expect(page.locator('form[action="/accounts/logout/"]')).to_be_attached()
    card = page.locator("#tool-beta-model")
    with page.expect_request(re.compile(r"/tools/beta-model/vote/$")) as sent:
        card.get_by_role("button", name="Ship").click()
    assert sent.value.all_headers()["sec-fetch-site"] == "same-origin"
    expect(card.get_by_role("button", name="Ship")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("#community-figure-beta-model")).to_have_text(
        "100% ship · Preliminary (1 of 10 votes)"
    )
    assert Vote.objects.get(member=member).value == "ship"
