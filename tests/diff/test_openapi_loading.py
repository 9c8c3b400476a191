"""Loading both sides of an OpenAPI diff fast gives exactly what `load_openapi` gives.

The shortcuts (`openapi_loading`): positions found on demand, a constant-time "seen" list in the
validator, validation findings cached by content and run for both sides at once.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from generator.diagnostics import Diagnostic, DiagnosticSink
from generator.diff import openapi_loading
from generator.format_cache import CACHE_DIR_ENV, DISABLE_ENV
from generator.readers.openapi_document import load_openapi, validation_findings
from generator.readers.openapi_validators import FastOpenAPIV30SpecValidator, FastOpenAPIV31SpecValidator
from generator.readers.yaml_positions import load_document

TRICKY_JSON = """{
  "a/b": {"~": [1, 2.5, -0, 1e3, true, false, null, "x\\u00e9\\n"], "": {}},
\t"list":[[],[{"k":"v"}],  {"deep": {"er": [0]}}] ,
  "unicode é \\ud83d\\ude00": "\\"quoted\\"",
  "~1": {"0": "zero", "01": "leading zero"}
}
"""


def test_lazy_positions_are_the_parsers_positions() -> None:
    eager = load_document(TRICKY_JSON, "t.json", DiagnosticSink(), syntax="json")
    lazy = load_document(TRICKY_JSON, "t.json", DiagnosticSink(), syntax="json", lazy_positions=True)
    assert eager is not None and lazy is not None
    assert json.dumps(lazy.data) == json.dumps(eager.data)
    assert [type(value) for value in lazy.data["a/b"]["~"]] == [type(value) for value in eager.data["a/b"]["~"]]
    for pointer, position in eager.positions.items():
        assert lazy.positions.get(pointer) == position, pointer
    for spelled_otherwise in ("/a~1b/~0/01", "/a~1b/~2", "/list/1/0/missing", "/~01/01/x", "x", "/"):
        assert (spelled_otherwise in eager.positions) == (lazy.positions.get(spelled_otherwise) is not None)
    assert list(lazy.positions) == list(eager.positions)


@pytest.mark.parametrize(
    "text",
    ['{"a": 1, "a": 2}', '{"a": NaN}', "[Infinity]", '{"a": 1,}', "[1] x", "", "1" + "0" * 5000, "[" * 5000],
)
def test_lazy_reading_reports_errors_as_the_parser_does(text: str) -> None:
    eager_sink, lazy_sink = DiagnosticSink(), DiagnosticSink()
    eager = load_document(text, "t.json", eager_sink, syntax="json")
    lazy = load_document(text, "t.json", lazy_sink, syntax="json", lazy_positions=True)
    assert lazy_sink.items == eager_sink.items
    assert (lazy is None) == (eager is None)


def _document(version: str, schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": schemas},
    }


BROKEN_SCHEMAS = {
    "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
    "B": {"allOf": [{"type": "object"}], "required": ["missing"], "properties": {"c": {"type": "string"}}},
    "C": {"type": "string", "default": 5},
    "D": {"type": "strin"},
    "E": {"type": "string", "pattern": "^[\\p{L}]+$"},
}


@pytest.mark.parametrize(
    ("version", "library", "fast"),
    [
        ("3.0.3", OpenAPIV30SpecValidator, FastOpenAPIV30SpecValidator),
        ("3.1.0", OpenAPIV31SpecValidator, FastOpenAPIV31SpecValidator),
    ],
)
def test_the_fast_validator_reports_what_the_library_reports(version: str, library: Any, fast: Any) -> None:
    def errors(validator_class: Any) -> list[tuple[str, list[Any]]]:
        found = []
        for error in validator_class(_document(version, BROKEN_SCHEMAS)).iter_errors():
            found.append((str(error.message), list(getattr(error, "absolute_path", []))))
        return found

    expected = errors(library)
    assert expected  # the document is broken in several ways
    assert errors(fast) == expected


def _write(directory: Path, name: str, document: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(document, indent=2))
    return path


@pytest.fixture
def contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    valid = {"A": {"type": "object", "properties": {"b": {"type": "string"}}}}
    warned = {"A": {"type": "string", "pattern": "^[\\p{L}]+$"}}
    return {
        "valid": _write(tmp_path, "valid.json", _document("3.0.3", valid)),
        "warned": _write(tmp_path, "warned.json", _document("3.0.3", warned)),
        "broken": _write(tmp_path, "broken.json", _document("3.0.3", BROKEN_SCHEMAS)),
        "broken31": _write(tmp_path, "broken31.json", _document("3.1.0", BROKEN_SCHEMAS)),
        "duplicate": _write(tmp_path, "duplicate.json", _document("3.0.3", valid)),
    }


_LENIENT_HINT = re.compile(r" \[--lenient accepts this with a warning: .*\]$")


def _without_lenient_hints(items: list[Diagnostic]) -> list[Diagnostic]:
    """`generate`'s findings as `diff` reports them: diff never offers `--lenient` for OpenAPI sides."""
    return [dataclasses.replace(item, message=_LENIENT_HINT.sub("", item.message)) for item in items]


PAIRS = [
    ("valid", "warned"),
    ("warned", "broken"),
    ("broken", "valid"),
    ("broken", "broken31"),
    ("valid", "valid"),
    ("valid", "duplicate"),
]


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_both_sides_load_as_load_openapi_loads_them(
    contracts: dict[str, Path], old: str, new: str, strict: bool
) -> None:
    expected_sink = DiagnosticSink(strict=strict)
    expected = (load_openapi(contracts[old], expected_sink), load_openapi(contracts[new], expected_sink))
    for _ in range(2):  # the second time, the findings come from the cache
        sink = DiagnosticSink(strict=strict)
        loaded = openapi_loading.load_sides(contracts[old], contracts[new], sink)
        assert sink.items == _without_lenient_hints(expected_sink.items)
        assert [side is None for side in loaded] == [side is None for side in expected]
        for side, expected_side in zip(loaded, expected, strict=True):
            assert side is None or expected_side is None or side.document == expected_side.document


def test_findings_are_cached_by_content_and_equal_sides_validated_once(
    contracts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    validated: list[dict[str, Any]] = []
    real = validation_findings

    def counting(loaded: Any) -> Any:
        validated.append(loaded.document)
        return real(loaded)

    monkeypatch.setattr(openapi_loading, "validation_findings", counting)
    openapi_loading.load_sides(contracts["valid"], contracts["duplicate"], DiagnosticSink())
    assert len(validated) == 1  # two files, one content
    openapi_loading.load_sides(contracts["valid"], contracts["broken"], DiagnosticSink())
    assert len(validated) == 2  # only the new content
    openapi_loading.load_sides(contracts["broken"], contracts["valid"], DiagnosticSink())
    assert len(validated) == 2
    monkeypatch.setenv(DISABLE_ENV, "1")
    openapi_loading.load_sides(contracts["broken"], contracts["valid"], DiagnosticSink())
    assert len(validated) == 4


def test_a_document_sharing_objects_is_not_cached() -> None:
    shared = {"type": "string"}
    key, _ = openapi_loading._content_key({"a": shared, "b": [shared]}, "3.0")
    assert key is None
    key, _ = openapi_loading._content_key({"a": {"type": "string"}, "b": [{"type": "string"}]}, "3.0")
    assert key is not None


def test_the_new_side_validated_in_a_child_gives_the_same_findings(
    contracts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    if not openapi_loading._can_fork():
        pytest.skip("this platform (or a thread of the test run) rules out forking")
    monkeypatch.setenv(DISABLE_ENV, "1")
    monkeypatch.setattr(openapi_loading, "_PARALLEL_MINIMUM_CHARACTERS", 0)
    children: list[object] = []
    real = openapi_loading._validate_in_child

    def counting(document: Any) -> Any:
        children.append(document)
        return real(document)

    monkeypatch.setattr(openapi_loading, "_validate_in_child", counting)
    expected_sink = DiagnosticSink()
    load_openapi(contracts["warned"], expected_sink)
    load_openapi(contracts["broken31"], expected_sink)
    sink = DiagnosticSink()
    openapi_loading.load_sides(contracts["warned"], contracts["broken31"], sink)
    assert len(children) == 1
    assert sink.items == _without_lenient_hints(expected_sink.items)
