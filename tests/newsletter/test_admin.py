"""The editors' newsletter desk in the admin."""

import csv
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.editors import EDITORS_GROUP
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import edition_start
from tests.factories import EditionFactory, SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True, email="editor@verdicts.example")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    client.force_login(user)
    return user


@pytest.fixture
def sending(reviewed_comparison, django_capture_on_commit_callbacks):
    """An edition being sent: 3 of 5 sent, one failed, one to go."""
    SubscriberFactory.create_batch(5)
    with django_capture_on_commit_callbacks():
        edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    rows = list(edition.deliveries.order_by("pk"))
    for row in rows[:3]:
        row.status, row.sent_at = "sent", edition.started_at
        row.save()
    rows[3].status, rows[3].last_error, rows[3].attempts = "failed", "550 5.1.1 No such user", 1
    rows[3].save()
    return edition


@pytest.mark.parametrize(
    "url",
    [
        "/admin/newsletter/",
        "/admin/newsletter/subscriber/",
        "/admin/newsletter/subscriber/?status__exact=active&q=example",
        "/admin/newsletter/edition/",
        "/admin/newsletter/edition/add/",
        "/admin/newsletter/delivery/",
        "/admin/newsletter/delivery/?status__exact=failed",
    ],
)
def test_editors_reach_the_newsletter_pages(client, editor, sending, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/"])
def test_editors_still_cannot_manage_users(client, editor, url):
    assert client.get(url).status_code == 403


def test_subscribers_search_and_filter_by_status(client, editor):
    SubscriberFactory(email="ann@example.com")
    SubscriberFactory(email="bob@example.com", pending=True)
    response = client.get("/admin/newsletter/subscriber/", {"q": "ann"})
    assert [s.email for s in response.context["cl"].result_list] == ["ann@example.com"]
    response = client.get("/admin/newsletter/subscriber/", {"status__exact": "pending"})
    assert [s.email for s in response.context["cl"].result_list] == ["bob@example.com"]


def test_subscribers_join_only_by_double_opt_in(client, editor):
    assert client.get("/admin/newsletter/subscriber/add/").status_code == 403


def test_subscribers_export_as_csv(client, editor):
    ann = SubscriberFactory(email="ann@example.com")
    sneaky = SubscriberFactory(email="=cmd@example.com", pending=True)
    SubscriberFactory(email="not-chosen@example.com")
    response = client.post(
        "/admin/newsletter/subscriber/",
        {"action": "export_csv", "_selected_action": [ann.pk, sneaky.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="subscribers-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    assert [row[:2] for row in rows[1:]] == [
        ["ann@example.com", "active"],
        ["'=cmd@example.com", "pending"],  # never a formula in a spreadsheet
    ]


def test_the_unsubscribe_action(client, editor):
    ann = SubscriberFactory()
    client.post(
        "/admin/newsletter/subscriber/", {"action": "unsubscribe", "_selected_action": [ann.pk]}
    )
    ann.refresh_from_db()
    assert ann.status == Subscriber.Status.UNSUBSCRIBED


def test_the_edition_page_previews_the_email_and_shows_progress(client, editor, sending):
    response = client.get(f"/admin/newsletter/edition/{sending.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    preview = f"/admin/newsletter/edition/{sending.pk}/preview/"
    assert f'<iframe class="edition-preview" src="{preview}"' in html
    assert f'href="{preview}?format=text"' in html
    assert "3 of 5 sent" in html and "1 failed" in html
    assert f'hx-get="/admin/newsletter/edition/{sending.pk}/desk/"' in html
    assert 'hx-trigger="every 2s"' in html
    assert '<noscript><meta http-equiv="refresh"' in html
    assert '<progress class="edition-desk__bar" max="5" value="3"' in html
    assert "/admin/newsletter/delivery/?edition__id__exact=" in html
    assert "Pause" in html and "Send now" not in html
    assert 'name="subject"' not in html  # what may have gone out is not rewritten


def test_the_preview_is_the_email_with_its_inline_css_allowed(client, editor, sending):
    response = client.get(f"/admin/newsletter/edition/{sending.pk}/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert sending.subject in html and 'style="' in html
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    text = client.get(f"/admin/newsletter/edition/{sending.pk}/preview/", {"format": "text"})
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert sending.subject in text.content.decode()


def test_the_desk_fragment_updates_while_sending_and_stops_polling_once_sent(
    client, editor, sending
):
    fragment = client.get(f"/admin/newsletter/edition/{sending.pk}/desk/").content.decode()
    assert '<section class="edition-desk"' in fragment and "<html" not in fragment
    assert "3 of 5 sent" in fragment and 'hx-trigger="every 2s"' in fragment

    Delivery.objects.filter(edition=sending, status="pending").update(
        status="sent", sent_at=sending.started_at
    )
    Edition.objects.filter(pk=sending.pk).update(status="sent", sent_at=sending.started_at)
    fragment = client.get(f"/admin/newsletter/edition/{sending.pk}/desk/").content.decode()
    assert "4 of 5 sent" in fragment and "hx-trigger" not in fragment


def test_send_a_test_to_yourself(
    client, editor, sending, smtp_server, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/newsletter/edition/{sending.pk}/send-test/")
    assert response.status_code == 302
    [received] = smtp_server.sink.to("editor@verdicts.example")
    assert received.message["Subject"] == f"[Test] {sending.subject}"
    assert "Ship · 4 ship / 0 skip" in received.html
    assert sending.deliveries.filter(status="sent").count() == 3  # nobody else got anything


def test_send_now_starts_a_draft(client, editor, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2)
    draft = EditionFactory()
    page = client.get(f"/admin/newsletter/edition/{draft.pk}/change/").content.decode()
    assert "Send now to every active subscriber" in page and 'name="subject"' in page

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/admin/newsletter/edition/{draft.pk}/send/")

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Edition.Status.SENDING and draft.deliveries.count() == 2
    assert len(queued) == settings.NEWSLETTER_SENDERS
    again = client.post(f"/admin/newsletter/edition/{draft.pk}/send/", follow=True)
    assert "Only a draft edition can be sent." in again.content.decode()


def test_pause_and_resume(client, editor, sending, django_capture_on_commit_callbacks):
    client.post(f"/admin/newsletter/edition/{sending.pk}/pause/")
    sending.refresh_from_db()
    assert sending.status == Edition.Status.PAUSED
    page = client.get(f"/admin/newsletter/edition/{sending.pk}/change/").content.decode()
    assert "Resume" in page and "hx-trigger" not in page
    with django_capture_on_commit_callbacks() as queued:
        client.post(f"/admin/newsletter/edition/{sending.pk}/resume/")
    sending.refresh_from_db()
    assert sending.status == Edition.Status.SENDING
    assert len(queued) == settings.NEWSLETTER_SENDERS


def test_sending_actions_need_a_post(client, editor, sending):
    for action in ["send", "pause", "resume", "send-test"]:
        assert client.get(f"/admin/newsletter/edition/{sending.pk}/{action}/").status_code == 405


def test_failed_deliveries_show_their_error(client, editor, sending):
    response = client.get("/admin/newsletter/delivery/", {"status__exact": "failed"})
    html = response.content.decode()
    assert "550 5.1.1 No such user" in html
    assert len(response.context["cl"].result_list) == 1


def test_deliveries_are_a_read_only_record(client, editor, sending):
    row = sending.deliveries.first()
    assert client.get(f"/admin/newsletter/delivery/{row.pk}/change/").status_code == 200
    assert client.post(f"/admin/newsletter/delivery/{row.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/newsletter/delivery/{row.pk}/delete/").status_code == 403


def test_a_sent_or_sending_edition_cannot_be_deleted(client, editor, sending):
    assert client.get(f"/admin/newsletter/edition/{sending.pk}/delete/").status_code == 403
    draft = EditionFactory()
    assert client.get(f"/admin/newsletter/edition/{draft.pk}/delete/").status_code == 200
    client.post(
        "/admin/newsletter/edition/",
        {"action": "delete_selected", "_selected_action": [sending.pk, draft.pk], "post": "yes"},
    )
    assert Edition.objects.filter(pk=sending.pk).exists()


def test_members_cannot_reach_the_desk(client, member, sending):
    client.force_login(member)
    for action in ["preview", "desk"]:
        response = client.get(f"/admin/newsletter/edition/{sending.pk}/{action}/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_newsletter_rights_cannot_send(client, staff, sending):
    client.force_login(staff)
    assert client.get(f"/admin/newsletter/edition/{sending.pk}/preview/").status_code == 403
    assert client.post(f"/admin/newsletter/edition/{sending.pk}/pause/").status_code == 403
