"""OpenTelemetry hooks of the generated Ariadne service: a span per HTTP request, named by route, with the operation.

The bookshop project is generated once; its app is built with the SDK's in-memory span exporter and
metric reader (the `tracer_provider`/`meter_provider` hooks of `create_app`) and called in process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from starlette.testclient import TestClient

from tests.conftest import GRAPHQL_EXAMPLE_SPECS, generate_project, import_generated, project_env

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PACKAGE = "otelbooks"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(GRAPHQL_EXAMPLE_SPECS["bookshop"], tmp_path_factory.mktemp("otel") / "books", PACKAGE)


@pytest.fixture(scope="module")
def modules(project: Path) -> tuple[ModuleType, ModuleType, ModuleType]:
    application, mock, runtime = import_generated(
        project,
        f"{PACKAGE}._generated.application",
        f"{PACKAGE}._generated.mock",
        f"{PACKAGE}._generated.server_runtime",
    )
    return application, mock, runtime


def test_graphql_request_gets_one_server_span_with_its_operation(
    modules: tuple[ModuleType, ModuleType, ModuleType],
) -> None:
    application, mock, runtime = modules
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    metrics = InMemoryMetricReader()
    app = application.create_app(
        mock.mock_resolvers(),
        settings=runtime.Settings(log_level="WARNING"),
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[metrics]),
    )
    client = TestClient(app)
    response = client.post(
        "/graphql",
        json={"query": "query Shelf { authors { __typename } }", "operationName": "Shelf"},
        headers={"traceparent": TRACEPARENT, "x-request-id": "req-7"},
    )
    assert response.status_code == 200, response.text

    (span,) = spans.get_finished_spans()
    assert span.name == "POST /graphql"
    assert span.kind == SpanKind.SERVER
    assert format(span.context.trace_id, "032x") == TRACE_ID
    assert dict(span.attributes or {}) == {
        "http.request.method": "POST",
        "url.path": "/graphql",
        "http.route": "/graphql",
        "http.response.status_code": 200,
        "request.id": "req-7",
        "graphql.operation.name": "Shelf",
    }
    data = metrics.get_metrics_data()
    assert data is not None
    counted = [
        point.value
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == "http.server.requests"
        for point in metric.data.data_points
    ]
    assert counted == [1]


@pytest.mark.parametrize("chunked", [False, True], ids=["declared-length", "chunked"])
def test_a_refused_oversized_body_is_a_413_span_not_a_server_error(
    modules: tuple[ModuleType, ModuleType, ModuleType], chunked: bool
) -> None:
    application, mock, runtime = modules
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    app = application.create_app(
        mock.mock_resolvers(),
        settings=runtime.Settings(log_level="WARNING", max_body_bytes=64),
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[InMemoryMetricReader()]),
    )
    body = b'{"query": "{ authors { __typename } }", "pad": "' + b"x" * 200 + b'"}'
    content = iter([body[:100], body[100:]]) if chunked else body  # an iterator goes out chunked
    response = TestClient(app).post("/graphql", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 413

    (span,) = spans.get_finished_spans()
    assert (span.attributes or {})["http.response.status_code"] == 413
    assert span.status.status_code == StatusCode.UNSET
    assert not span.events, "no exception recorded: the refusal is an answer, not a failure"


_IMPORTS_OTEL = f"""
import sys
from starlette.testclient import TestClient

def loaded():
    return {{name for name in sys.modules if name.split(".")[0] == "opentelemetry"}}

before = loaded()
from {PACKAGE}._generated.application import create_app
from {PACKAGE}._generated.mock import mock_resolvers
client = TestClient(create_app(mock_resolvers()))
assert client.post("/graphql", json={{"query": "{{ __typename }}"}}).status_code == 200
print(sorted(loaded() - before))
"""


def test_without_an_exporter_opentelemetry_is_never_imported(project: Path) -> None:
    env = {name: value for name, value in project_env(project).items() if not name.startswith("OTEL_")}
    completed = subprocess.run(
        [sys.executable, "-c", _IMPORTS_OTEL], capture_output=True, text=True, env=env, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == "[]"
