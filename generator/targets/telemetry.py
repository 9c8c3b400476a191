"""Runtime modules every generated server shares (settings, JSON logs, health probe, OpenTelemetry hooks).

The hooks are off unless an exporter is configured, so these go into an optional `otel` extra of
the project rather than its dependencies.
"""

from __future__ import annotations

from generator.plan import FileSpec
from generator.render import static_file

OTEL_DEPENDENCIES = (
    "opentelemetry-api>=1.25",
    "opentelemetry-sdk>=1.25",
    "opentelemetry-exporter-otlp-proto-http>=1.25",
)


def telemetry_file(generated_dir: str) -> FileSpec:
    """The shared runtime module the HTTP servers (FastAPI, Ariadne) and the gRPC server import their spans from."""
    return FileSpec(f"{generated_dir}/telemetry.py", static_file("common/static/telemetry.py"))


def json_logs_file(generated_dir: str) -> FileSpec:
    """The shared runtime module all three servers write their JSON log lines with."""
    return FileSpec(f"{generated_dir}/json_logs.py", static_file("common/static/json_logs.py"))


def service_settings_file(generated_dir: str) -> FileSpec:
    """The settings base all three servers read the environment with (log, TLS; host, port, CORS for HTTP)."""
    return FileSpec(f"{generated_dir}/service_settings.py", static_file("common/static/service_settings.py"))


def probe_files(generated_dir: str, *, grpc: bool = False) -> list[FileSpec]:
    """The container health probe (the Dockerfile's HEALTHCHECK): HTTP, or gRPC's health service."""
    files = [FileSpec(f"{generated_dir}/probe.py", static_file("common/static/probe.py"))]
    if grpc:
        files.append(FileSpec(f"{generated_dir}/grpc_probe.py", static_file("grpc_server/static/grpc_probe.py")))
    return files
