"""What the production server (gunicorn, DEBUG off) answers at the API, and the OpenAPI
schema saying so: a client generated from the schema knows every status it can meet."""

import json

import pytest

from tests.factories import ToolFactory
from tests.support.celery_worker import database_url
from tests.support.server import Gunicorn


def raw(path: str, *headers: str, method: str = "GET") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@pytest.mark.django_db(transaction=True)  # the server sees committed rows only
def test_the_schema_lists_every_status_the_server_answers(settings, tmp_path):
    ToolFactory()
    env = {"DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL}
    requests = {
        "an address past gunicorn's 4,094-byte request line": raw("/api/tools/?q=" + "a" * 5000),
        "a header past 8,190 bytes": raw("/api/tools/", "X-Long: " + "a" * 9000),
        "a Content-Type nobody can parse": raw("/api/tools/", "Content-Type: a; b*=bogus''x"),
        "over 1,000 query parameters": raw("/api/tools/?" + "&".join(["a"] * 1100)),
        "a method the API does not take": raw("/api/tools/", method="DELETE"),
        "an invalid page number": raw("/api/tools/?page=0"),
        "an unknown tool": raw("/api/tools/no-such-tool/"),
    }
    with Gunicorn(env=env, logfile=tmp_path / "gunicorn.log") as server:
        status, body = server.get("/api/openapi.json")
        schema = json.loads(body)
        answered = {
            name: int(server.send(request).split(b" ", 2)[1]) for name, request in requests.items()
        }
    assert status == 200
    assert set(answered.values()) == {414, 431, 400, 405, 422, 404}, answered
    declared = schema["paths"]["/api/tools/"]["get"]["responses"]
    assert {414, 431, 400, 405, 422} <= {int(code) for code in declared}, declared
    assert "404" in schema["paths"]["/api/tools/{slug}/"]["get"]["responses"]
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert {"400", "405", "414", "431"} <= operation["responses"].keys(), path
