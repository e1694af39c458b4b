"""A light page: one small stylesheet, system fonts, htmx the only script, nothing fetched from
another site, and in production static files compressed and named by their content."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
STYLESHEET = ROOT / "static" / "css" / "site.css"


def test_the_stylesheet_stays_under_33_kb():
    assert STYLESHEET.stat().st_size < 33_000


def test_the_stylesheet_uses_system_fonts_and_fetches_nothing():
    css = STYLESHEET.read_text()
    assert "@font-face" not in css and "@import" not in css
    assert "url(" not in css  # no font, image or sheet to fetch
    assert re.search(r"--font: system-ui,", css)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/", "/tools/", "/panel/builder/"]
)
def test_pages_load_only_this_sites_files_and_only_htmx_runs(client, demo, url):
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert scripts == [f"{settings.STATIC_URL}js/htmx.min.js"]
    # Everything the browser fetches by itself comes from this site (a canonical or alternate
    # link is only an address, never fetched).
    loads = [
        re.search(r"\b(?:href|src)=\"([^\"]+)\"", tag).group(1)
        for tag in re.findall(r"<(?:link|script|img|source|iframe|video|audio)\b[^>]*>", html)
        if re.search(r"\b(?:href|src)=", tag) and not re.search(r'rel="(canonical|alternate)"', tag)
    ]
    assert loads and all(u.startswith("/") and not u.startswith("//") for u in loads), loads


@pytest.mark.django_db
def test_pages_go_out_gzipped_to_browsers_that_take_it(client, demo):
    url = "/compare/smolvlm2-turbo-vs-mistral-8x22b-v2/"
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert b"<h1>SmolVLM2 Turbo vs Mistral 8x22B v2</h1>" in gzip.decompress(packed.content)


# Run in a fresh interpreter with production's environment, so settings.py picks its storage
# as a real deployment would; STATIC_ROOT goes to a scratch folder.
PRODUCTION_SCRIPT = """
import json, sys
import django
from django.conf import settings
django.setup()
settings.STATIC_ROOT = sys.argv[1]
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
page = client.get("/no-such-page/", secure=True).content.decode()
css = next(part for part in page.split('"') if part.startswith("/static/css/"))
asset = client.get(css, secure=True, HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "page": page,
    "css_status": asset.status_code,
    "css_encoding": asset.get("Content-Encoding"),
    "css_cache": asset.get("Cache-Control"),
}))
"""


def test_production_serves_compressed_static_files_named_by_their_content(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-production-static",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://verdicts.example",
    }
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    css = re.search(r'href="/static/(css/site\.([0-9a-f]{12})\.css)"', found["page"])
    htmx = re.search(r'src="/static/(js/htmx\.min\.[0-9a-f]{12}\.js)"', found["page"])
    assert css and htmx, "production pages link hashed static files"
    assert (tmp_path / css.group(1)).read_bytes() == STYLESHEET.read_bytes()
    assert all((tmp_path / f"{m.group(1)}.gz").exists() for m in (css, htmx))
    # whitenoise sends the compressed copy, to be kept for good: its name changes with it.
    assert (found["css_status"], found["css_encoding"]) == (200, "gzip")
    assert "immutable" in found["css_cache"] and "max-age=315360000" in found["css_cache"]
