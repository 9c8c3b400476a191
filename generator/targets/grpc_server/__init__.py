"""`grpc-server` target: a grpcio service (grpc.aio by default) around typed servicers the user implements.

On top of the shared proto package (protoc's modules under `_generated/proto/`) it writes abstract
servicer interfaces twice, for grpc.aio (`servicers.py`) and for grpc's thread-pool server
(`sync_servicers.py`), because an implementation is either coroutines or plain functions and the
interface should say which; mock implementations of both answering with examples computed from
the contract (`examples.json`); `create_server` / `create_sync_server` with health, reflection,
access logs, OpenTelemetry spans and metrics (`_generated/telemetry.py`, on when configured), limits
and TLS; and the user's `service.py`, whose `build_services()` picks the flavour
`python -m PKG.server` serves by returning `Services` or `SyncServices`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import jinja2

from generator.ir.model import Contract
from generator.plan import FileSpec, Ownership
from generator.render import make_environment, render, static_file
from generator.targets import proto_python
from generator.targets.grpc_server.examples import examples_document
from generator.targets.grpc_server.load_views import unary_paths
from generator.targets.grpc_server.views import (
    AIO,
    SYNC,
    Flavour,
    ModuleImport,
    ServerView,
    import_section,
    server_view,
)
from generator.targets.imports import export_order, isort_order
from generator.targets.options import TargetOptions
from generator.targets.telemetry import json_logs_file, probe_files, service_settings_file, telemetry_file

NAME = "grpc-server"
DEPENDENCIES: tuple[str, ...] = ("pydantic-settings>=2.7",)
"""`Settings` in `server_runtime.py`; grpcio-health-checking and grpcio-reflection come with the grpcio pin
(`dependencies`)."""
_COMPANIONS = ("grpcio-health-checking", "grpcio-reflection")
_FALLBACK_GRPC = "grpcio>=1.60"


def dependencies(contract: Contract) -> tuple[str, ...]:
    """protoc's protobuf and grpcio minimums, and health checking and reflection at the same grpcio version
    (they are released together and require a matching grpcio)."""
    pinned = proto_python.dependencies(contract)
    grpc_pin = next((item for item in pinned if item.startswith("grpcio>=")), _FALLBACK_GRPC)
    version = grpc_pin.removeprefix("grpcio>=")
    return (*pinned, *(f"{name}>={version}" for name in _COMPANIONS))


@dataclass(frozen=True)
class _Renderer:
    """Renders this target's templates with the context every one of them shares."""

    environment: jinja2.Environment
    base: dict[str, object]

    def file(self, path: str, template: str, owner: Ownership = Ownership.GENERATED, **context: object) -> FileSpec:
        return FileSpec(path, render(self.environment, template, {**self.base, **context}), owner)


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    proto = proto_python.proto_of(contract)
    server = server_view(proto, f".{proto_python.PROTO_DIR}")
    renderer = _Renderer(
        make_environment(),
        {
            "contract_file": options.contract_file_name,
            "package": options.package,
            "title": contract.title,
            "server": server,
            "names": server.names,
        },
    )
    package, generated = options.package_dir, options.generated_dir
    examples = json.dumps(examples_document(proto), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    server_exports = ["SERVICE_NAMES", "Services", "SyncServices", "create_server", "create_sync_server"]
    return [
        *proto_python.plan(contract, options),
        FileSpec(f"{generated}/server_runtime.py", static_file("grpc_server/static/server_runtime.py")),
        telemetry_file(generated),
        json_logs_file(generated),
        service_settings_file(generated),
        *probe_files(generated, grpc=True),
        *(_servicers(renderer, generated, server, flavour) for flavour in (AIO, SYNC)),
        *(_mock(renderer, generated, server, flavour) for flavour in (AIO, SYNC)),
        FileSpec(f"{generated}/examples.json", examples),
        renderer.file(
            f"{generated}/server.py",
            "grpc_server/server.py.jinja",
            imports=_server_imports(server),
            exports=export_order(server_exports),
        ),
        renderer.file(f"{package}/server.py", "grpc_server/package_server.py.jinja"),
        renderer.file(f"{package}/__main__.py", "grpc_server/main.py.jinja"),
        renderer.file(f"{package}/loadtest.py", "grpc_server/loadtest.py.jinja", paths=unary_paths(proto)),
        FileSpec(f"{generated}/load_runtime.py", static_file("grpc_server/static/load_runtime.py")),
        FileSpec(f"{generated}/load_stats.py", static_file("common/static/load_stats.py")),
        renderer.file(
            f"{package}/service.py",
            "grpc_server/user_service.py.jinja",
            Ownership.USER,
            mock_imports=isort_order(server.classes("mock_class")),
        ),
    ]


def _server_imports(server: ServerView) -> str:
    runtime_names = ("Readiness", "Settings", "SyncReadiness", "build_aio_server", "build_sync_server")
    runtime = [ModuleImport(".server_runtime", name, name) for name in runtime_names]
    servicers = [
        ModuleImport(f".{flavour.servicers_module}", name, name)
        for flavour in (AIO, SYNC)
        for name in server.classes(flavour.servicer_attribute)
    ]
    sections = [
        import_section(
            (), [ModuleImport("dataclasses", "dataclass", "dataclass"), ModuleImport("typing", "Any", "Any")]
        ),
        import_section([("grpc", "grpc")], ()),
        import_section((), [*runtime, *servicers, ModuleImport(".telemetry", "rpc_telemetry", "rpc_telemetry")]),
    ]
    return "\n\n".join("\n".join(section) for section in sections)


def _iterator_import(server: ServerView, flavour: Flavour) -> list[str]:
    return [f"collections.abc:{flavour.iterator}"] if server.streams else []


def _servicers(renderer: _Renderer, generated: str, server: ServerView, flavour: Flavour) -> FileSpec:
    imports = ""
    if server.services:
        imports = server.imports(
            ["abc", "grpc", "typing:ClassVar", *_iterator_import(server, flavour)],
            [*server.service_imports, ModuleImport(".", "server_runtime", server.names["rpc"])],
        )
    return renderer.file(
        f"{generated}/{flavour.servicers_module}.py",
        "grpc_server/servicers.py.jinja",
        flavour=flavour,
        imports=imports,
        exports=export_order(server.classes(flavour.servicer_attribute)),
    )


def _mock(renderer: _Renderer, generated: str, server: ServerView, flavour: Flavour) -> FileSpec:
    """The mock servicers; without any RPC in the contract they have nothing to answer with."""
    exports = server.classes(flavour.mock_attribute)
    servicers = [
        ModuleImport(f".{flavour.servicers_module}", name, name) for name in server.classes(flavour.servicer_attribute)
    ]
    imports = server.imports([], servicers) if server.services else ""
    if server.has_methods:
        exports = [*exports, "STREAM_MESSAGES", "example"]
        imports = server.imports(
            ["grpc", "typing:TypeVar", "google.protobuf.message:Message", *_iterator_import(server, flavour)],
            [*servicers, ModuleImport(".server_runtime", "Examples", "Examples")],
        )
    return renderer.file(
        f"{generated}/{flavour.mock_module}.py",
        "grpc_server/mock.py.jinja",
        flavour=flavour,
        imports=imports,
        exports=export_order(exports),
    )
