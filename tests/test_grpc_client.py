"""The `grpc-client` target, run for real against gRPC servers built in this file.

inventory.proto, store/ and a hostile contract are generated with the `grpc-client` target only
and imported here. Small grpcio servers on 127.0.0.1 (ephemeral ports) serve every method through
generic handlers over the generated pb2 classes. Through request metadata a test can tell the
server to fail with a status (before responding or after the first streamed response), to stall,
or to fail once with UNAVAILABLE; every call's metadata is recorded. Every method is called
through `Client` and `AsyncClient`.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message

from generator.diagnostics import ContractError, DiagnosticSink
from generator.ir.names import PythonIdentifier
from generator.ir.proto import ProtoContract, ProtoMethod, ProtoService, Streaming
from generator.pipeline import Job, generate, read_contract
from generator.targets import grpc_client, proto_python
from generator.targets.grpc_client.views import client_view
from generator.targets.options import TargetOptions
from tests.conftest import SPECS, free_port, project_env, tool

TARGETS = ("grpc-client",)

HOSTILE_PROTO = r'''
// Comments with triple quotes, \backslashes\ and {{ braces }} {% raw %} reach docstrings.
syntax = "proto3";

package hostile.v1;

// A """request""" \ {{ request }} \
message Req { string value = 1; }
message Resp { string value = 1; }

// A service named like a soft keyword: \ {{ name }} ends with a backslash \
service match {
  // Named like a client member: \ {{ close }}.
  rpc close(Req) returns (Resp);
  rpc channel(Req) returns (Resp);
  rpc connect(Req) returns (Resp);
  rpc match(Req) returns (Resp) { option idempotency_level = IDEMPOTENT; }
  rpc bool(Req) returns (Resp);
  rpc type(stream Req) returns (stream Resp);
  rpc GetProduct(Req) returns (Resp);
  rpc get_product(Req) returns (Resp);
}

service Client {
  rpc self(Req) returns (stream Resp);
  rpc timeout(stream Req) returns (Resp);
  rpc metadata(Req) returns (Resp);
  rpc request(Req) returns (Resp);
  rpc _service(Req) returns (Resp);
}

service AsyncClient {
  rpc Close(Req) returns (Resp) { option idempotency_level = NO_SIDE_EFFECTS; }
}

service Connect {
  rpc wait_for_ready(Req) returns (Resp);
}
'''


@dataclass(frozen=True)
class Generated:
    name: str
    project: Path
    package: str
    proto: ProtoContract

    def module(self, name: str) -> ModuleType:
        source = str(self.project / "src")
        if source not in sys.path:
            sys.path.insert(0, source)
        return importlib.import_module(name if name.startswith("google.") else f"{self.package}.{name}")

    @property
    def api(self) -> ModuleType:
        return self.module("client")

    def message_class(self, full_name: str) -> type[Message]:
        """The protoc class of a message, found the way the generated client finds it."""
        message = self.proto.message(full_name)
        own = {file.python_module for file in self.proto.generated_files}
        module_name = message.python_module
        found: Any = self.module(f"_generated.proto.{module_name}" if module_name in own else module_name)
        for part in message.python_name.split("."):
            found = getattr(found, part)
        return found  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile_proto") / "hostile.proto"
    path.write_text(HOSTILE_PROTO)
    return path


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory, hostile_file: Path) -> dict[str, Generated]:
    """Package names differ from other tests' (`store`, `inventory`) so all import in one process."""
    contracts = {"inventory": SPECS / "inventory.proto", "store": SPECS / "store", "hostile": hostile_file}
    generated = {}
    for name, contract in contracts.items():
        project = tmp_path_factory.mktemp(name) / name
        report = generate(Job((contract,), project, TARGETS, f"{name}_grpc"), DiagnosticSink())
        assert report.ok, report
        proto = read_contract([contract], DiagnosticSink()).proto
        assert proto is not None
        generated[name] = Generated(name, project, f"{name}_grpc", proto)
    return generated


# --- the servers: generic handlers over the generated message classes -------------------------------


@dataclass
class Recorder:
    """What the servers saw, and the `x-fail-once` keys already failed."""

    calls: list[tuple[str, dict[str, str | bytes]]] = field(default_factory=list)
    failed_once: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, marker: str) -> list[tuple[str, dict[str, str | bytes]]]:
        return [(path, metadata) for path, metadata in self.calls if metadata.get("x-marker") == marker]


Lookup = Callable[[str], type[Message]]
Implementation = Callable[[Any, Lookup], Any]
"""Takes the request (or the request iterator) and a message-class lookup; returns the response(s)."""


def _upload(chunks: Iterable[Any], message: Lookup) -> Message:
    received = list(chunks)
    size = sum(len(chunk.data) for chunk in received)
    return message("acme.catalog.v1.UploadImageResponse")(image_id=received[0].product_id, size_bytes=size)


def _product(message: Lookup, product_id: str) -> Message:
    money = message("acme.common.v1.Money")(currency=1, units=12, nanos=500_000_000)
    return message("acme.catalog.v1.Product")(id=product_id, name="Lamp", price=money, tags=["a"], in_stock=True)


IMPLEMENTATIONS: dict[str, dict[str, Implementation]] = {
    "inventory": {
        "/inventory.v1.Inventory/GetItem": lambda request, message: message("inventory.v1.Item")(
            sku=request.sku, name="Widget", quantity=3, price_cents=1999
        ),
        "/inventory.v1.Inventory/ListItems": lambda request, message: message("inventory.v1.ListItemsResponse")(
            items=[message("inventory.v1.Item")(sku=f"s{index}") for index in range(request.limit or 2)]
        ),
        "/inventory.v1.Inventory/WatchStock": lambda request, message: (
            message("inventory.v1.StockChange")(sku=sku, quantity=index) for index, sku in enumerate(request.skus)
        ),
    },
    "store": {
        "/acme.catalog.v1.Catalog/GetProduct": lambda request, message: _product(message, request.id),
        "/acme.catalog.v1.Catalog/ListProducts": lambda request, message: (
            _product(message, f"p{index}") for index in range(request.page_size or 3)
        ),
        "/acme.catalog.v1.Catalog/UploadImage": _upload,
        "/acme.catalog.v1.Catalog/QuotePrices": lambda queries, message: (
            message("acme.catalog.v1.PriceQuote")(
                product_id=query.product_id,
                price=message("acme.common.v1.Money")(currency=query.currency, units=len(query.product_id)),
            )
            for query in queries
        ),
        "/acme.catalog.v1.Catalog/DeleteProduct": lambda request, message: message("google.protobuf.Empty")(),
        "/acme.orders.v1.Orders/PlaceOrder": lambda request, message: message("acme.orders.v1.Order")(
            id=request.request_id or "o1", lines=request.lines, state=1
        ),
        "/acme.orders.v1.Orders/GetOrder": lambda request, message: message("acme.orders.v1.Order")(
            id=request.id, state=2
        ),
    },
}


def _echo(path: str, streaming: Streaming) -> Implementation:
    """The hostile contract's methods answer with their own path (one answer per request on streams)."""

    def answer(request: Any, message: Lookup) -> Any:
        response = message("hostile.v1.Resp")
        if streaming is Streaming.STREAM_STREAM:
            return (response(value=f"{path} {item.value}") for item in request)
        if streaming is Streaming.STREAM_UNARY:
            return response(value=f"{path} {','.join(item.value for item in request)}")
        if streaming is Streaming.UNARY_STREAM:
            return (response(value=f"{path} {request.value} {index}") for index in range(2))
        return response(value=f"{path} {request.value}")

    return answer


def _implementations(generated: Generated) -> dict[str, Implementation]:
    if generated.name == "hostile":
        return {
            service.method_path(method): _echo(service.method_path(method), method.streaming)
            for service in generated.proto.services
            for method in service.methods
        }
    return IMPLEMENTATIONS[generated.name]


def _behave(context: grpc.ServicerContext, path: str, recorder: Recorder) -> dict[str, str | bytes]:
    """Record the call, then do what its metadata asks: stall, fail, or fail the first time.

    Client-streaming methods read every request before this (see `_fail_midstream`)."""
    metadata = {key: value for key, value in context.invocation_metadata()}
    with recorder.lock:
        recorder.calls.append((path, metadata))
        fail_once = str(metadata.get("x-fail-once", ""))
        first_time = bool(fail_once) and fail_once not in recorder.failed_once
        recorder.failed_once.add(fail_once)
    if "x-sleep" in metadata:
        time.sleep(float(metadata["x-sleep"]))
    if first_time:
        context.abort(grpc.StatusCode.UNAVAILABLE, "try again")
    if "x-fail" in metadata:
        context.set_trailing_metadata((("x-why", "asked to fail"),))
        context.abort(grpc.StatusCode[str(metadata["x-fail"])], f"failed on purpose: {metadata['x-fail']}")
    return metadata


def _fail_midstream(context: grpc.ServicerContext, metadata: dict[str, str | bytes]) -> None:
    """Request streams are read to their end first: grpc.aio reports INTERNAL instead of the status
    when a client write races the end of the call (grpc/grpc#36066)."""
    if "x-fail-midstream" in metadata:
        context.abort(grpc.StatusCode[str(metadata["x-fail-midstream"])], "failed after the first response")


def _method_handler(
    generated: Generated, service: ProtoService, method: ProtoMethod, recorder: Recorder
) -> grpc.RpcMethodHandler[Any, Any]:
    path = service.method_path(method)
    implementation = _implementations(generated)[path]
    request_type = generated.message_class(method.input_type)
    response_type = generated.message_class(method.output_type)
    lookup = generated.message_class

    def unary(request: Any, context: grpc.ServicerContext) -> Any:
        if method.client_streaming:
            request = iter(list(request))
        _behave(context, path, recorder)
        return implementation(request, lookup)

    def streamed(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        metadata = _behave(context, path, recorder)
        if method.client_streaming and "x-fail-midstream" in metadata:
            request = iter(list(request))
        for index, response in enumerate(implementation(request, lookup)):
            if index == 1:
                _fail_midstream(context, metadata)
            yield response

    make = {
        Streaming.UNARY_UNARY: (grpc.unary_unary_rpc_method_handler, unary),
        Streaming.UNARY_STREAM: (grpc.unary_stream_rpc_method_handler, streamed),
        Streaming.STREAM_UNARY: (grpc.stream_unary_rpc_method_handler, unary),
        Streaming.STREAM_STREAM: (grpc.stream_stream_rpc_method_handler, streamed),
    }
    factory, behaviour = make[method.streaming]
    return factory(  # type: ignore[operator]
        behaviour, request_deserializer=request_type.FromString, response_serializer=response_type.SerializeToString
    )


def _handlers(generated: Generated, recorder: Recorder) -> list[grpc.GenericRpcHandler]:
    return [
        grpc.method_handlers_generic_handler(
            service.full_name,
            {method.name: _method_handler(generated, service, method, recorder) for method in service.methods},
        )
        for service in generated.proto.services
    ]


@dataclass(frozen=True)
class Served:
    target: str
    recorder: Recorder


@contextmanager
def serve(
    generated: Generated, credentials: grpc.ServerCredentials | None = None, host: str = "127.0.0.1"
) -> Iterator[Served]:
    recorder = Recorder()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), handlers=_handlers(generated, recorder))
    address = f"{host}:0"
    port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    server.start()
    try:
        yield Served(f"{host}:{port}", recorder)
    finally:
        server.stop(grace=None)


@pytest.fixture(scope="module")
def servers(projects: dict[str, Generated]) -> Iterator[dict[str, Served]]:
    with (
        serve(projects["inventory"]) as inventory,
        serve(projects["store"]) as store,
        serve(projects["hostile"]) as hostile,
    ):
        yield {"inventory": inventory, "store": store, "hostile": hostile}


def _marker() -> str:
    return uuid.uuid4().hex


# --- the generated code is clean ----------------------------------------------------------------------


def _run(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", ["hostile", "inventory", "store"])
def test_generated_client_passes_black_ruff_and_mypy_strict(projects: dict[str, Generated], name: str) -> None:
    project = projects[name].project
    black = _run([tool("black"), "--check", "src"], project)
    assert black.returncode == 0, black.stderr
    ruff = _run([tool("ruff"), "check", "--no-cache", "src"], project)
    assert ruff.returncode == 0, ruff.stdout
    mypy = _run([tool("mypy"), "--strict", "--no-incremental", "src"], project)
    assert mypy.returncode == 0, mypy.stdout


USAGE = """
from store_grpc._generated.proto.acme.catalog.v1 import catalog_pb2
from store_grpc.client import Client, ResponseStream


def use(client: Client) -> None:
    product: catalog_pb2.Product = client.catalog.get_product(catalog_pb2.GetProductRequest(id="p1"))
    products: ResponseStream[catalog_pb2.Product] = client.catalog.list_products(
        catalog_pb2.ListProductsRequest()
    )
    client.catalog.get_product(catalog_pb2.ListProductsRequest())  # line 11: wrong request type
    wrong: catalog_pb2.PriceQuote = client.catalog.get_product(catalog_pb2.GetProductRequest())  # line 12
    client.catalog.upload_image(catalog_pb2.UploadImageChunk())  # line 13: a stream is expected
    print(product, products, wrong)
"""


def test_callers_are_type_checked_against_the_contract(projects: dict[str, Generated], tmp_path: Path) -> None:
    """Requests, responses and stream shapes are typed for the caller: mypy names each misuse."""
    usage = tmp_path / "usage.py"
    usage.write_text(USAGE)
    project = projects["store"].project
    result = _run([tool("mypy"), "--strict", "--no-incremental", str(usage)], project)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["11", "12", "13"], result.stdout
    assert "[arg-type]" in errors[0] and "[assignment]" in errors[1] and "[arg-type]" in errors[2]


# --- the plan -----------------------------------------------------------------------------------------


def test_client_brings_the_protoc_modules_only_without_the_server_target() -> None:
    contract = read_contract([SPECS / "store"], DiagnosticSink())
    package = PythonIdentifier("shop")
    alone = {spec.path for spec in grpc_client.plan(contract, TargetOptions(package, "store", ("grpc-client",)))}
    beside = {
        spec.path
        for spec in grpc_client.plan(contract, TargetOptions(package, "store", ("grpc-server", "grpc-client")))
    }
    assert "src/shop/_generated/proto/acme/catalog/v1/catalog_pb2.py" in alone
    client_files = ("client.py", "client_runtime.py", "client_errors.py")
    assert beside == {"src/shop/client.py", *(f"src/shop/_generated/{name}" for name in client_files)}


DOCSTRING_BREAKERS_PROTO = r'''
syntax = "proto3";
package keywords;
message M { string value = 1; }
// Ends a docstring early? """ and a backslash \
service Klass {
  // Quotes """ and \N{BULLET} \x00 {{ name }} {% if %} "
  rpc Define(M) returns (M);
  rpc Nothing(stream M) returns (M);
  rpc Lam(M) returns (stream M);
}
'''


def test_docstring_breakers_stay_inert_and_keyword_names_are_refused(tmp_path: Path) -> None:
    """Comments reach the client only through its escaped docstrings (protoc gets none of them);
    names protoc's Python code cannot hold (keywords) are refused by the reader."""
    (tmp_path / "keywords.proto").write_text(DOCSTRING_BREAKERS_PROTO)
    contract = read_contract([tmp_path / "keywords.proto"], DiagnosticSink())
    specs = grpc_client.plan(contract, TargetOptions(PythonIdentifier("kw"), "keywords.proto", TARGETS))
    source = next(spec.content for spec in specs if spec.path == "src/kw/_generated/client.py")
    classes = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
    assert {"KlassClient", "AsyncKlassClient", "Client", "AsyncClient"} <= set(classes)
    docs = {
        node.name: ast.get_docstring(node, clean=False) or ""
        for node in classes["KlassClient"].body
        if isinstance(node, ast.FunctionDef)
    }
    assert set(docs) == {"define", "nothing", "lam"}
    assert docs["define"].startswith('Quotes """ and \\N{BULLET} \\x00 {{ name }} {% if %} "\n')
    assert ast.get_docstring(classes["KlassClient"]) == 'Ends a docstring early? """ and a backslash \\'
    for spec in specs:
        if spec.path.endswith(".py"):
            compile(spec.content, spec.path, "exec")
    (tmp_path / "class.proto").write_text(
        'syntax = "proto3";\nmessage M {}\nservice class { rpc def(M) returns (M); }\n'
    )
    sink = DiagnosticSink()
    with pytest.raises(ContractError):
        read_contract([tmp_path / "class.proto"], sink)
    assert [item.code for item in sink.items] == ["proto.python-keyword", "proto.python-keyword"]


def test_retryable_methods_are_the_contract_idempotent_ones(projects: dict[str, Generated]) -> None:
    api = projects["store"].api
    assert [(item.service, item.method, item.idempotency.value) for item in api.RETRYABLE_METHODS] == [
        ("acme.catalog.v1.Catalog", "GetProduct", "NO_SIDE_EFFECTS"),
        ("acme.catalog.v1.Catalog", "DeleteProduct", "IDEMPOTENT"),
        ("acme.orders.v1.Orders", "GetOrder", "NO_SIDE_EFFECTS"),
    ]
    options = dict(api.channel_options(api.RETRYABLE_METHODS))
    assert options["grpc.enable_retries"] == 1
    config = json.loads(options["grpc.service_config"])
    policies = {
        tuple(sorted(name["method"] for name in entry["name"])): entry["retryPolicy"]["retryableStatusCodes"]
        for entry in config["methodConfig"]
    }
    assert policies == {
        ("GetOrder", "GetProduct"): ["UNAVAILABLE", "DEADLINE_EXCEEDED"],
        ("DeleteProduct",): ["UNAVAILABLE"],
    }
    assert api.channel_options(api.RETRYABLE_METHODS, retry=None) == []


# --- every method, both faces -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call: the request (a list for request streams) and a check of the response(s)."""

    request: Callable[[Lookup], Any]
    check: Callable[[Any], bool]


CALLS: dict[str, dict[tuple[str, str], Call]] = {
    "inventory": {
        ("inventory", "get_item"): Call(
            lambda message: message("inventory.v1.GetItemRequest")(sku="s1"),
            lambda item: item.sku == "s1" and item.price_cents == 1999,
        ),
        ("inventory", "list_items"): Call(
            lambda message: message("inventory.v1.ListItemsRequest")(limit=3),
            lambda response: [item.sku for item in response.items] == ["s0", "s1", "s2"],
        ),
        ("inventory", "watch_stock"): Call(
            lambda message: message("inventory.v1.WatchStockRequest")(skus=["a", "b"]),
            lambda changes: [(change.sku, change.quantity) for change in changes] == [("a", 0), ("b", 1)],
        ),
    },
    "store": {
        ("catalog", "get_product"): Call(
            lambda message: message("acme.catalog.v1.GetProductRequest")(id="p7"),
            lambda product: product.id == "p7" and product.price.nanos == 500_000_000 and product.in_stock,
        ),
        ("catalog", "list_products"): Call(
            lambda message: message("acme.catalog.v1.ListProductsRequest")(page_size=2),
            lambda products: [product.id for product in products] == ["p0", "p1"],
        ),
        ("catalog", "upload_image"): Call(
            lambda message: [message("acme.catalog.v1.UploadImageChunk")(product_id="p1", data=b"ab")] * 3,
            lambda response: response.image_id == "p1" and response.size_bytes == 6,
        ),
        ("catalog", "quote_prices"): Call(
            lambda message: [message("acme.catalog.v1.PriceQuery")(product_id=pid, currency=2) for pid in ("a", "bb")],
            lambda quotes: (
                [(quote.product_id, quote.price.units, quote.price.currency) for quote in quotes]
                == [("a", 1, 2), ("bb", 2, 2)]
            ),
        ),
        ("catalog", "delete_product"): Call(
            lambda message: message("acme.catalog.v1.GetProductRequest")(id="p1"),
            lambda empty: empty.ByteSize() == 0,
        ),
        ("orders", "place_order"): Call(
            lambda message: message("acme.orders.v1.PlaceOrderRequest")(
                request_id="r1", lines=[message("acme.orders.v1.Order.Line")(quantity=2)]
            ),
            lambda order: order.id == "r1" and order.lines[0].quantity == 2 and order.state == 1,
        ),
        ("orders", "get_order"): Call(
            lambda message: message("acme.orders.v1.GetOrderRequest")(id="o9"),
            lambda order: order.id == "o9" and order.state == 2,
        ),
    },
}


def _hostile_calls(generated: Generated) -> dict[tuple[str, str], Call]:
    """Each renamed method must still reach its own RPC: the server answers with the path it served."""
    view = client_view(generated.proto, proto_python.PROTO_DIR)
    calls = {}
    for service, service_view in zip(generated.proto.services, view.services, strict=True):
        for method, method_view in zip(service.methods, service_view.methods, strict=True):
            path = service.method_path(method)

            def request(message: Lookup, streams: bool = method.client_streaming) -> Any:
                return [message("hostile.v1.Req")(value="x")] * 2 if streams else message("hostile.v1.Req")(value="x")

            def check(response: Any, path: str = path) -> bool:
                values = [item.value for item in response] if isinstance(response, list) else [response.value]
                return all(value.startswith(f"{path} x") for value in values)

            calls[(service_view.attribute, method_view.name)] = Call(request, check)
    return calls


def _calls(generated: Generated) -> dict[tuple[str, str], Call]:
    return _hostile_calls(generated) if generated.name == "hostile" else CALLS[generated.name]


def _declared(generated: Generated) -> dict[tuple[str, str], str]:
    """(client attribute, method) → the full name of the response message the contract declares."""
    view = client_view(generated.proto, proto_python.PROTO_DIR)
    return {
        (service_view.attribute, method_view.name): method.output_type
        for service, service_view in zip(generated.proto.services, view.services, strict=True)
        for method, method_view in zip(service.methods, service_view.methods, strict=True)
    }


def _check_outcome(generated: Generated, key: tuple[str, str], outcome: Any) -> None:
    declared = generated.message_class(_declared(generated)[key])
    items = outcome if isinstance(outcome, list) else [outcome]
    assert items and all(type(item) is declared for item in items), (key, outcome)
    assert _calls(generated)[key].check(outcome), (key, outcome)


@pytest.mark.parametrize("name", ["hostile", "inventory", "store"])
def test_call_tables_cover_every_method(projects: dict[str, Generated], name: str) -> None:
    assert set(_calls(projects[name])) == set(_declared(projects[name]))


@pytest.mark.parametrize("name", ["hostile", "inventory", "store"])
def test_sync_client_calls_every_method(projects: dict[str, Generated], servers: dict[str, Served], name: str) -> None:
    generated = projects[name]
    api = generated.api
    with api.Client.connect(servers[name].target) as client:
        for (attribute, method), call in _calls(generated).items():
            outcome = getattr(getattr(client, attribute), method)(call.request(generated.message_class))
            if isinstance(outcome, api.ResponseStream):
                outcome = list(outcome)
            _check_outcome(generated, (attribute, method), outcome)


async def _aiter(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        await asyncio.sleep(0)
        yield item


@pytest.mark.parametrize("name", ["hostile", "inventory", "store"])
def test_async_client_calls_every_method(projects: dict[str, Generated], servers: dict[str, Served], name: str) -> None:
    """Request streams are sent from async generators here (plain iterables in the next test)."""
    generated = projects[name]
    api = generated.api

    async def main() -> None:
        async with api.AsyncClient.connect(servers[name].target) as client:
            for (attribute, method), call in _calls(generated).items():
                request = call.request(generated.message_class)
                outcome = getattr(getattr(client, attribute), method)(
                    _aiter(request) if isinstance(request, list) else request
                )
                if isinstance(outcome, api.AsyncResponseStream):
                    outcome = [item async for item in outcome]
                else:
                    outcome = await outcome
                _check_outcome(generated, (attribute, method), outcome)

    asyncio.run(main())


def test_async_request_streams_may_be_plain_iterables(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    generated = projects["store"]
    chunk = generated.message_class("acme.catalog.v1.UploadImageChunk")

    async def main() -> Any:
        async with generated.api.AsyncClient.connect(servers["store"].target) as client:
            return await client.catalog.upload_image([chunk(product_id="p2", data=b"abc")])

    assert asyncio.run(main()).size_bytes == 3


def test_per_service_clients_connect_on_their_own(projects: dict[str, Generated], servers: dict[str, Served]) -> None:
    generated = projects["store"]
    request = generated.message_class("acme.orders.v1.GetOrderRequest")(id="o1")
    with generated.api.OrdersClient.connect(servers["store"].target) as orders:
        assert orders.get_order(request).id == "o1"

    async def main() -> str:
        async with generated.api.AsyncOrdersClient.connect(servers["store"].target) as orders:
            return str((await orders.get_order(request)).id)

    assert asyncio.run(main()) == "o1"


def test_client_around_your_channel_leaves_it_open(projects: dict[str, Generated], servers: dict[str, Served]) -> None:
    generated = projects["inventory"]
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    with grpc.insecure_channel(servers["inventory"].target) as channel:
        with generated.api.Client(channel) as client:
            assert client.channel is channel
            client.inventory.get_item(request)
        assert generated.api.InventoryClient(channel).get_item(request).sku == "s1"


def test_a_request_of_the_wrong_message_type_is_refused(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    generated = projects["inventory"]
    wrong = generated.message_class("inventory.v1.WatchStockRequest")()
    marker = _marker()
    refused = pytest.raises(TypeError, match=r"inventory\.v1\.GetItemRequest")
    with generated.api.Client.connect(servers["inventory"].target) as client, refused:
        client.inventory.get_item(wrong, metadata={"x-marker": marker})
    assert servers["inventory"].recorder.seen(marker) == []


# --- status codes -------------------------------------------------------------------------------------

ERROR_CLASSES = {
    "CANCELLED": "RpcCancelledError",
    "UNKNOWN": "UnknownError",
    "INVALID_ARGUMENT": "InvalidArgumentError",
    "DEADLINE_EXCEEDED": "DeadlineExceededError",
    "NOT_FOUND": "NotFoundError",
    "ALREADY_EXISTS": "AlreadyExistsError",
    "PERMISSION_DENIED": "PermissionDeniedError",
    "RESOURCE_EXHAUSTED": "ResourceExhaustedError",
    "FAILED_PRECONDITION": "FailedPreconditionError",
    "ABORTED": "AbortedError",
    "OUT_OF_RANGE": "OutOfRangeError",
    "UNIMPLEMENTED": "UnimplementedError",
    "INTERNAL": "InternalError",
    "UNAVAILABLE": "UnavailableError",
    "DATA_LOSS": "DataLossError",
    "UNAUTHENTICATED": "UnauthenticatedError",
}


def test_every_status_code_has_its_error_class(projects: dict[str, Generated]) -> None:
    api = projects["store"].api
    non_ok = {code.name for code in grpc.StatusCode if code is not grpc.StatusCode.OK}
    assert set(ERROR_CLASSES) == non_ok
    for class_name in ERROR_CLASSES.values():
        assert issubclass(getattr(api, class_name), api.GrpcError), class_name


@pytest.mark.parametrize("code", sorted(ERROR_CLASSES))
def test_unary_status_codes_raise_typed_errors(
    projects: dict[str, Generated], servers: dict[str, Served], code: str
) -> None:
    """PlaceOrder is not idempotent, so even UNAVAILABLE and DEADLINE_EXCEEDED come back at once."""
    generated = projects["store"]
    api = generated.api
    request = generated.message_class("acme.orders.v1.PlaceOrderRequest")(request_id="r1")
    metadata = {"x-fail": code}
    with (
        api.Client.connect(servers["store"].target) as client,
        pytest.raises(getattr(api, ERROR_CLASSES[code])) as raised,
    ):
        client.orders.place_order(request, metadata=metadata)
    error = raised.value
    assert error.code is grpc.StatusCode[code]
    assert error.details == f"failed on purpose: {code}"
    assert ("x-why", "asked to fail") in error.trailing_metadata
    assert error.method == "/acme.orders.v1.Orders/PlaceOrder"
    assert isinstance(error.__cause__, grpc.RpcError)

    async def main() -> None:
        async with api.AsyncClient.connect(servers["store"].target) as client:
            with pytest.raises(getattr(api, ERROR_CLASSES[code])) as raised:
                await client.orders.place_order(request, metadata=metadata)
            assert raised.value.details == f"failed on purpose: {code}"
            assert ("x-why", "asked to fail") in raised.value.trailing_metadata

    asyncio.run(main())


STREAM_METHODS = {
    "list_products": lambda message: message("acme.catalog.v1.ListProductsRequest")(page_size=3),
    "quote_prices": lambda message: [message("acme.catalog.v1.PriceQuery")(product_id=pid) for pid in "ab"],
}


@pytest.mark.parametrize("method", sorted(STREAM_METHODS))
@pytest.mark.parametrize("code", ["NOT_FOUND", "INVALID_ARGUMENT", "PERMISSION_DENIED"])
def test_response_stream_errors_raise_typed_errors_mid_stream(
    projects: dict[str, Generated], servers: dict[str, Served], method: str, code: str
) -> None:
    """The first response arrives; the status comes with the next read."""
    generated = projects["store"]
    api = generated.api
    error_class = getattr(api, ERROR_CLASSES[code])
    metadata = {"x-fail-midstream": code}
    with api.Client.connect(servers["store"].target) as client:
        responses = getattr(client.catalog, method)(STREAM_METHODS[method](generated.message_class), metadata=metadata)
        received = next(responses)
        with pytest.raises(error_class) as raised:
            next(responses)
    assert type(received).DESCRIPTOR.name in ("Product", "PriceQuote")
    assert raised.value.details == "failed after the first response"

    async def main() -> None:
        async with api.AsyncClient.connect(servers["store"].target) as client:
            stream = getattr(client.catalog, method)(STREAM_METHODS[method](generated.message_class), metadata=metadata)
            received = [await stream.__anext__()]
            with pytest.raises(error_class):
                received.append(await stream.__anext__())
            assert len(received) == 1

    asyncio.run(main())


def test_request_stream_errors_raise_typed_errors(projects: dict[str, Generated], servers: dict[str, Served]) -> None:
    generated = projects["store"]
    api = generated.api
    chunks = [generated.message_class("acme.catalog.v1.UploadImageChunk")(product_id="p1", data=b"x")]
    metadata = {"x-fail": "FAILED_PRECONDITION"}
    with api.Client.connect(servers["store"].target) as client:
        with pytest.raises(api.FailedPreconditionError):
            client.catalog.upload_image(chunks, metadata=metadata)
        with pytest.raises(api.FailedPreconditionError):
            list(client.catalog.quote_prices([], metadata=metadata))

    async def main() -> None:
        async with api.AsyncClient.connect(servers["store"].target) as client:
            with pytest.raises(api.FailedPreconditionError):
                await client.catalog.upload_image(_aiter(chunks), metadata=metadata)
            with pytest.raises(api.FailedPreconditionError):
                [item async for item in client.catalog.quote_prices(_aiter([]), metadata=metadata)]

    asyncio.run(main())


def test_unreachable_server_raises_unavailable(projects: dict[str, Generated]) -> None:
    api = projects["inventory"].api
    request = projects["inventory"].message_class("inventory.v1.GetItemRequest")(sku="s1")
    with (
        socket_port() as port,
        api.Client.connect(f"127.0.0.1:{port}", retry=None) as client,
        pytest.raises(api.UnavailableError),
    ):
        client.inventory.get_item(request, timeout=5)


@contextmanager
def socket_port() -> Iterator[int]:
    """A port nothing listens on (bound, never listening, for the duration)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield int(probe.getsockname()[1])


# --- deadlines ----------------------------------------------------------------------------------------


def test_a_slow_call_past_its_timeout_raises_deadline_exceeded(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    generated = projects["inventory"]
    api = generated.api
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    watch = generated.message_class("inventory.v1.WatchStockRequest")(skus=["a"])
    slow = {"x-sleep": "1.0"}
    with api.Client.connect(servers["inventory"].target) as client:
        started = time.monotonic()
        with pytest.raises(api.DeadlineExceededError):
            client.inventory.get_item(request, timeout=0.2, metadata=slow)
        with pytest.raises(api.DeadlineExceededError):
            list(client.inventory.watch_stock(watch, timeout=0.2, metadata=slow))
        assert time.monotonic() - started < 1.5
    with api.Client.connect(servers["inventory"].target, default_timeout=0.2) as client:
        with pytest.raises(api.DeadlineExceededError):
            client.inventory.get_item(request, metadata=slow)
        assert client.inventory.get_item(request, timeout=None, metadata={"x-sleep": "0.3"}).sku == "s1"

    async def main() -> None:
        async with api.AsyncClient.connect(servers["inventory"].target, default_timeout=0.2) as client:
            with pytest.raises(api.DeadlineExceededError):
                await client.inventory.get_item(request, metadata=slow)
            with pytest.raises(api.DeadlineExceededError):
                [item async for item in client.inventory.watch_stock(watch, timeout=0.2, metadata=slow)]

    asyncio.run(main())


def test_streams_have_no_default_deadline_unless_asked(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    generated = projects["inventory"]
    api = generated.api
    watch = generated.message_class("inventory.v1.WatchStockRequest")(skus=["a"])
    slow = {"x-sleep": "0.4"}
    with api.Client.connect(servers["inventory"].target, default_timeout=0.1) as client:
        assert [change.sku for change in client.inventory.watch_stock(watch, metadata=slow)] == ["a"]
    with (
        api.Client.connect(servers["inventory"].target, default_stream_timeout=0.1) as client,
        pytest.raises(api.DeadlineExceededError),
    ):
        list(client.inventory.watch_stock(watch, metadata=slow))


# --- metadata -----------------------------------------------------------------------------------------


def test_default_and_per_call_metadata_reach_the_server(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    """Per-call values replace the defaults of the same key; keys are sent lower-case."""
    generated = projects["inventory"]
    api = generated.api
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    watch = generated.message_class("inventory.v1.WatchStockRequest")(skus=["a"])
    served = servers["inventory"]
    marker = _marker()
    defaults = {"x-marker": marker, "X-Tenant": "acme", "authorization": "Bearer default"}
    per_call = [("authorization", "Bearer call"), ("x-trace-bin", b"\x00\x01")]
    with api.Client.connect(served.target, metadata=defaults) as client:
        client.inventory.get_item(request, metadata=per_call)
        list(client.inventory.watch_stock(watch))

    async def main() -> None:
        async with api.AsyncClient.connect(served.target, metadata=defaults) as client:
            await client.inventory.get_item(request, metadata={"x-request-id": "r-1"})

    asyncio.run(main())
    seen = served.recorder.seen(marker)
    assert [path for path, _ in seen] == [
        "/inventory.v1.Inventory/GetItem",
        "/inventory.v1.Inventory/WatchStock",
        "/inventory.v1.Inventory/GetItem",
    ]
    first, stream, asynchronous = (metadata for _, metadata in seen)
    assert first["x-tenant"] == "acme" and first["authorization"] == "Bearer call"
    assert first["x-trace-bin"] == b"\x00\x01"
    assert stream["authorization"] == "Bearer default" and "x-trace-bin" not in stream
    assert asynchronous["x-request-id"] == "r-1" and asynchronous["authorization"] == "Bearer default"


def test_per_service_clients_of_a_client_share_its_defaults(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    generated = projects["store"]
    api = generated.api
    marker = _marker()
    request = generated.message_class("acme.orders.v1.GetOrderRequest")(id="o1")
    with api.Client.connect(servers["store"].target, metadata={"x-marker": marker}) as client:
        client.orders.get_order(request)
        assert client.orders is client.orders
    assert [path for path, _ in servers["store"].recorder.seen(marker)] == ["/acme.orders.v1.Orders/GetOrder"]


# --- retries ------------------------------------------------------------------------------------------


def test_idempotent_methods_are_retried_after_unavailable(
    projects: dict[str, Generated], servers: dict[str, Served]
) -> None:
    """GetProduct is NO_SIDE_EFFECTS, DeleteProduct IDEMPOTENT: both succeed on the second attempt."""
    generated = projects["store"]
    api = generated.api
    served = servers["store"]
    request = generated.message_class("acme.catalog.v1.GetProductRequest")(id="p1")
    marker = _marker()
    with api.Client.connect(served.target) as client:
        product = client.catalog.get_product(request, metadata={"x-marker": marker, "x-fail-once": marker + "a"})
        client.catalog.delete_product(request, metadata={"x-marker": marker, "x-fail-once": marker + "b"})
    assert product.id == "p1"

    async def main() -> str:
        async with api.AsyncClient.connect(served.target) as client:
            metadata = {"x-marker": marker, "x-fail-once": marker + "c"}
            return str((await client.catalog.get_product(request, metadata=metadata)).id)

    assert asyncio.run(main()) == "p1"
    paths = [path for path, _ in served.recorder.seen(marker)]
    get, delete = "/acme.catalog.v1.Catalog/GetProduct", "/acme.catalog.v1.Catalog/DeleteProduct"
    assert paths == [get, get, delete, delete, get, get]


def test_other_methods_are_not_retried(projects: dict[str, Generated], servers: dict[str, Served]) -> None:
    generated = projects["store"]
    api = generated.api
    served = servers["store"]
    request = generated.message_class("acme.orders.v1.PlaceOrderRequest")(request_id="r1")
    marker = _marker()
    with api.Client.connect(served.target) as client, pytest.raises(api.UnavailableError, match="try again"):
        client.orders.place_order(request, metadata={"x-marker": marker, "x-fail-once": marker})
    assert len(served.recorder.seen(marker)) == 1


def test_retries_can_be_turned_off(projects: dict[str, Generated], servers: dict[str, Served]) -> None:
    generated = projects["inventory"]
    api = generated.api
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    marker = _marker()
    with api.Client.connect(servers["inventory"].target, retry=None) as client, pytest.raises(api.UnavailableError):
        client.inventory.get_item(request, metadata={"x-marker": marker, "x-fail-once": marker})
    assert len(servers["inventory"].recorder.seen(marker)) == 1


# --- TLS ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def _self_signed(folder: Path) -> Certificate:
    """A throwaway certificate for localhost and 127.0.0.1, its own root."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    try:
        from cryptography import x509  # noqa: F401 - only whether it is there
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("neither the cryptography package nor the openssl command is available")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return Certificate(cert, key)
    return _self_signed_with_cryptography(key, cert)


def _self_signed_with_cryptography(key_path: Path, cert_path: Path) -> Certificate:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    alternative = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(alternative, critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path)


def test_tls_client_connects_with_root_certificates(projects: dict[str, Generated], tmp_path: Path) -> None:
    generated = projects["inventory"]
    api = generated.api
    certificate = _self_signed(tmp_path)
    credentials = grpc.ssl_server_credentials([(certificate.key.read_bytes(), certificate.cert.read_bytes())])
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    with serve(generated, credentials) as served:
        with api.Client.connect(served.target, root_certificates=certificate.cert) as client:
            assert client.inventory.get_item(request).sku == "s1"
        for untrusting in ({"tls": True}, {}):
            client = api.Client.connect(served.target, retry=None, **untrusting)
            with client, pytest.raises(api.UnavailableError):
                client.inventory.get_item(request, timeout=5)

        async def main() -> str:
            pem = certificate.cert.read_bytes()
            async with api.AsyncClient.connect(served.target, tls=True, root_certificates=pem) as client:
                return str((await client.inventory.get_item(request)).sku)

        assert asyncio.run(main()) == "s1"


def test_mutual_tls_client_sends_its_certificate(projects: dict[str, Generated], tmp_path: Path) -> None:
    generated = projects["inventory"]
    api = generated.api
    (tmp_path / "server").mkdir()
    (tmp_path / "client").mkdir()
    server, client_certificate = _self_signed(tmp_path / "server"), _self_signed(tmp_path / "client")
    credentials = grpc.ssl_server_credentials(
        [(server.key.read_bytes(), server.cert.read_bytes())],
        root_certificates=client_certificate.cert.read_bytes(),
        require_client_auth=True,
    )
    request = generated.message_class("inventory.v1.GetItemRequest")(sku="s1")
    with serve(generated, credentials) as served:
        mutual = api.Client.connect(
            served.target,
            root_certificates=server.cert,
            client_cert=client_certificate.cert.read_bytes(),
            client_key=client_certificate.key,
        )
        with mutual as client:
            assert client.inventory.get_item(request).sku == "s1"
        anonymous = api.Client.connect(served.target, root_certificates=server.cert, retry=None)
        with anonymous as client, pytest.raises(api.UnavailableError):
            client.inventory.get_item(request, timeout=5)


def test_client_certificate_needs_its_key(projects: dict[str, Generated], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="client_key"):
        projects["inventory"].api.Client.connect("127.0.0.1:1", client_cert=b"pem")


# --- against the generated server ---------------------------------------------------------------------

LIVE_SCRIPT = """
import asyncio
import json
import sys

from google.protobuf import descriptor_pool, json_format, message_factory

from {package}.client import AsyncClient, AsyncResponseStream, Client, ResponseStream

target, calls_json, examples_path = sys.argv[1:]
calls = json.loads(calls_json)
with open(examples_path, encoding="utf-8") as examples_file:
    examples = json.load(examples_file)["methods"]


def message(full_name, data):
    message_class = message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(full_name))
    return json_format.ParseDict(data, message_class())


def request(path):
    entry = examples[path]
    single = message(entry["request_type"], entry["request"])
    return [single, single] if entry["client_streaming"] else single


def check(path, outcome):
    entry = examples[path]
    items = outcome if isinstance(outcome, list) else [outcome]
    expected = message(entry["response_type"], entry["response"])
    assert items, path
    for item in items:
        assert type(item).DESCRIPTOR.full_name == entry["response_type"], (path, type(item))
        assert item == expected, (path, item, expected)


def blocking():
    with Client.connect(target) as client:
        for path, (attribute, method) in calls.items():
            outcome = getattr(getattr(client, attribute), method)(request(path), wait_for_ready=True)
            check(path, list(outcome) if isinstance(outcome, ResponseStream) else outcome)


async def asynchronous():
    async with AsyncClient.connect(target) as client:
        for path, (attribute, method) in calls.items():
            outcome = getattr(getattr(client, attribute), method)(request(path), wait_for_ready=True)
            if isinstance(outcome, AsyncResponseStream):
                check(path, [item async for item in outcome])
            else:
                check(path, await outcome)


blocking()
asyncio.run(asynchronous())
print(json.dumps(sorted(calls)))
"""


@pytest.fixture(scope="module", params=["inventory", "store"])
def live_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The example generated with both the `grpc-server` and the `grpc-client` target."""
    name = str(request.param)
    contract = SPECS / ("inventory.proto" if name == "inventory" else "store")
    project = tmp_path_factory.mktemp(f"{name}_live") / name
    targets = ("grpc-server", "grpc-client")
    report = generate(Job((contract,), project, targets, f"{name}_live"), DiagnosticSink())
    assert report.ok, report
    proto = read_contract([contract], DiagnosticSink()).proto
    assert proto is not None
    return Generated(name, project, f"{name}_live", proto)


@contextmanager
def generated_server(generated: Generated, log_path: Path) -> Iterator[str]:
    """`python -m PKG.server --port N` on 127.0.0.1; yields its target once a channel to it is ready."""
    port = free_port()
    target = f"127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", f"{generated.package}.server", "--port", str(port)],
            cwd=generated.project,
            env=project_env(generated.project),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            with grpc.insecure_channel(target) as channel:
                ready = grpc.channel_ready_future(channel)
                while not ready.done():
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"the generated server did not come up:\n{log_path.read_text()}")
                    time.sleep(0.1)
            yield target
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_every_method_against_the_generated_server(live_project: Generated, tmp_path: Path) -> None:
    """Client and server generated from one contract agree: every method, both faces, answers the
    server's example response. Runs in a subprocess, like the server."""
    view = client_view(live_project.proto, proto_python.PROTO_DIR)
    calls = {
        service.method_path(method): [service_view.attribute, method_view.name]
        for service, service_view in zip(live_project.proto.services, view.services, strict=True)
        for method, method_view in zip(service.methods, service_view.methods, strict=True)
    }
    examples = live_project.project / "src" / live_project.package / "_generated" / "examples.json"
    script = LIVE_SCRIPT.format(package=live_project.package)
    with generated_server(live_project, tmp_path / "server.log") as target:
        result = subprocess.run(
            [sys.executable, "-c", script, target, json.dumps(calls), str(examples)],
            cwd=live_project.project,
            env=project_env(live_project.project),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr + (tmp_path / "server.log").read_text()
    assert json.loads(result.stdout) == sorted(calls)
