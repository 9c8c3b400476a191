"""The installable project around the generated packages: pyproject, README, Dockerfile.

These are scaffolded once and then belong to the user; dependencies are the union of what the
chosen targets' generated code imports, at versions that code was written against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.ir.model import Contract
from generator.plan import FileSpec, Ownership
from generator.render import make_environment, render
from generator.targets.options import TargetOptions


@dataclass(frozen=True)
class _TelemetryText:
    """What the README says the `otel` extra's hooks record."""

    spans: str
    metrics: str


_HTTP_TELEMETRY = _TelemetryText(
    "one server span per HTTP request (`METHOD /route`, continuing an incoming `traceparent`)",
    "`http.server.request.duration` and `http.server.requests`",
)
_TELEMETRY = {
    "proto": _TelemetryText(
        "one server span per RPC (`package.Service/Method`, continuing a `traceparent` in its metadata)",
        "`rpc.server.call.duration` and `rpc.server.calls`",
    ),
}

_HTTP_PROBE_HEALTHY = "`/healthz` answers (`PROBE_PATH=/readyz` asks for readiness)"
_PROBE_HEALTHY = {"proto": "the health service answers SERVING (so also readiness)"}


def plan(
    contract: Contract,
    options: TargetOptions,
    dependencies: Iterable[str],
    test_dependencies: Iterable[str],
    otel_dependencies: Iterable[str] = (),
) -> list[FileSpec]:
    environment = make_environment()
    context = {
        "contract_file": options.contract_file_name,
        "package": options.package,
        "distribution": options.distribution,
        "title": contract.title,
        "protocol": contract.protocol,
        "targets": list(options.targets),
        "dependencies": sorted(set(dependencies)),
        "test_dependencies": sorted(set(test_dependencies)),
        "otel_dependencies": sorted(set(otel_dependencies)),
        "telemetry": _TELEMETRY.get(contract.protocol, _HTTP_TELEMETRY),
        "probe_module": "grpc_probe" if contract.protocol == "proto" else "probe",
        "probe_healthy": _PROBE_HEALTHY.get(contract.protocol, _HTTP_PROBE_HEALTHY),
    }
    return [
        FileSpec(name, render(environment, f"project/{name}.jinja", context), Ownership.USER)
        for name in ("pyproject.toml", "README.md", "Dockerfile")
    ]


def package_skeleton(options: TargetOptions) -> list[FileSpec]:
    """The generated package's `__init__.py`, `py.typed` and `_generated/__init__.py`.

    Written by whichever target owns the package in this project (a server, or a client alone).
    """
    package_init = render(
        make_environment(), "fastapi/package_init.py.jinja", {"contract_file": options.contract_file_name}
    )
    return [
        FileSpec(f"{options.package_dir}/__init__.py", package_init),
        FileSpec(f"{options.package_dir}/py.typed", ""),
        FileSpec(f"{options.generated_dir}/__init__.py", package_init),
    ]
