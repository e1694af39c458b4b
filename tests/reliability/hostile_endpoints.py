"""The site hostile requests land on, and one strategy of requests per form or endpoint,
each with its oracle: whether the site may act on the request (change rows)."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.core import signing
from django.utils import timezone
from hypothesis import strategies as st

from accounts.models import User
from newsletter import links
from newsletter.forms import SubscribeForm
from newsletter.models import Edition
from tests.factories import (
    PASSWORD,
    ComparisonFactory,
    EditionFactory,
    PersonaFactory,
    ReviewFactory,
    SubscriberFactory,
    ToolFactory,
    UserFactory,
)
from tests.reliability.hostile import (
    FORGED,
    METHODS,
    Attempt,
    body_and_fields,
    form,
    hostile_text,
    params,
    raw_query,
    slug_like,
)

# --- The site the requests land on ---


@dataclass
class Site:
    tools: list[str]
    draft: str
    pair: str
    persona: str
    category: str
    edition: str
    member: User
    confirm_token: str  # the pending subscriber's
    tokens: list[str]  # forged, tampered, expired, foreign: none confirms anything
    unsubscribe: list[str]  # the active subscribers' tokens

    @classmethod
    def build(cls) -> "Site":
        tools = [ToolFactory() for _ in range(3)]
        draft = ToolFactory(draft=True)
        persona = PersonaFactory()
        for tool in tools:
            ReviewFactory(tool=tool, persona=persona)
        comparison = ComparisonFactory(tool_a=tools[0], tool_b=tools[1])
        edition = EditionFactory(comparisons=[comparison])
        now = timezone.now()
        Edition.objects.filter(pk=edition.pk).update(status="sent", started_at=now, sent_at=now)
        pending = SubscriberFactory(pending=True)
        valid = links.confirmation_token(pending.token)
        expired = signing.TimestampSigner(salt="newsletter.confirm")
        expired.timestamp = lambda: signing.b62_encode(int(time.time()) - 8 * 24 * 3600)
        return cls(
            tools=[t.slug for t in tools],
            draft=draft.slug,
            pair=comparison.slug,
            persona=persona.slug,
            category=tools[0].category.slug,
            edition=edition.key,
            member=UserFactory(verified=True),
            confirm_token=valid,
            tokens=[
                valid[:-1] + ("A" if valid[-1] != "A" else "B"),  # tampered
                expired.sign(str(pending.token)),  # expired a day ago
                signing.TimestampSigner(salt="another.salt").sign(str(pending.token)),
                signing.TimestampSigner(key="not-our-key", salt="newsletter.confirm").sign(
                    str(pending.token)
                ),
                links.confirmation_token(uuid.uuid4()),  # genuine, for nobody
                str(pending.token),  # the bare token, unsigned
            ],
            unsubscribe=[str(SubscriberFactory().token) for _ in range(3)],
        )


def csrf_and_method(draw) -> tuple[str, str]:
    method = draw(st.sampled_from(["POST"] * 6 + METHODS))
    csrf = draw(st.sampled_from(["same-origin"] * 3 + ["none", "cross-site", "foreign-origin"]))
    return method, csrf


# --- One strategy per form or endpoint ---


def _tool_post(site: Site, action: str, field: str, choices: list[str], *, strict: bool):
    """Hostile posts to /tools/<slug>/<action>/ whose genuine form is ``field`` = one of
    ``choices``. Only a signed-in member's genuine post may change a row (signed out, a
    bookmark lives in the session); ``strict``: and only with one of the choices."""

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        slug = draw(st.one_of(st.sampled_from([*site.tools, site.draft]), slug_like(site.tools)))
        value = st.one_of(st.sampled_from(choices), hostile_text)
        genuine = {field: st.sampled_from(choices)}
        body, content_type, data = draw(
            body_and_fields({field: value, "next": hostile_text}, genuine)
        )
        as_member = draw(st.booleans())
        return Attempt(
            method,
            f"/tools/{quote(slug, safe='')}/{action}/",
            body,
            content_type,
            draw(st.one_of(st.just(""), raw_query)),
            csrf,
            draw(st.booleans()),
            as_member,
            may_act=method == "POST"
            and csrf not in FORGED
            and as_member
            and slug in site.tools
            and data is not None
            and (not strict or data.get(field) in choices),
        )

    return attempts()


def vote(site: Site):
    return _tool_post(site, "vote", "value", ["ship", "skip", "clear"], strict=True)


def bookmark(site: Site):
    return _tool_post(site, "bookmark", "saved", ["1", "0"], strict=False)


def subscribe(site: Site):
    emails = st.one_of(st.emails(), st.sampled_from(["reader@example.com"]), hostile_text)

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        fields = {"email": emails, "website": st.one_of(st.just(""), hostile_text)}
        genuine = {"email": st.sampled_from(["reader@example.com", "Other@Example.com"])}
        body, content_type, data = draw(body_and_fields({**fields, "place": hostile_text}, genuine))
        valid = data is not None and SubscribeForm(data).is_valid()
        honest = valid and not (data or {}).get("website")
        return Attempt(
            method,
            "/newsletter/subscribe/",
            body,
            content_type,
            draw(st.one_of(st.just(""), raw_query)),
            csrf,
            draw(st.booleans()),
            may_act=method == "POST" and csrf not in FORGED and honest,
        )

    return attempts()


def confirm(site: Site):
    tokens = st.one_of(st.sampled_from([site.confirm_token, *site.tokens]), hostile_text)

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        token = draw(tokens)
        body, content_type, data = draw(body_and_fields({"anything": hostile_text}, {}))
        return Attempt(
            method,
            f"/newsletter/confirm/{quote(token[:500], safe='')}/",
            body,
            content_type,
            draw(st.one_of(st.just(""), raw_query)),
            csrf,
            may_act=method == "POST"
            and csrf not in FORGED
            and token == site.confirm_token
            and data is not None,
        )

    return attempts()


def unsubscribe(site: Site):
    tokens = st.one_of(
        st.sampled_from(site.unsubscribe), st.uuids().map(str), hostile_text.map(lambda s: s[:200])
    )

    @st.composite
    def attempts(draw):
        method = draw(st.sampled_from(["POST"] * 6 + METHODS))
        token = draw(tokens)
        one_click = st.one_of(st.just("One-Click"), hostile_text)
        genuine = {"List-Unsubscribe": st.just("One-Click")}
        body, content_type, data = draw(body_and_fields({"List-Unsubscribe": one_click}, genuine))
        return Attempt(
            method,
            f"/newsletter/unsubscribe/{quote(token, safe='')}/",
            body,
            content_type,
            csrf=draw(st.sampled_from(["none", "cross-site"])),  # a mail client, or its web page
            may_act=method == "POST"
            and token in site.unsubscribe
            and data is not None
            and data.get("List-Unsubscribe") == "One-Click",
        )

    return attempts()


def sign_in(site: Site):
    logins = st.one_of(st.sampled_from([site.member.email, "nobody@example.com"]), hostile_text)
    passwords = st.one_of(st.sampled_from([PASSWORD, "wrong-password"]), hostile_text)

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        path = draw(st.sampled_from(["/accounts/login/", "/admin/login/"]))
        fields = {"login": logins, "username": logins, "password": passwords}
        genuine = {"login": st.just(site.member.email), "password": st.just(PASSWORD)}
        body, content_type, data = draw(body_and_fields({**fields, "next": hostile_text}, genuine))
        right = data is not None and (data.get("login"), data.get("password")) == (
            site.member.email,
            PASSWORD,
        )
        return Attempt(
            method,
            path,
            body,
            content_type,
            draw(st.one_of(st.just(""), raw_query)),
            csrf,
            # The admin's own login form only redirects to this one: it signs nobody in.
            may_act=path == "/accounts/login/"
            and method == "POST"
            and csrf not in FORGED
            and right,
        )

    return attempts()


def sign_up(site: Site):
    emails = st.one_of(st.emails(), st.sampled_from([site.member.email]), hostile_text)

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        fields = {"email": emails, "password1": st.one_of(st.just("plenty-99-words"), hostile_text)}
        genuine = {"email": st.emails(), "password1": st.just("plenty-99-words")}
        body, content_type, data = draw(body_and_fields(fields, genuine))
        return Attempt(
            method,
            "/accounts/signup/",
            body,
            content_type,
            draw(st.one_of(st.just(""), raw_query)),
            csrf,
            # A new member may appear only from a well-formed, protected post; whether the
            # form accepted it is read off the answer (see ACTED_WHEN).
            may_act=method == "POST" and csrf not in FORGED and data is not None,
        )

    return attempts()


def password_reset(site: Site):
    emails = st.one_of(st.emails(), st.sampled_from([site.member.email]), hostile_text)
    keys = st.one_of(st.sampled_from(["1-abc", f"{site.member.pk}-set-password"]), hostile_text)

    @st.composite
    def attempts(draw):
        method, csrf = csrf_and_method(draw)
        path = draw(
            st.one_of(
                st.just("/accounts/password/reset/"),
                keys.map(lambda k: f"/accounts/password/reset/key/{quote(k[:200], safe='')}/"),
                keys.map(lambda k: f"/accounts/confirm-email/{quote(k[:200], safe='')}/"),
            )
        )
        fields = {"email": emails, "password1": hostile_text, "password2": hostile_text}
        body, content_type, _ = draw(body_and_fields(fields))
        return Attempt(
            method, path, body, content_type, draw(st.one_of(st.just(""), raw_query)), csrf
        )

    return attempts()


def pages(site: Site):
    """Catalogue, search, filters, compare, paging and every page with a slug in its path."""
    numbers = st.one_of(st.integers(-(10**30), 10**30).map(str), hostile_text)
    sorts = st.one_of(st.sampled_from(["panel", "community", "newest", "name"]), hostile_text)
    slugs = st.one_of(
        st.sampled_from(site.tools).map(lambda s: s + "," + site.tools[1]), hostile_text
    )
    routes = [
        ("/", params(["page"])),
        (
            "/compare/",
            params(["category", "page", "tools", "with"], {"page": numbers, "tools": slugs}),
        ),
        (
            "/tools/",
            params(
                ["q", "category", "pricing", "panel", "min_votes", "sort", "page"],
                {"min_votes": numbers, "page": numbers, "sort": sorts},
            ),
        ),
        ("/top/", params(["page"])),
        ("/bookmarks/", params(["page"])),
        ("/newsletter/", params(["page"], {"page": numbers})),
        ("/panel/", params(["page"])),
        ("/sitemap.xml", params(["p"], {"p": numbers})),
        ("/feeds/comparisons/", params(["page"])),
    ]
    with_slug = [
        ("/compare/{}/", [site.pair]),
        ("/tools/{}/", [*site.tools, site.draft]),
        ("/categories/{}/", [site.category]),
        ("/panel/{}/", [site.persona]),
        ("/newsletter/{}/", [site.edition]),
        ("/feeds/categories/{}/", [site.category]),
    ]

    @st.composite
    def attempts(draw):
        if draw(st.integers(0, 2)):
            path, query = draw(st.sampled_from(routes))
            query = draw(query)
        else:
            template, real = draw(st.sampled_from(with_slug))
            path = template.format(quote(draw(slug_like(real)), safe=""))
            query = draw(params(["page"], {"page": numbers}))
        method = draw(st.sampled_from(["GET"] * 8 + METHODS))
        body, content_type, _ = draw(body_and_fields({"x": hostile_text}))
        return Attempt(
            method, path, body, content_type, query, draw(st.sampled_from(["none", "same-origin"])),
            htmx=draw(st.booleans()), as_member=draw(st.booleans()),
        )  # fmt: skip

    return attempts()


def api(site: Site):
    numbers = st.one_of(st.integers(-(10**30), 10**30).map(str), hostile_text)
    routes = [
        ("/api/tools/", params(["q", "category", "page", "page_size"], {"page": numbers})),
        ("/api/comparisons/", params(["page", "page_size"], {"page_size": numbers})),
        ("/api/personas/", params(["page"])),
        ("/api/openapi.json", params(["format"])),
    ]
    with_slug = [
        ("/api/tools/{}/", site.tools),
        ("/api/verdicts/{}/", site.tools),
        ("/api/comparisons/{}/", [site.pair]),
        ("/api/personas/{}/", [site.persona]),
    ]

    @st.composite
    def attempts(draw):
        if draw(st.booleans()):
            path, query = draw(st.sampled_from(routes))
            query = draw(query)
        else:
            template, real = draw(st.sampled_from(with_slug))
            path, query = template.format(quote(draw(slug_like(real)), safe="")), ""
        method = draw(st.sampled_from(["GET"] * 8 + METHODS))
        body, content_type, _ = draw(body_and_fields({"x": hostile_text}))
        return Attempt(method, path, body, content_type, query, csrf="none")

    return attempts()


@dataclass(frozen=True)
class Endpoint:
    attempts: Callable[[Site], st.SearchStrategy[Attempt]]
    examples: int
    # A request the site must act on, tried first, so the oracle's other side is tested too.
    genuine: Callable[[Site], Attempt] | None = None


def genuine_post(path: str, data: dict | bytes, **kwargs) -> Attempt:
    body = data if isinstance(data, bytes) else form(data)
    return Attempt("POST", path, body, may_act=True, **kwargs)


ENDPOINTS = {
    "vote": Endpoint(
        vote,
        250,
        lambda s: genuine_post(f"/tools/{s.tools[0]}/vote/", {"value": "ship"}, as_member=True),
    ),
    "bookmark": Endpoint(
        bookmark,
        200,
        lambda s: genuine_post(f"/tools/{s.tools[0]}/bookmark/", {"saved": "1"}, as_member=True),
    ),
    "subscribe": Endpoint(
        subscribe,
        250,
        lambda s: genuine_post("/newsletter/subscribe/", {"email": "reader@example.com"}),
    ),
    "confirm": Endpoint(
        confirm, 200, lambda s: genuine_post(f"/newsletter/confirm/{s.confirm_token}/", {})
    ),
    "unsubscribe (one-click)": Endpoint(
        unsubscribe,
        200,
        lambda s: genuine_post(
            f"/newsletter/unsubscribe/{s.unsubscribe[0]}/",
            b"List-Unsubscribe=One-Click",
            csrf="none",
        ),
    ),
    "sign-in (site and admin)": Endpoint(
        sign_in,
        200,
        lambda s: genuine_post("/accounts/login/", {"login": s.member.email, "password": PASSWORD}),
    ),
    "sign-up": Endpoint(
        sign_up,
        150,
        lambda s: genuine_post(
            "/accounts/signup/", {"email": "new.member@example.com", "password1": "plenty-99-words"}
        ),
    ),
    "password reset and account keys": Endpoint(password_reset, 150),
    "pages, catalogue, search, compare": Endpoint(pages, 400),
    "JSON API": Endpoint(api, 300),
}
