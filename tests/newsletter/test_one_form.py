"""One subscribe form a page, its label in view (two used to stack at the foot of most pages)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import ComparisonFactory, EditionFactory

pytestmark = pytest.mark.django_db

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


def subscribe_forms(html: str) -> list[str]:
    return re.findall(r'<form class="subscribe subscribe--(\w+)"', html)


def test_each_page_has_one_subscribe_form(client):
    comparison = ComparisonFactory()
    moment = timezone.now() - dt.timedelta(days=1)
    edition = EditionFactory(status="sent", started_at=moment, sent_at=moment)
    edition.comparisons.add(comparison)
    pages = ["/", comparison.get_absolute_url(), "/tools/", "/compare/", "/newsletter/"]
    for path in [*pages, edition.get_absolute_url()]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(subscribe_forms(response.content.decode())) == 1, path


def test_the_footer_forms_label_is_shown():
    css = STYLESHEET.read_text()
    assert not re.search(r"\.subscribe--footer label\s*\{[^}]*(clip|position:\s*absolute)", css)
