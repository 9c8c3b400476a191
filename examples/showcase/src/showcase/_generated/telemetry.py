"""OpenTelemetry hooks of the generated service: one server span and two metrics per request.

This file is copied verbatim by contractgen. Nothing here imports OpenTelemetry at module level:
`request_telemetry` imports it only when telemetry is asked for, so a service without the `otel`
extra, or without an exporter configured, never loads it and type-checks without it.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("service")


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
    meter = (meter_provider or metrics_api.get_meter_provider()).get_meter("contractgen.service")
    return RequestTelemetry(
        tracer=tracer_provider.get_tracer("contractgen.service"),
        duration=meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests.",
        ),
        requests=meter.create_counter(
            "http.server.requests", unit="{request}", description="HTTP requests served."
        ),
        trace_api=trace_api,
        propagate=propagate,
        state_attributes=dict(state_attributes or {}),
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
