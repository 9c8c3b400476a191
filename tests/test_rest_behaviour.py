"""What a generated REST service does at run time, checked on the committed petstore example.

These drive `create_app(service)` in-process with small hand-written services, so each feature
(validation, error shapes, credentials, response checks) is seen working on its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, generate_project

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

sys.path.insert(0, str(ROOT / "examples" / "petstore" / "src"))

from petstore._generated import models  # noqa: E402
from petstore._generated.application import create_app  # noqa: E402
from petstore._generated.mock import MockService  # noqa: E402
from petstore._generated.runtime import ApiResponse, Credentials, Settings  # noqa: E402

API_KEY = {"X-API-Key": "secret"}
QUIET = Settings(log_level="WARNING", expose_docs=True)


class RecordingService(MockService):
    """The mock, remembering the credentials and arguments each call received."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def create_pet(self, *, auth: Credentials, x_request_id: str | None, body: models.NewPet) -> Any:
        self.calls.append(("create_pet", {"auth": auth, "body": body, "x_request_id": x_request_id}))
        return models.Pet(id=7, name=body.name, status=models.PetStatus.available)

    async def get_pet(self, *, pet_id: int) -> Any:
        self.calls.append(("get_pet", {"pet_id": pet_id}))
        if pet_id == 404:
            return ApiResponse(404, models.Error(code=404, message="no such pet"))
        if pet_id == 500:
            return {"id": "not a number", "name": 5}
        return await super().get_pet(pet_id=pet_id)


@pytest.fixture
def service() -> RecordingService:
    return RecordingService()


@pytest.fixture
def client(service: RecordingService) -> Iterator[TestClient]:
    with TestClient(create_app(service, settings=QUIET), raise_server_exceptions=False) as test_client:
        yield test_client


def test_credentials_and_typed_body_reach_the_service(client: TestClient, service: RecordingService) -> None:
    response = client.post("/pets", json={"name": "Bo"}, headers={**API_KEY, "X-Request-Id": "r-1"})
    assert response.status_code == 201
    assert response.json() == {"id": 7, "name": "Bo", "status": "available"}
    name, arguments = service.calls[-1]
    assert name == "create_pet"
    assert arguments["auth"].get("ApiKeyAuth").value == "secret"
    assert isinstance(arguments["body"], models.NewPet)
    assert arguments["x_request_id"] == "r-1"


def test_anonymous_call_to_secured_operation_gets_the_contracts_401(client: TestClient) -> None:
    response = client.post("/pets", json={"name": "Bo"})
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}


def test_body_violating_the_contract_gets_the_contracts_400(client: TestClient, service: RecordingService) -> None:
    for body in ({"name": 5}, {"name": "Bo", "status": None}, {"name": ""}, {"name": "Bo", "status": "lost"}):
        response = client.post("/pets", json=body, headers=API_KEY)
        assert response.status_code == 400, body
        assert set(response.json()) == {"code", "message"}
    assert service.calls == []


def test_integer_format_bounds_are_enforced_on_parameters(client: TestClient) -> None:
    assert client.get("/pets", params={"limit": 100}).status_code == 200
    assert client.get("/pets", params={"offset": 2**31}).status_code >= 400
    assert client.get("/pets", params={"limit": 0}).status_code >= 400


def test_path_parameters_are_typed(client: TestClient, service: RecordingService) -> None:
    assert client.get("/pets/12").status_code == 200
    assert service.calls[-1] == ("get_pet", {"pet_id": 12})
    assert client.get("/pets/twelve").status_code >= 400


def test_declared_non_default_status_via_api_response(client: TestClient) -> None:
    response = client.get("/pets/404")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "no such pet"}


def test_result_violating_the_contract_becomes_500_not_a_bad_reply(client: TestClient) -> None:
    response = client.get("/pets/500")
    assert response.status_code == 500
    assert "not a number" not in response.text


def test_non_finite_numbers_in_a_reply_become_500_not_null() -> None:
    from petstore._generated.runtime import DeclaredResponse, OperationResponses
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(dict[str, float | None])
    responses = OperationResponses("weigh", 200, (DeclaredResponse("200", adapter, "application/json"),))
    for value in (float("nan"), float("inf"), float("-inf")):
        assert responses.respond({"weight": value}).status_code == 500, value
    assert bytes(responses.respond({"weight": 1.5}).body) == b'{"weight":1.5}'
    with_null = responses.respond({"weight": 1.5, "tare": None})
    assert (with_null.status_code, json.loads(bytes(with_null.body))) == (200, {"weight": 1.5, "tare": None})


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200


def test_readiness_reflects_the_service() -> None:
    class NotReady(MockService):
        async def ready(self) -> bool:
            return False

    with TestClient(create_app(NotReady(), settings=QUIET)) as test_client:
        assert test_client.get("/readyz").status_code == 503


def test_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/pets", headers={"X-Request-Id": "abc"})
    assert response.headers["x-request-id"] == "abc"


def test_docs_can_be_switched_off(service: RecordingService) -> None:
    settings = Settings(log_level="WARNING", expose_docs=False)
    with TestClient(create_app(service, settings=settings)) as test_client:
        assert test_client.get("/openapi.json").status_code == 404


def test_request_bodies_over_the_limit_are_refused_before_the_service_runs(service: RecordingService) -> None:
    settings = Settings(log_level="WARNING", expose_docs=True, max_body_bytes=64)
    small, large = {"name": "Bo"}, {"name": "B" * 100}
    with TestClient(create_app(service, settings=settings)) as test_client:
        assert test_client.post("/pets", json=small, headers=API_KEY).status_code == 201
        declared = test_client.post("/pets", json=large, headers=API_KEY)
        assert declared.status_code == 413
        assert declared.json() == {"detail": "Request body too large"}
        assert declared.headers["x-request-id"], "the refusal is logged and answered like any request"

        def chunks(body: bytes) -> Iterator[bytes]:
            yield from (body[index : index + 16] for index in range(0, len(body), 16))

        chunked = {**API_KEY, "Content-Type": "application/json"}
        large_chunked = test_client.post("/pets", content=chunks(json.dumps(large).encode()), headers=chunked)
        assert large_chunked.status_code == 413
        small_chunked = test_client.post("/pets", content=chunks(json.dumps(small).encode()), headers=chunked)
        assert small_chunked.status_code == 201
    assert [name for name, _ in service.calls] == ["create_pet", "create_pet"]


def test_mock_answers_with_the_contracts_example(client: TestClient) -> None:
    response = client.get("/pets")
    assert response.status_code == 200
    assert [pet["name"] for pet in response.json()] == ["Rex", "Tom"]


def test_python_only_pattern_on_a_parameter_is_enforced(tmp_path: Path) -> None:
    """Look-around is beyond pydantic's regex engine; the parameter is checked with Python's re."""
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Lookaround", "version": "1"},
        "paths": {
            "/users": {
                "get": {
                    "operationId": "findUser",
                    "parameters": [
                        {"name": "name", "in": "query", "schema": {"type": "string", "pattern": "^(?!admin)"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}
                    },
                }
            }
        },
    }
    spec = tmp_path / "lookaround.json"
    spec.write_text(json.dumps(document))
    out = generate_project(spec, tmp_path / "out", "lookaround")
    sys.path.insert(0, str(out / "src"))
    try:
        from lookaround._generated.application import create_app as create_lookaround_app
        from lookaround._generated.mock import MockService as LookaroundMock
    finally:
        sys.path.remove(str(out / "src"))
    with TestClient(create_lookaround_app(LookaroundMock(), settings=QUIET)) as test_client:
        assert test_client.get("/users", params={"name": "bob"}).status_code == 200
        assert test_client.get("/users", params={"name": "admin"}).status_code == 422


def test_json_access_log_carries_request_and_trace_ids(
    service: RecordingService, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    async def hook(request: Any) -> None:
        seen.append(request.url.path)

    settings = Settings(log_level="INFO", expose_docs=True)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    with TestClient(create_app(service, settings=settings, request_hooks=[hook])) as test_client:
        test_client.get("/pets", headers={"X-Request-Id": "req-9", "traceparent": traceparent})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("message") == "request"]
    assert access and access[-1]["status"] == 200 and access[-1]["path"] == "/pets"
    assert access[-1]["request_id"] == "req-9"
    assert access[-1]["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert seen == ["/pets"]
