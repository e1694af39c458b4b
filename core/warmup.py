"""What a web worker does once as it starts, before its first reader.

Django loads the URLconf (and with it every view module, django-ninja and the API's schemas)
on the first request, and the cached template loader compiles each template the first time
it is used. In a fresh gunicorn worker that made the first comparison page take 0.9 s against
30 ms for the next, and with workers restarted by a deploy, every worker's first reader paid
it. Loading both here moves that second to the worker's start, while nginx still sends
requests to the workers already up.
"""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

TEMPLATE_SUFFIXES = {".html", ".txt", ".svg"}


def site_templates() -> list[str]:
    """The names of the site's own templates (the project's templates directory)."""
    names = []
    for config in settings.TEMPLATES:
        for folder in map(Path, config.get("DIRS", [])):
            names += [
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
            ]
    return sorted(names)


def warm() -> None:
    """Import every view through the URLconf and compile the site's templates."""
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    engine = engines["django"]
    for name in site_templates():
        engine.get_template(name)
