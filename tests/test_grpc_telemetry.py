"""OpenTelemetry hooks of the generated gRPC server: a span per RPC when configured, never imported otherwise.

The inventory project is generated once (server and client targets). Its servers, grpc.aio and the
thread-pool one, are started for real on 127.0.0.1 and called with the generated client: in process
with the SDK's in-memory span exporter and metric reader (the `tracer_provider`/`meter_provider`
hooks of `create_server`), and as `python -m PKG.server` with the console exporter configured by the
standard `OTEL_*` variables.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from tests.conftest import SPECS, free_port, generate_project, import_generated, project_env

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PACKAGE = "otelinventory"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01"
GET_ITEM = "inventory.v1.Inventory/GetItem"
FLAVOURS = ("aio", "sync")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "inventory.proto", tmp_path_factory.mktemp("otel") / "inventory", PACKAGE)


@dataclass(frozen=True)
class Generated:
    server: ModuleType
    mock: ModuleType
    sync_mock: ModuleType
    runtime: ModuleType
    telemetry: ModuleType
    client: ModuleType
    errors: ModuleType
    inventory_pb2: ModuleType


@pytest.fixture(scope="module")
def generated(project: Path) -> Generated:
    modules = import_generated(
        project,
        *(
            f"{PACKAGE}._generated.{name}"
            for name in (
                "server",
                "mock",
                "sync_mock",
                "server_runtime",
                "telemetry",
                "client",
                "client_errors",
                "proto.inventory_pb2",
            )
        ),
    )
    return Generated(*modules)


def servicer(generated: Generated, flavour: str, seen_trace_ids: list[str]) -> Any:
    """The mock servicer, except that `GetItem` notes the current span's trace id, answers
    NOT_FOUND for the sku `missing` and fails unexpectedly for the sku `boom`."""
    inventory_pb2 = generated.inventory_pb2

    def current_trace_id() -> None:
        seen_trace_ids.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))

    if flavour == "aio":

        class AioInventory(generated.mock.MockInventoryServicer):  # type: ignore[misc]
            async def get_item(self, request: Any, context: Any) -> Any:
                current_trace_id()
                if request.sku == "missing":
                    await context.abort(grpc.StatusCode.NOT_FOUND, "no such item")
                if request.sku == "boom":
                    raise RuntimeError("the servicer broke")
                return inventory_pb2.Item(sku=request.sku)

        return AioInventory()

    class SyncInventory(generated.sync_mock.MockInventorySyncServicer):  # type: ignore[misc]
        def get_item(self, request: Any, context: Any) -> Any:
            current_trace_id()
            if request.sku == "missing":
                context.abort(grpc.StatusCode.NOT_FOUND, "no such item")
            if request.sku == "boom":
                raise RuntimeError("the servicer broke")
            return inventory_pb2.Item(sku=request.sku)

    return SyncInventory()


@contextmanager
def running(generated: Generated, flavour: str, **create: Any) -> Iterator[tuple[str, list[str]]]:
    """The generated server of `flavour` on 127.0.0.1, serving `servicer`; yields its target and
    the trace ids `GetItem` saw as current. The aio server runs on its own loop in a thread."""
    target = f"127.0.0.1:{free_port()}"
    seen: list[str] = []
    settings = generated.runtime.Settings(log_level="WARNING")
    if flavour == "sync":
        services = generated.server.SyncServices(inventory=servicer(generated, flavour, seen))
        server = generated.server.create_sync_server(services, target, settings, **create)
        server.start()
        try:
            yield target, seen
        finally:
            server.stop(None).wait()
        return
    loop = asyncio.new_event_loop()

    async def serve() -> Any:
        services = generated.server.Services(inventory=servicer(generated, flavour, seen))
        aio_server = generated.server.create_server(services, target, settings, **create)
        await aio_server.start()
        return aio_server

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    aio_server = asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    try:
        yield target, seen
    finally:
        asyncio.run_coroutine_threadsafe(aio_server.stop(None), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


class Traced:
    """An in-memory span exporter and metric reader, handed to `create_server` as providers."""

    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.metrics = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.metrics])

    def providers(self) -> dict[str, Any]:
        return {"tracer_provider": self.tracer_provider, "meter_provider": self.meter_provider}

    def finished(self, until: Callable[[tuple[ReadableSpan, ...]], bool]) -> tuple[ReadableSpan, ...]:
        """The finished spans once `until` holds (a span ends just after its response is sent)."""
        deadline = time.monotonic() + 5
        while True:
            spans = tuple(self.spans.get_finished_spans())
            if until(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.02)

    def metric_points(self, name: str) -> list[Any]:
        data = self.metrics.get_metrics_data()
        assert data is not None
        return [
            point
            for resource in data.resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
            if metric.name == name
            for point in metric.data.data_points
        ]


def rpc_attributes(code: int) -> dict[str, Any]:
    return {
        "rpc.system": "grpc",
        "rpc.service": "inventory.v1.Inventory",
        "rpc.method": "GetItem",
        "rpc.grpc.status_code": code,
    }


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_each_rpc_gets_one_server_span_named_by_service_and_method(generated: Generated, flavour: str) -> None:
    traced = Traced()
    with running(generated, flavour, **traced.providers()) as (target, seen):
        with generated.client.Client.connect(target, retry=None) as client:
            item = client.inventory.get_item(
                generated.inventory_pb2.GetItemRequest(sku="A-1"),
                metadata={"traceparent": TRACEPARENT, "x-request-id": "req-7"},
            )
            with pytest.raises(generated.errors.NotFoundError):
                client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="missing"))
        spans = traced.finished(lambda spans: len(spans) >= 2)
    assert item.sku == "A-1"

    ok, failed = sorted(spans, key=lambda span: span.start_time or 0)
    assert (ok.name, failed.name) == (GET_ITEM, GET_ITEM)
    assert ok.kind == failed.kind == SpanKind.SERVER
    assert dict(ok.attributes or {}) == {**rpc_attributes(0), "request.id": "req-7"}
    assert ok.status.status_code == StatusCode.UNSET

    assert format(ok.context.trace_id, "032x") == TRACE_ID
    assert ok.parent is not None and format(ok.parent.span_id, "016x") == PARENT_SPAN_ID
    assert seen[0] == TRACE_ID, "the server span is current while the servicer runs"

    failed_attributes = dict(failed.attributes or {})
    assert failed_attributes.pop("request.id")  # a new id: the caller sent none
    assert failed_attributes == rpc_attributes(5)
    assert failed.status.status_code == StatusCode.UNSET, "NOT_FOUND is the caller's mistake, not a server error"
    assert failed.parent is None and format(failed.context.trace_id, "032x") == seen[1] != TRACE_ID


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_streams_and_unexpected_failures_get_their_spans_too(generated: Generated, flavour: str) -> None:
    traced = Traced()
    with running(generated, flavour, **traced.providers()) as (target, _):
        with generated.client.Client.connect(target, retry=None) as client:
            changes = list(client.inventory.watch_stock(generated.inventory_pb2.WatchStockRequest(skus=["A-1"])))
            with pytest.raises(generated.errors.UnknownError):
                client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="boom"))
        spans = traced.finished(lambda spans: len(spans) >= 2)
    assert changes

    streamed, broke = sorted(spans, key=lambda span: span.start_time or 0)
    assert streamed.name == "inventory.v1.Inventory/WatchStock"
    assert (streamed.attributes or {})["rpc.grpc.status_code"] == 0
    assert streamed.status.status_code == StatusCode.UNSET
    assert (broke.attributes or {})["rpc.grpc.status_code"] == 2
    assert (broke.status.status_code, broke.status.description) == (StatusCode.ERROR, "UNKNOWN")
    (event,) = broke.events
    assert event.name == "exception" and (event.attributes or {})["exception.type"] == "RuntimeError"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_rpcs_are_counted_and_timed_by_method_and_code(generated: Generated, flavour: str) -> None:
    traced = Traced()
    with running(generated, flavour, **traced.providers()) as (target, _):
        with generated.client.Client.connect(target, retry=None) as client:
            for _ in range(3):
                client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="A-1"))
            with pytest.raises(generated.errors.NotFoundError):
                client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="missing"))
        traced.finished(lambda spans: len(spans) >= 4)

    counted = {point.attributes["rpc.grpc.status_code"]: point for point in traced.metric_points("rpc.server.calls")}
    assert {code: point.value for code, point in counted.items()} == {0: 3, 5: 1}
    assert dict(counted[0].attributes) == rpc_attributes(0)
    timed = {
        point.attributes["rpc.grpc.status_code"]: point for point in traced.metric_points("rpc.server.call.duration")
    }
    assert timed[0].count == 3 and timed[0].sum > 0
    assert timed[5].count == 1


def test_the_package_server_passes_your_providers_through(generated: Generated, project: Path) -> None:
    """`PKG.server.create_sync_server`, the function your code calls, traces with your providers too."""
    (package_server,) = import_generated(project, f"{PACKAGE}.server")
    traced = Traced()
    target = f"127.0.0.1:{free_port()}"
    services = generated.server.SyncServices(inventory=servicer(generated, "sync", []))
    settings = generated.runtime.Settings(log_level="WARNING")
    server = package_server.create_sync_server(services, target, settings, **traced.providers())
    server.start()
    try:
        with generated.client.Client.connect(target, retry=None) as client:
            client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="A-1"))
        (span,) = traced.finished(lambda spans: len(spans) >= 1)
    finally:
        server.stop(None).wait()
    assert span.name == GET_ITEM


def test_access_log_line_carries_the_trace_id(generated: Generated, caplog: pytest.LogCaptureFixture) -> None:
    traced = Traced()
    with (
        caplog.at_level(logging.INFO, logger="service.rpc"),
        running(generated, "aio", **traced.providers()) as (target, _),
    ):
        with generated.client.Client.connect(target) as client:
            client.inventory.get_item(generated.inventory_pb2.GetItemRequest(sku="A-1"))
        (span,) = traced.finished(lambda spans: len(spans) >= 1)
    (line,) = [record for record in caplog.records if record.name == "service.rpc"]
    assert line.__dict__["trace_id"] == format(span.context.trace_id, "032x")


_SERVES_WITHOUT_TELEMETRY = f"""
import logging
import sys

def loaded():
    return {{name for name in sys.modules if name.split(".")[0] == "opentelemetry"}}

before = loaded()
from {PACKAGE}._generated.client import Client
from {PACKAGE}._generated.proto import inventory_pb2
from {PACKAGE}._generated.server_runtime import Settings
from {PACKAGE}._generated.telemetry import rpc_telemetry
from {PACKAGE}._generated.server import SyncServices, create_sync_server
from {PACKAGE}._generated.sync_mock import MockInventorySyncServicer

class Lines(logging.Handler):
    records = []

    def emit(self, record):
        self.records.append(record)

logging.getLogger("service.rpc").addHandler(Lines())
logging.getLogger("service.rpc").setLevel(logging.INFO)
assert rpc_telemetry("inventory") is None
services = SyncServices(inventory=MockInventorySyncServicer())
server = create_sync_server(services, "127.0.0.1:PORT_NUMBER", Settings(log_level="WARNING"))
server.start()
with Client.connect("127.0.0.1:PORT_NUMBER") as client:
    client.inventory.get_item(inventory_pb2.GetItemRequest(sku="A-1"), metadata={{"traceparent": "{TRACEPARENT}"}})
server.stop(None).wait()
print(Lines.records[0].trace_id)
print(sorted(loaded() - before))
"""


def test_without_an_exporter_opentelemetry_is_never_imported(project: Path) -> None:
    """Off and free: no span, no import; the log line still names the caller's trace."""
    env = {name: value for name, value in project_env(project).items() if not name.startswith("OTEL_")}
    completed = subprocess.run(
        [sys.executable, "-c", _SERVES_WITHOUT_TELEMETRY.replace("PORT_NUMBER", str(free_port()))],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    trace_id, imported = completed.stdout.strip().splitlines()[-2:]
    assert (trace_id, imported) == (TRACE_ID, "[]")


def test_exporter_from_the_environment_gets_one_span_per_rpc(project: Path, generated: Generated) -> None:
    """`python -m PKG.server` with `OTEL_TRACES_EXPORTER=console`: the SDK is set up from the
    standard variables and flushes its spans and metrics when SIGTERM stops the server."""
    port = free_port()
    env = project_env(
        project,
        OTEL_TRACES_EXPORTER="console",
        OTEL_METRICS_EXPORTER="console",
        OTEL_SERVICE_NAME="inventory-under-test",
        LOG_LEVEL="INFO",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", f"{PACKAGE}.server", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        with generated.client.Client.connect(f"127.0.0.1:{port}") as client:
            item = client.inventory.get_item(
                generated.inventory_pb2.GetItemRequest(sku="A-1"),
                metadata={"traceparent": TRACEPARENT},
                wait_for_ready=True,
                timeout=30,
            )
        assert item.sku
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output[-3000:]
    assert output.count('"span_id":') == 1, output
    assert f'"name": "{GET_ITEM}"' in output
    assert f'"trace_id": "0x{TRACE_ID}"' in output
    assert '"rpc.grpc.status_code": 0' in output
    assert '"service.name": "inventory-under-test"' in output
    assert '"name": "rpc.server.calls"' in output
    assert f'"trace_id": "{TRACE_ID}"' in output, "the access log line names the trace"


def test_generated_pyproject_offers_the_otel_extra(project: Path) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    otel = pyproject["project"]["optional-dependencies"]["otel"]
    assert {requirement.split(">")[0] for requirement in otel} == {
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-http",
    }
