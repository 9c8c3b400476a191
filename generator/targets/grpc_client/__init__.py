"""`grpc-client` target: typed sync and async clients over the contract's gRPC services.

Files: `_generated/client.py` (one blocking and one asyncio class per service, `Client` and
`AsyncClient` holding them all, the retryable methods), `_generated/client_runtime.py` (static:
calls through grpcio's multi-callables, deadlines, metadata, retries), `_generated/client_errors.py`
(static: one exception per status code) and the public `PKG/client.py`. The package skeleton and
protoc's modules come from `proto_python`, unless the `grpc-server` target writes them already.
"""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.render import make_environment, render, static_file
from generator.targets import grpc_server, proto_python
from generator.targets.grpc_client.views import RUNTIME_NAMES, ClientView, client_view
from generator.targets.imports import export_order, isort_order
from generator.targets.options import TargetOptions

NAME = "grpc-client"
DEPENDENCIES = ("typing-extensions>=4.6",)
"""`Self` on Python 3.10; protobuf and grpcio come pinned from `proto_python.dependencies`."""

PUBLIC_RUNTIME_NAMES = (
    "DEFAULT",
    "DEFAULT_TIMEOUT",
    "AsyncResponseStream",
    "CallMetadata",
    "DefaultType",
    "RequestIterable",
    "ResponseStream",
    "RetryPolicy",
    "RetryableMethod",
    "Timeout",
    "channel_options",
)
PUBLIC_ERROR_NAMES = (
    "AbortedError",
    "AlreadyExistsError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "GrpcError",
    "InternalError",
    "InvalidArgumentError",
    "MetadataPairs",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "RpcCancelledError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UnknownError",
)
"""What `PKG/client.py` re-exports from the runtime modules besides the clients."""


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    proto = proto_python.proto_of(contract)
    environment = make_environment()
    view = client_view(proto, proto_python.PROTO_DIR)
    client_names = ["AsyncClient", "Client", *view.class_names]
    base = {"contract_file": options.contract_file_name, "package": options.package, "title": contract.title}
    generated = options.generated_dir
    files = [
        FileSpec(
            f"{generated}/client.py",
            render(
                environment,
                "grpc_client/client.py.jinja",
                {
                    **base,
                    "imports": view.imports,
                    "services": view.services,
                    "retryable": view.retryable,
                    "runtime_imports": isort_order(_runtime_imports(view)),
                    "stdlib_imports": _stdlib_imports(view),
                    "exports": export_order(["RETRYABLE_METHODS", *client_names]),
                },
            ),
        ),
        FileSpec(f"{generated}/client_runtime.py", static_file("grpc_client/static/client_runtime.py")),
        FileSpec(f"{generated}/client_errors.py", static_file("grpc_client/static/client_errors.py")),
        FileSpec(
            f"{options.package_dir}/client.py",
            render(
                environment,
                "grpc_client/client_init.py.jinja",
                {
                    **base,
                    "client_names": isort_order(["RETRYABLE_METHODS", *client_names]),
                    "runtime_names": isort_order(PUBLIC_RUNTIME_NAMES),
                    "error_names": isort_order(PUBLIC_ERROR_NAMES),
                    "exports": export_order(
                        ["RETRYABLE_METHODS", *client_names, *PUBLIC_RUNTIME_NAMES, *PUBLIC_ERROR_NAMES]
                    ),
                },
            ),
        ),
    ]
    if grpc_server.NAME not in options.targets:
        files.extend(proto_python.plan(contract, options))
    return files


def _faces(view: ClientView) -> list[tuple[str, str]]:
    return [
        (face.request_wrapper, face.response_wrapper)
        for service in view.services
        for method in service.methods
        for face in (method.blocking, method.asyncio)
    ]


def _runtime_imports(view: ClientView) -> list[str]:
    """Only what the module uses: ruff rejects unused imports in the generated code."""
    wrappers = {wrapper for pair in _faces(view) for wrapper in pair if wrapper}
    per_method = ["DEFAULT", "CallMetadata", "Method", "Timeout"] if _faces(view) else []
    idempotency = ["Idempotency"] if view.retryable else []
    base = ["AsyncClientBase", "RetryableMethod", "SyncClientBase"]
    return [name for name in RUNTIME_NAMES if name in {*wrappers, *per_method, *idempotency, *base}]


def _stdlib_imports(view: ClientView) -> list[tuple[str, str]]:
    """(module, name) pairs, in isort order."""
    found = []
    if any(request == "Iterable" for request, _ in _faces(view)):
        found.append(("collections.abc", "Iterable"))
    if view.services:
        found.append(("functools", "cached_property"))
    found.append(("typing", "Final"))
    return found
