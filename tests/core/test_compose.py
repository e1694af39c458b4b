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
    assert set(SERVICES) == {
        *("postgres", "redis", "cache", "nginx", "varnish", "web", "worker", "beat", "mail")
    }
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name


def _redis_options(service: dict) -> dict[str, str]:
    command = service["command"]
    assert command[0] == "redis-server"
    return dict(zip(command[1::2], command[2::2], strict=True))


def test_the_cache_is_bounded_on_a_redis_of_its_own_and_the_broker_never_evicts():
    assert _redis_options(SERVICES["redis"])["--maxmemory-policy"] == "noeviction"
    cache = _redis_options(SERVICES["cache"])
    assert cache["--maxmemory"].endswith("mb")
    assert cache["--maxmemory-policy"] == "volatile-lfu"  # page-cache versions have no expiry
    env = COMPOSE["x-app"]["environment"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["CACHE_REDIS_URL"].startswith("redis://cache:")


def test_readers_reach_nginx_only_which_passes_to_varnish_which_passes_to_gunicorn():
    nginx, varnish = SERVICES["nginx"], SERVICES["varnish"]
    assert nginx["volumes"] == ["./deploy/nginx.conf:/etc/nginx/templates/default.conf.template:ro"]
    assert (ROOT / "deploy" / "nginx.conf").exists()
    assert nginx["environment"]["VERDICTS_UPSTREAM"] == "varnish:6081"
    assert nginx["ports"] == [f"8000:{nginx['environment']['VERDICTS_LISTEN']}"]

    mounted, _, target = varnish["volumes"][0].removeprefix("./").partition(":")
    vcl = (ROOT / mounted).read_text()
    assert target.removesuffix(":ro") == varnish["command"][varnish["command"].index("-f") + 1]
    assert ":6081" in varnish["command"] and varnish["expose"] == ["6081"]
    assert '.host = "web";' in vcl and '.port = "8000";' in vcl
    assert (ROOT / "deploy" / varnish["build"]["dockerfile"]).exists()
    assert "ports" not in varnish

    assert "ports" not in SERVICES["web"] and "--bind 0.0.0.0:8000" in SERVICES["web"]["command"]
    env = COMPOSE["x-app"]["environment"]
    assert env["TRUSTED_PROXY_COUNT"] == "2"  # nginx and varnish, and only they
    assert env["HTTP_CACHE_PURGE_URLS"] == "http://varnish:6081"


def test_app_services_set_only_variables_the_settings_read():
    known = settings_variables()
    for name in APP_SERVICES:
        variables = set(SERVICES[name]["environment"])
        assert variables <= known, (name, variables - known)
        assert {"DATABASE_URL", "REDIS_URL", "CACHE_REDIS_URL", "SITE_URL"} <= variables
        assert "DJANGO_SECRET_KEY" in variables


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
