"""Joining and leaving the list: the subscribe form, confirmation, unsubscribing."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.db import IntegrityError
from django.utils import timezone

from newsletter import links
from newsletter.models import Subscriber
from newsletter.sending import subscriber_send_confirmation
from newsletter.services import (
    InvalidConfirmation,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)
from tests.factories import ComparisonFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mail(smtp_server, eager_celery, django_capture_on_commit_callbacks):
    """Run what is queued on commit, here and now, and show what the SMTP server got."""

    class Mail:
        sink = smtp_server.sink

        def __call__(self, action):
            with django_capture_on_commit_callbacks(execute=True):
                return action()

    return Mail()


def confirm_link(received) -> str:
    [link] = re.findall(r"https://verdicts\.example(/newsletter/confirm/\S+/)", received.text)
    assert link in received.html
    return link


# The form on the site


@pytest.mark.parametrize("url", ["/", "/newsletter/subscribe/"])
def test_pages_carry_the_subscribe_form_and_the_footer_links_the_archive(client, url):
    html = client.get(url).content.decode()
    assert 'action="/newsletter/subscribe/"' in html
    assert 'hx-post="/newsletter/subscribe/"' in html
    assert 'name="website"' in html  # the honeypot
    if url == "/":
        assert html.count('action="/newsletter/subscribe/"') == 1  # the box; the footer has none
        assert 'href="/newsletter/"' in html  # the footer still links the archive


def test_comparison_pages_carry_the_subscribe_box(client):
    comparison = ComparisonFactory()
    html = client.get(comparison.get_absolute_url()).content.decode()
    assert 'id="newsletter-heading"' in html
    assert 'id="subscribe-box-email"' in html and 'id="subscribe-footer-email"' not in html


def test_subscribing_without_javascript_redirects_to_a_thank_you_page(client, mail):
    response = mail(lambda: client.post("/newsletter/subscribe/", {"email": "ann@example.com"}))

    assert response.status_code == 302
    assert response["Location"] == "/newsletter/subscribe/thanks/"
    assert "check your inbox" in client.get(response["Location"]).content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_sent_at is not None
    [received] = mail.sink.to("ann@example.com")
    assert received.message["Subject"] == "Confirm your Verdicts weekly subscription"


def test_subscribing_with_htmx_swaps_in_the_answer_alone(client, mail):
    response = mail(
        lambda: client.post(
            "/newsletter/subscribe/", {"email": "ann@example.com", "place": "footer"}, **HTMX
        )
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="subscribe-answer" role="status">')
    assert "<html" not in html and "<form" not in html
    assert len(mail.sink.to("ann@example.com")) == 1


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address."),
        ("not-an-address", "isn&#x27;t an email address we can write to"),
        ("ann@", "isn&#x27;t an email address we can write to"),
        ("a" * 250 + "@example.com", "longer than any we can write to"),
    ],
)
def test_an_invalid_address_gets_a_clear_error_in_the_form(client, email, error):
    page = client.post("/newsletter/subscribe/", {"email": email})
    fragment = client.post("/newsletter/subscribe/", {"email": email, "place": "footer"}, **HTMX)

    assert page.status_code == 200 and fragment.status_code == 200
    assert "<html" in page.content.decode()
    html = fragment.content.decode()
    assert html.lstrip().startswith('<form class="subscribe subscribe--footer"')
    assert 'class="field-error"' in html and 'aria-invalid="true"' in html
    assert error in html and error in page.content.decode()
    assert not Subscriber.objects.exists()


def test_the_honeypot_gets_the_same_answer_and_nothing_happens(client, mail):
    response = mail(
        lambda: client.post(
            "/newsletter/subscribe/",
            {"email": "bot@example.com", "website": "http://spam.example"},
            **HTMX,
        )
    )
    assert "check your inbox" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert mail.sink.received == []


def test_subscribing_again_sends_at_most_one_confirmation_an_hour(client, mail):
    for _ in range(3):
        response = mail(
            lambda: client.post("/newsletter/subscribe/", {"email": "ann@example.com"}, **HTMX)
        )
        assert "check your inbox" in response.content.decode()
    assert len(mail.sink.to("ann@example.com")) == 1

    Subscriber.objects.update(confirmation_sent_at=timezone.now() - dt.timedelta(minutes=61))
    mail(lambda: client.post("/newsletter/subscribe/", {"email": "ANN@example.com"}, **HTMX))
    assert len(mail.sink.to("ann@example.com")) == 2
    assert Subscriber.objects.count() == 1  # the address, whatever its case


def test_an_active_address_gets_the_same_answer_and_no_email(client, mail):
    SubscriberFactory(email="ann@example.com")
    response = mail(
        lambda: client.post("/newsletter/subscribe/", {"email": "Ann@Example.com"}, **HTMX)
    )
    assert "check your inbox" in response.content.decode()
    assert mail.sink.received == []
    assert Subscriber.objects.get().status == Subscriber.Status.ACTIVE


def test_subscribing_is_rate_limited_per_address_of_the_sender(client, settings, mail):
    settings.NEWSLETTER_SUBSCRIBE_RATE = "3/h"
    for n in range(3):
        response = mail(lambda n=n: client.post("/newsletter/subscribe/", {"email": f"{n}@x.io"}))
        assert response.status_code == 302

    refused = client.post("/newsletter/subscribe/", {"email": "late@x.io"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Slow down a little" in html and "<html" in html
    as_htmx = client.post("/newsletter/subscribe/", {"email": "late@x.io"}, **HTMX)
    assert "Slow down a little" in as_htmx.content.decode()
    assert not Subscriber.objects.filter(email="late@x.io").exists()

    elsewhere = client.post(
        "/newsletter/subscribe/", {"email": "late@x.io"}, REMOTE_ADDR="192.0.2.7"
    )
    assert elsewhere.status_code == 302


def test_subscribe_refuses_other_methods(client):
    assert client.put("/newsletter/subscribe/").status_code == 405


# Confirming


def test_the_confirmation_link_shows_a_button_and_only_its_post_confirms(client, mail):
    mail(lambda: client.post("/newsletter/subscribe/", {"email": "ann@example.com"}))
    link = confirm_link(mail.sink.to("ann@example.com")[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "You're on the list" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.confirmed_at

    again = client.post(link)  # idempotent
    assert again.status_code == 200
    assert Subscriber.objects.get().confirmed_at == subscriber.confirmed_at


def test_a_confirm_post_from_another_site_is_refused(client):
    subscriber = SubscriberFactory(pending=True)
    token = links.confirmation_token(subscriber.token)
    strict = client.__class__(enforce_csrf_checks=True)
    forged = strict.post(f"/newsletter/confirm/{token}/", headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_expired_link_confirms_nothing(client, settings, method):
    subscriber = SubscriberFactory(pending=True)
    good = links.confirmation_token(subscriber.token)
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    assert getattr(client, method)(f"/newsletter/confirm/{forged}/").status_code == 400
    assert getattr(client, method)("/newsletter/confirm/nonsense/").status_code == 400

    settings.NEWSLETTER_CONFIRM_MAX_AGE = -1  # every link has expired
    response = getattr(client, method)(f"/newsletter/confirm/{good}/")
    assert response.status_code == 400
    assert "doesn't work any more" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_a_link_from_before_an_unsubscribe_does_not_sign_the_address_up_again(client):
    subscriber = SubscriberFactory(unsubscribed=True)
    link = f"/newsletter/confirm/{links.confirmation_token(subscriber.token)}/"
    response = client.post(link)
    assert "You left the list" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_subscriber_confirm_rejects_tokens_naming_nobody():
    import uuid

    with pytest.raises(InvalidConfirmation):
        subscriber_confirm(token=links.confirmation_token(uuid.uuid4()))
    with pytest.raises(InvalidConfirmation):
        subscriber_confirm(token=signing.dumps("x"))


# Unsubscribing


def test_one_click_unsubscribe_needs_only_the_rfc_8058_body(client):
    subscriber = SubscriberFactory()
    url = f"/newsletter/unsubscribe/{subscriber.token}/"
    mail_client = client.__class__(enforce_csrf_checks=True)  # no cookie, no Fetch metadata

    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and subscriber.unsubscribed_at


def test_a_get_of_the_unsubscribe_link_only_asks(client):
    subscriber = SubscriberFactory()
    response = client.get(f"/newsletter/unsubscribe/{subscriber.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="List-Unsubscribe" value="One-Click"' in html
    assert subscriber.email in html
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_the_unsubscribe_page_button_unsubscribes(client):
    subscriber = SubscriberFactory()
    response = client.post(
        f"/newsletter/unsubscribe/{subscriber.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert "You're off the list" in response.content.decode()


@pytest.mark.parametrize("body", [{}, {"List-Unsubscribe": "yes"}, {"unsubscribe": "One-Click"}])
def test_a_post_without_the_one_click_body_changes_nothing(client, body):
    subscriber = SubscriberFactory()
    response = client.post(f"/newsletter/unsubscribe/{subscriber.token}/", body)
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_unsubscribing_twice_changes_nothing_more(client):
    subscriber = SubscriberFactory()
    url = f"/newsletter/unsubscribe/{subscriber.token}/"
    client.post(url, {"List-Unsubscribe": "One-Click"})
    first = Subscriber.objects.get().unsubscribed_at
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Subscriber.objects.get().unsubscribed_at == first


def test_an_unknown_unsubscribe_token_is_not_found(client):
    assert (
        client.get("/newsletter/unsubscribe/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )
    assert client.get("/newsletter/unsubscribe/not-a-uuid/").status_code == 404


def test_an_unsubscribed_address_can_subscribe_again_through_a_new_confirmation(mail):
    subscriber = SubscriberFactory(unsubscribed=True, email="ann@example.com")
    mail(lambda: subscriber_subscribe(email="ann@example.com"))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    link = confirm_link(mail.sink.to("ann@example.com")[0])
    subscriber_confirm(token=link.split("/")[-2])
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_no_confirmation_goes_to_an_address_confirmed_before_the_task_ran(mail):

    subscriber = SubscriberFactory(pending=True)
    assert subscriber_send_confirmation(subscriber_id=subscriber.pk) is True
    subscriber_unsubscribe(token=subscriber.token)
    assert subscriber_send_confirmation(subscriber_id=subscriber.pk) is False
    assert len(mail.sink.received) == 1


# The database keeps the list straight


def test_an_address_is_on_the_list_once_whatever_its_case():
    SubscriberFactory(email="Ann@Example.com")
    with pytest.raises(IntegrityError):
        SubscriberFactory(email="ann@example.COM")


def test_an_active_subscriber_has_a_confirmation_date():
    with pytest.raises(IntegrityError):
        SubscriberFactory(status=Subscriber.Status.ACTIVE, confirmed_at=None)
