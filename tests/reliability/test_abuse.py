"""Abuse: floods are answered 429 in the site's style, the admin is for staff, editors
cannot give themselves more, and accounts say nothing about which addresses exist, even
with the SMTP server down."""

import logging

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.editors import EDITORS_GROUP
from accounts.models import User
from tests.accounts.test_accounts import unique_tokens_out
from tests.factories import PASSWORD, ToolFactory, UserFactory
from tests.reliability.limits import LIMITED
from tests.support.smtp import free_port
from tools.models import Tool

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("action", LIMITED)
def test_a_flood_is_answered_429_with_a_message_in_the_sites_style(client, settings, action):
    limited = LIMITED[action]
    limited.allow_one(settings)
    tool = ToolFactory()
    if limited.as_member:
        client.force_login(UserFactory())

    assert limited.send(client, tool).status_code != 429
    refused = limited.send(client, tool)

    assert refused.status_code == 429
    html = refused.content.decode()
    assert 'class="site-header"' in html and "· Verdicts</title>" in html
    assert "Slow down a little" in html


HTMX_SENDS = {
    "vote": lambda c, t: c.post(f"/tools/{t.slug}/vote/", {"value": "ship"}, **HTMX),
    "bookmark": lambda c, t: c.post(f"/tools/{t.slug}/bookmark/", **HTMX),
    "subscribe": lambda c, t: c.post("/newsletter/subscribe/", {"email": "r@example.com"}, **HTMX),
}


@pytest.mark.parametrize("action", HTMX_SENDS)
def test_a_flood_from_htmx_gets_a_notice_in_place(client, settings, action):
    LIMITED[action].allow_one(settings)
    tool = ToolFactory()
    client.force_login(UserFactory())
    HTMX_SENDS[action](client, tool)

    refused = HTMX_SENDS[action](client, tool)

    html = refused.content.decode()
    assert "<html" not in html
    if action == "subscribe":  # the form's own answer, as a 200 so that htmx swaps it in
        assert refused.status_code == 200 and "Slow down a little" in html
    else:  # a notice for the page's messages region; the button stays as it was
        assert refused.status_code == 429 and "more than we can take at once" in html
        assert 'id="messages" hx-swap-oob' in html


# The admin


@pytest.mark.parametrize("who", ["signed out", "member"])
def test_the_admin_is_only_for_staff(client, who):
    if who == "member":
        client.force_login(UserFactory(verified=True))
    tool = ToolFactory()

    for path in ["/admin/", "/admin/tools/tool/", f"/admin/tools/tool/{tool.pk}/change/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(f"/admin/tools/tool/{tool.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Tool.objects.filter(pk=tool.pk).exists()


def test_editors_cannot_manage_users_or_permissions(client, editor):
    other = UserFactory(email="someone@example.com")
    client.force_login(editor)
    group = Group.objects.get(name=EDITORS_GROUP)
    everything = list(Permission.objects.values_list("pk", flat=True))

    attempts = {
        "add a user": client.post(
            "/admin/accounts/user/add/",
            {"email": "mine@example.com", "password1": PASSWORD, "password2": PASSWORD},
        ),
        "make themselves superuser": client.post(
            f"/admin/accounts/user/{editor.pk}/change/",
            {"email": editor.email, "is_active": "on", "is_staff": "on", "is_superuser": "on"},
        ),
        "change another's password": client.post(
            f"/admin/accounts/user/{other.pk}/password/",
            {"password1": "taken-over-123", "password2": "taken-over-123"},
        ),
        "give the group every permission": client.post(
            f"/admin/auth/group/{group.pk}/change/",
            {"name": EDITORS_GROUP, "permissions": everything},
        ),
        "add a group": client.post("/admin/auth/group/add/", {"name": "Mine"}),
        "see the users": client.get("/admin/accounts/user/"),
    }

    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 403)
    editor.refresh_from_db()
    other.refresh_from_db()
    assert not editor.is_superuser and not User.objects.filter(email="mine@example.com").exists()
    assert other.check_password(PASSWORD)
    assert group.permissions.count() < len(everything)
    assert not Group.objects.filter(name="Mine").exists()
    assert not editor.has_perm("accounts.change_user") and not editor.has_perm("auth.change_group")


# Accounts say nothing about which addresses exist, with the SMTP server down too


@pytest.fixture
def smtp_down(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},
        }
    }


FORMS = {
    "sign-up": (
        "/accounts/signup/",
        lambda email: {"email": email, "password1": "plenty-99-words"},
    ),
    "password reset": ("/accounts/password/reset/", lambda email: {"email": email}),
}


@pytest.mark.parametrize("smtp", ["up", "down"])
@pytest.mark.parametrize("form", FORMS)
def test_known_and_unknown_addresses_get_the_same_answer(client, request, form, smtp, caplog):
    if smtp == "down":
        request.getfixturevalue("smtp_down")
    UserFactory(email="known@example.com", verified=True)
    path, data = FORMS[form]
    answers = []
    for email in ["known@example.com", "unknown@example.com"]:
        with caplog.at_level(logging.ERROR, logger="accounts.adapter"):
            response = client.post(path, data(email))
        followed = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                followed.status_code,
                # the same page, but for the address the reader typed and the tokens
                unique_tokens_out(followed.content.decode().replace(email, "EMAIL")),
            )
        )
        client.cookies.clear()

    assert answers[0] == answers[1]
    assert answers[0][0] == 302 and answers[0][2] == 200
    assert User.objects.filter(email="known@example.com").count() == 1
    if smtp == "down":
        assert caplog.text.count("not sent, the SMTP server failed") == 2
