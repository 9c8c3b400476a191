"""Webhooks (3.1) and callbacks (3.0): the generated sender delivers to the generated receiver.

petstore declares a `petAdopted` callback on createPet; showcase both an `itemCreated` webhook and
an `itemShipped` callback on createItem. Each is
sent, signed, through the generated `WebhookSender`/`AsyncWebhookSender` to a FastAPI app that
mounts the generated `create_webhook_router`, whose handler must receive the typed payload.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, generate
from tests.conftest import SPECS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SECRET = "webhook-secret"
CASES = [
    ("petstore", "create_pet_pet_adopted"),
    ("showcase", "item_created"),
    ("showcase", "create_item_item_shipped"),
]


@pytest.fixture(scope="module", params=CASES, ids=[f"{spec}-{hook}" for spec, hook in CASES])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    spec, webhook = request.param
    package = f"{spec}_hooks_{webhook}"
    out = tmp_path_factory.mktemp(package) / package
    assert generate(Job((SPECS / f"{spec}.yaml",), out, (), package), DiagnosticSink()).ok
    sys.path.insert(0, str(out / "src"))
    return spec, package, webhook


def module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


def payload_for(spec: str, package: str) -> Any:
    models = module(package, "_generated.models")
    if spec == "petstore":
        return models.Pet(id=1, name="Rex", status=models.PetStatus.available)
    examples = module(package, "_generated.runtime").EXAMPLES
    return models.Item.model_validate(examples["get_item"]["200"])


def receiver(package: str, webhook: str, received: list[Any]) -> FastAPI:
    webhooks = module(package, "_generated.webhooks")

    class Handler(webhooks.AbstractWebhookHandler):  # type: ignore[misc, name-defined]
        pass

    async def record(self: Any, payload: Any) -> None:
        received.append(payload)

    setattr(Handler, webhook, record)
    Handler.__abstractmethods__ = frozenset()
    app = FastAPI()
    app.include_router(webhooks.create_webhook_router(Handler(), secret=SECRET))
    return app


def test_sender_delivers_a_signed_typed_payload_to_the_receiver(project: tuple[str, str, str]) -> None:
    spec, package, webhook = project
    received: list[Any] = []
    payload = payload_for(spec, package)
    client = module(package, "client")
    with (
        TestClient(receiver(package, webhook, received)) as http,
        client.WebhookSender(secret=SECRET, http_client=http) as sender,
    ):
        response = getattr(sender, webhook)(f"http://testserver/webhooks/{webhook}", payload)
    assert response.status_code == 204
    assert received == [payload] and type(received[0]) is type(payload)


def test_async_sender_delivers_too(project: tuple[str, str, str]) -> None:
    spec, package, webhook = project
    received: list[Any] = []
    payload = payload_for(spec, package)
    client = module(package, "client")

    async def main() -> int:
        transport = httpx.ASGITransport(app=receiver(package, webhook, received))
        async with (
            httpx.AsyncClient(transport=transport) as http,
            client.AsyncWebhookSender(secret=SECRET, http_client=http) as sender,
        ):
            response = await getattr(sender, webhook)(f"http://testserver/webhooks/{webhook}", payload)
            return int(response.status_code)

    assert asyncio.run(main()) == 204
    assert received == [payload]


def test_wrong_signature_is_refused_before_the_handler_runs(project: tuple[str, str, str]) -> None:
    spec, package, webhook = project
    received: list[Any] = []
    client = module(package, "client")
    with (
        TestClient(receiver(package, webhook, received)) as http,
        client.WebhookSender(secret="not-the-secret", http_client=http) as sender,
        pytest.raises(client.UnexpectedStatus) as raised,
    ):
        getattr(sender, webhook)(f"http://testserver/webhooks/{webhook}", payload_for(spec, package))
    assert raised.value.response.status_code == 401
    assert received == []


def test_payload_that_does_not_fit_the_contract_is_refused(project: tuple[str, str, str]) -> None:
    _, package, webhook = project
    received: list[Any] = []
    runtime = module(package, "_generated.runtime")
    body = b'{"name": 5}'
    headers = {runtime.SIGNATURE_HEADER: runtime.payload_signature(SECRET, body), "Content-Type": "application/json"}
    with TestClient(receiver(package, webhook, received)) as http:
        response = http.post(f"/webhooks/{webhook}", content=body, headers=headers)
    assert response.status_code == 422
    assert received == []


def test_failed_deliveries_are_retried(project: tuple[str, str, str]) -> None:
    spec, package, webhook = project
    client = module(package, "client")
    statuses = [503, 502]
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers[module(package, "_generated.client_runtime").SIGNATURE_HEADER])
        return httpx.Response(statuses.pop(0) if statuses else 204)

    retry = client.Retry(backoff=0)
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as http,
        client.WebhookSender(secret=SECRET, http_client=http, retry=retry) as sender,
    ):
        response = getattr(sender, webhook)("http://subscriber/hook", payload_for(spec, package))
    assert response.status_code == 204 and len(seen) == 3 and len(set(seen)) == 1
