"""View models of the gRPC client module: names claimed, imports chosen, per-face call shapes.

Everything the template prints is decided here: which protoc modules are imported under which
alias, what each service's client classes and attribute are called, and how each streaming kind
looks on the blocking and the asyncio face (parameter, wrappers, helper, `async`/`await`).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir.names import ClassName, NameScope, PythonIdentifier, constant_case, snake_case
from generator.ir.proto import ProtoContract, ProtoMessage, ProtoMethod, ProtoService, Streaming

RUNTIME_NAMES = (
    "DEFAULT",
    "AsyncClientBase",
    "AsyncResponseStream",
    "CallMetadata",
    "Method",
    "Idempotency",
    "RequestIterable",
    "ResponseStream",
    "RetryableMethod",
    "SyncClientBase",
    "Timeout",
)
"""What the generated `client.py` imports from `client_runtime.py`."""
_MODULE_NAMES_RESERVED = (
    *RUNTIME_NAMES,
    "Client",
    "AsyncClient",
    "RETRYABLE_METHODS",
    "Final",
    "Iterable",
    "annotations",
    "cached_property",
    "grpc",
)
CLIENT_MEMBERS = ("channel", "close", "connect")
"""Public members of the runtime's client bases; no RPC method or service attribute may take them."""
_ANNOTATION_BUILTINS = ("bool",)
"""Builtins the method signatures spell: mypy reads a method's annotations in its class's scope,
so a method named like one would shadow it."""


@dataclass(frozen=True)
class ModuleImport:
    """`from {package} import {module} as _{alias}`; own modules are imported relative to `_generated`."""

    relative: bool
    package: tuple[str, ...]
    module: str
    alias: str


@dataclass(frozen=True)
class MessageRef:
    """A protoc message class: `_{alias}.{path}` (nested classes have several path parts)."""

    alias: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class FaceView:
    """How one RPC looks on one face of the client."""

    is_async: bool
    awaits: bool
    parameter: str
    request_wrapper: str
    """Empty for a single request, else the generic the request message goes in (`Iterable`)."""
    response_wrapper: str
    helper: str
    """The runtime method that makes the call (`_unary_stream`...)."""


@dataclass(frozen=True)
class MethodView:
    name: str
    constant: str
    path: str
    doc: str
    request: MessageRef
    response: MessageRef
    blocking: FaceView
    asyncio: FaceView


@dataclass(frozen=True)
class ServiceView:
    full_name: str
    attribute: str
    sync_class: str
    async_class: str
    doc: str
    methods: tuple[MethodView, ...]


@dataclass(frozen=True)
class RetryableView:
    service: str
    method: str
    idempotency: str
    """The `Idempotency` member: `NO_SIDE_EFFECTS` or `IDEMPOTENT`."""


@dataclass(frozen=True)
class ClientView:
    imports: tuple[ModuleImport, ...]
    services: tuple[ServiceView, ...]
    retryable: tuple[RetryableView, ...]

    @property
    def class_names(self) -> list[str]:
        return [name for service in self.services for name in (service.sync_class, service.async_class)]


_FACES = {
    Streaming.UNARY_UNARY: (
        FaceView(False, False, "request", "", "", "_unary_unary"),
        FaceView(True, True, "request", "", "", "_unary_unary"),
    ),
    Streaming.UNARY_STREAM: (
        FaceView(False, False, "request", "", "ResponseStream", "_unary_stream"),
        FaceView(False, False, "request", "", "AsyncResponseStream", "_unary_stream"),
    ),
    Streaming.STREAM_UNARY: (
        FaceView(False, False, "requests", "Iterable", "", "_stream_unary"),
        FaceView(True, True, "requests", "RequestIterable", "", "_stream_unary"),
    ),
    Streaming.STREAM_STREAM: (
        FaceView(False, False, "requests", "Iterable", "ResponseStream", "_stream_stream"),
        FaceView(False, False, "requests", "RequestIterable", "AsyncResponseStream", "_stream_stream"),
    ),
}
_STREAMING_WORDS = {
    Streaming.UNARY_UNARY: "unary",
    Streaming.UNARY_STREAM: "server streaming",
    Streaming.STREAM_UNARY: "client streaming",
    Streaming.STREAM_STREAM: "bidirectional streaming",
}


def client_view(proto: ProtoContract, proto_dir: str) -> ClientView:
    """Module names are claimed first (imports, constants, classes), then each class's members."""
    module_scope = NameScope(_MODULE_NAMES_RESERVED)
    imports = _imports(proto, proto_dir, module_scope)
    aliases = {item.module_path: item.view.alias for item in imports}
    services = []
    attributes = NameScope(CLIENT_MEMBERS)
    for service in proto.services:
        base = ClassName(service.name)
        services.append(
            ServiceView(
                full_name=service.full_name,
                attribute=attributes.claim(snake_case(service.name)),
                sync_class=module_scope.claim_class(f"{base}Client"),
                async_class=module_scope.claim_class(f"Async{base}Client"),
                doc=service.doc or f"The `{service.full_name}` service.",
                methods=_methods(proto, service, aliases, module_scope),
            )
        )
    retryable = tuple(
        RetryableView(service.full_name, method.name, method.idempotency)
        for service in proto.services
        for method in service.methods
        if method.idempotency in ("NO_SIDE_EFFECTS", "IDEMPOTENT")
    )
    return ClientView(tuple(item.view for item in imports), tuple(services), retryable)


@dataclass(frozen=True)
class _Import:
    module_path: str
    view: ModuleImport


def _imports(proto: ProtoContract, proto_dir: str, scope: NameScope) -> list[_Import]:
    """One import per protoc module a method's messages live in; runtime-shipped ones absolutely."""
    generated = {file.python_module for file in proto.generated_files}
    used = sorted(
        {
            proto.message(type_name).python_module
            for service in proto.services
            for method in service.methods
            for type_name in (method.input_type, method.output_type)
        },
        key=lambda module: (module in generated, module),
    )
    found = []
    for module in used:
        package, _, name = module.rpartition(".")
        parts = tuple(part for part in package.split(".") if part)
        own = module in generated
        alias = scope.claim(PythonIdentifier(module.replace(".", "_")))
        found.append(_Import(module, ModuleImport(own, (proto_dir, *parts) if own else parts, name, alias)))
    return found


def _methods(
    proto: ProtoContract, service: ProtoService, aliases: dict[str, str], module_scope: NameScope
) -> tuple[MethodView, ...]:
    members = NameScope((*CLIENT_MEMBERS, *_ANNOTATION_BUILTINS))
    views = []
    for method in service.methods:
        blocking, asyncio = _FACES[method.streaming]
        views.append(
            MethodView(
                name=members.claim(method.python_name),
                constant=module_scope.claim(constant_case(f"{service.name} {method.name}")),
                path=service.method_path(method),
                doc=_method_doc(service, method),
                request=_ref(proto.message(method.input_type), aliases),
                response=_ref(proto.message(method.output_type), aliases),
                blocking=blocking,
                asyncio=asyncio,
            )
        )
    return tuple(views)


def _ref(message: ProtoMessage, aliases: dict[str, str]) -> MessageRef:
    return MessageRef(aliases[message.python_module], tuple(message.python_name.split(".")))


def _method_doc(service: ProtoService, method: ProtoMethod) -> str:
    """The RPC's comment, then what the contract says about calling it."""
    facts = [f"`{service.method_path(method)}`, {_STREAMING_WORDS[method.streaming]}."]
    if method.idempotency:
        facts.append(f"{method.idempotency}: retried by gRPC per the client's `RetryPolicy`.")
    if method.deprecated:
        facts.append("Deprecated by the contract.")
    return "\n\n".join([method.doc, "\n".join(facts)] if method.doc else ["\n".join(facts)])
