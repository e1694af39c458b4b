"""The Content Security Policy allows no inline script or style, and the pages need none."""

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
    assert re.fullmatch(r"'self' 'nonce-[\w-]+'", directives["script-src"])
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_script_or_style(client, demo, url):
    response = client.get(url)
    html = response.content.decode()
    nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"]).group(1)
    assert " style=" not in html and "<style" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag:
            assert 'src="/static/' in tag, tag
        else:
            assert 'type="application/ld+json"' in tag, tag
        assert f'nonce="{nonce}"' in tag, tag
    assert re.search(r"\son[a-z]+=", html) is None  # no inline event handlers
    assert '"includeIndicatorStyles": false' in html  # htmx adds no inline style either
