"""What the grpc-server templates print: servicer classes, their methods' signatures, imports.

Every class name the generated modules define (servicers, mocks, bundles, the user's classes) is
claimed in one scope. Module-level names the templates use in annotations and decorators (`grpc`,
`abc`, the `_pb2` modules) are claimed in a second scope that already holds every RPC's Python
name: annotations inside a class body resolve there first, so a method called `grpc` would
otherwise hide the module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.names import ClassName, NameScope, PythonIdentifier, generated_class_name, snake_case
from generator.ir.proto import ProtoContract, ProtoMethod, ProtoService
from generator.targets.imports import isort_order

CLASS_NAMES = (
    # Classes and constants the generated server, mock and user modules define or import.
    "ClassVar",
    "AsyncIterator",
    "Iterator",
    "Services",
    "SyncServices",
    "Settings",
    "SERVICE_NAMES",
    "STREAM_MESSAGES",
    "Examples",
    "Message",
    "MessageType",
    "TypeVar",
    "AsyncServicer",
    "SyncServicer",
)
MODULE_NAMES = ("abc", "grpc", "rpc", "example", "annotations")
"""Lower-case names the generated modules define or import beside the `_pb2` modules; `abc`, `grpc`
and `rpc` (the runtime) are printed through `ServerView.names`, so an RPC may be called like them."""
_STDLIB = {"abc", "collections", "dataclasses", "functools", "typing"}
PARAMETER_NAMES = ("self", "request", "request_iterator", "context", "server")
"""The generated methods' own parameters: a module alias named like one would be hidden in bodies."""


@dataclass(frozen=True)
class ModuleImport:
    """`from {package} import {module} as {alias}` (no `as` when the alias is the module's name)."""

    package: str
    module: str
    alias: str

    @property
    def aliased(self) -> bool:
        return self.alias != self.module


def import_section(straight: Iterable[tuple[str, str]], from_imports: Iterable[ModuleImport]) -> list[str]:
    """One isort section as ruff's defaults write it: `import x` lines first, then `from` lines by
    module (case-insensitive), names of one module combined unless aliased (`combine-as-imports`
    is off), statements of one module ordered by their first name."""
    lines = [f"import {module}" if alias == module else f"import {module} as {alias}" for module, alias in straight]
    lines.sort(key=lambda line: line.split()[1].lower())
    combined: dict[str, list[str]] = {}
    statements: list[tuple[str, str, str]] = []
    for item in from_imports:
        if item.aliased:
            statements.append((item.package, item.module, f"{item.module} as {item.alias}"))
        else:
            combined.setdefault(item.package, []).append(item.module)
    for package, names in combined.items():
        ordered = isort_order(names)
        statements.append((package, ordered[0], ", ".join(ordered)))
    statements.sort(key=lambda statement: (statement[0].lower(), _name_key(statement[1])))
    lines.extend(f"from {package} import {names}" for package, _, names in statements)
    return lines


def _name_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2, name.lower())


@dataclass(frozen=True)
class Flavour:
    """grpc.aio (`async def`, async iterators) or grpc's thread-pool server (plain functions)."""

    name: str
    """`aio` or `sync`: the prefix of the runtime's handler builders (`aio_unary_stream`)."""
    is_async: bool
    iterator: str
    """`AsyncIterator` or `Iterator`."""
    context: str
    """The servicer context's class in `grpc`, before any type arguments."""
    server: str
    for_keyword: str
    servicers_module: str
    mock_module: str
    servicer_attribute: str
    """The `ServiceView` attribute naming this flavour's abstract servicer class."""
    mock_attribute: str


@dataclass(frozen=True)
class MethodView:
    name: PythonIdentifier
    wire_name: str
    path: str
    docstring: str
    request: str
    """The annotation of one request message (`catalog_pb2.GetProductRequest`)."""
    response: str
    client_streaming: bool
    server_streaming: bool
    streaming: str
    """`unary_unary`, `unary_stream`, `stream_unary` or `stream_stream`."""

    @property
    def request_parameter(self) -> str:
        return "request_iterator" if self.client_streaming else "request"

    def signature(self, flavour: Flavour, context_names: dict[str, str]) -> str:
        """`(self, request: ..., context: ...) -> ...` for this flavour, annotations spelled with module aliases."""
        iterator = context_names[flavour.iterator]
        request = f"{iterator}[{self.request}]" if self.client_streaming else self.request
        if flavour.is_async:
            context = f"{context_names['grpc']}.{flavour.context}[{self.request}, {self.response}]"
        else:
            context = f"{context_names['grpc']}.{flavour.context}"
        returns = f"{iterator}[{self.response}]" if self.server_streaming else self.response
        return f"(self, {self.request_parameter}: {request}, context: {context}) -> {returns}"

    def definition(self, flavour: Flavour) -> str:
        """`async def` for coroutines; a streaming response is an (async) iterator from a plain `def`
        in the interface, so an `async def` generator (or any function returning one) overrides it."""
        return "async def" if flavour.is_async and not self.server_streaming else "def"

    def mock_definition(self, flavour: Flavour) -> str:
        return "async def" if flavour.is_async else "def"


@dataclass(frozen=True)
class ServiceView:
    full_name: str
    wire_name: str
    docstring: str
    servicer_class: ClassName
    sync_servicer_class: ClassName
    mock_class: ClassName
    sync_mock_class: ClassName
    user_class: ClassName
    bundle_attribute: PythonIdentifier
    methods: tuple[MethodView, ...]
    descriptor: str
    """`catalog_pb2.DESCRIPTOR.services_by_name["Catalog"]`: the servicers name the service from its
    descriptor, so importing them registers the service's file in the default pool, where
    reflection looks it up (a file holding only services is imported by nothing else)."""


@dataclass(frozen=True)
class ServerView:
    services: tuple[ServiceView, ...]
    proto_imports: tuple[ModuleImport, ...]
    names: dict[str, str]
    """The alias of each fixed module-level name (`grpc`, `abc`, `AsyncIterator`...): itself unless a
    method of the contract is called that."""
    service_imports: tuple[ModuleImport, ...] = ()
    """The `_pb2` modules defining the services (for `ServiceView.descriptor`)."""

    def classes(self, attribute: str) -> list[str]:
        return [str(getattr(service, attribute)) for service in self.services]

    @property
    def has_methods(self) -> bool:
        return any(service.methods for service in self.services)

    @property
    def streams(self) -> bool:
        """Whether any RPC streams (the modules then import `AsyncIterator` / `Iterator`)."""
        return any(
            method.client_streaming or method.server_streaming
            for service in self.services
            for method in service.methods
        )

    def imports(self, straight: Iterable[str], extra: Iterable[ModuleImport] = ()) -> str:
        """The import block of a module using the `_pb2` modules of the RPCs' messages.

        `straight` names `abc`, `grpc`, `collections.abc:AsyncIterator`-style entries
        (`module:name` for a `from` import of a fixed library name); `extra` adds more `from`
        imports (the local ones of this package start with a dot).
        """
        stdlib_straight: list[tuple[str, str]] = []
        library_straight: list[tuple[str, str]] = []
        stdlib_from: list[ModuleImport] = []
        library_from = [item for item in self.proto_imports if not item.package.startswith(".")]
        local_from = [item for item in self.proto_imports if item.package.startswith(".")]
        for entry in straight:
            module, _, name = entry.partition(":")
            is_stdlib = module.split(".")[0] in _STDLIB
            if name:
                (stdlib_from if is_stdlib else library_from).append(ModuleImport(module, name, name))
            else:
                (stdlib_straight if is_stdlib else library_straight).append((module, self.names.get(module, module)))
        for item in extra:
            (local_from if item.package.startswith(".") else library_from).append(item)
        library_from, local_from = list(dict.fromkeys(library_from)), list(dict.fromkeys(local_from))
        sections = [
            import_section(stdlib_straight, stdlib_from),
            import_section(library_straight, library_from),
            import_section((), local_from),
        ]
        return "\n\n".join("\n".join(section) for section in sections if section)


AIO = Flavour(
    name="aio",
    is_async=True,
    iterator="AsyncIterator",
    context="aio.ServicerContext",
    server="aio.Server",
    for_keyword="async for",
    servicers_module="servicers",
    mock_module="mock",
    servicer_attribute="servicer_class",
    mock_attribute="mock_class",
)
SYNC = Flavour(
    name="sync",
    is_async=False,
    iterator="Iterator",
    context="ServicerContext",
    server="Server",
    for_keyword="for",
    servicers_module="sync_servicers",
    mock_module="sync_mock",
    servicer_attribute="sync_servicer_class",
    mock_attribute="sync_mock_class",
)


def server_view(contract: ProtoContract, generated_package: str) -> ServerView:
    """`generated_package` is where protoc's modules live, relative to `_generated` (`.proto`)."""
    method_names = {str(method.python_name) for service in contract.services for method in service.methods}
    modules = NameScope((*method_names, *PARAMETER_NAMES))
    names = {name: modules.claim(PythonIdentifier(name)) for name in MODULE_NAMES}
    names.update({name: name for name in CLASS_NAMES})
    imports: dict[str, ModuleImport] = {}
    aliases: dict[str, str] = {}
    generated_files = {file.name for file in contract.generated_files}
    for message in contract.messages:
        if message.python_module in aliases:
            continue
        package, _, module = message.python_module.rpartition(".")
        if message.file in generated_files:
            package = f"{generated_package}.{package}" if package else generated_package
        alias = modules.claim(PythonIdentifier(module))
        aliases[message.python_module] = alias
        imports[message.python_module] = ModuleImport(package, module, alias)
    for service in contract.services:
        if service.python_module not in aliases:
            package, _, module = service.python_module.rpartition(".")
            package = f"{generated_package}.{package}" if package else generated_package
            aliases[service.python_module] = modules.claim(PythonIdentifier(module))
            imports[service.python_module] = ModuleImport(package, module, aliases[service.python_module])
    messages = {message.full_name: message for message in contract.messages}

    def annotation(full_name: str) -> str:
        """`catalog_pb2.Product.Variant`: protoc's class names, used exactly as protoc defined them."""
        message = messages[full_name]
        path = ".".join(generated_class_name(part) for part in message.python_name.split("."))
        return f"{aliases[message.python_module]}.{path}"

    classes = NameScope(CLASS_NAMES)
    attributes = NameScope(("readiness",))  # `Services.readiness` is the health hook, not a service
    services = tuple(
        _service(service, classes, attributes, annotation, aliases[service.python_module])
        for service in contract.services
    )
    used_modules = {
        message.python_module
        for service in contract.services
        for method in service.methods
        for message in (messages[method.input_type], messages[method.output_type])
    }
    chosen = sorted((imports[module] for module in used_modules), key=lambda item: (item.package, item.module))
    defining = sorted({imports[service.python_module] for service in contract.services}, key=lambda item: item.module)
    return ServerView(services, tuple(chosen), names, tuple(defining))


def _service(
    service: ProtoService,
    classes: NameScope,
    attributes: NameScope,
    annotation: Callable[[str], str],
    module_alias: str,
) -> ServiceView:
    base = ClassName(service.name)
    user = base if base.endswith("Service") else f"{base}Service"
    return ServiceView(
        full_name=service.full_name,
        wire_name=service.name,
        docstring=service.doc,
        servicer_class=classes.claim_class(f"{base}Servicer"),
        sync_servicer_class=classes.claim_class(f"{base}SyncServicer"),
        mock_class=classes.claim_class(f"Mock{base}Servicer"),
        sync_mock_class=classes.claim_class(f"Mock{base}SyncServicer"),
        user_class=classes.claim_class(user),
        bundle_attribute=PythonIdentifier(attributes.claim(snake_case(service.name))),
        methods=tuple(_method(service, method, annotation) for method in service.methods),
        descriptor=f"{module_alias}.DESCRIPTOR.services_by_name[{python_literal(service.name)}]",
    )


def _method(service: ProtoService, method: ProtoMethod, annotation: Callable[[str], str]) -> MethodView:
    return MethodView(
        name=method.python_name,
        wire_name=method.name,
        path=service.method_path(method),
        docstring=method.doc,
        request=annotation(method.input_type),
        response=annotation(method.output_type),
        client_streaming=method.client_streaming,
        server_streaming=method.server_streaming,
        streaming=method.streaming.value,
    )
