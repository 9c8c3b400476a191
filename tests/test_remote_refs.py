"""Remote `$ref`s: refused unless `--allow-remote-refs`, then fetched over http(s) only, on loopback here."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.readers.openapi_document import load_openapi

PETS = """\
Pet:
  type: object
  required: [name]
  properties:
    name: {type: string}
    owner: {$ref: 'people.yaml#/Person'}
"""
PEOPLE = "Person:\n  type: object\n  properties:\n    nickname: {$ref: '#/Nickname'}\nNickname: {type: string}\n"
ESCAPING = "Secret: {$ref: 'file:///etc/passwd#/x'}\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, str]] = {
        "/schemas/pets.yaml": PETS,
        "/schemas/people.yaml": PEOPLE,
        "/schemas/escaping.yaml": ESCAPING,
    }
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        if self.path == "/moved.yaml":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/pets.yaml")
            self.end_headers()
            return
        body = self.documents.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/yaml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _contract(tmp_path: Path, ref: str) -> Path:
    contract = tmp_path / "api.yaml"
    contract.write_text(
        "openapi: 3.1.0\ninfo: {title: Remote, version: '1'}\npaths:\n  /pets:\n    get:\n"
        "      operationId: listPets\n      responses:\n        '200':\n          description: ok\n"
        f"          content:\n            application/json:\n              schema: {{$ref: '{ref}'}}\n",
        encoding="utf-8",
    )
    return contract


def test_remote_refs_are_refused_by_default_and_nothing_is_fetched(server: str, tmp_path: Path) -> None:
    _Handler.requests.clear()
    contract = _contract(tmp_path, f"{server}/schemas/pets.yaml#/Pet")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["generate", str(contract), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "error[openapi.remote-ref]" in result.output
    assert "--allow-remote-refs" in result.output
    assert "api.yaml:12:" in result.output
    assert _Handler.requests == []
    assert not out.exists()


def test_allowed_remote_refs_are_fetched_once_each_and_bundled(server: str, tmp_path: Path) -> None:
    _Handler.requests.clear()
    contract = _contract(tmp_path, f"{server}/schemas/pets.yaml#/Pet")
    sink = DiagnosticSink()
    loaded = load_openapi(contract, sink, allow_remote_refs=True)
    assert loaded is not None, [str(item) for item in sink.items]
    schemas = loaded.document["components"]["schemas"]
    assert schemas["Pet"]["required"] == ["name"]
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Person"}
    assert schemas["Person"]["properties"]["nickname"] == {"$ref": "#/components/schemas/Nickname"}
    assert sorted(_Handler.requests) == ["/schemas/people.yaml", "/schemas/pets.yaml"]
    assert loaded.source_files == (contract,), "fetched documents are not local inputs"
    located = loaded.locate("/components/schemas/Person/properties")
    assert located.file == f"{server}/schemas/people.yaml"
    assert located.line == 3


def test_generate_with_remote_refs_builds_a_project_and_never_skips_as_a_no_op(server: str, tmp_path: Path) -> None:
    contract = _contract(tmp_path, f"{server}/schemas/pets.yaml#/Pet")
    out = tmp_path / "out"
    arguments = ["generate", str(contract), "--out", str(out), "--allow-remote-refs", "--target", "fastapi"]
    first = CliRunner().invoke(app, arguments)
    assert first.exit_code == 0, first.output
    models = (out / "src/remote/_generated/models.py").read_text(encoding="utf-8")
    assert "class Pet(" in models and "class Person(" in models
    _Handler.requests.clear()
    second = CliRunner().invoke(app, arguments)
    assert second.exit_code == 0, second.output
    assert "/schemas/pets.yaml" in _Handler.requests, "remote content is not fingerprinted, so it is read again"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing.yaml#/Pet", "the server answered 404"),
        ("/moved.yaml#/Pet", "not http(s)"),
        ("/schemas/escaping.yaml#/Secret", "absolute paths"),
    ],
)
def test_remote_documents_cannot_fail_silently_or_reach_local_files(
    server: str, tmp_path: Path, path: str, reason: str
) -> None:
    contract = _contract(tmp_path, server + path)
    result = CliRunner().invoke(app, ["validate", str(contract), "--allow-remote-refs"])
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert "Traceback" not in result.output
