"""The front door (core/pagecache.py, ``answer_kept_pages``): a signed-out reader's repeated
page answered from the worker's memory as it was first sent, before the middleware stack,
only while the versions it was rendered at still stand."""

import gzip
import time

import pytest
from django.http import HttpResponse
from django.test import Client

from core import pagecache
from reviews.services import review_save, vote_cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # versions move on commit


def past_the_door_fails(monkeypatch) -> None:
    """From here on, a request that reaches the page cache inside the stack fails the test."""

    def reached(*args, **kwargs):
        raise AssertionError("answered by the middleware stack, not the front door")

    monkeypatch.setattr(pagecache, "_lookup", reached)


def test_a_repeated_page_is_sent_again_as_it_was_first_sent(client, pair, monkeypatch):
    url = pair.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"

    past_the_door_fails(monkeypatch)
    again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["X-Page-Cache"] == "hit"
    sent = {name: value for name, value in first.items() if name != "X-Page-Cache"}
    assert {name: value for name, value in again.items() if name != "X-Page-Cache"} == sent
    for name in ("Content-Security-Policy", "X-Frame-Options", "ETag", "xkey", "Vary"):
        assert again[name] == first[name]


def test_a_change_to_what_the_page_shows_goes_past_the_door_at_once(client, pair):
    url = pair.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    vote_cast(member=UserFactory(), tool=pair.tool_a, value="ship")
    after_vote = client.get(url)
    assert after_vote["X-Page-Cache"] == "miss" and "1 of 10 votes" in after_vote.text

    review = pair.tool_a.reviews.get()
    review.score = 12
    review_save(review=review)
    after_edit = client.get(url)
    assert after_edit["X-Page-Cache"] == "miss" and "12/100" in after_edit.text
    assert client.get(url).text == after_edit.text


def test_a_reader_who_has_it_gets_304_from_the_door(client, pair, monkeypatch):
    url = pair.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]

    past_the_door_fails(monkeypatch)
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag and not_modified["xkey"] == first["xkey"]
    assert not_modified["X-Page-Cache"] == "hit"
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_gzip_and_plain_are_kept_apart(client, pair, monkeypatch):
    url = pair.get_absolute_url()
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content

    past_the_door_fails(monkeypatch)
    again_plain = client.get(url)
    again_zipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert again_plain.content == plain.content and "Content-Encoding" not in again_plain
    assert again_zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(again_zipped.content) == plain.content


def test_another_address_or_a_head_request_is_not_the_kept_page(client, pair):
    client.get("/tools/")
    other = client.get("/tools/?sort=community")
    assert other["X-Page-Cache"] == "miss"
    head = client.head("/tools/")
    assert head.status_code == 200 and head.content == b""


def test_a_precondition_that_fails_is_refused_at_the_door_too(client, pair, monkeypatch):
    url = pair.get_absolute_url()
    first = client.get(url)
    past_the_door_fails(monkeypatch)
    assert client.get(url, headers={"If-Match": '"another"'}).status_code == 412
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_what_says_not_to_keep_it_is_not_kept_whole(rf):
    def answer(**headers) -> HttpResponse:
        response = HttpResponse("<p>page</p>", headers=headers)
        response.kept_at = pagecache._KeptAt(("content",), "g:1", time.time(), '"e"')
        return response

    assert pagecache._keepable(answer(Vary="Cookie, Accept-Encoding"))
    assert not pagecache._keepable(answer(Vary="Accept-Language"))
    assert not pagecache._keepable(answer(**{"Cache-Control": "no-store"}))
    assert not pagecache._keepable(answer(**{"Cache-Control": "private, no-cache"}))
    assert not pagecache._keepable(answer(**{"Set-Cookie": "theme=dark"}))
    with_cookie = answer()
    with_cookie.set_cookie("sessionid", "x")
    assert not pagecache._keepable(with_cookie)


def test_members_sessions_messages_and_htmx_go_through_the_stack(client, pair, member):
    url = pair.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    signed_in = Client()
    signed_in.force_login(member)
    mine = signed_in.get(url)
    assert "private" in mine["Cache-Control"] and "Sign out" in mine.text

    with_a_message = Client()
    with_a_message.cookies["messages"] = "x"  # a message waiting is rendered whole, and read
    assert "X-Page-Cache" not in with_a_message.get(url)

    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment["X-Page-Cache"] == "miss" and fragment.content != client.get(url).content


def test_a_host_the_site_does_not_serve_is_refused_at_the_door(client, pair):
    url = pair.get_absolute_url()
    client.get(url)
    assert client.get(url, headers={"Host": "elsewhere.example"}).status_code == 400
