"""The Content Security Policy allows no inline script or style, and the pages need none.

It names no nonce either: the header and the pages are the same for every reader."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/compare/",
    "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/",
    "/compare/?tools=smolvlm2,ollama,vllm",
    "/tools/",
    "/tools/smolvlm2-turbo/",
    "/categories/",
    "/categories/developer-tools/",
    "/panel/",
    "/panel/founder/",
    "/top/",
    "/no-such-page/",
]


def test_policy_forbids_inline_code(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["script-src"] == "'self'"  # no nonce: the same policy for everyone
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_script_or_style(client, demo, url):
    response = client.get(url)
    html = response.content.decode()
    assert " style=" not in html and "<style" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag:
            assert 'src="/static/' in tag, tag
        else:
            assert 'type="application/ld+json"' in tag, tag  # data, never run
        assert "nonce" not in tag, tag
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers
    assert '"includeIndicatorStyles": false' in html  # htmx adds no inline style either


def test_the_policy_is_the_same_for_every_request(client):
    policies = {client.get(url)["Content-Security-Policy"] for url in ["/", "/", "/tools/"]}
    assert len(policies) == 1 and "nonce" not in policies.pop()
