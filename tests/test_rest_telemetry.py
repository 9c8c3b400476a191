"""OpenTelemetry hooks of the generated FastAPI service: on when configured, off and never imported otherwise.

The petstore project is generated once; its app is built with the SDK's in-memory span exporter and
metric reader (the `tracer_provider`/`meter_provider` hooks of `create_app`) and called in process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.conftest import SPECS, generate_project, import_generated, project_env

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PACKAGE = "otelpets"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
Modules = tuple[ModuleType, ModuleType, ModuleType, ModuleType]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "petstore.yaml", tmp_path_factory.mktemp("otel") / "pets", PACKAGE)


@pytest.fixture(scope="module")
def modules(project: Path) -> tuple[ModuleType, ModuleType, ModuleType, ModuleType]:
    application, mock, runtime, telemetry = import_generated(
        project,
        f"{PACKAGE}._generated.application",
        f"{PACKAGE}._generated.mock",
        f"{PACKAGE}._generated.runtime",
        f"{PACKAGE}._generated.telemetry",
    )
    return application, mock, runtime, telemetry


class Traced:
    def __init__(self, modules: Modules) -> None:
        application, mock, runtime, _ = modules
        self.spans = InMemorySpanExporter()
        tracer_provider = TracerProvider()
        tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.metrics = InMemoryMetricReader()
        app = application.create_app(
            mock.MockService(),
            settings=runtime.Settings(log_level="WARNING"),
            tracer_provider=tracer_provider,
            meter_provider=MeterProvider(metric_readers=[self.metrics]),
        )
        self.client = TestClient(app)

    def finished(self) -> tuple[ReadableSpan, ...]:
        return tuple(self.spans.get_finished_spans())

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


def test_one_server_span_per_request_named_by_route(modules: Modules) -> None:
    traced = Traced(modules)
    response = traced.client.get("/pets/1", headers={"x-request-id": "req-1"})
    traced.client.get("/pets")

    spans = traced.finished()
    assert [span.name for span in spans] == ["GET /pets/{petId}", "GET /pets"]
    span = spans[0]
    assert span.kind == SpanKind.SERVER
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "url.path": "/pets/1",
        "http.route": "/pets/{petId}",
        "http.response.status_code": response.status_code,
        "request.id": "req-1",
    }


def test_span_continues_the_incoming_traceparent(modules: Modules) -> None:
    traced = Traced(modules)
    traced.client.get("/pets", headers={"traceparent": TRACEPARENT})

    (span,) = traced.finished()
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert span.parent is not None and format(span.parent.span_id, "016x") == "00f067aa0ba902b7"


def test_unrouted_request_span_is_named_by_method(modules: Modules) -> None:
    traced = Traced(modules)
    assert traced.client.get("/no/such/path").status_code == 404

    (span,) = traced.finished()
    assert span.name == "GET"
    assert (span.attributes or {})["http.response.status_code"] == 404
    assert "http.route" not in (span.attributes or {})


def test_requests_are_counted_and_timed(modules: Modules) -> None:
    traced = Traced(modules)
    for _ in range(3):
        traced.client.get("/pets")

    (counted,) = traced.metric_points("http.server.requests")
    assert counted.value == 3
    assert dict(counted.attributes) == {
        "http.request.method": "GET",
        "http.route": "/pets",
        "http.response.status_code": 200,
    }
    (timed,) = traced.metric_points("http.server.request.duration")
    assert timed.count == 3 and timed.sum > 0


@pytest.mark.parametrize(
    ("environ", "configured"),
    [
        ({}, False),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
    ],
)
def test_exporter_is_configured_by_the_standard_variables(
    modules: Modules, environ: dict[str, str], configured: bool
) -> None:
    telemetry = modules[3]
    assert telemetry.telemetry_configured(environ) is configured


_IMPORTS_OTEL = f"""
import sys
import fastapi.testclient

def loaded():
    return {{name for name in sys.modules if name.split(".")[0] == "opentelemetry"}}

before = loaded()  # recent FastAPI releases import the OpenTelemetry API themselves
from {PACKAGE}._generated.application import create_app
from {PACKAGE}._generated.mock import MockService
client = fastapi.testclient.TestClient(create_app(MockService()))
assert client.get("/pets").status_code == 200
print(sorted(loaded() - before))
"""


def test_without_an_exporter_opentelemetry_is_never_imported(project: Path) -> None:
    env = {name: value for name, value in project_env(project).items() if not name.startswith("OTEL_")}
    completed = subprocess.run(
        [sys.executable, "-c", _IMPORTS_OTEL], capture_output=True, text=True, env=env, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == "[]"


_SERVES_ONE_REQUEST = f"""
import fastapi.testclient
from {PACKAGE}._generated.application import create_app
from {PACKAGE}._generated.mock import MockService
client = fastapi.testclient.TestClient(create_app(MockService()))
assert client.get("/pets/1", headers={{"traceparent": "{TRACEPARENT}"}}).status_code == 200
"""


def test_exporter_from_the_environment_gets_exactly_one_span_per_request(project: Path) -> None:
    env = project_env(project, OTEL_TRACES_EXPORTER="console", OTEL_METRICS_EXPORTER="none")
    completed = subprocess.run(
        [sys.executable, "-c", _SERVES_ONE_REQUEST], capture_output=True, text=True, env=env, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.count('"span_id":') == 1, completed.stdout
    assert '"name": "GET /pets/{petId}"' in completed.stdout
    assert f'"trace_id": "0x{TRACE_ID}"' in completed.stdout


def test_generated_pyproject_offers_the_otel_extra(project: Path) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    otel = pyproject["project"]["optional-dependencies"]["otel"]
    assert {requirement.split(">")[0] for requirement in otel} == {
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-http",
    }
