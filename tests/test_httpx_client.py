"""The `httpx-client` target, run for real against the generated FastAPI app (mock service).

Each example contract is generated once with `fastapi`, `contract-tests` and `httpx-client`;
every operation is called through both `Client` and `AsyncClient`, in-process.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, generate, read_contract
from generator.targets.registry import default_targets
from tests.conftest import SPECS, project_env, serve_with_uvicorn, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TARGETS = ("fastapi", "contract-tests", "httpx-client")
ITEM_ID = uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7")
MISSING_ITEM_ID = uuid.UUID("00000000-0000-4000-8000-000000000404")
FILE_ID = uuid.UUID("0b8f3c2a-5d1e-4f6a-9b7c-1e2d3f4a5b6c")


@dataclass(frozen=True)
class Generated:
    spec: str
    project: Path
    package: str

    def module(self, name: str) -> ModuleType:
        source = str(self.project / "src")
        if source not in sys.path:
            sys.path.insert(0, source)
        return importlib.import_module(f"{self.package}.{name}")


@pytest.fixture(scope="module", params=("petstore", "showcase"))
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """Package names differ from the committed examples so both can be imported in one process."""
    spec = str(request.param)
    package = f"{spec}_client"
    project = tmp_path_factory.mktemp(package) / package
    report = generate(Job((SPECS / f"{spec}.yaml",), project, TARGETS, package), DiagnosticSink())
    assert report.ok, report
    return Generated(spec, project, package)


# --- per-contract call tables: operation → (arguments, check of the parsed result) ---------------

Call = tuple[dict[str, Any], Callable[[Any], bool]]


def petstore_calls(models: ModuleType) -> dict[str, Call]:
    def pets(result: Any) -> bool:
        return isinstance(result, list) and all(isinstance(pet, models.Pet) for pet in result)

    return {
        "list_pets": ({"limit": 2, "offset": 0, "x_request_id": "r-1"}, pets),
        "create_pet": (
            {"body": models.NewPet(name="Rex", status=models.PetStatus.available)},
            lambda result: isinstance(result, models.Pet),
        ),
        "get_pet": ({"pet_id": 1}, lambda result: isinstance(result, models.Pet)),
        "update_pet": ({"pet_id": 1, "body": models.NewPet(name="Tom")}, lambda result: isinstance(result, models.Pet)),
        "delete_pet": ({"pet_id": 1}, lambda result: result is None),
        "upload_pet_photo": (
            {"pet_id": 1, "file": ("rex.png", b"\x89PNG", "image/png"), "caption": "Rex at the beach"},
            lambda result: isinstance(result, models.PhotoInfo),
        ),
        "get_inventory": ({}, lambda result: isinstance(result, dict) and all(type(v) is int for v in result.values())),
    }


def showcase_calls(models: ModuleType) -> dict[str, Call]:
    new_item = models.NewItem(name="Blue Widget", sku="WID-0042", price=19.99, class_="hardware", tags=["blue"])
    return {
        "list_items": (
            {
                "limit": 5,
                "sort": models.ListItemsSort.field_name,
                "tag": ["blue", "sale"],
                "status": models.ItemStatus.out_of_stock,
                "updated_since": datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
                "x_trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                "session_id": "s3ss10n-0123456789abcdef",
            },
            lambda result: isinstance(result, models.ItemPage) and isinstance(result.items[0], models.Item),
        ),
        "create_item": ({"body": new_item}, lambda result: isinstance(result, models.Item)),
        "get_item": ({"item_id": ITEM_ID}, lambda result: isinstance(result, models.Item)),
        "delete_item": ({"item_id": ITEM_ID}, lambda result: result is None),
        "get_items_item_id_history": (
            {"item_id": ITEM_ID},
            lambda result: isinstance(result, list) and all(isinstance(entry, models.HistoryEntry) for entry in result),
        ),
        "create_animal": (
            {"body": models.Animal(models.Dog(petType="dog", name="Rex"))},
            lambda result: isinstance(result, models.Animal) and isinstance(result.root, (models.Cat, models.Dog)),
        ),
        "get_category_tree": ({"depth": 2}, lambda result: isinstance(result, models.CategoryNode)),
        "upload_file": (
            {"file": ("report.pdf", b"%PDF-1.4", "application/pdf"), "label": "Q2 report", "public": True},
            lambda result: isinstance(result, models.FileInfo),
        ),
        "download_file": ({"file_id": FILE_ID}, lambda result: isinstance(result, bytes) and result),
        "issue_token": (
            {
                "grant_type": models.IssueTokenGrantType.client_credentials,
                "client_id": "my-client",
                "client_secret": "s3cr3t",
                "scope": "items:read",
            },
            lambda result: isinstance(result, models.TokenResponse),
        ),
        "get_health": ({}, lambda result: isinstance(result, models.Health)),
    }


@dataclass(frozen=True)
class Case:
    """What the runtime tests need from one generated project."""

    app: Any
    client_module: ModuleType
    calls: dict[str, Call]
    credentials: dict[str, Any]
    secured: tuple[str, dict[str, Any]]
    missing: tuple[str, dict[str, Any]]
    tag_call: tuple[str, str]


def _service_class(generated: Generated) -> type[Any]:
    """The mock, answering a declared 404 for one id so `_detailed` and `ApiError` can be seen."""
    mock = generated.module("_generated.mock").MockService
    runtime = generated.module("_generated.runtime")
    models = generated.module("_generated.models")
    if generated.spec == "petstore":

        class PetstoreService(mock):  # type: ignore[misc, valid-type]
            async def get_pet(self, *, pet_id: int) -> Any:
                if pet_id == 404:
                    return runtime.ApiResponse(404, models.Error(code=404, message="pet 404 not found"))
                return await super().get_pet(pet_id=pet_id)

        return PetstoreService

    class ShowcaseService(mock):  # type: ignore[misc, valid-type]
        async def get_item(self, *, auth: Any, item_id: uuid.UUID) -> Any:
            if item_id == MISSING_ITEM_ID:
                return runtime.ApiResponse(404, models.Error(code="not_found", message="No such item."))
            return await super().get_item(auth=auth, item_id=item_id)

    return ShowcaseService


@pytest.fixture(scope="module")
def case(generated: Generated) -> Case:
    application = generated.module("_generated.application")
    runtime = generated.module("_generated.runtime")
    client_module = generated.module("client")
    models = client_module.models
    quiet = runtime.Settings(log_level="WARNING", expose_docs=True)
    app = application.create_app(_service_class(generated)(), settings=quiet)
    if generated.spec == "petstore":
        return Case(
            app,
            client_module,
            petstore_calls(models),
            {"ApiKeyAuth": client_module.ApiKey("secret")},
            ("create_pet", {"body": models.NewPet(name="Rex")}),
            ("get_pet", {"pet_id": 404}),
            ("pets", "list_pets"),
        )
    return Case(
        app,
        client_module,
        showcase_calls(models),
        {
            "ApiKeyHeader": client_module.ApiKey("key"),
            "BasicAuth": client_module.Basic("user", "pass"),
            "BearerAuth": client_module.Bearer("token"),
            "OAuth2": client_module.Bearer("oauth-token"),
        },
        ("get_item", {"item_id": ITEM_ID}),
        ("get_item", {"item_id": MISSING_ITEM_ID}),
        ("items", "list_items"),
    )


# --- the generated code is clean ------------------------------------------------------------------


def _run(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=300)


def test_generated_client_passes_mypy_strict(generated: Generated) -> None:
    result = _run([tool("mypy"), "--strict", "--no-incremental", "src"], generated.project)
    assert result.returncode == 0, result.stdout


def test_generated_client_passes_ruff_and_black(generated: Generated) -> None:
    ruff = _run([tool("ruff"), "check", "--no-cache", "src", "tests"], generated.project)
    assert ruff.returncode == 0, ruff.stdout
    black = _run([tool("black"), "--check", "src", "tests"], generated.project)
    assert black.returncode == 0, black.stderr


def test_httpx_client_is_a_default_target() -> None:
    assert "httpx-client" in default_targets("openapi")


# --- every operation, both faces ------------------------------------------------------------------


def test_call_tables_cover_every_operation(generated: Generated, case: Case) -> None:
    contract = read_contract([SPECS / f"{generated.spec}.yaml"], DiagnosticSink())
    assert set(case.calls) == {operation.name for operation in contract.services[0].operations}


def test_sync_client_calls_every_operation(case: Case) -> None:
    with (
        TestClient(case.app) as http,
        case.client_module.Client(http_client=http, credentials=case.credentials) as client,
    ):
        for name, (arguments, check) in case.calls.items():
            result = getattr(client, name)(**arguments)
            assert check(result), (name, result)


def test_async_client_calls_every_operation(case: Case) -> None:
    async def main() -> None:
        transport = httpx.ASGITransport(app=case.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
            case.client_module.AsyncClient(http_client=http, credentials=case.credentials) as client,
        ):
            for name, (arguments, check) in case.calls.items():
                result = await getattr(client, name)(**arguments)
                assert check(result), (name, result)

    asyncio.run(main())


@pytest.fixture(scope="module")
def live_url(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's own app (its scaffolded service: the mock) under uvicorn on 127.0.0.1."""
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serve_with_uvicorn(generated.project, f"{generated.package}.app:app", log_path) as base_url:
        yield base_url


def test_both_clients_call_every_operation_on_a_live_server(case: Case, live_url: str) -> None:
    with case.client_module.Client(live_url, credentials=case.credentials) as client:
        for name, (arguments, check) in case.calls.items():
            result = getattr(client, name)(**arguments)
            assert check(result), (name, result)

    async def main() -> None:
        async with case.client_module.AsyncClient(live_url, credentials=case.credentials) as client:
            for name, (arguments, check) in case.calls.items():
                result = await getattr(client, name)(**arguments)
                assert check(result), (name, result)

    asyncio.run(main())


def test_every_secured_operation_on_a_live_server_needs_credentials(
    generated: Generated, case: Case, live_url: str
) -> None:
    contract = read_contract([SPECS / f"{generated.spec}.yaml"], DiagnosticSink())
    secured = [operation.name for operation in contract.services[0].operations if operation.requires_auth]
    assert secured
    errors = case.client_module.ApiError
    with case.client_module.Client(live_url) as anonymous:
        for name in secured:
            arguments, _ = case.calls[name]
            with pytest.raises(errors) as raised:
                getattr(anonymous, name)(**arguments)
            assert raised.value.status_code == 401, name

    async def main() -> None:
        async with case.client_module.AsyncClient(live_url) as anonymous:
            for name in secured:
                arguments, _ = case.calls[name]
                with pytest.raises(errors) as raised:
                    await getattr(anonymous, name)(**arguments)
                assert raised.value.status_code == 401, name

    asyncio.run(main())


def test_operations_are_grouped_by_tag(case: Case) -> None:
    tag, name = case.tag_call
    with TestClient(case.app) as http:
        client = case.client_module.Client(http_client=http, credentials=case.credentials)
        arguments, check = case.calls[name]
        assert check(getattr(getattr(client, tag), name)(**arguments))


def test_secured_operation_raises_api_error_without_credentials(case: Case) -> None:
    name, arguments = case.secured
    with TestClient(case.app) as http:
        anonymous = case.client_module.Client(http_client=http)
        with pytest.raises(case.client_module.ApiError) as raised:
            getattr(anonymous, name)(**arguments)
        assert raised.value.status_code == 401
        assert isinstance(raised.value.body, case.client_module.models.Error)
        authenticated = case.client_module.Client(http_client=http, credentials=case.credentials)
        assert getattr(authenticated, name)(**arguments) is not None


def test_detailed_call_returns_a_declared_404_without_raising(case: Case) -> None:
    name, arguments = case.missing
    with TestClient(case.app) as http:
        client = case.client_module.Client(http_client=http, credentials=case.credentials)
        detailed = getattr(client, f"{name}_detailed")(**arguments)
        assert detailed.status_code == 404
        assert isinstance(detailed.body, case.client_module.models.Error)
        with pytest.raises(case.client_module.ApiError) as raised:
            getattr(client, name)(**arguments)
        assert raised.value.status_code == 404 and raised.value.declared_status == "404"


def test_undeclared_success_status_raises_unexpected_status(case: Case) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(299, json={}))
    with httpx.Client(transport=transport, base_url="http://test") as http:
        client = case.client_module.Client(http_client=http, credentials=case.credentials)
        name, arguments = case.missing
        with pytest.raises(case.client_module.UnexpectedStatus) as raised:
            getattr(client, name)(**arguments)
        assert raised.value.status_code == 299


def test_credentials_for_unknown_schemes_are_refused(case: Case) -> None:
    with pytest.raises(ValueError, match="no security scheme"):
        case.client_module.Client("http://test", credentials={"Nope": case.client_module.ApiKey("k")})


# --- retries ----------------------------------------------------------------------------------------


def _flaky(statuses: list[int | None], body: Any) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering the given statuses in turn (None = connection error), then `body`."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        status = statuses.pop(0) if statuses else 200
        if status is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(status, json=body if status == 200 else {"code": status, "message": "busy"})

    return httpx.MockTransport(handler), seen


def test_idempotent_calls_are_retried_after_errors_and_busy_replies(case: Case) -> None:
    if "list_pets" not in case.calls:
        pytest.skip("petstore only")
    module = case.client_module
    pets = [{"id": 1, "name": "Rex", "status": "available"}]
    transport, seen = _flaky([None, 503, 502], pets)
    retry = module.Retry(attempts=4, backoff=0)
    with (
        httpx.Client(transport=transport, base_url="http://api") as http,
        module.Client(http_client=http, retry=retry) as client,
    ):
        assert [pet.name for pet in client.list_pets()] == ["Rex"]
    assert seen == ["GET"] * 4


def test_retries_give_up_after_the_last_attempt(case: Case) -> None:
    if "list_pets" not in case.calls:
        pytest.skip("petstore only")
    module = case.client_module
    transport, seen = _flaky([None, None, None], [])
    with (
        httpx.Client(transport=transport, base_url="http://api") as http,
        module.Client(http_client=http, retry=module.Retry(attempts=3, backoff=0)) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.list_pets()
    assert len(seen) == 3


def test_non_idempotent_calls_are_not_retried(case: Case) -> None:
    if "create_pet" not in case.calls:
        pytest.skip("petstore only")
    module = case.client_module
    transport, seen = _flaky([503], {})
    credentials = {"ApiKeyAuth": module.ApiKey("k")}
    with (
        httpx.Client(transport=transport, base_url="http://api") as http,
        module.Client(http_client=http, credentials=credentials, retry=module.Retry(backoff=0)) as client,
        pytest.raises(module.ApiError) as raised,
    ):
        client.create_pet(body=module.models.NewPet(name="Rex"))
    assert raised.value.status_code == 503 and seen == ["POST"]


def test_async_client_retries_too(case: Case) -> None:
    if "list_pets" not in case.calls:
        pytest.skip("petstore only")
    module = case.client_module

    async def main() -> list[str]:
        transport, seen = _flaky([None, 503], [])
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://api") as http,
            module.AsyncClient(http_client=http, retry=module.Retry(backoff=0)) as client,
        ):
            assert await client.list_pets() == []
        return seen

    assert asyncio.run(main()) == ["GET"] * 3


# --- OAuth2 client credentials ------------------------------------------------------------------------


def _token_server(item: Any, unauthorized_first: bool) -> tuple[httpx.MockTransport, list[str]]:
    """A token endpoint issuing t1, t2...; the API accepts only the newest token."""
    log: list[str] = []
    issued: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/token"):
            assert request.headers["Authorization"].startswith("Basic ")
            assert b"grant_type=client_credentials" in request.content
            issued.append(f"t{len(issued) + 1}")
            log.append("token")
            return httpx.Response(200, json={"access_token": issued[-1], "expires_in": 3600})
        log.append(request.headers.get("Authorization", ""))
        if unauthorized_first and len(issued) == 1:
            return httpx.Response(401, json={"code": "expired", "message": "token expired"})
        if request.headers.get("Authorization") != f"Bearer {issued[-1]}":
            return httpx.Response(401, json={"code": "bad", "message": "bad token"})
        return httpx.Response(200, json=item)

    return httpx.MockTransport(handler), log


def _showcase_item(case: Case) -> Any:
    package = case.client_module.__name__.rsplit(".", 1)[0]
    return importlib.import_module(f"{package}._generated.runtime").EXAMPLES["get_item"]["200"]


def test_client_credentials_token_is_fetched_once_and_reused(case: Case) -> None:
    if "get_item" not in case.calls:
        pytest.skip("showcase only")
    module = case.client_module
    transport, log = _token_server(_showcase_item(case), unauthorized_first=False)
    credentials = {"OAuth2": module.ClientCredentials("app", "secret", scopes=("items:read",))}
    with (
        httpx.Client(transport=transport, base_url="http://api") as http,
        module.Client(http_client=http, credentials=credentials) as client,
    ):
        first = client.get_item(item_id=ITEM_ID)
        second = client.get_item(item_id=ITEM_ID)
    assert isinstance(first, module.models.Item) and isinstance(second, module.models.Item)
    assert log == ["token", "Bearer t1", "Bearer t1"]


def test_client_credentials_token_is_refreshed_after_a_401(case: Case) -> None:
    if "get_item" not in case.calls:
        pytest.skip("showcase only")
    module = case.client_module
    transport, log = _token_server(_showcase_item(case), unauthorized_first=True)
    credentials = {"OAuth2": module.ClientCredentials("app", "secret")}

    async def main() -> Any:
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://api") as http,
            module.AsyncClient(http_client=http, credentials=credentials) as client,
        ):
            return await client.get_item(item_id=ITEM_ID)

    assert isinstance(asyncio.run(main()), module.models.Item)
    assert log == ["token", "Bearer t1", "token", "Bearer t2"]


# --- streaming downloads ---------------------------------------------------------------------------


def test_binary_download_streams_through_both_faces(case: Case) -> None:
    if "download_file" not in case.calls:
        pytest.skip("showcase only")
    arguments, _ = case.calls["download_file"]
    with (
        TestClient(case.app) as http,
        case.client_module.Client(http_client=http, credentials=case.credentials) as client,
        client.download_file_stream(**arguments) as response,
    ):
        assert b"".join(response.iter_bytes()) == client.download_file(**arguments)

    async def main() -> bytes:
        transport = httpx.ASGITransport(app=case.app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://test") as http,
            case.client_module.AsyncClient(http_client=http, credentials=case.credentials) as client,
            client.download_file_stream(**arguments) as response,
        ):
            return b"".join([chunk async for chunk in response.aiter_bytes()])

    assert asyncio.run(main()) == b"example"


def test_streaming_a_secured_download_without_credentials_raises_api_error(case: Case) -> None:
    if "download_file" not in case.calls:
        pytest.skip("showcase only")
    arguments, _ = case.calls["download_file"]
    with (
        TestClient(case.app) as http,
        case.client_module.Client(http_client=http) as client,
        pytest.raises(case.client_module.ApiError) as raised,
        client.download_file_stream(**arguments),
    ):
        pass
    assert raised.value.status_code == 401


# --- pagination ------------------------------------------------------------------------------------


def _paged_pets(total: int) -> tuple[httpx.MockTransport, list[int]]:
    """`GET /pets?offset=&limit=` over `total` pets; records the offsets asked for."""
    offsets: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        offsets.append(offset)
        ids = range(offset + 1, min(offset + limit, total) + 1)
        return httpx.Response(200, json=[{"id": pet, "name": f"pet{pet}", "status": "available"} for pet in ids])

    return httpx.MockTransport(handler), offsets


def test_offset_paged_list_is_iterated_across_pages(case: Case) -> None:
    if "list_pets" not in case.calls:
        pytest.skip("petstore only")
    transport, offsets = _paged_pets(total=5)
    with (
        httpx.Client(transport=transport, base_url="http://api") as http,
        case.client_module.Client(http_client=http) as client,
    ):
        names = [pet.name for pet in client.pets.iter_list_pets(limit=2)]
    assert names == [f"pet{number}" for number in range(1, 6)]
    assert offsets == [0, 2, 4]

    async def main() -> list[int]:
        async_transport, _ = _paged_pets(total=4)
        async with (
            httpx.AsyncClient(transport=async_transport, base_url="http://api") as http,
            case.client_module.AsyncClient(http_client=http) as client,
        ):
            return [pet.id async for pet in client.iter_list_pets(limit=2)]

    assert asyncio.run(main()) == [1, 2, 3, 4]


# --- the multi-file contract, against a live server --------------------------------------------------


def test_multifile_client_calls_every_operation_on_a_live_server(tmp_path_factory: pytest.TempPathFactory) -> None:
    project = tmp_path_factory.mktemp("users_client") / "users_client"
    report = generate(Job((SPECS / "multifile" / "openapi.yaml",), project, TARGETS, "users_client"), DiagnosticSink())
    assert report.ok
    result = _run([tool("mypy"), "--strict", "--no-incremental", "src"], project)
    assert result.returncode == 0, result.stdout
    generated = Generated("multifile", project, "users_client")
    client_module = generated.module("client")
    models = client_module.models
    new_user = models.NewUser(email="ada@example.com", displayName="Ada")
    calls: dict[str, tuple[dict[str, Any], Callable[[Any], bool]]] = {
        "list_users": ({}, lambda result: isinstance(result, list) and isinstance(result[0], models.User)),
        "create_user": ({"body": new_user}, lambda result: isinstance(result, models.User)),
        "get_user": ({"user_id": 1}, lambda result: isinstance(result, models.User)),
    }
    contract = read_contract([SPECS / "multifile" / "openapi.yaml"], DiagnosticSink())
    assert set(calls) == {operation.name for operation in contract.services[0].operations}
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serve_with_uvicorn(project, "users_client.app:app", log_path) as base_url:
        with client_module.Client(base_url) as client:
            for name, (arguments, check) in calls.items():
                assert check(getattr(client, name)(**arguments)), name

        async def main() -> None:
            async with client_module.AsyncClient(base_url) as client:
                for name, (arguments, check) in calls.items():
                    assert check(await getattr(client, name)(**arguments)), name

        asyncio.run(main())


def test_cursor_paged_list_follows_next_cursor(case: Case) -> None:
    if "list_items" not in case.calls:
        pytest.skip("showcase only")
    item = _showcase_item(case)
    pages = {None: ("c1", 2), "c1": ("c2", 2), "c2": (None, 1)}
    cursors: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        cursors.append(cursor)
        next_cursor, count = pages[cursor]
        return httpx.Response(200, json={"items": [item] * count, "total": 5, "nextCursor": next_cursor})

    credentials = {"BearerAuth": case.client_module.Bearer("t")}
    with (
        httpx.Client(transport=httpx.MockTransport(handler), base_url="http://api") as http,
        case.client_module.Client(http_client=http, credentials=credentials) as client,
    ):
        items = list(client.items.iter_list_items())
    assert len(items) == 5 and all(isinstance(entry, case.client_module.models.Item) for entry in items)
    assert cursors == [None, "c1", "c2"]


def test_link_header_paged_list_follows_rel_next(case: Case) -> None:
    if "get_items_item_id_history" not in case.calls:
        pytest.skip("showcase only")
    entry = {"at": "2024-05-01T09:30:00Z", "action": "created", "actor": "alice"}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        page = int(request.url.params.get("page", "1"))
        headers = {"Link": f'<{request.url.path}?page={page + 1}>; rel="next"'} if page < 3 else {}
        return httpx.Response(200, json=[entry] * 2, headers=headers)

    credentials = {"BearerAuth": case.client_module.Bearer("t")}
    with (
        httpx.Client(transport=httpx.MockTransport(handler), base_url="http://api") as http,
        case.client_module.Client(http_client=http, credentials=credentials) as client,
    ):
        entries = list(client.iter_get_items_item_id_history(item_id=ITEM_ID))
    assert len(entries) == 6 and all(isinstance(item, case.client_module.models.HistoryEntry) for item in entries)
    assert [url.rsplit("?", 1)[-1] for url in seen[1:]] == ["page=2", "page=3"]

    async def main() -> int:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://api") as http,
            case.client_module.AsyncClient(http_client=http, credentials=credentials) as client,
        ):
            return len([item async for item in client.iter_get_items_item_id_history(item_id=ITEM_ID)])

    assert asyncio.run(main()) == 6
