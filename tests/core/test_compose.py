"""docker-compose.yml cannot be run here (no Docker engine), so check what can be checked:
every service is there with a health check, every command names something this project
has, and every variable set for the app is one the settings read."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]


def settings_variables() -> set[str]:
    source = (ROOT / "verdicts" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\("([A-Z0-9_]+)"', source))


def test_every_service_is_there_with_a_health_check():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat", "mail"}
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name


def test_app_services_set_only_variables_the_settings_read():
    known = settings_variables()
    for name in APP_SERVICES:
        variables = set(SERVICES[name]["environment"])
        assert variables <= known, (name, variables - known)
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "SITE_URL"} <= variables


def _import(target: str) -> object:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def test_every_command_names_something_the_project_has():
    commands = get_commands()
    for name in APP_SERVICES:
        command = SERVICES[name]["command"]
        for part in re.split(r"&&", command.removeprefix('sh -c "').rstrip('"')):
            words = shlex.split(part)
            program = words[0]
            if program == "python":
                assert words[1] == "manage.py"
                assert words[2] in commands, words
            elif program == "gunicorn":
                assert callable(_import(words[1]))
            elif program == "celery":
                assert words[1] == "-A"
                assert _import(words[2]).main == "verdicts"
                assert words[3] in {"worker", "beat"}
            else:
                raise AssertionError(f"unexpected program {program!r} in {name}")


def test_the_image_builds_from_files_that_exist():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for name in ["pyproject.toml", "uv.lock", "manage.py"]:
        assert (ROOT / name).exists()
    assert "collectstatic" in dockerfile
    assert "verdicts.wsgi:application" in dockerfile
