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


def test_deliveries_refused_for_a_while_are_retried_and_none_lost(
    celery_worker, smtp_server, reviewed_comparison, client
):
    emails = [SubscriberFactory().email for _ in range(READERS)]
    smtp_server.sink.refuse_all = TRY_LATER
    edition = edition_start(edition=EditionFactory(comparisons=[reviewed_comparison]))
    assert client.post("/newsletter/subscribe/", {"email": "new@example.com"}).status_code == 302

    def every_one_refused_twice():
        return not Delivery.objects.filter(edition=edition, attempts__lt=2).exists() and (
            smtp_server.sink.refused.count("new@example.com") >= 2
        )

    wait_for(every_one_refused_twice, timeout=30, what="every address to be refused twice")
    refusals = len(smtp_server.sink.refused)
    assert smtp_server.sink.received == []
    smtp_server.sink.refuse_all = None  # the server accepts again

    done = lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT  # noqa: E731
    wait_for(done, timeout=60, what="the edition to be sent")
    wait_for(lambda: smtp_server.sink.to("new@example.com"), what="the confirmation")

    counts = smtp_server.sink.per_recipient()
    lost = set(emails) - set(counts)
    duplicates = {address: n for address, n in counts.items() if n > 1}
    print(
        f"\nSMTP refused {refusals} times for {READERS} readers and one confirmation, then "
        f"accepted: delivered {sum(counts.values())}, lost {len(lost)}, duplicates {duplicates}"
    )
    assert counts == {**dict.fromkeys(emails, 1), "new@example.com": 1}
    statuses = set(Delivery.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses == {Delivery.Status.SENT}
