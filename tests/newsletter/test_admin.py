"""The editors' newsletter desk in the admin."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.editors import EDITORS_GROUP
from newsletter.editions import edition_key, edition_key_free
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import edition_start
from tests.factories import (
    ComparisonFactory,
    EditionFactory,
    SubscriberFactory,
    ToolFactory,
    UserFactory,
)

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


def test_the_unsubscribe_action_asks_first_showing_how_many(client, editor):
    ann, bob = SubscriberFactory(email="ann@example.com"), SubscriberFactory()
    asked = client.post(
        "/admin/newsletter/subscriber/",
        {"action": "unsubscribe", "index": 0, "_selected_action": [ann.pk]},
    )
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "<strong>1</strong> address off the list" in html and "ann@example.com" in html
    ann.refresh_from_db()
    assert ann.status == Subscriber.Status.ACTIVE  # asking changes nothing

    client.post(
        "/admin/newsletter/subscriber/",
        {"action": "unsubscribe", "post": "yes", "_selected_action": [ann.pk]},
    )
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert ann.status == Subscriber.Status.UNSUBSCRIBED and bob.status == Subscriber.Status.ACTIVE


def test_unsubscribing_all_the_filtered_addresses_says_how_many_first(client, editor):
    active = SubscriberFactory.create_batch(3)
    pending = SubscriberFactory(pending=True)
    url = "/admin/newsletter/subscriber/?status__exact=active"
    chosen = {"action": "unsubscribe", "select_across": "1", "_selected_action": [active[0].pk]}
    asked = client.post(url, {**chosen, "index": 0})
    assert "<strong>3</strong> addresses off the list" in asked.content.decode()
    assert '<input type="hidden" name="select_across" value="1">' in asked.content.decode()
    client.post(url, {**chosen, "post": "yes"})
    assert Subscriber.objects.active().count() == 0
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


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


def test_sending_is_a_page_of_its_own_showing_what_goes_out_and_to_how_many(
    client, editor, reviewed_comparison, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(3)
    SubscriberFactory(pending=True)
    draft = EditionFactory(comparisons=[reviewed_comparison], subject="Two vision models")
    change = client.get(f"/admin/newsletter/edition/{draft.pk}/change/").content.decode()
    assert f'action="/admin/newsletter/edition/{draft.pk}/send/"' not in change  # no one-press send

    page = client.get(f"/admin/newsletter/edition/{draft.pk}/send/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in [
        "Two vision models",
        reviewed_comparison.title,
        f"ship with {reviewed_comparison.tool_a.name}",
        "<strong>3</strong> addresses",
        '<input type="hidden" name="recipients" value="3">',
        "Send to 3 subscribers",
        f'src="/admin/newsletter/edition/{draft.pk}/preview/"',
    ]:
        assert text in html, text
    assert not draft.deliveries.exists()  # looking sends nothing

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/admin/newsletter/edition/{draft.pk}/send/", {"recipients": 3})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/newsletter/edition/{draft.pk}/change/"
    draft.refresh_from_db()
    assert draft.status == Edition.Status.SENDING and draft.deliveries.count() == 3
    assert len(queued) == settings.NEWSLETTER_SENDERS
    again = client.post(f"/admin/newsletter/edition/{draft.pk}/send/", {"recipients": 3})
    assert again.status_code == 302 and draft.deliveries.count() == 3


@pytest.mark.parametrize("body", [{}, {"recipients": ""}, {"recipients": "all"}, {"recipients": 0}])
def test_a_send_without_the_count_from_the_page_sends_nothing(client, editor, body):
    SubscriberFactory()
    draft = EditionFactory()
    response = client.post(f"/admin/newsletter/edition/{draft.pk}/send/", body)
    assert response.status_code == 400
    assert "Confirm from this page" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT and not draft.deliveries.exists()


def test_the_count_is_checked_again_when_the_editor_confirms(
    client, editor, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(2)
    draft = EditionFactory()
    page = client.get(f"/admin/newsletter/edition/{draft.pk}/send/").content.decode()
    assert "Send to 2 subscribers" in page
    SubscriberFactory()  # confirms while the editor reads the page

    response = client.post(f"/admin/newsletter/edition/{draft.pk}/send/", {"recipients": 2})
    assert response.status_code == 409
    html = response.content.decode()
    assert "3 active subscriber(s) now, 2 when you were shown it. Nothing was sent" in html
    assert "Send to 3 subscribers" in html
    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT and not draft.deliveries.exists()
    assert draft.snapshot is None

    with django_capture_on_commit_callbacks():
        client.post(f"/admin/newsletter/edition/{draft.pk}/send/", {"recipients": 3})
    assert draft.deliveries.count() == 3


def test_only_a_draft_reaches_the_sending_page(client, editor, sending):
    response = client.get(f"/admin/newsletter/edition/{sending.pk}/send/", follow=True)
    assert "Only a draft edition can be sent." in response.content.decode()


def form_data(edition, **changes) -> dict:
    data = {
        "key": edition.key,
        "subject": edition.subject,
        "intro": edition.intro,
        "comparisons": [c.pk for c in edition.comparisons.all()] if edition.pk else [],
        "covers_until_0": edition.covers_until.strftime("%Y-%m-%d"),
        "covers_until_1": edition.covers_until.strftime("%H:%M:%S"),
    }
    return {**data, **changes}


def test_review_sending_saves_the_edits_first(client, editor, reviewed_comparison):
    SubscriberFactory()
    draft = EditionFactory(comparisons=[reviewed_comparison])
    response = client.post(
        f"/admin/newsletter/edition/{draft.pk}/change/",
        form_data(draft, subject="Edited just now", _save_and_review="Save and review sending"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/admin/newsletter/edition/{draft.pk}/send/"
    assert "Edited just now" in response.content.decode()
    draft.refresh_from_db()
    assert draft.subject == "Edited just now" and draft.status == Edition.Status.DRAFT


def test_a_test_copy_from_the_form_carries_the_unsaved_edits(
    client,
    editor,
    reviewed_comparison,
    smtp_server,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    draft = EditionFactory(comparisons=[reviewed_comparison])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/newsletter/edition/{draft.pk}/change/",
            form_data(draft, subject="Edited just now", _save_and_test="Save and send me a test"),
        )
    assert response.status_code == 302
    [received] = smtp_server.sink.to("editor@verdicts.example")
    assert received.message["Subject"] == "[Test] Edited just now"


def test_a_form_with_errors_neither_saves_nor_sends(
    client, editor, smtp_server, eager_celery, django_capture_on_commit_callbacks
):
    draft = EditionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/newsletter/edition/{draft.pk}/change/",
            form_data(draft, subject="", _save_and_test="Save and send me a test"),
        )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert smtp_server.sink.received == []


def test_a_new_edition_can_be_reviewed_for_sending_straight_from_the_add_form(
    client, editor, reviewed_comparison
):
    draft = EditionFactory.build(key="special-1", subject="A special edition")
    data = form_data(draft, comparisons=[reviewed_comparison.pk])
    response = client.post(
        "/admin/newsletter/edition/add/", {**data, "_save_and_review": "Save and review sending"}
    )
    edition = Edition.objects.get(key="special-1")
    assert response["Location"] == f"/admin/newsletter/edition/{edition.pk}/send/"


def test_a_draft_s_form_says_sending_saves_first(client, editor):
    draft = EditionFactory()
    html = client.get(f"/admin/newsletter/edition/{draft.pk}/change/").content.decode()
    form = re.search(r'<form[^>]*id="edition_form".*?</form>', html, re.S).group(0)
    assert 'name="_save_and_review"' in form and 'name="_save_and_test"' in form
    assert "save your edits first" in form


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
    for action in ["pause", "resume", "send-test"]:
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


# Keys: one a week for the weekly edition, -2, -3 … for more in the same week


def test_a_second_edition_in_a_week_gets_the_next_key(client, editor):
    week = edition_key(timezone.now())
    EditionFactory(key=week)  # the weekly edition, composed on Monday
    page = client.get("/admin/newsletter/edition/add/")
    form = page.context["adminform"].form
    assert form.initial["key"] == f"{week}-2"
    assert f"This week's edition is {week}; the next key free this week is {week}-2." in (
        page.content.decode()
    )
    response = client.post(
        "/admin/newsletter/edition/add/", form_data(EditionFactory.build(key=f"{week}-2"))
    )
    assert response.status_code == 302
    assert edition_key_free(timezone.now()) == f"{week}-3"


def test_a_key_taken_says_which_one_is_free(client, editor):
    week = edition_key(timezone.now())
    EditionFactory(key=week)
    response = client.post(
        "/admin/newsletter/edition/add/", form_data(EditionFactory.build(key=week))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Another edition already has the key “{week}”." in html
    assert f"The next key free this week is {week}-2." in html
    assert "Edition with this Key already exists" not in html


def test_editions_of_either_kind_of_key_have_their_web_version(client):
    now = timezone.now()
    for key in ["2026-w48", "2026-w48-2", "launch-special"]:
        EditionFactory(key=key, status="sent", started_at=now, sent_at=now)
        assert client.get(f"/newsletter/{key}/").status_code == 200


def test_the_weekly_key_stays_one_a_week_for_composing():
    week = edition_key(timezone.now())
    EditionFactory(key=f"{week}-2")  # an editor's extra edition does not take the weekly key
    assert edition_key_free(timezone.now()) == week


# The comparison picker


@pytest.mark.parametrize(
    "term", ["Cursor vs Claude Code", "Claude Code vs Cursor", "cursor VS claude", "Cursor vs"]
)
def test_the_comparison_picker_finds_a_title_typed_as_it_reads(client, editor, term):
    cursor, claude = ToolFactory(name="Cursor"), ToolFactory(name="Claude Code")
    wanted = ComparisonFactory(tool_a=cursor, tool_b=claude)
    ComparisonFactory(tool_a=ToolFactory(name="Zed"), tool_b=ToolFactory(name="Helix"))
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsletter",
            "model_name": "edition",
            "field_name": "comparisons",
            "term": term,
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [wanted.title]


def test_the_picker_still_finds_a_comparison_by_one_name(client, editor):
    wanted = ComparisonFactory(tool_a=ToolFactory(name="Cursor"))
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsletter",
            "model_name": "edition",
            "field_name": "comparisons",
            "term": "Curs",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(wanted.pk)]


# The test copy and the preview belong to no reader; their unsubscribe link still leads on


def unsubscribe_link(received) -> str:
    [link] = re.findall(r"https://verdicts\.example(/newsletter/unsubscribe/\S+/)", received.text)
    assert f"https://verdicts.example{link}" in received.message["List-Unsubscribe"]
    return link


def test_the_test_copy_s_unsubscribe_link_shows_the_readers_page_and_changes_nothing(
    client, editor, smtp_server, eager_celery, django_capture_on_commit_callbacks
):
    reader = SubscriberFactory()
    draft = EditionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletter/edition/{draft.pk}/send-test/")
    [received] = smtp_server.sink.to("editor@verdicts.example")
    link = unsubscribe_link(received)

    client.logout()  # as the editor's mail client would follow it
    page = client.get(link)
    assert page.status_code == 200
    assert "Leave Verdicts weekly?" in page.content.decode()
    one_click = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "no address is taken off the list" in one_click.content.decode()
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def test_the_preview_s_unsubscribe_link_leads_to_the_sample_page(client, editor):
    draft = EditionFactory()
    html = client.get(f"/admin/newsletter/edition/{draft.pk}/preview/").content.decode()
    assert 'href="https://verdicts.example/newsletter/unsubscribe/sample/"' in html
    assert client.get("/newsletter/unsubscribe/sample/").status_code == 200


def test_a_test_copy_while_the_queue_is_down_says_so_and_a_send_still_starts(
    client, editor, reviewed_comparison, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The broker not answering is a message to the editor, never a 500; an edition they
    start meanwhile is committed, for beat's sweep to send once the broker is back."""
    from newsletter.models import Edition
    from tests.factories import EditionFactory, SubscriberFactory
    from tests.support.redis import RedisServer, point_celery_at

    SubscriberFactory()
    edition = EditionFactory(comparisons=[reviewed_comparison])
    client.force_login(editor)
    down = RedisServer(tmp_path).start()
    point_celery_at(down.url)
    down.stop()
    try:
        page = client.post(
            f"/admin/newsletter/edition/{edition.pk}/send-test/", follow=True
        ).content.decode()
        assert "The test copy could not be queued" in page
        with django_capture_on_commit_callbacks(execute=True) as queued:
            response = client.post(
                f"/admin/newsletter/edition/{edition.pk}/send/", {"recipients": "1"}
            )
        assert response.status_code == 302
        assert len(queued) == 1  # the senders' start ran, failed, and was only logged
        assert Edition.objects.get(pk=edition.pk).status == Edition.Status.SENDING
    finally:
        point_celery_at(settings.CELERY_BROKER_URL)
