import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from accounts.editors import EDITORS_GROUP
from tests.factories import PersonaFactory, UserFactory
from tests.support.smtp import SMTPServer


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Pages link hashed static files (DEBUG is off in tests), so the manifest must exist."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash with MD5 in tests: creating members stays cheap, and no test measures hashing time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def panel(db):
    """The four seats, in order."""
    return [
        PersonaFactory(name=name, slug=name.lower(), order=order, lens=f"{name}'s lens")
        for order, name in enumerate(["Builder", "Skeptic", "Futurist", "Founder"], start=1)
    ]


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def editor(db):
    """Staff in the Editors group: content, never people."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and Django's default mailer pointed at it."""
    with SMTPServer() as server:
        settings.MAILERS = {"default": server.mailer}
        yield server
