"""Parameter `style` and `explode` (OpenAPI 3.1 §4.8.12.4), served, sent and contract-tested for real.

One small contract carries an array parameter in every supported style: query `form` exploded
(`?tag=a&tag=b`) and not (`?status=a,b`), `spaceDelimited` (`?size=1%202`), `pipeDelimited`
(`?color=red|blue`), a header array and a path array (style `simple`, `a,b`). The generated app
is driven in-process with raw requests and through the generated client; its contract tests run.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from generator.diagnostics import DiagnosticSink
from generator.ir.model import Param, ParamStyle
from generator.pipeline import read_contract
from tests.conftest import SPECS, generate_project, project_env, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _array(items: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **keywords}


STATUS = {"type": "string", "enum": ["available", "pending", "sold"]}
COLOR = {"type": "string", "enum": ["red", "green", "blue"]}
CONTRACT = {
    "openapi": "3.0.3",
    "info": {"title": "Styles", "version": "1"},
    "paths": {
        "/items/{ids}": {
            "get": {
                "operationId": "findItems",
                "parameters": [
                    {"name": "ids", "in": "path", "required": True, "schema": _array({"type": "integer"}, minItems=1)},
                    {"name": "tag", "in": "query", "schema": _array({"type": "string"})},
                    {"name": "status", "in": "query", "style": "form", "explode": False, "schema": _array(STATUS)},
                    {
                        "name": "size",
                        "in": "query",
                        "style": "spaceDelimited",
                        "explode": False,
                        "schema": _array({"type": "integer"}, maxItems=2),
                    },
                    {
                        "name": "color",
                        "in": "query",
                        "style": "pipeDelimited",
                        "explode": False,
                        "schema": _array(COLOR),
                    },
                    {"name": "X-Codes", "in": "header", "schema": _array({"type": "integer"}, maxItems=3)},
                ],
                "responses": {
                    "200": {
                        "description": "How many items matched.",
                        "content": {"application/json": {"schema": {"type": "integer"}, "example": 2}},
                    },
                    "default": {
                        "description": "Invalid request.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["message"],
                                    "properties": {"message": {"type": "string"}},
                                },
                                "example": {"message": "invalid"},
                            }
                        },
                    },
                },
            }
        }
    },
}
NOTHING: dict[str, Any] = dict.fromkeys(("ids", "tag", "status", "size", "color", "x_codes"))
"""The service's arguments when no parameter was sent."""


@dataclass(frozen=True)
class Styles:
    project: Path
    app: Any
    calls: list[dict[str, Any]]
    client_module: ModuleType
    models: ModuleType


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> Styles:
    """The contract generated once (all REST targets), served by a service recording its arguments."""
    root = tmp_path_factory.mktemp("styles")
    spec = root / "styles.json"
    spec.write_text(json.dumps(CONTRACT))
    project = generate_project(spec, root / "styles", "styles")
    sys.path.insert(0, str(project / "src"))
    try:
        application = importlib.import_module("styles._generated.application")
        mock = importlib.import_module("styles._generated.mock")
        runtime = importlib.import_module("styles._generated.runtime")
        client_module = importlib.import_module("styles.client")
    finally:
        sys.path.remove(str(project / "src"))
    calls: list[dict[str, Any]] = []

    class Recording(mock.MockService):  # type: ignore[misc, name-defined]
        async def find_items(self, **arguments: Any) -> Any:
            calls.append(arguments)
            return len(arguments["ids"])

    settings = runtime.Settings(log_level="WARNING", expose_docs=True)
    app = application.create_app(Recording(), settings=settings)
    return Styles(project, app, calls, client_module, client_module.models)


@pytest.fixture
def http(styles: Styles) -> Any:
    styles.calls.clear()
    with TestClient(styles.app, raise_server_exceptions=False) as test_client:
        yield test_client


def received(styles: Styles) -> dict[str, Any]:
    """What the service got in its last call, enums by value."""
    (arguments,) = styles.calls
    styles.calls.clear()
    return {
        name: None if value is None else [getattr(item, "value", item) for item in value]
        for name, value in arguments.items()
    }


# --- the reader ---------------------------------------------------------------------------------


def _params(path: Path) -> dict[str, Param]:
    contract = read_contract([path], DiagnosticSink())
    assert contract is not None
    return {param.wire_name: param for operation in contract.services[0].operations for param in operation.http.params}


def test_style_and_explode_reach_the_ir_with_the_locations_defaults(tmp_path: Path) -> None:
    spec = tmp_path / "styles.json"
    spec.write_text(json.dumps(CONTRACT))
    params = _params(spec)
    found = {name: (param.style, param.explode, param.delimiter) for name, param in params.items()}
    assert found == {
        "ids": (ParamStyle.SIMPLE, False, ","),
        "tag": (ParamStyle.FORM, True, None),
        "status": (ParamStyle.FORM, False, ","),
        "size": (ParamStyle.SPACE_DELIMITED, False, " "),
        "color": (ParamStyle.PIPE_DELIMITED, False, "|"),
        "X-Codes": (ParamStyle.SIMPLE, False, ","),
    }


def test_swagger2_collection_formats_become_styles() -> None:
    params = _params(SPECS / "petstore-swagger2.yaml")
    found = {name: (param.style, param.explode, param.delimiter) for name, param in params.items()}
    assert found["tags"] == (ParamStyle.FORM, True, None)
    assert found["status"] == (ParamStyle.FORM, False, ",")
    assert found["limit"][2] is None


def test_label_and_matrix_paths_skip_the_operation_with_a_warning(tmp_path: Path) -> None:
    document = json.loads(json.dumps(CONTRACT))
    document["paths"]["/items/{ids}"]["get"]["parameters"][0]["style"] = "label"
    spec = tmp_path / "label.json"
    spec.write_text(json.dumps(document))
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    assert contract is not None and contract.services[0].operations == ()
    assert [item.code for item in sink.items] == ["openapi.unsupported-parameter"]
    assert "style 'label'" in sink.items[0].message


# --- the generated server reads every style -----------------------------------------------------


def test_every_style_is_read_into_typed_lists(styles: Styles, http: TestClient) -> None:
    response = http.get(
        "/items/1,2?tag=a&tag=b&status=available,sold&size=3%204&color=red|blue", headers={"X-Codes": "5,6"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == 2
    assert received(styles) == {
        "ids": [1, 2],
        "tag": ["a", "b"],
        "status": ["available", "sold"],
        "size": [3, 4],
        "color": ["red", "blue"],
        "x_codes": [5, 6],
    }


def test_encoded_delimiters_and_plus_as_space_are_read_too(styles: Styles, http: TestClient) -> None:
    """httpx percent-encodes the whole joined value (`a%2Cb`, `a%7Cb`), forms send spaces as `+`."""
    response = http.get("/items/7%2C8?status=pending%2Csold&size=1+2&color=green%7Cred")
    assert response.status_code == 200, response.text
    assert received(styles) == {
        **NOTHING,
        "ids": [7, 8],
        "status": ["pending", "sold"],
        "size": [1, 2],
        "color": ["green", "red"],
    }


def test_an_empty_value_is_an_empty_list_and_an_absent_one_is_none(styles: Styles, http: TestClient) -> None:
    assert http.get("/items/1?status=&size=&color=", headers={"X-Codes": ""}).status_code == 200
    assert received(styles) == {**NOTHING, "ids": [1], "status": [], "size": [], "color": [], "x_codes": []}
    assert http.get("/items/1").status_code == 200
    assert received(styles) == {**NOTHING, "ids": [1]}


def test_header_arrays_follow_rfc9110_list_syntax(styles: Styles, http: TestClient) -> None:
    """Spaces around items and repeated header lines are one list (RFC 9110 §5.6.1)."""
    request = http.build_request("GET", "/items/1", headers=[("X-Codes", "1, 2"), ("X-Codes", "3")])
    assert http.send(request).status_code == 200
    assert received(styles)["x_codes"] == [1, 2, 3]


@pytest.mark.parametrize(
    ("url", "headers", "location"),
    [
        ("/items/1?status=available,lost", {}, "query.status.1"),
        ("/items/1?size=1%20x", {}, "query.size.1"),
        ("/items/1?size=1+2+3", {}, "query.size"),
        ("/items/1?color=red,blue", {}, "query.color.0"),
        ("/items/1,x", {}, "path.ids.1"),
        ("/items/1", {"X-Codes": "1,two"}, "header.X-Codes.1"),
        ("/items/1", {"X-Codes": "1,2,3,4"}, "header.X-Codes"),
        ("/items/1?status=available&status=sold,gone", {}, "query.status.2"),
    ],
)
def test_a_bad_item_is_rejected_with_its_location(
    styles: Styles, http: TestClient, url: str, headers: dict[str, str], location: str
) -> None:
    response = http.get(url, headers=headers)
    assert response.status_code == 422, response.text
    assert location + ":" in response.json()["message"]
    assert styles.calls == []


def test_served_openapi_lists_every_parameter(styles: Styles) -> None:
    served = styles.app.openapi()["paths"]["/items/{ids}"]["get"]["parameters"]
    assert {(item["name"], item["in"]) for item in served} == {
        ("ids", "path"),
        ("tag", "query"),
        ("status", "query"),
        ("size", "query"),
        ("color", "query"),
        ("X-Codes", "header"),
    }


def test_the_service_interface_keeps_plain_list_types(styles: Styles) -> None:
    source = (styles.project / "src/styles/_generated/service.py").read_text()
    assert "ids: list[int]," in source
    assert "status: list[models.FindItemsStatusItem] | None," in source
    assert "x_codes: list[int] | None," in source


# --- the generated client writes every style ----------------------------------------------------


def _sent_and_received(styles: Styles, arguments: dict[str, Any]) -> tuple[httpx.URL, httpx.Headers, dict[str, Any]]:
    sent: list[httpx.Request] = []
    with TestClient(styles.app) as http, styles.client_module.Client(http_client=http) as client:
        http.event_hooks = {"request": [sent.append]}
        assert client.find_items(**arguments) == len(arguments["ids"])
    return sent[-1].url, sent[-1].headers, received(styles)


def test_client_sends_each_style_and_the_server_gets_the_same_lists(styles: Styles) -> None:
    models = styles.models
    styles.calls.clear()
    url, headers, got = _sent_and_received(
        styles,
        {
            "ids": [1, 2],
            "tag": ["a b", "c"],
            "status": [models.FindItemsStatusItem.available, models.FindItemsStatusItem.sold],
            "size": [3, 4],
            "color": [models.FindItemsColorItem.red, models.FindItemsColorItem.blue],
            "x_codes": [5, 6],
        },
    )
    assert url.path == "/items/1,2"
    assert url.params.multi_items() == [
        ("tag", "a b"),
        ("tag", "c"),
        ("status", "available,sold"),
        ("size", "3 4"),
        ("color", "red|blue"),
    ]
    assert headers["X-Codes"] == "5,6"
    assert got == {
        "ids": [1, 2],
        "tag": ["a b", "c"],
        "status": ["available", "sold"],
        "size": [3, 4],
        "color": ["red", "blue"],
        "x_codes": [5, 6],
    }


def test_client_leaves_empty_lists_out(styles: Styles) -> None:
    """An empty array is undefined (RFC 6570 §2.3): no `status=` and no `X-Codes` header is sent."""
    url, headers, got = _sent_and_received(styles, {"ids": [9], "tag": [], "status": [], "size": [], "x_codes": []})
    assert url.params.multi_items() == []
    assert "X-Codes" not in headers
    assert got == {**NOTHING, "ids": [9]}


def test_async_client_sends_the_same_request(styles: Styles) -> None:
    models = styles.models
    styles.calls.clear()

    async def main() -> Any:
        transport = httpx.ASGITransport(app=styles.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
            styles.client_module.AsyncClient(http_client=http) as client,
        ):
            return await client.find_items(ids=[4], color=[models.FindItemsColorItem.green], x_codes=[1])

    assert asyncio.run(main()) == 1
    assert received(styles) == {**NOTHING, "ids": [4], "color": ["green"], "x_codes": [1]}


# --- the generated project is clean and its contract tests pass ---------------------------------


def _run(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=600)


def test_generated_code_passes_mypy_ruff_and_black(styles: Styles) -> None:
    mypy = _run([tool("mypy"), "--strict", "--no-incremental", "src", "tests"], styles.project)
    assert mypy.returncode == 0, mypy.stdout
    ruff = _run([tool("ruff"), "check", "--no-cache", "src", "tests"], styles.project)
    assert ruff.returncode == 0, ruff.stdout
    black = _run([tool("black"), "--check", "src", "tests"], styles.project)
    assert black.returncode == 0, black.stderr


def test_generated_contract_tests_pass_in_process(styles: Styles) -> None:
    """Schemathesis serialises every parameter by the contract's style; the server must agree."""
    result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract"], styles.project)
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_swagger2_csv_and_multi_arrays_are_served_as_written(tmp_path: Path) -> None:
    """The Swagger 2.0 petstore: `collectionFormat: csv` is one comma-separated value, `multi` repeats."""
    project = generate_project(SPECS / "petstore-swagger2.yaml", tmp_path / "legacy", "legacy_styles")
    sys.path.insert(0, str(project / "src"))
    try:
        application = importlib.import_module("legacy_styles._generated.application")
        mock = importlib.import_module("legacy_styles._generated.mock")
        runtime = importlib.import_module("legacy_styles._generated.runtime")
    finally:
        sys.path.remove(str(project / "src"))
    calls: list[dict[str, Any]] = []

    class Recording(mock.MockService):  # type: ignore[misc, name-defined]
        async def list_pets(self, **arguments: Any) -> Any:
            calls.append(arguments)
            return await super().list_pets(**arguments)

    settings = runtime.Settings(log_level="WARNING", expose_docs=True)
    with TestClient(application.create_app(Recording(), settings=settings)) as http:
        assert http.get("/pets?status=available,sold&tags=a&tags=b").status_code == 200
        assert http.get("/pets?status=").status_code == 200
        assert http.get("/pets?status=available,lost").status_code == 422
    statuses = [[item.value for item in call["status"]] for call in calls]
    assert statuses == [["available", "sold"], []]
    assert calls[0]["tags"] == ["a", "b"]
