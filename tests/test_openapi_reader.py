"""OpenAPI → IR lowering: what each contract feature becomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.ir.model import BodyKind, Contract, Operation, ParamLocation
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref
from generator.pipeline import read_contract


def contract_of(tmp_path: Path, paths: dict[str, Any], **extra: Any) -> tuple[Contract, DiagnosticSink]:
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths, **extra}
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document))
    sink = DiagnosticSink()
    return read_contract([spec], sink), sink


def only_operation(contract: Contract) -> Operation:
    (operation,) = contract.services[0].operations
    return operation


def ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def test_nullable_anyof_becomes_optional(tmp_path: Path) -> None:
    schema = {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
    contract, _ = contract_of(tmp_path, {"/a": {"get": {"operationId": "a", "responses": ok(schema)}}})
    assert only_operation(contract).http.responses[0].type == Nullable(Primitive(PrimitiveKind.DATETIME))


def test_inline_object_in_response_becomes_a_named_model(tmp_path: Path) -> None:
    schema = {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}}
    contract, _ = contract_of(tmp_path, {"/a": {"get": {"operationId": "listThings", "responses": ok(schema)}}})
    response_type = only_operation(contract).http.responses[0].type
    assert isinstance(response_type, ListOf) and isinstance(response_type.item, Ref)
    assert f"class {response_type.item.name}(BaseModel)" in contract.models.source


def test_class_names_are_the_model_generators(tmp_path: Path) -> None:
    components = {"schemas": {"HTTPError": {"type": "object", "properties": {"m": {"type": "string"}}}}}
    responses = ok({"$ref": "#/components/schemas/HTTPError"})
    contract, _ = contract_of(tmp_path, {"/a": {"get": {"responses": responses}}}, components=components)
    assert only_operation(contract).http.responses[0].type == Ref("HTTPError", "#/components/schemas/HTTPError")


def test_int32_format_becomes_explicit_bounds(tmp_path: Path) -> None:
    parameter = {"name": "n", "in": "query", "schema": {"type": "integer", "format": "int32"}}
    contract, _ = contract_of(tmp_path, {"/a": {"get": {"parameters": [parameter], "responses": ok({})}}})
    constraints = {item.keyword: item.value for item in only_operation(contract).http.params[0].constraints}
    assert constraints == {"ge": -(2**31), "le": 2**31 - 1}


def test_operation_without_id_is_named_from_method_and_path(tmp_path: Path) -> None:
    parameter = {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
    paths = {"/pets/{petId}/photo": {"get": {"parameters": [parameter], "responses": ok({})}}}
    contract, _ = contract_of(tmp_path, paths)
    assert only_operation(contract).name == "get_pets_pet_id_photo"


def test_percent_encoded_ref_resolves(tmp_path: Path) -> None:
    paths = {
        "/things/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": ok({"type": "string"}),
            }
        },
        "/copy/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"$ref": "#/paths/~1things~1%7Bid%7D/get/responses/200"}},
            }
        },
    }
    contract, _ = contract_of(tmp_path, paths)
    copied = contract.services[0].operations[1]
    assert copied.http.responses[0].type == Primitive(PrimitiveKind.STRING)


def test_ecma_pattern_is_a_warning_not_an_error(tmp_path: Path) -> None:
    schema = {"type": "string", "pattern": "^[\\p{L}]+$"}
    _, sink = contract_of(tmp_path, {"/a": {"get": {"responses": ok(schema)}}})
    assert [item.code for item in sink.items] == ["openapi.regex-dialect"]
    assert sink.items[0].severity is Severity.WARNING


def test_body_on_204_is_dropped_with_a_warning(tmp_path: Path) -> None:
    responses = {"204": {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}}}
    contract, sink = contract_of(tmp_path, {"/a": {"delete": {"responses": responses}}})
    assert only_operation(contract).http.responses[0].type is None
    assert [item.code for item in sink.items] == ["openapi.body-not-allowed"]


def test_object_query_parameter_skips_the_operation_with_a_warning(tmp_path: Path) -> None:
    parameter = {"name": "f", "in": "query", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
    paths = {"/a": {"get": {"parameters": [parameter], "responses": ok({})}}, "/b": {"get": {"responses": ok({})}}}
    contract, sink = contract_of(tmp_path, paths)
    assert [operation.http.path for operation in contract.services[0].operations] == ["/b"]
    assert [item.code for item in sink.items] == ["openapi.unsupported-parameter"]


def test_strict_mode_turns_warnings_into_errors(tmp_path: Path) -> None:
    document = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}}
    document["paths"] = {"/a": {"get": {"responses": ok({"type": "string", "pattern": "\\p{L}"})}}}
    spec = tmp_path / "api.json"
    spec.write_text(json.dumps(document))
    with pytest.raises(ContractError):
        read_contract([spec], DiagnosticSink(strict=True))


def test_reserved_header_parameters_are_ignored(tmp_path: Path) -> None:
    parameters = [
        {"name": name, "in": "header", "schema": {"type": "string"}}
        for name in ("Accept", "Content-Type", "Authorization", "X-Trace")
    ]
    contract, _ = contract_of(tmp_path, {"/a": {"get": {"parameters": parameters, "responses": ok({})}}})
    params = only_operation(contract).http.params
    assert [(param.wire_name, param.location) for param in params] == [("X-Trace", ParamLocation.HEADER)]


def test_parameter_name_clashes_across_locations_get_unique_names(tmp_path: Path) -> None:
    parameters = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "id", "in": "query", "schema": {"type": "string"}},
        {"name": "body", "in": "query", "schema": {"type": "string"}},
    ]
    contract, _ = contract_of(tmp_path, {"/a/{id}": {"get": {"parameters": parameters, "responses": ok({})}}})
    assert [param.name for param in only_operation(contract).http.params] == ["id", "id_2", "body_2"]


def test_security_alternatives_and_anonymous_access(tmp_path: Path) -> None:
    components = {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "basic": {"type": "http", "scheme": "basic"},
        }
    }
    paths = {
        "/both": {"get": {"security": [{"key": [], "basic": []}], "responses": ok({})}},
        "/either": {"get": {"security": [{"key": []}, {"basic": []}], "responses": ok({})}},
        "/open": {"get": {"security": [{}, {"key": []}], "responses": ok({})}},
    }
    contract, _ = contract_of(tmp_path, paths, components=components)
    both, either, open_ = contract.services[0].operations
    assert [len(requirement) for requirement in both.security] == [2]
    assert [len(requirement) for requirement in either.security] == [1, 1]
    assert both.requires_auth and either.requires_auth and not open_.requires_auth


def test_form_and_multipart_bodies_become_fields(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
    }
    body = {"content": {"multipart/form-data": {"schema": schema}}}
    contract, _ = contract_of(tmp_path, {"/a": {"post": {"requestBody": body, "responses": ok({})}}})
    request_body = only_operation(contract).http.request_body
    assert request_body is not None and request_body.kind is BodyKind.MULTIPART
    assert [(field.name, field.is_file, field.required) for field in request_body.fields] == [
        ("file", True, True),
        ("note", False, False),
    ]


def test_examples_come_from_the_contract_else_are_synthesised(tmp_path: Path) -> None:
    given = {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}, "example": 7}}}
    }
    made = ok({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 5}}})
    paths = {"/given": {"get": {"responses": given}}, "/made": {"get": {"responses": made}}}
    contract, _ = contract_of(tmp_path, paths)
    given_op, made_op = contract.services[0].operations
    assert given_op.http.responses[0].example == 7
    assert made_op.http.responses[0].example == {"n": 5}


def test_properties_named_like_keywords_are_left_alone(tmp_path: Path) -> None:
    """`properties` maps names to schemas: a property called `enum` or `format` is not a keyword."""
    schema = {
        "type": "object",
        "properties": {
            "format": {"type": "string"},
            "enum": {"type": "array", "items": {"type": "string"}},
            "default": {"type": "string", "format": "date"},
            "pattern": {"type": "string"},
        },
    }
    contract, sink = contract_of(tmp_path, {"/a": {"get": {"operationId": "a", "responses": ok(schema)}}})
    assert sink.items == []
    source = contract.models.source
    assert all(f"{name}: " in source or f"{name}_: " in source for name in ("format", "enum", "default", "pattern"))


def test_request_body_with_empty_content_is_no_body(tmp_path: Path) -> None:
    """`requestBody: {content: {}}` (seen in published contracts) names no media type: no body."""
    spec = tmp_path / "empty-content.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "Empty", "version": "1"},
                "paths": {
                    "/ping": {
                        "post": {
                            "operationId": "ping",
                            "requestBody": {"content": {}},
                            "responses": {"204": {"description": "done"}},
                        }
                    }
                },
            }
        )
    )
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    (operation,) = contract.services[0].operations
    assert operation.http.request_body is None and not sink.has_errors
