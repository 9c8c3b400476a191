"""Parameters whose schema is a `oneOf`/`anyOf` of scalars, or of a scalar and an array.

GitHub's REST contract has eleven such operations (`workflow_id: oneOf [integer, string]`,
`fields: oneOf [string, array]`); they used to be skipped. A parameter is text on the wire, so
the union widens to the type whose text covers every option, and the operation is served, sent
and contract-tested like any other.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.diagnostics import DiagnosticSink
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind
from generator.pipeline import read_contract
from generator.readers.openapi_schemas import widen_parameter_union
from tests.conftest import generate_project, import_generated, run_contract_tests

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CONTRACT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Unions", "version": "1"},
    "components": {
        "parameters": {
            "workflow-id": {
                "name": "workflow_id",
                "in": "path",
                "required": True,
                "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            }
        }
    },
    "paths": {
        "/workflows/{workflow_id}": {
            "get": {
                "operationId": "getWorkflow",
                "parameters": [
                    {"$ref": "#/components/parameters/workflow-id"},
                    {
                        "name": "fields",
                        "in": "query",
                        "schema": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                    },
                    {"name": "limit", "in": "query", "schema": {"anyOf": [{"type": "integer"}, {"type": "number"}]}},
                ],
                "responses": {
                    "200": {
                        "description": "The workflow as the service understood the request.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["id"],
                                    "properties": {
                                        "id": {"type": "string"},
                                        "fields": {"type": "array", "items": {"type": "string"}},
                                    },
                                },
                            }
                        },
                    }
                },
            }
        }
    },
}


def _resolve_nothing(schema: Any) -> Any:
    return schema


@pytest.mark.parametrize(
    ("schema", "widened"),
    [
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, {"type": "string"}),
        ({"anyOf": [{"type": "integer"}, {"type": "number"}]}, {"type": "number"}),
        (
            {"oneOf": [{"type": "integer", "format": "int64"}, {"type": "integer", "format": "int64"}]},
            {"type": "integer", "format": "int64"},
        ),
        ({"oneOf": [{"type": "string", "enum": ["a"]}, {"type": "string"}]}, {"type": "string"}),
        (
            {"oneOf": [{"type": "string"}, {"type": "array", "maxItems": 50, "items": {"type": "string"}}]},
            {"type": "array", "items": {"type": "string"}},
        ),
        ({"oneOf": [{"type": "integer"}, {"type": "null"}, {"type": "string"}]}, {"type": "string", "nullable": True}),
        ({"oneOf": [{"type": "integer"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}, None),
        ({"oneOf": [{"type": "string", "enum": ["only"]}]}, None),
        ({"type": "string"}, None),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}], "properties": {"a": {}}}, None),
    ],
)
def test_scalar_unions_widen_to_the_type_covering_every_option(schema: Any, widened: Any) -> None:
    assert widen_parameter_union(schema, _resolve_nothing) == widened


def test_union_parameters_no_longer_skip_the_operation(tmp_path: Path) -> None:
    spec = tmp_path / "unions.json"
    spec.write_text(json.dumps(CONTRACT))
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    assert sink.items == []
    (operation,) = contract.services[0].operations
    types = {param.wire_name: param.type for param in operation.http.params}
    assert types == {
        "workflow_id": Primitive(PrimitiveKind.STRING),
        "fields": ListOf(Primitive(PrimitiveKind.STRING)),
        "limit": Primitive(PrimitiveKind.NUMBER),
    }
    assert not isinstance(types["workflow_id"], Nullable)


def test_object_in_a_parameter_union_still_skips_with_a_located_warning(tmp_path: Path) -> None:
    document = json.loads(json.dumps(CONTRACT))
    document["components"]["parameters"]["workflow-id"]["schema"]["oneOf"][1] = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
    }
    spec = tmp_path / "object-union.json"
    spec.write_text(json.dumps(document))
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    assert contract.services[0].operations == ()
    assert [item.code for item in sink.items] == ["openapi.unsupported-parameter"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unions")
    spec = root / "unions.json"
    spec.write_text(json.dumps(CONTRACT))
    return generate_project(spec, root / "unions", "unions")


def test_union_parameters_are_served_and_sent_by_the_client(project: Path) -> None:
    application, mock, runtime, client_module = import_generated(
        project, "unions._generated.application", "unions._generated.mock", "unions._generated.runtime", "unions.client"
    )
    calls: list[dict[str, Any]] = []

    class Recording(mock.MockService):  # type: ignore[misc, name-defined]
        async def get_workflow(self, **arguments: Any) -> Any:
            calls.append(arguments)
            return {"id": arguments["workflow_id"], "fields": arguments["fields"]}

    app = application.create_app(Recording(), settings=runtime.Settings(log_level="WARNING"))
    with TestClient(app) as http:
        assert http.get("/workflows/42?fields=title").json() == {"id": "42", "fields": ["title"]}
        assert http.get("/workflows/ci.yml?fields=a&fields=b&limit=2.5").json() == {
            "id": "ci.yml",
            "fields": ["a", "b"],
        }
        assert calls[-1]["limit"] == 2.5
        assert http.get("/workflows/1?limit=many").status_code == 422
        with client_module.Client(http_client=http) as client:
            result = client.get_workflow(workflow_id="deploy.yml", fields=["x", "y"])
    assert (result.id, result.fields) == ("deploy.yml", ["x", "y"])


def test_union_parameters_pass_their_contract_tests(project: Path) -> None:
    run_contract_tests(project)
