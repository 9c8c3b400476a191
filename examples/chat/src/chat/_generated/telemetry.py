"""OpenTelemetry hooks of the generated service: one server span and two metrics per request or RPC.

This file is copied verbatim by contractgen into the HTTP services (FastAPI, Ariadne) and the gRPC
server alike, so it imports no web or RPC framework. Nothing here imports OpenTelemetry at module
level either: `request_telemetry` and `rpc_telemetry` import it only when telemetry is asked for, so
a service without the `otel` extra, or without an exporter configured, never loads it and
type-checks without it.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""The ASGI types exactly as `starlette.types` spells them, so the gRPC server needs no Starlette."""

_SERVER_FAULT_CODES = frozenset({2, 4, 12, 13, 14, 15})
"""The numbers of the gRPC codes that mark a server span as an error: UNKNOWN, DEADLINE_EXCEEDED,
UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS."""


def telemetry_configured(environ: Mapping[str, str]) -> bool:
    """Whether the standard OpenTelemetry variables name a trace exporter.

    `OTEL_TRACES_EXPORTER` set and not `none`, or (with it unset) an OTLP endpoint in
    `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    """
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


@dataclass(frozen=True)
class RequestTelemetry:
    """One OpenTelemetry server span and two metrics per request (HTTP semantic conventions).

    The span is named `METHOD route-template` (just `METHOD` when no route matched), continues
    the trace of an incoming `traceparent` and is current while the route runs, so spans the
    service starts are its children. `http.server.request.duration` (seconds) and
    `http.server.requests` are recorded with the method, route and status code; `state_attributes`
    maps request-state keys the app fills in (a GraphQL operation name) to span attributes. The
    OpenTelemetry modules are held here, imported only when telemetry is on, so this file
    type-checks and runs without them.
    """

    tracer: Any
    duration: Any
    requests: Any
    trace_api: Any
    propagate: Any
    state_attributes: Mapping[str, str] = field(default_factory=dict)

    async def traced(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, request_id: str
    ) -> None:
        carrier = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        method = scope["method"]
        status = 500
        started = time.perf_counter()

        async def send_recording_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        span = self.tracer.start_span(
            method,
            context=self.propagate.extract(carrier),
            kind=self.trace_api.SpanKind.SERVER,
            attributes={
                "http.request.method": method,
                "url.path": scope["path"],
                "request.id": request_id,
            },
        )
        state = scope.setdefault("state", {})
        state["trace_id"] = format(span.get_span_context().trace_id, "032x")
        try:
            with self.trace_api.use_span(span, end_on_exit=False, record_exception=True):
                await app(scope, receive, send_recording_status)
        finally:
            route = getattr(scope.get("route"), "path", None)
            attributes: dict[str, Any] = {
                "http.request.method": method,
                "http.response.status_code": status,
            }
            if isinstance(route, str):
                attributes["http.route"] = route
                span.update_name(f"{method} {route}")
            span.set_attributes(attributes)
            for key, attribute in self.state_attributes.items():
                if isinstance(state.get(key), str):
                    span.set_attribute(attribute, state[key])
            if status >= 500:
                span.set_status(self.trace_api.StatusCode.ERROR)
            span.end()
            self.duration.record(time.perf_counter() - started, attributes)
            self.requests.add(1, attributes)


@dataclass(frozen=True)
class _OpenTelemetry:
    """A tracer and a meter of the service, and the OpenTelemetry API modules the spans need."""

    tracer: Any
    meter: Any
    trace_api: Any
    propagate: Any


def _open_telemetry(
    service_name: str, tracer_provider: Any, meter_provider: Any, environ: Mapping[str, str] | None
) -> _OpenTelemetry | None:
    """OpenTelemetry if asked for (see `request_telemetry`), else None without importing it."""
    environ = os.environ if environ is None else environ
    if tracer_provider is None and not telemetry_configured(environ):
        return None
    try:
        trace_api = importlib.import_module("opentelemetry.trace")
        metrics_api = importlib.import_module("opentelemetry.metrics")
        propagate = importlib.import_module("opentelemetry.propagate")
        if tracer_provider is None:
            tracer_provider, meter_provider = _sdk_providers(
                service_name, environ, trace_api, metrics_api
            )
    except ImportError as error:
        logger.warning(
            "telemetry is configured but not installed (the otel extra)",
            extra={"error": str(error)},
        )
        return None
    return _OpenTelemetry(
        tracer=tracer_provider.get_tracer("contractgen.service"),
        meter=(meter_provider or metrics_api.get_meter_provider()).get_meter("contractgen.service"),
        trace_api=trace_api,
        propagate=propagate,
    )


def request_telemetry(
    service_name: str,
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    environ: Mapping[str, str] | None = None,
    state_attributes: Mapping[str, str] | None = None,
) -> RequestTelemetry | None:
    """Request tracing and metrics if asked for, else None (and OpenTelemetry is never imported).

    On when `tracer_provider` is given, or when `telemetry_configured(environ)` and the `otel`
    extra is installed. Providers already set globally (by `opentelemetry-instrument`, say) are
    used; otherwise the SDK's are set up from the standard variables, exporting over OTLP/HTTP
    (or to the console for `OTEL_TRACES_EXPORTER=console`).
    """
    otel = _open_telemetry(service_name, tracer_provider, meter_provider, environ)
    if otel is None:
        return None
    return RequestTelemetry(
        tracer=otel.tracer,
        duration=otel.meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests.",
        ),
        requests=otel.meter.create_counter(
            "http.server.requests", unit="{request}", description="HTTP requests served."
        ),
        trace_api=otel.trace_api,
        propagate=otel.propagate,
        state_attributes=dict(state_attributes or {}),
    )


@dataclass(frozen=True)
class RpcTelemetry:
    """One OpenTelemetry server span and two metrics per RPC (RPC semantic conventions, gRPC).

    The span is named `package.Service/Method`, carries `rpc.system` (`grpc`), `rpc.service`,
    `rpc.method` and, once the call ends, `rpc.grpc.status_code`; it continues the trace of an
    incoming `traceparent` metadata entry and is current while the servicer runs. A call that
    ends with a code meaning the server failed (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED,
    INTERNAL, UNAVAILABLE, DATA_LOSS, as the conventions list for server spans) gets the span's
    ERROR status, described by the code's name; a client's mistake (NOT_FOUND, ...) does not,
    as a 4xx does not on the HTTP servers.
    `rpc.server.call.duration` (seconds) and `rpc.server.calls` are recorded with the same rpc
    attributes. The gRPC server's interceptors call `start` and `RpcSpan.end`; nothing here
    imports grpc.
    """

    tracer: Any
    duration: Any
    calls: Any
    trace_api: Any
    propagate: Any

    def start(self, method_path: str, metadata: Mapping[str, str], request_id: str) -> RpcSpan:
        """The span of one call to `method_path` (`/package.Service/Method`), started now."""
        service, _, method = method_path.lstrip("/").rpartition("/")
        attributes: dict[str, Any] = {
            "rpc.system": "grpc",
            "rpc.service": service,
            "rpc.method": method,
        }
        span = self.tracer.start_span(
            f"{service}/{method}",
            context=self.propagate.extract(metadata),
            kind=self.trace_api.SpanKind.SERVER,
            attributes={**attributes, "request.id": request_id},
        )
        return RpcSpan(self, span, attributes, time.perf_counter())


@dataclass(frozen=True)
class RpcSpan:
    """One RPC's server span while the call runs, and what its metrics are recorded with."""

    telemetry: RpcTelemetry
    span: Any
    attributes: Mapping[str, Any]
    started: float

    @property
    def trace_id(self) -> str:
        return format(self.span.get_span_context().trace_id, "032x")

    def active(self) -> AbstractContextManager[Any]:
        """The span as the current one (so spans the servicer starts are its children)."""
        current: AbstractContextManager[Any] = self.telemetry.trace_api.use_span(
            self.span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        )
        return current

    def end(self, code: int, code_name: str, unexpected: BaseException | None = None) -> None:
        """End the span with the call's status code (`unexpected`: an exception the servicer raised)."""
        attributes = {**self.attributes, "rpc.grpc.status_code": code}
        self.span.set_attributes(attributes)
        if unexpected is not None:
            self.span.record_exception(unexpected)
        if code in _SERVER_FAULT_CODES:
            self.span.set_status(
                self.telemetry.trace_api.Status(
                    self.telemetry.trace_api.StatusCode.ERROR, code_name
                )
            )
        self.span.end()
        self.telemetry.duration.record(time.perf_counter() - self.started, attributes)
        self.telemetry.calls.add(1, attributes)


def rpc_telemetry(
    service_name: str,
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    environ: Mapping[str, str] | None = None,
) -> RpcTelemetry | None:
    """RPC tracing and metrics if asked for, else None: on exactly when `request_telemetry` would be."""
    otel = _open_telemetry(service_name, tracer_provider, meter_provider, environ)
    if otel is None:
        return None
    return RpcTelemetry(
        tracer=otel.tracer,
        duration=otel.meter.create_histogram(
            "rpc.server.call.duration", unit="s", description="Duration of RPCs served."
        ),
        calls=otel.meter.create_counter(
            "rpc.server.calls", unit="{call}", description="RPCs served."
        ),
        trace_api=otel.trace_api,
        propagate=otel.propagate,
    )


def _sdk_providers(
    service_name: str, environ: Mapping[str, str], trace_api: Any, metrics_api: Any
) -> tuple[Any, Any]:
    """The global tracer and meter providers, set up from the environment if nobody has yet."""
    current = trace_api.get_tracer_provider()
    if not isinstance(current, trace_api.ProxyTracerProvider):
        return current, metrics_api.get_meter_provider()
    sdk_trace = importlib.import_module("opentelemetry.sdk.trace")
    sdk_export = importlib.import_module("opentelemetry.sdk.trace.export")
    sdk_resources = importlib.import_module("opentelemetry.sdk.resources")
    resource = sdk_resources.Resource.create(
        {"service.name": environ.get("OTEL_SERVICE_NAME") or service_name}
    )
    traces_exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() or "otlp"
    metrics_exporter = environ.get("OTEL_METRICS_EXPORTER", "").strip().lower() or traces_exporter
    if traces_exporter == "console":
        span_exporter = sdk_export.ConsoleSpanExporter()
    else:
        otlp_trace = importlib.import_module(
            "opentelemetry.exporter.otlp.proto.http.trace_exporter"
        )
        span_exporter = otlp_trace.OTLPSpanExporter()
    tracer_provider = sdk_trace.TracerProvider(resource=resource)
    tracer_provider.add_span_processor(sdk_export.BatchSpanProcessor(span_exporter))
    trace_api.set_tracer_provider(tracer_provider)
    meter_provider = None
    if metrics_exporter != "none":
        sdk_metrics = importlib.import_module("opentelemetry.sdk.metrics")
        sdk_metrics_export = importlib.import_module("opentelemetry.sdk.metrics.export")
        if metrics_exporter == "console":
            metric_exporter = sdk_metrics_export.ConsoleMetricExporter()
        else:
            otlp_metrics = importlib.import_module(
                "opentelemetry.exporter.otlp.proto.http.metric_exporter"
            )
            metric_exporter = otlp_metrics.OTLPMetricExporter()
        reader = sdk_metrics_export.PeriodicExportingMetricReader(metric_exporter)
        meter_provider = sdk_metrics.MeterProvider(resource=resource, metric_readers=[reader])
        metrics_api.set_meter_provider(meter_provider)
    return tracer_provider, meter_provider
