"""What the emails say and carry, built without sending them."""

import re

import pytest

from newsletter.emails import EditionContent, confirmation_message, edition_message
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(reviewed_comparison):
    return EditionFactory(comparisons=[reviewed_comparison], subject="This week: two vision models")


def build(edition, subscriber=None, delivery_id=7):
    subscriber = subscriber or SubscriberFactory(email="ann@example.com")
    message = edition_message(
        content=EditionContent.load(edition), subscriber=subscriber, delivery_id=delivery_id
    )
    return subscriber, message, message.message()


def test_the_edition_has_a_plain_text_and_an_inlined_html_part(edition):
    _, message, mime = build(edition)
    assert mime.get_content_type() == "multipart/alternative"
    [html] = [
        part.get_content() for part in mime.iter_parts() if part.get_content_subtype() == "html"
    ]
    assert message.body and html
    # Styles sit on the elements; only the @media rule is left in a <style> block.
    assert re.search(r'<table[^>]*class="sheet"[^>]*style="[^"]*width: ?600px', html)
    [style] = re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)
    assert style.strip().startswith("@media")
    assert 'role="presentation"' in html  # a table layout mail clients render


def test_each_comparison_shows_both_panel_verdicts_the_pick_and_a_link(
    edition, reviewed_comparison
):
    _, message, _ = build(edition)
    html = message.alternatives[0].content
    url = f"https://verdicts.example{reviewed_comparison.get_absolute_url()}"
    a, b = reviewed_comparison.tool_a, reviewed_comparison.tool_b
    for part in (html, message.body):
        assert reviewed_comparison.title in part
        assert url in part
        assert "Ship · 4 ship / 0 skip" in part and "Ship · 3 ship / 1 skip" in part
        assert f"ship with {a.name}. Higher panel ship rate: 100% against 75%." in part
        assert "A small model against a big one." in part
        assert a.name in part and b.name in part
    assert "100% panel ship · 80/100" in html
    assert "(75% panel ship, 70/100)" in message.body


def test_the_edition_links_its_web_version_the_archive_and_the_reader_s_unsubscribe(edition):
    subscriber, message, _ = build(edition)
    web = f"https://verdicts.example/newsletter/{edition.key}/"
    unsubscribe = f"https://verdicts.example/newsletter/unsubscribe/{subscriber.token}/"
    for part in (message.alternatives[0].content, message.body):
        assert web in part
        assert unsubscribe in part
        assert "https://verdicts.example/newsletter/" in part


def test_the_edition_carries_one_click_unsubscribe_headers(edition):
    subscriber, _, mime = build(edition, delivery_id=42)
    assert mime["To"] == "ann@example.com"
    assert mime["Subject"] == "This week: two vision models"
    assert mime["List-Unsubscribe"] == (
        f"<https://verdicts.example/newsletter/unsubscribe/{subscriber.token}/>"
    )
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mime["List-Id"] == "Verdicts weekly <weekly.verdicts.example>"
    assert mime["Message-ID"] == f"<edition-{edition.pk}.delivery-42@verdicts.example>"


def test_reader_text_is_escaped_in_html(edition, reviewed_comparison):
    reviewed_comparison.editor_note = "<script>alert(1)</script> & more"
    reviewed_comparison.save()
    _, message, _ = build(edition)
    assert "<script>" not in message.alternatives[0].content
    assert "&lt;script&gt;" in message.alternatives[0].content
    assert "<script>alert(1)</script> & more" in message.body  # plain text is plain


def test_a_comparison_taken_down_since_is_left_out(edition, reviewed_comparison):
    reviewed_comparison.status = "draft"
    reviewed_comparison.save()
    _, message, _ = build(edition)
    assert reviewed_comparison.title not in message.body


def test_the_confirmation_email_carries_the_signed_link_and_no_list_headers():
    subscriber = SubscriberFactory(pending=True, email="ann@example.com")
    mime = confirmation_message(subscriber=subscriber).message()
    text = mime.get_body(("plain",)).get_content()
    html = mime.get_body(("html",)).get_content()
    [link] = re.findall(r"https://verdicts\.example/newsletter/confirm/\S+/", text)
    assert f'href="{link}"' in html
    assert str(subscriber.token) in link  # signed, not hidden: the signature is the secret
    assert mime["List-Unsubscribe"] is None


def test_one_rendering_serves_every_reader_with_their_own_unsubscribe_link(edition):
    content = EditionContent.load(edition)
    ann, bob = SubscriberFactory(), SubscriberFactory()
    first = edition_message(content=content, subscriber=ann, delivery_id=1)
    second = edition_message(content=content, subscriber=bob, delivery_id=2)
    for message, reader, other in [(first, ann, bob), (second, bob, ann)]:
        html = message.alternatives[0].content
        assert str(reader.token) in message.body and str(reader.token) in html
        assert str(other.token) not in message.body + html
        assert "placeholder" not in message.body + html
        assert str(reader.token) in message.extra_headers["List-Unsubscribe"]
    assert first.body.replace(str(ann.token), "") == second.body.replace(str(bob.token), "")
