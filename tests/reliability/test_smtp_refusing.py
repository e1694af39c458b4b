"""The SMTP server refuses everyone for a while (4xx: "try again later"), then accepts:
the worker retries, and every edition copy and confirmation arrives, once.

Single refusals, permanent (5xx) refusals and a server that is down altogether are
tested on the sending engine in tests/newsletter/test_sending.py.
"""

import pytest

from newsletter.models import Delivery, Edition
from newsletter.services import edition_start
from tests.factories import EditionFactory, SubscriberFactory
from tests.support.celery_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 60
TRY_LATER = "451 4.3.0 Try again later"


@pytest.fixture
def worker_env(worker_env):
    """Room for more tries than a loaded test machine could use up before the server is back.
    (In production five tries span seven and a half minutes; see SECURITY.md.)"""
    return {**worker_env, "NEWSLETTER_MAX_ATTEMPTS": "30"}


def test_deliveries_refused_for_a_while_are_retried_and_none_lost(
    celery_worker, smtp_server, reviewed_comparison, client
):
    emails = [SubscriberFactory().email for _ in range(READERS)]
    sink = smtp_server.sink
    sink.refuse_all = TRY_LATER
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    wait_for(
        lambda: set(sink.refused) >= set(emails), timeout=30, what="every reader to be refused"
    )
    # A confirmation is retried five times, a second or so apart here: subscribe now, and
    # let the server accept again once it has been refused.
    assert client.post("/newsletter/subscribe/", {"email": "new@example.com"}).status_code == 302
    wait_for(lambda: "new@example.com" in sink.refused, what="the confirmation to be refused")
    refusals = len(sink.refused)
    assert sink.received == []
    sink.refuse_all = None  # the server accepts again

    done = lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT  # noqa: E731
    wait_for(done, timeout=60, what="the edition to be sent")
    wait_for(lambda: sink.to("new@example.com"), what="the confirmation")

    counts = sink.per_recipient()
    lost = set(emails) - set(counts)
    duplicates = {address: n for address, n in counts.items() if n > 1}
    print(
        f"\nSMTP refused {refusals} times for {READERS} readers and one confirmation, then "
        f"accepted: delivered {sum(counts.values())}, lost {len(lost)}, duplicates {duplicates}"
    )
    assert counts == {**dict.fromkeys(emails, 1), "new@example.com": 1}
    rows = Delivery.objects.filter(edition=edition)
    assert set(rows.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert not rows.filter(attempts__lt=2).exists()  # each was refused, then sent later
