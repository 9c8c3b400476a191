"""Swagger 2.0 contracts are upgraded to OpenAPI 3.0 on read, with errors still located in the 2.0 file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.readers.openapi_document import load_openapi
from generator.readers.swagger2 import rewrite_ref, upgrade_swagger2
from tests.conftest import SPECS

SPEC = SPECS / "petstore-swagger2.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def upgraded() -> dict[str, Any]:
    sink = DiagnosticSink()
    loaded = load_openapi(SPEC, sink)
    assert loaded is not None, [str(item) for item in sink.items]
    assert not sink.items
    return loaded.document


def test_servers_come_from_host_base_path_and_schemes(upgraded: dict[str, Any]) -> None:
    assert upgraded["openapi"] == "3.0.3"
    assert upgraded["servers"] == [{"url": "https://petstore.example.com/v2"}]


def test_body_parameter_becomes_a_request_body_with_the_consumed_media_type(upgraded: dict[str, Any]) -> None:
    create = upgraded["paths"]["/pets"]["post"]
    assert create["requestBody"] == {"$ref": "#/components/requestBodies/PetBody"}
    body = upgraded["components"]["requestBodies"]["PetBody"]
    assert body["required"] is True
    assert body["content"] == {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}}
    assert "parameters" not in create


def test_form_fields_with_a_file_become_a_multipart_body(upgraded: dict[str, Any]) -> None:
    upload = upgraded["paths"]["/pets/{petId}/photo"]["post"]
    schema = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert schema["properties"]["caption"] == {"type": "string", "maxLength": 80}
    assert schema["required"] == ["file"]
    assert upload["requestBody"]["required"] is True


def test_parameters_get_schemas_and_collection_formats_become_styles(upgraded: dict[str, Any]) -> None:
    listing = upgraded["paths"]["/pets"]["get"]
    limit, tags, status = listing["parameters"]
    assert limit == {"$ref": "#/components/parameters/PageLimit"}
    assert upgraded["components"]["parameters"]["PageLimit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert tags["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (tags["style"], tags["explode"]) == ("form", True)
    assert (status["style"], status["explode"]) == ("form", False)
    assert status["schema"]["items"]["enum"] == ["available", "pending", "sold"]
    shared = upgraded["paths"]["/pets/{petId}"]["parameters"]
    assert shared == [
        {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer", "format": "int64"}}
    ]


def test_responses_get_content_headers_and_examples(upgraded: dict[str, Any]) -> None:
    ok = upgraded["paths"]["/pets"]["get"]["responses"]["200"]
    media = ok["content"]["application/json"]
    assert media["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
    assert media["example"][0]["name"] == "Rex"
    assert ok["headers"]["X-Total-Count"] == {"schema": {"type": "integer"}, "description": "Pets in total."}
    assert upgraded["paths"]["/pets/{petId}"]["get"]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert upgraded["paths"]["/pets/{petId}"]["delete"]["responses"]["204"] == {"description": "Deleted."}


def test_schema_dialect_is_upgraded(upgraded: dict[str, Any]) -> None:
    pet = upgraded["components"]["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["tag"] == {"type": "string", "nullable": True}


def test_security_definitions_become_security_schemes(upgraded: dict[str, Any]) -> None:
    schemes = upgraded["components"]["securitySchemes"]
    assert schemes["api_key"] == {"type": "apiKey", "name": "X-API-Key", "in": "header"}
    flow = schemes["petstore_auth"]["flows"]["authorizationCode"]
    assert flow["tokenUrl"] == "https://auth.example.com/token"
    assert flow["scopes"]["write:pets"] == "modify pets"


@pytest.mark.parametrize(
    ("flow", "expected"),
    [("implicit", "implicit"), ("password", "password"), ("application", "clientCredentials")],
)
def test_every_oauth2_flow_has_its_openapi_3_name(flow: str, expected: str) -> None:
    document = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "securityDefinitions": {"o": {"type": "oauth2", "flow": flow, "tokenUrl": "https://t", "scopes": {}}},
    }
    scheme = upgrade_swagger2(document).document["components"]["securitySchemes"]["o"]
    assert list(scheme["flows"]) == [expected]


def test_basic_auth_becomes_http_basic() -> None:
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    document["securityDefinitions"] = {"b": {"type": "basic", "description": "d"}}
    scheme = upgrade_swagger2(document).document["components"]["securitySchemes"]["b"]
    assert scheme == {"type": "http", "scheme": "basic", "description": "d"}


def test_refs_are_rewritten_but_refs_into_other_files_are_kept() -> None:
    assert rewrite_ref("#/definitions/Pet") == "#/components/schemas/Pet"
    assert rewrite_ref("#/parameters/limit") == "#/components/parameters/limit"
    assert rewrite_ref("#/responses/NotFound") == "#/components/responses/NotFound"
    assert rewrite_ref("common.yaml#/definitions/Pet") == "common.yaml#/definitions/Pet"


def test_tsv_collection_format_is_a_located_warning(tmp_path: Path) -> None:
    contract = tmp_path / "api.yaml"
    contract.write_text(
        yaml.safe_dump(
            {
                "swagger": "2.0",
                "info": {"title": "t", "version": "1"},
                "paths": {
                    "/x": {
                        "get": {
                            "parameters": [
                                {
                                    "name": "ids",
                                    "in": "query",
                                    "type": "array",
                                    "items": {"type": "string"},
                                    "collectionFormat": "tsv",
                                }
                            ],
                            "responses": {"204": {"description": "ok"}},
                        }
                    }
                },
            },
            sort_keys=False,
        )
    )
    sink = DiagnosticSink()
    assert load_openapi(contract, sink) is not None
    (warning,) = sink.items
    assert warning.code == "openapi.swagger2-upgrade" and "tsv" in warning.message
    assert warning.location is not None and warning.location.line is not None


def test_errors_in_a_swagger_2_contract_point_at_its_own_lines(tmp_path: Path) -> None:
    text = SPEC.read_text().replace(
        "        type: integer\n        format: int64\n      name:",
        "        type: integr\n        format: int64\n      name:",
    )
    assert text != SPEC.read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text)
    line = next(number for number, content in enumerate(text.splitlines(), start=1) if "type: integr" in content)
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    errors = [entry for entry in result.stderr.splitlines() if "error[" in entry]
    assert len(errors) == 1, result.stderr
    assert f"broken.yaml:{line}:" in errors[0], errors[0]


def test_other_swagger_versions_are_refused(tmp_path: Path) -> None:
    contract = tmp_path / "old.yaml"
    contract.write_text("swagger: '1.2'\ninfo: {title: t, version: '1'}\n")
    result = runner.invoke(app, ["validate", str(contract)])
    assert result.exit_code == 2
    assert "old.yaml:1:" in result.stderr and "Swagger 2.0 and OpenAPI 3.0/3.1 are supported" in result.stderr


def test_a_swagger_2_contract_generates_a_project(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(SPEC), "--out", str(tmp_path / "legacy"), "--package", "legacy"])
    assert result.exit_code == 0, result.output
    service = (tmp_path / "legacy" / "src" / "legacy" / "_generated" / "service.py").read_text()
    for method in ("list_pets", "create_pet", "get_pet", "delete_pet", "upload_photo"):
        assert f"async def {method}(" in service
