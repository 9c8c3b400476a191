"""Contract examples that violate their own schema are reported and never served by the mock.

Published contracts often carry such examples (an array where the schema says one enum string, a
JSON document written as a string, an id that misses its pattern, an object without a required
property); the mock used to parse them into the models and fail on every call. Each one now gets
one located `openapi.invalid-example` warning, and the mock answers with a value synthesised
from the schema, which satisfies its enums, patterns, required properties, formats and bounds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.pipeline import read_contract
from generator.readers.openapi_examples import ExampleMaker, pattern_sample
from tests.conftest import generate_project, import_generated, run_contract_tests

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ACCOUNT_SID = "^AC[0-9a-fA-F]{32}$"

CONTRACT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Faulty Examples", "version": "1"},
    "paths": {
        "/interiors": {
            "get": {
                "operationId": "listInteriors",
                "responses": {
                    "200": {
                        "description": "Interior items.",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Interior"}}
                            }
                        },
                    }
                },
            }
        },
        "/interiors/{name}": {
            "get": {
                "operationId": "getInterior",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "One interior item.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Interior"}}},
                    }
                },
            }
        },
        "/accounts/{sid}": {
            "get": {
                "operationId": "getAccount",
                "parameters": [{"name": "sid", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "The account.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Account"},
                                "examples": {"nameless": {"$ref": "#/components/examples/nameless-account"}},
                            }
                        },
                    }
                },
            }
        },
        "/count": {
            "get": {
                "operationId": "getCount",
                "responses": {
                    "200": {
                        "description": "How many there are.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["count"],
                                    "properties": {"count": {"type": "integer", "minimum": 10, "maximum": 20}},
                                },
                                "example": {"count": "many"},
                            }
                        },
                    }
                },
            }
        },
        "/report": {
            "get": {
                "operationId": "getReport",
                "responses": {
                    "200": {
                        "description": "A report, as text.",
                        "content": {"text/plain": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Colour": {"type": "string", "enum": ["Aqua", "White"]},
            "Interior": {
                "type": "object",
                "required": ["name", "colors", "status"],
                "properties": {
                    "name": {"type": "string", "minLength": 3, "example": "Wall"},
                    "colors": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/components/schemas/Colour"},
                        "example": ["White", "Plaid"],
                    },
                    "status": {"allOf": [{"$ref": "#/components/schemas/Status"}, {"description": "Stock."}]},
                },
            },
            "Status": {"type": "string", "enum": ["IN_STOCK", "SOLD_OUT"]},
            "Account": {
                "type": "object",
                "required": ["sid", "name", "parent_sid", "created"],
                "properties": {
                    "sid": {"type": "string", "pattern": ACCOUNT_SID, "example": "AC123"},
                    "parent_sid": {"type": "string", "pattern": ACCOUNT_SID},
                    "name": {"type": "string", "maxLength": 4},
                    "created": {"type": "string", "format": "date-time", "example": "yesterday"},
                    "balance": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 1},
                },
            },
        },
        "examples": {
            "nameless-account": {
                "value": {
                    "sid": "AC0123456789abcdef0123456789abcdef",
                    "parent_sid": "AC0123456789abcdef0123456789abcdef",
                    "created": "2024-01-31T12:00:00Z",
                }
            }
        },
    },
}

INVALID_EXAMPLES = {
    "/components/schemas/Interior/properties/colors/example": "at /1: 'Plaid' is not one of ['Aqua', 'White']",
    "/components/schemas/Account/properties/sid/example": "at /: 'AC123' does not match",
    "/components/schemas/Account/properties/created/example": "at /: 'yesterday' is not a 'date-time'",
    "/components/examples/nameless-account/value": "at /: 'name' is a required property",
    "/paths/~1count/get/responses/200/content/application~1json/example": "at /count: 'many' is not of type",
}
SCHEMAS = {
    "/interiors": {"type": "array", "items": {"$ref": "#/components/schemas/Interior"}},
    "/interiors/wall": {"$ref": "#/components/schemas/Interior"},
    "/accounts/AC1": {"$ref": "#/components/schemas/Account"},
    "/count": CONTRACT["paths"]["/count"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
}


def _violations(value: Any, schema: dict[str, Any]) -> list[str]:
    validator = OAS30Validator({**CONTRACT, **schema}, format_checker=oas30_format_checker)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(value)]


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faulty") / "faulty.json"
    path.write_text(json.dumps(CONTRACT, indent=2) + "\n")
    return path


def test_each_invalid_example_gets_one_located_warning(spec: Path) -> None:
    sink = DiagnosticSink()
    read_contract([spec], sink)
    lines = spec.read_text().splitlines()
    found: dict[str, str] = {}
    for item in sink.items:
        assert item.code == "openapi.invalid-example", item
        assert item.severity is Severity.WARNING
        assert item.location.pointer not in found, f"reported twice: {item}"
        assert item.location.file == str(spec) and item.location.line is not None
        key = item.location.pointer.rsplit("/", 1)[-1] if item.location.pointer else ""
        assert f'"{key}"' in lines[item.location.line - 1], (item, lines[item.location.line - 1])
        found[str(item.location.pointer)] = item.message
    assert sorted(found) == sorted(INVALID_EXAMPLES)
    for pointer, reason in INVALID_EXAMPLES.items():
        assert reason in found[pointer]
        assert found[pointer].endswith("a value synthesised from the schema is used instead")


def test_strict_mode_turns_the_warning_into_an_error(spec: Path) -> None:
    with pytest.raises(ContractError) as raised:
        read_contract([spec], DiagnosticSink(strict=True))
    assert {item.code for item in raised.value.diagnostics} == {"openapi.invalid-example"}


def test_the_mock_is_given_schema_valid_examples_only(spec: Path) -> None:
    contract = read_contract([spec], DiagnosticSink())
    operations = {operation.name: operation for operation in contract.services[0].operations}
    body = operations["list_interiors"].http.responses[0].example
    assert body[0]["colors"] == ["Aqua"] and body[0]["status"] == "IN_STOCK" and body[0]["name"] == "Wall"
    account = operations["get_account"].http.responses[0].example
    assert account["sid"].startswith("AC") and len(account["sid"]) == 34
    assert _violations(account, SCHEMAS["/accounts/AC1"]) == []
    assert operations["get_count"].http.responses[0].example == {"count": 10}
    assert operations["get_report"].http.responses[0].example == "{}"


@pytest.mark.parametrize(
    ("pattern", "min_length", "max_length"),
    [
        (ACCOUNT_SID, 0, None),
        (r"^[a-z]+$", 10, 12),
        (r"^(?:foo|ba[rz])-\d{3}$", 0, None),
        (r"^[^/]+/[^/]+$", 0, None),
        (r"^\+?[1-9]\d{1,14}$", 0, None),
        (r"(\w)\1", 0, None),
        (r"^[A-Z]{2}-[0-9]{4,}$", 8, 9),
    ],
)
def test_pattern_samples_match_their_pattern_and_lengths(pattern: str, min_length: int, max_length: int | None) -> None:
    sample = pattern_sample(pattern, min_length, max_length)
    assert sample is not None
    assert OAS30Validator({"type": "string", "pattern": pattern}).is_valid(sample)
    assert len(sample) >= min_length and (max_length is None or len(sample) <= max_length)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "minimum": 5, "maximum": 7},
        {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 1, "exclusiveMaximum": True},
        {"type": "integer", "multipleOf": 7, "minimum": 50, "maximum": 60},
        {"type": "integer", "maximum": -3},
        {"type": "string", "format": "uuid"},
        {"type": "string", "minLength": 40},
        {"type": "string", "enum": ["a", "b"], "example": "c"},
        {"type": "array", "items": {"type": "string", "enum": ["x"]}, "minItems": 2, "example": ["y"]},
        {"type": "object", "required": ["id"], "properties": {"other": {"type": "string"}}},
        {"type": "object", "maxProperties": 1, "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
        {
            "oneOf": [
                {"type": "object"},
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
            ]
        },
        {"allOf": [{"$ref": "#/components/schemas/Status"}, {"description": "Where it stands."}]},
        {
            "type": "object",
            "nullable": True,
            "properties": {"nested": {"anyOf": [{"type": "object"}], "nullable": True}},
        },
    ],
)
def test_synthesised_values_satisfy_their_schema(schema: dict[str, Any]) -> None:
    reported: list[str] = []
    maker = ExampleMaker(CONTRACT, _resolve, lambda pointer, reason: reported.append(pointer))
    value = maker.synthesize(schema, "/x")
    assert maker.problem(value, schema) is None, value
    assert _violations(value, schema) == [], value
    assert reported == ([] if "example" not in schema else ["/x/example"])


def test_nullable_beside_a_combinator_admits_null_as_the_models_do() -> None:
    """OpenAPI 3.0.3 reads `nullable` only beside `type`; the models and the contract tests read it anywhere."""
    maker = ExampleMaker(CONTRACT, _resolve, lambda pointer, reason: None)
    assert maker.problem(None, {"anyOf": [{"$ref": "#/components/schemas/Status"}], "nullable": True}) is None
    assert maker.problem(None, {"enum": ["a"], "nullable": True}) is None
    assert maker.problem(None, {"anyOf": [{"$ref": "#/components/schemas/Status"}]}) is not None


def _resolve(schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = CONTRACT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@pytest.fixture(scope="module")
def project(spec: Path) -> Path:
    return generate_project(spec, spec.parent / "faulty", "faulty")


def test_the_generated_mock_answers_schema_valid_bodies(project: Path) -> None:
    application, mock, runtime = import_generated(
        project, "faulty._generated.application", "faulty._generated.mock", "faulty._generated.runtime"
    )
    app = application.create_app(mock.MockService(), settings=runtime.Settings(log_level="WARNING"))
    with TestClient(app) as http:
        for path, schema in SCHEMAS.items():
            response = http.get(path)
            assert response.status_code == 200, (path, response.text)
            assert _violations(response.json(), schema) == [], (path, response.json())
        report = http.get("/report")
        assert report.status_code == 200 and report.headers["content-type"].startswith("text/plain")


def test_the_generated_contract_tests_pass(project: Path) -> None:
    run_contract_tests(project, max_examples=10)
