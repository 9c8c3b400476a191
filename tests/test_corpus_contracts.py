"""Shapes of published contracts whose generated contract tests failed against the generated mock.

Found by `bench/corpus.py` over the OpenAPI directory. Each contract here is the smallest shape of
one such failure; the app is driven in process, and the generated contract tests run for real in a
subprocess, both against the fixed generator and (where it matters) against a service missing the
fix, so that the tests are shown able to fail.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.readers import openapi as openapi_reader
from generator.readers import pattern_syntax
from generator.readers.pattern_syntax import spell_unicode_properties
from tests.conftest import generate_project, import_generated, run_contract_tests

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _load_app(project: Path, package: str) -> Any:
    application, mock, runtime = import_generated(
        project, f"{package}._generated.application", f"{package}._generated.mock", f"{package}._generated.runtime"
    )
    return application.create_app(mock.MockService(), settings=runtime.Settings(log_level="WARNING"))


def _project(tmp_path_factory: pytest.TempPathFactory, name: str, document: dict[str, Any]) -> Path:
    root = tmp_path_factory.mktemp(name)
    spec = root / f"{name}.json"
    spec.write_text(json.dumps(document))
    return generate_project(spec, root / name, name)


def _contract_tests_fail(project: Path, max_examples: int) -> str:
    """Run the contract tests, which must fail; their output."""
    with pytest.raises(AssertionError) as failed:
        run_contract_tests(project, max_examples=max_examples)
    return str(failed.value)


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "OK.", "content": {"application/json": {"schema": schema}}}}


# --- urlencoded form bodies (twilio) ----------------------------------------------------------

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["PhoneNumbers", "Name"],
    "properties": {
        "PhoneNumbers": {"type": "array", "items": {"type": "string", "pattern": "^\\+[0-9]{3,15}$"}, "maxItems": 3},
        "Name": {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"},
        "Count": {"type": "integer", "minimum": 1, "maximum": 10},
        "Ratio": {"type": "number", "maximum": 1.5},
        "Flag": {"type": "boolean"},
        "Status": {"type": "string", "enum": ["in-progress", "done"]},
    },
}
FORMS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Forms", "version": "1"},
    "paths": {
        "/numbers": {
            "post": {
                "operationId": "checkNumbers",
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": FORM_SCHEMA}},
                },
                "responses": {
                    "202": {
                        "description": "Checked.",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"sid": {"type": "string"}}}
                            }
                        },
                    },
                    "400": {"description": "Invalid form."},
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def forms_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "forms", FORMS)


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ("PhoneNumbers=%2B1234&Name=ab", 202),
        ("PhoneNumbers=%2B1234&PhoneNumbers=%2B5678&Name=ab&Count=10&Ratio=1.5&Flag=true&Status=done", 202),
        ("Name=ab", 202),  # an empty array sends no field at all
        ("PhoneNumbers=%2B1&PhoneNumbers=%2B2&PhoneNumbers=%2B3&PhoneNumbers=%2B4&Name=ab", 400),
        ("PhoneNumbers=%2B1234&Name=AB", 400),
        ("PhoneNumbers=%2B1234&Name=abcdefghi", 400),
        ("PhoneNumbers=1234&Name=ab", 400),
        ("PhoneNumbers=%2B1234&Name=ab&Count=11", 400),
        ("PhoneNumbers=%2B1234&Name=ab&Count=1.5", 400),
        ("PhoneNumbers=%2B1234&Name=ab&Ratio=2", 400),
        ("PhoneNumbers=%2B1234&Name=ab&Flag=1", 400),
        ("PhoneNumbers=%2B1234&Name=ab&Status=later", 400),
        ("PhoneNumbers=%2B1234", 400),
    ],
)
def test_form_bodies_are_checked_against_their_schema(forms_project: Path, form: str, status: int) -> None:
    with TestClient(_load_app(forms_project, "forms")) as http:
        response = http.post("/numbers", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == status, response.text


def test_form_bodies_pass_their_contract_tests(forms_project: Path) -> None:
    run_contract_tests(forms_project, max_examples=60)


def test_contract_tests_fail_a_service_that_does_not_check_forms(forms_project: Path, tmp_path: Path) -> None:
    unchecked = tmp_path / "forms"
    shutil.copytree(forms_project, unchecked)
    routes = unchecked / "src/forms/_generated/routes/default.py"
    source = routes.read_text()
    routes.write_text(re.sub(r"\n    dependencies=\[\n.*?\n    \],", "", source, flags=re.S))
    assert "dependencies=[" not in routes.read_text()
    assert "ST201" in _contract_tests_fail(unchecked, max_examples=60)


# --- Unicode property escapes in patterns (amazonaws.com servicecatalog, ce) --------------------

TAG_PATTERN = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
TAGS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Tags", "version": "1"},
    "paths": {
        "/tags": {
            "post": {
                "operationId": "createTag",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["Key"],
                                "properties": {
                                    "Key": {
                                        "type": "string",
                                        "minLength": 2,
                                        "pattern": TAG_PATTERN,
                                    },
                                    "Separators": {
                                        "type": "string",
                                        "minLength": 3,
                                        "pattern": r"^\p{Z}+$",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": _ok({"type": "object"}),
            }
        }
    },
}


def _tags_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "tags", TAGS)


@pytest.fixture(scope="module")
def tags_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tags_project(tmp_path_factory)


def test_small_unicode_categories_are_spelled_as_the_code_points_they_hold() -> None:
    spelled = spell_unicode_properties(r"^[\p{Z}\pN]\P{Nd}\p{L}\p{Greek}$")
    assert "\\p{Z}" not in spelled and "\\pN" not in spelled
    assert spelled.endswith(r"\P{Nd}\p{L}\p{Greek}$")  # too large to spell, or not a category
    separator = re.compile(spell_unicode_properties(r"^\p{Z}$"))
    for code_point in [*range(0x3100), *range(0xFE00, 0x10000)]:
        if code_point not in range(0xD800, 0xE000):
            char = chr(code_point)
            assert bool(separator.match(char)) == unicodedata.category(char).startswith("Z"), hex(code_point)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"Key": "\u01da\u00cc 9_.:/=+-@"}, 200),
        ({"Key": "ab", "Separators": " \u00a0\u2028\u3000"}, 200),
        ({"Key": "a\x0cb"}, 422),
        ({"Key": "ab", "Separators": " \t "}, 422),
        ({"Key": "a!"}, 422),
    ],
)
def test_unicode_property_patterns_admit_their_categories(
    tags_project: Path, body: dict[str, Any], status: int
) -> None:
    with TestClient(_load_app(tags_project, "tags")) as http:
        assert http.post("/tags", json=body).status_code == status


def test_unicode_property_patterns_pass_their_contract_tests(
    tags_project: Path,
) -> None:
    run_contract_tests(tags_project, max_examples=30)


def test_contract_tests_fail_unicode_properties_left_as_escapes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pattern_syntax, "MAX_SPELLED_CODE_POINTS", 0)
    project = _tags_project(tmp_path_factory)
    assert "\\\\p{Z}" in (project / "src/tags/_generated/models.py").read_text()
    assert "ST202" in _contract_tests_fail(project, max_examples=30)


# --- format: byte of octets that are not UTF-8 (googleapis.com sasportal) ------------------------

POLICY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"etag": {"type": "string", "format": "byte"}, "version": {"type": "integer"}},
}
POLICIES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Policies", "version": "1"},
    "paths": {
        "/policies:set": {
            "post": {
                "operationId": "setPolicy",
                "requestBody": {"required": True, "content": {"application/json": {"schema": POLICY_SCHEMA}}},
                "responses": {
                    "200": {
                        "description": "The policy.",
                        "content": {"application/json": {"schema": POLICY_SCHEMA, "example": {"etag": "0g=="}}},
                    }
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def policies_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "policies", POLICIES)


@pytest.mark.parametrize("etag", ["0g==", "BwXgHx8=", "aGk="])  # 0xd2 and 0x07e01f1f are not UTF-8
def test_byte_format_takes_base64_of_any_octets(policies_project: Path, etag: str) -> None:
    with TestClient(_load_app(policies_project, "policies")) as http:
        response = http.post("/policies:set", json={"etag": etag})
    assert response.status_code == 200, response.text
    assert response.json() == {"etag": "0g=="}


def test_byte_format_passes_its_contract_tests(policies_project: Path) -> None:
    run_contract_tests(policies_project, max_examples=30)


# --- a required Accept header parameter (lufthansa.com) ----------------------------------------

ROUTES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Routes", "version": "1"},
    "paths": {
        "/routes/{origin}": {
            "get": {
                "operationId": "getRoute",
                "parameters": [
                    {"name": "origin", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"$ref": "#/components/parameters/ContentType"},
                ],
                "responses": _ok({"type": "object"}),
            }
        }
    },
    "components": {
        "parameters": {
            "ContentType": {"name": "Content-Type", "in": "header", "required": True, "schema": {"type": "string"}}
        }
    },
}


@pytest.fixture(scope="module")
def routes_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "routes", ROUTES)


def test_ignored_header_parameters_leave_the_shipped_contract(routes_project: Path) -> None:
    contract = json.loads((routes_project / "src/routes/_generated/contract.json").read_text())
    assert [raw["name"] for raw in contract["paths"]["/routes/{origin}"]["get"]["parameters"]] == ["origin"]


def test_ignored_header_parameters_pass_their_contract_tests(routes_project: Path) -> None:
    run_contract_tests(routes_project, max_examples=30)


def test_contract_tests_fail_ignored_header_parameters_left_in(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openapi_reader, "_drop_ignored_headers", lambda document: None)
    assert "ST201" in _contract_tests_fail(_project(tmp_path_factory, "routes", ROUTES), max_examples=30)


# --- an operation that declares no success (adobe.com aem) --------------------------------------

SERVLETS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Servlets", "version": "1"},
    "paths": {
        "/service/script.html": {
            "get": {
                "operationId": "getServlet",
                "responses": {
                    "405": {
                        "description": "Servlet is active",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    "404": {
                        "description": "Servlet is disabled",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def servlets_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "servlets", SERVLETS)


def test_mock_answers_an_operation_without_success_with_a_declared_status(servlets_project: Path) -> None:
    with TestClient(_load_app(servlets_project, "servlets")) as http:
        response = http.get("/service/script.html")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("text/html")


def test_operation_without_success_passes_its_contract_tests(servlets_project: Path) -> None:
    run_contract_tests(servlets_project, max_examples=10)


# --- type: number, format: decimal (just-eat.co.uk) ---------------------------------------------

GEOLOCATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["latitude", "longitude"],
    "properties": {
        "latitude": {"type": "number", "format": "decimal", "maximum": 90},
        "longitude": {"type": "number", "format": "decimal"},
    },
}
PLACES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Places", "version": "1"},
    "paths": {
        "/places/{place}": {
            "put": {
                "operationId": "putPlace",
                "parameters": [{"name": "place", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": GEOLOCATION_SCHEMA}}},
                "responses": {
                    "200": {
                        "description": "The place.",
                        "content": {
                            "application/json": {
                                "schema": GEOLOCATION_SCHEMA,
                                "example": {"latitude": 1, "longitude": -1.5},
                            }
                        },
                    }
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def places_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "places", PLACES)


def test_decimal_numbers_stay_json_numbers(places_project: Path) -> None:
    with TestClient(_load_app(places_project, "places")) as http:
        response = http.put("/places/home", json={"latitude": 51.5, "longitude": 0})
    assert response.status_code == 200, response.text
    assert response.json() == {"latitude": 1, "longitude": -1.5}


def test_decimal_numbers_pass_their_contract_tests(places_project: Path) -> None:
    run_contract_tests(places_project, max_examples=10)


# --- a discriminator whose value names no schema (azure.com edgegateway) ------------------------

ROLES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Roles", "version": "1"},
    "paths": {
        "/roles/{name}": {
            "put": {
                "operationId": "putRole",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Role"}}},
                },
                "responses": _ok({"type": "object"}),
            }
        }
    },
    "components": {
        "schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "string", "maxLength": 4}}},
            "Role": {
                "type": "object",
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "discriminator": {"propertyName": "kind"},
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "enum": ["IOT", "Cognitive"]}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def roles_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory, "roles", ROLES)


@pytest.mark.parametrize(
    ("body", "status"),
    [({"kind": "Cognitive"}, 200), ({"kind": "IOT", "id": "r1"}, 200), ({"kind": "IOT", "id": "r1234"}, 422)],
)
def test_discriminator_is_a_hint_to_the_contract_check(roles_project: Path, body: dict[str, Any], status: int) -> None:
    with TestClient(_load_app(roles_project, "roles")) as http:
        response = http.put("/roles/r", json=body)
    assert response.status_code == status, response.text


def test_discriminator_without_schemas_passes_its_contract_tests(roles_project: Path) -> None:
    run_contract_tests(roles_project, max_examples=20)
