"""The generated service accepts every request its contract allows, and its contract tests agree.

Found by `bench/corpus.py` over published contracts, where schemathesis' valid requests were
refused by the generated service's own mock. Each contract here is the smallest shape of one
such case; the app is driven in process, and the generated contract tests run in a subprocess.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from generator.diagnostics import DiagnosticSink
from generator.pipeline import read_contract
from generator.readers.openapi_schemas import ascii_word_classes, imply_object_types
from tests.conftest import generate_project, import_generated, run_contract_tests

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TAGS_BODY: dict[str, Any] = {
    "description": "Tags object for patch operations (no `type`, as Azure writes it).",
    "properties": {
        "tags": {"type": "object", "additionalProperties": {"type": "string"}},
        "properties": {"description": "a member named like the keyword", "properties": {"kind": {"type": "string"}}},
    },
}

UNTYPED_OBJECTS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Untyped", "version": "1"},
    "paths": {
        "/plans/{name}": {
            "patch": {
                "operationId": "updatePlanTags",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": TAGS_BODY}}},
                "responses": {
                    "200": {
                        "description": "The plan.",
                        "content": {
                            "application/json": {
                                "schema": {"properties": {"name": {"type": "string"}}},
                                "example": {"name": "plan"},
                            }
                        },
                    }
                },
            }
        }
    },
}


def _load_app(project: Path, package: str) -> Any:
    application, mock, runtime = import_generated(
        project, f"{package}._generated.application", f"{package}._generated.mock", f"{package}._generated.runtime"
    )
    return application.create_app(mock.MockService(), settings=runtime.Settings(log_level="WARNING"))


def _run_contract_tests(project: Path) -> None:
    run_contract_tests(project, max_examples=30)


# --- schemas with properties but no type ----------------------------------------------------


def test_schema_with_properties_but_no_type_is_taken_as_an_object() -> None:
    document = json.loads(json.dumps(UNTYPED_OBJECTS))
    implied = imply_object_types(document)
    operation = "/paths/~1plans~1{name}/patch"
    body = f"{operation}/requestBody/content/application~1json/schema"
    assert implied == [
        body,
        f"{body}/properties/properties",
        f"{operation}/responses/200/content/application~1json/schema",
    ]
    schema = document["paths"]["/plans/{name}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {"tags", "properties"}, "a member named `properties` is not a schema"


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "string"}, {"type": "object"}], "properties": {"a": {"type": "string"}}},
        {"enum": [{"a": 1}], "properties": {"a": {"type": "integer"}}},
        {"type": ["object", "null"], "properties": {"a": {"type": "integer"}}},
        {"required": ["a"]},
    ],
)
def test_schemas_that_say_which_values_they_take_are_left_alone(schema: dict[str, Any]) -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "components": {"schemas": {"Thing": json.loads(json.dumps(schema))}},
    }
    assert imply_object_types(document) == []
    assert document["components"]["schemas"]["Thing"] == schema


def test_implied_object_types_are_one_located_warning_and_shipped_in_the_contract(tmp_path: Path) -> None:
    spec = tmp_path / "untyped.json"
    spec.write_text(json.dumps(UNTYPED_OBJECTS, indent=2))
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    (warning,) = sink.items
    assert warning.code == "openapi.implied-object-type"
    assert "and 2 more" in warning.message
    assert warning.location is not None and warning.location.line is not None
    assert warning.location.pointer == "/paths/~1plans~1{name}/patch/requestBody/content/application~1json/schema"
    shipped = json.loads(contract.document_json)
    assert (
        shipped["paths"]["/plans/{name}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["type"]
        == "object"
    )


@pytest.fixture(scope="module")
def untyped_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("untyped")
    spec = root / "untyped.json"
    spec.write_text(json.dumps(UNTYPED_OBJECTS))
    return generate_project(spec, root / "untyped", "untyped")


def test_untyped_object_body_accepts_objects_and_rejects_other_json(untyped_project: Path) -> None:
    with TestClient(_load_app(untyped_project, "untyped")) as http:
        accepted = http.patch("/plans/p", json={"tags": {"env": "prod"}, "properties": {"kind": "x"}})
        assert accepted.status_code == 200, accepted.text
        invalid_bodies: list[Any] = [None, [], "", {"properties": ""}]
        for invalid in invalid_bodies:
            response = http.patch("/plans/p", json=invalid)
            assert response.status_code == 422, (invalid, response.text)


def test_untyped_object_body_passes_its_contract_tests(untyped_project: Path) -> None:
    _run_contract_tests(untyped_project)


# --- one JSON body under several media types ------------------------------------------------

USER = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}
JSON_MEDIA_TYPES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Media", "version": "1"},
    "paths": {
        "/users": {
            "post": {
                "operationId": "createUser",
                "requestBody": {
                    "required": True,
                    "content": {
                        media_type: {"schema": USER}
                        for media_type in ("application/*+json", "application/json", "text/json")
                    },
                },
                "responses": {
                    "201": {"description": "Created.", "content": {"application/json": {"schema": USER}}},
                    "400": {"description": "Invalid."},
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def media_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media")
    spec = root / "media.json"
    spec.write_text(json.dumps(JSON_MEDIA_TYPES))
    return generate_project(spec, root / "media", "media")


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/json", "text/json; charset=utf-8", "application/merge+json"]
)
def test_json_body_is_read_under_every_json_media_type(media_project: Path, content_type: str) -> None:
    with TestClient(_load_app(media_project, "media")) as http:
        accepted = http.post("/users", content=b'{"name": "ada"}', headers={"Content-Type": content_type})
        assert accepted.status_code == 201, accepted.text
        rejected = http.post("/users", content=b'{"name": ""}', headers={"Content-Type": content_type})
        assert rejected.status_code == 400, rejected.text


def test_json_media_types_pass_their_contract_tests(media_project: Path) -> None:
    _run_contract_tests(media_project)


# --- the most specific path template is routed first ----------------------------------------

NAMED: dict[str, Any] = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}


def _named_operation(operation_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": NAMED}}}},
        **extra,
    }


ROUTING: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Routing", "version": "1"},
    "components": {"securitySchemes": {"Token": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/v1/{name}": {
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": _named_operation("getModel", security=[{"Token": []}]),
        },
        "/v1/{name}:download": {
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": _named_operation("downloadModel"),
        },
        "/items/{item}": {
            "parameters": [{"name": "item", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": _named_operation("getItem"),
        },
        "/items/latest": {"get": _named_operation("getLatestItem")},
    },
}


@pytest.fixture(scope="module")
def routing_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("routing")
    spec = root / "routing.json"
    spec.write_text(json.dumps(ROUTING))
    return generate_project(spec, root / "routing", "routing")


def test_concrete_and_suffixed_paths_win_over_bare_templates(routing_project: Path) -> None:
    application, mock, runtime = import_generated(
        routing_project, "routing._generated.application", "routing._generated.mock", "routing._generated.runtime"
    )

    class Naming(mock.MockService):  # type: ignore[misc, name-defined]
        """Answers with the name of the operation that was routed."""

        async def get_model(self, **arguments: Any) -> Any:
            return {"name": "get_model"}

        async def download_model(self, **arguments: Any) -> Any:
            return {"name": "download_model"}

        async def get_item(self, **arguments: Any) -> Any:
            return {"name": "get_item"}

        async def get_latest_item(self, **arguments: Any) -> Any:
            return {"name": "get_latest_item"}

    app = application.create_app(Naming(), settings=runtime.Settings(log_level="WARNING"))
    with TestClient(app) as http:
        assert http.get("/v1/projects-1:download").json() == {"name": "download_model"}, "unsecured"
        assert http.get("/v1/projects-1").status_code == 401
        assert http.get("/v1/projects-1", headers={"Authorization": "Bearer t"}).json() == {"name": "get_model"}
        assert http.get("/items/latest").json() == {"name": "get_latest_item"}
        assert http.get("/items/7").json() == {"name": "get_item"}


def test_overlapping_path_templates_pass_their_contract_tests(routing_project: Path) -> None:
    _run_contract_tests(routing_project)


# --- cookie values the Cookie header cannot carry --------------------------------------------

COOKIES: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Cookies", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "parameters": [
                    {
                        "name": "session_id",
                        "in": "cookie",
                        "schema": {"type": "string", "minLength": 4, "maxLength": 16},
                    }
                ],
                "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": NAMED}}}},
            }
        }
    },
}


def test_cookie_cut_short_on_the_wire_is_not_counted_as_accepted_invalid_data(tmp_path: Path) -> None:
    """A too-long cookie with a `;` in it reaches the app cut at the `;`, and short enough to be valid."""
    spec = tmp_path / "cookies.json"
    spec.write_text(json.dumps(COOKIES))
    project = generate_project(spec, tmp_path / "cookies", "cookies")
    _run_contract_tests(project)
    test_schema = project / "tests" / "contract" / "test_schema.py"
    exemption = 'COOKIE_VALUE = re.compile(r"[\\x21\\x23-\\x2b\\x2d-\\x3a\\x3c-\\x5b\\x5d-\\x7e]*")'
    assert exemption in test_schema.read_text()
    test_schema.write_text(test_schema.read_text().replace(exemption, 'COOKIE_VALUE = re.compile(r".*", re.DOTALL)'))
    with pytest.raises(AssertionError, match="maxLength"):
        _run_contract_tests(project)


# --- a secured operation that declares no 401 -----------------------------------------------

SECURED: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Keys", "version": "1"},
    "security": [{"ApiKey": []}],
    "components": {"securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "Api-Key"}}},
    "paths": {
        "/collections": {
            "post": {
                "operationId": "createCollection",
                "requestBody": {"required": True, "content": {"application/json": {"schema": NAMED}}},
                "responses": {
                    "201": {"description": "Created.", "content": {"application/json": {"schema": NAMED}}},
                    "400": {"description": "Invalid."},
                },
            }
        }
    },
}


def test_secured_operation_without_a_declared_401_is_one_located_warning(tmp_path: Path) -> None:
    spec = tmp_path / "keys.json"
    spec.write_text(json.dumps(SECURED, indent=2))
    sink = DiagnosticSink()
    read_contract([spec], sink)
    (warning,) = sink.items
    assert warning.code == "openapi.undeclared-auth-refusal"
    assert warning.location is not None and warning.location.pointer == "/paths/~1collections/post/responses"


@pytest.fixture(scope="module")
def secured_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("keys")
    spec = root / "keys.json"
    spec.write_text(json.dumps(SECURED))
    return generate_project(spec, root / "keys", "keys")


def test_missing_credential_is_refused_with_401(secured_project: Path) -> None:
    with TestClient(_load_app(secured_project, "keys")) as http:
        assert http.post("/collections", json={"name": "a"}).status_code == 401
        assert http.post("/collections", json={"name": "a"}, headers={"Api-Key": "k"}).status_code == 201


def test_refusing_a_removed_credential_passes_the_contract_tests(secured_project: Path, tmp_path: Path) -> None:
    _run_contract_tests(secured_project)
    unexempted = tmp_path / "unexempted"
    shutil.copytree(secured_project, unexempted)
    test_schema = unexempted / "tests" / "contract" / "test_schema.py"
    exemption = 'CREDENTIAL_PARAMETERS: list[list[str]] = [["header", "api-key"]]'
    assert exemption in test_schema.read_text()
    test_schema.write_text(test_schema.read_text().replace(exemption, "CREDENTIAL_PARAMETERS: list[list[str]] = []"))
    with pytest.raises(AssertionError, match="Received: 401"):
        _run_contract_tests(unexempted)


# --- paths with a `#` fragment (AWS) ----------------------------------------------------------


def _target_operation(operation_id: str) -> dict[str, Any]:
    target = f"Svc_2024.{operation_id}"
    return {
        "post": {
            "operationId": operation_id,
            "parameters": [
                {
                    "name": "X-Amz-Target",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "enum": [target]},
                }
            ],
            "requestBody": {"required": True, "content": {"application/json": {"schema": NAMED}}},
            "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": NAMED}}}},
        }
    }


ARN = {"name": "arn", "in": "path", "required": True, "schema": {"type": "string"}}
FRAGMENTS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Fragments", "version": "1"},
    "paths": {
        "/#X-Amz-Target=Svc_2024.CancelQuery": _target_operation("CancelQuery"),
        "/#X-Amz-Target=Svc_2024.Query": _target_operation("Query"),
        "/tags/{arn}": {"parameters": [ARN], "get": _named_operation("ListTags")},
        "/tags/{arn}#tagKeys": {
            "parameters": [ARN],
            "delete": _named_operation(
                "UntagResource",
                parameters=[
                    {
                        "name": "tagKeys",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    }
                ],
            ),
        },
    },
}


def test_fragment_paths_are_one_warning_and_unknown_fragment_names_skip(tmp_path: Path) -> None:
    document = json.loads(json.dumps(FRAGMENTS))
    document["paths"]["/buckets#lifecycle"] = {"get": _named_operation("GetLifecycle")}
    spec = tmp_path / "fragments.json"
    spec.write_text(json.dumps(document, indent=2))
    sink = DiagnosticSink()
    contract = read_contract([spec], sink)
    assert [(item.code, item.location.pointer if item.location else None) for item in sink.items] == [
        ("openapi.unsupported-path", "/paths/~1buckets#lifecycle/get"),
        ("openapi.path-fragment", "/paths/~1#X-Amz-Target=Svc_2024.CancelQuery"),
    ]
    assert "and 2 more operations" in sink.items[1].message
    bindings = {
        operation.operation_id: operation.http for service in contract.services for operation in service.operations
    }
    assert set(bindings) == {"CancelQuery", "Query", "ListTags", "UntagResource"}
    assert bindings["Query"].url_path == "/"
    assert [(item.location.value, item.name, item.value) for item in bindings["Query"].route_conditions] == [
        ("header", "X-Amz-Target", "Svc_2024.Query")
    ]
    assert [(item.location.value, item.name, item.value) for item in bindings["UntagResource"].route_conditions] == [
        ("query", "tagKeys", None)
    ]


@pytest.fixture(scope="module")
def fragments_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fragments")
    spec = root / "fragments.json"
    spec.write_text(json.dumps(FRAGMENTS))
    return generate_project(spec, root / "fragments", "fragments")


def test_requests_reach_the_operation_their_parameters_name(fragments_project: Path) -> None:
    application, mock, runtime = import_generated(
        fragments_project,
        "fragments._generated.application",
        "fragments._generated.mock",
        "fragments._generated.runtime",
    )

    class Naming(mock.MockService):  # type: ignore[misc, name-defined]
        """Answers with the name of the operation that was routed."""

        async def cancel_query(self, **arguments: Any) -> Any:
            return {"name": "cancel_query"}

        async def query(self, **arguments: Any) -> Any:
            return {"name": "query"}

        async def list_tags(self, **arguments: Any) -> Any:
            return {"name": "list_tags"}

        async def untag_resource(self, **arguments: Any) -> Any:
            return {"name": f"untag_resource {arguments['arn']} {arguments['tag_keys']}"}

    app = application.create_app(Naming(), settings=runtime.Settings(log_level="WARNING"))
    body = {"name": "q"}
    with TestClient(app) as http:
        for operation in ("Query", "CancelQuery"):
            answer = http.post("/", json=body, headers={"X-Amz-Target": f"Svc_2024.{operation}"})
            assert answer.json() == {"name": snake(operation)}, answer.text
        assert http.post("/", json=body).status_code == 404
        assert http.post("/", json=body, headers={"X-Amz-Target": "Svc_2024.Other"}).status_code == 404
        assert http.get("/tags/a%23b").json() == {"name": "list_tags"}
        assert http.delete("/tags/a%23b?tagKeys=k&tagKeys=l").json() == {"name": "untag_resource a#b ['k', 'l']"}
        assert http.delete("/tags/a").status_code in (404, 405)


def snake(operation_id: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in operation_id).lstrip("_")


def test_fragment_paths_pass_their_contract_tests(fragments_project: Path) -> None:
    _run_contract_tests(fragments_project)


# --- constraints on the items of array parameters -------------------------------------------

ITEM_CONSTRAINTS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Items", "version": "1"},
    "paths": {
        "/stats": {
            "get": _named_operation(
                "getStats",
                parameters=[
                    {
                        "name": "groups",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "integer", "format": "int32"}},
                    },
                    {
                        "name": "tags",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5}},
                    },
                    {
                        "name": "keys",
                        "in": "query",
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/TagKey"}},
                    },
                ],
            )
        },
        "/ids/{ids}": {
            "get": _named_operation(
                "getIds",
                parameters=[
                    {
                        "name": "ids",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
                    }
                ],
            )
        },
    },
    "components": {"schemas": {"TagKey": {"type": "string", "pattern": "^(?!aws:)[a-z:]+$"}}},
}


@pytest.fixture(scope="module")
def items_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("items")
    spec = root / "items.json"
    spec.write_text(json.dumps(ITEM_CONSTRAINTS))
    return generate_project(spec, root / "items", "items")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/stats?groups=1,-2", 200),
        ("/stats?groups=1,99999999999", 422),
        ("/stats?tags=ab&tags=cd", 200),
        ("/stats?tags=ab&tags=AB", 422),
        ("/stats?tags=abcdef", 422),
        ("/stats?keys=ok:x", 200),
        ("/stats?keys=ok:x&keys=aws:x", 422),
        ("/ids/1,2", 200),
        ("/ids/1,0", 422),
    ],
)
def test_array_parameter_items_are_checked_against_their_schema(items_project: Path, url: str, status: int) -> None:
    with TestClient(_load_app(items_project, "items")) as http:
        response = http.get(url)
    assert response.status_code == status, response.text


def test_array_item_constraints_pass_their_contract_tests(items_project: Path) -> None:
    _run_contract_tests(items_project)


# --- ECMA-262's ASCII \w and \d -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "ascii_pattern"),
    [
        (r"^[-\w\._]+$", r"^[-A-Za-z0-9_\._]+$"),
        (r"^\d{3}-\D\W$", r"^[0-9]{3}-[^0-9][^A-Za-z0-9_]$"),
        (r"^[^\W\d]+$", r"^[^\W0-9]+$"),
        (r"^a\\w\p{L}$", r"^a\\w\p{L}$"),
    ],
)
def test_word_and_digit_classes_are_spelled_as_ecma_262_reads_them(pattern: str, ascii_pattern: str) -> None:
    document: dict[str, Any] = {"components": {"schemas": {"Name": {"type": "string", "pattern": pattern}}}}
    ascii_word_classes(document)
    assert document["components"]["schemas"]["Name"]["pattern"] == ascii_pattern


LOCATIONS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Locations", "version": "1"},
    "paths": {
        "/locations/{location}": {
            "post": _named_operation(
                "renameLocation",
                parameters=[
                    {
                        "name": "location",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": r"^[-\w\._]+$"},
                    },
                    {"name": "zone", "in": "query", "schema": {"type": "string", "pattern": r"^\d+$"}},
                ],
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string", "pattern": r"^\w+$"}},
                            }
                        }
                    },
                },
            )
        }
    },
}


@pytest.fixture(scope="module")
def locations_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("locations")
    spec = root / "locations.json"
    spec.write_text(json.dumps(LOCATIONS))
    return generate_project(spec, root / "locations", "locations")


@pytest.mark.parametrize(
    ("url", "name", "status"),
    [
        ("/locations/west_us-2", "plan", 200),
        ("/locations/%C3%B2", "plan", 422),
        ("/locations/west?zone=12", "plan", 200),
        ("/locations/west?zone=%D9%A3", "plan", 422),
        ("/locations/west", "pl\u00e4n", 422),
    ],
)
def test_word_classes_admit_ascii_only(locations_project: Path, url: str, name: str, status: int) -> None:
    with TestClient(_load_app(locations_project, "locations")) as http:
        response = http.post(url, json={"name": name})
    assert response.status_code == status, response.text


def test_ascii_word_classes_pass_their_contract_tests(locations_project: Path) -> None:
    _run_contract_tests(locations_project)
