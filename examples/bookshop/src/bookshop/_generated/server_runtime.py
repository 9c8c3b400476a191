"""Runtime support for the generated Ariadne service: bindings, query limits, logging, the ASGI app.

This file is copied verbatim by contractgen; it does not depend on the contract. The generated
modules describe the schema as data (`FieldBinding`s, enum and model classes) and call the
builders here, so every project shares one tested implementation.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import ModuleType
from typing import Any, Literal, TypeAlias

from ariadne import (
    EnumType,
    InputType,
    InterfaceType,
    ObjectType,
    ScalarType,
    SubscriptionType,
    UnionType,
)
from ariadne.asgi import GraphQL
from ariadne.asgi.handlers import GraphQLHTTPHandler, GraphQLTransportWSHandler
from ariadne.format_error import format_error
from ariadne.validation import cost_validator
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    ValueNode,
    value_from_ast_untyped,
)
from graphql.validation import ASTValidationRule
from pydantic import BaseModel, Field, TypeAdapter
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from .json_logs import configure_logging, log_event
from .service_settings import HttpServiceSettings
from .telemetry import RequestTelemetry, request_telemetry

Info: TypeAlias = GraphQLResolveInfo
"""The second argument of every resolver: the field being resolved, the schema, `info.context`."""

logger = logging.getLogger("service")


# --- Context -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """`info.context` of every resolver: the HTTP request (or WebSocket) and its request id."""

    request: HTTPConnection
    request_id: str


def context_of(info: Info) -> Context:
    """The typed context of a resolver call (`info.context` is `Any` in graphql-core)."""
    context = info.context
    if not isinstance(context, Context):
        raise TypeError(f"info.context is a {type(context).__name__}, not the service's Context")
    return context


def make_context(connection: HTTPConnection, _data: Any) -> Context:
    """Ariadne's `context_value`: one `Context` per operation, carrying the middleware's request id."""
    request_id = connection.scope.get("state", {}).get("request_id")
    return Context(connection, request_id if isinstance(request_id, str) else uuid.uuid4().hex)


def _note_operation(context: Any, document: DocumentNode, data: Any) -> None:
    """Put the operation's name where the access log finds it (the request's scope state)."""
    name = data.get("operationName") if isinstance(data, Mapping) else None
    if not isinstance(name, str):
        operations = [
            node for node in document.definitions if isinstance(node, OperationDefinitionNode)
        ]
        name = operations[0].name.value if len(operations) == 1 and operations[0].name else None
    if isinstance(context, Context) and name:
        context.request.scope.setdefault("state", {})["graphql_operation"] = name


# --- Bindings: the generated resolver classes wired into Ariadne -----------------------------


@dataclass(frozen=True)
class FieldBinding:
    """One GraphQL field, the Python attribute or method behind it, and its arguments' Python names
    (only those that differ from the GraphQL name)."""

    field: str
    attribute: str
    arguments: Mapping[str, str] = dataclasses.field(default_factory=dict)


Resolver = Callable[..., Any]
# Resolvers take the parent and `info` positionally only: a GraphQL argument may be called `info`.


def _python_names(arguments: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    return {arguments.get(name, name): value for name, value in values.items()}


def _root_resolver(method: Resolver, arguments: Mapping[str, str]) -> Resolver:
    def resolve(_root: Any, info: Info, /, **values: Any) -> Any:
        return method(info, **_python_names(arguments, values))

    return resolve


def _field_resolver(method: Resolver, arguments: Mapping[str, str]) -> Resolver:
    def resolve(parent: Any, info: Info, /, **values: Any) -> Any:
        return method(parent, info, **_python_names(arguments, values))

    return resolve


def attribute_reader(attribute: str, field_name: str) -> Resolver:
    """Read a field from a model by its Python name (dicts by their GraphQL name).

    graphql-core's default resolver looks the GraphQL name up (`createdAt`), which a model
    field called `created_at` does not answer to.
    """

    def read(parent: Any, _info: Info, /, **_arguments: Any) -> Any:
        if isinstance(parent, Mapping):
            return parent.get(field_name, parent.get(attribute))
        return getattr(parent, attribute, None)

    return read


def root_type(name: str, implementation: object, fields: Sequence[FieldBinding]) -> ObjectType:
    """Query or mutation fields: each calls the implementation's method of that name."""
    bindable = ObjectType(name)
    for binding in fields:
        bindable.set_field(
            binding.field,
            _root_resolver(getattr(implementation, binding.attribute), binding.arguments),
        )
    return bindable


def _event(event: Any, _info: Info, /, **_arguments: Any) -> Any:
    return event


def subscription_type(
    name: str, implementation: object, fields: Sequence[FieldBinding]
) -> SubscriptionType:
    """Subscription fields: the implementation's method is the source; each event it yields is the value."""
    bindable = SubscriptionType()
    bindable.name = name
    for binding in fields:
        bindable.set_source(
            binding.field,
            _root_resolver(getattr(implementation, binding.attribute), binding.arguments),
        )
        bindable.set_field(binding.field, _event)
    return bindable


def object_type(
    name: str, implementation: object, defaults: type, fields: Sequence[FieldBinding]
) -> ObjectType:
    """Fields of a non-root object type.

    A method the implementation overrides becomes the field's resolver; every other field is read
    from the parent model directly, and left to graphql-core's fast default where names agree.
    """
    bindable = ObjectType(name)
    for binding in fields:
        if getattr(type(implementation), binding.attribute) is not getattr(
            defaults, binding.attribute
        ):
            method = getattr(implementation, binding.attribute)
            bindable.set_field(binding.field, _field_resolver(method, binding.arguments))
        elif binding.attribute != binding.field:
            bindable.set_field(binding.field, attribute_reader(binding.attribute, binding.field))
    return bindable


def resolve_typename(value: Any, *_: Any) -> str | None:
    """The concrete type of a union or interface value: `__typename` of a model or a dict."""
    typename = (
        value.get("__typename")
        if isinstance(value, Mapping)
        else getattr(value, "typename__", None)
    )
    return typename if isinstance(typename, str) else None


def union_type(name: str) -> UnionType:
    return UnionType(name, resolve_typename)


def interface_type(name: str) -> InterfaceType:
    return InterfaceType(name, resolve_typename)


def enum_type(name: str, python_enum: type[enum.Enum]) -> EnumType:
    """GraphQL enum values map to the Python enum's members (whose values are the GraphQL names)."""
    return EnumType(name, {member.value: member for member in python_enum})


def input_type(name: str, model: type[BaseModel]) -> InputType:
    """Resolvers receive input objects as their pydantic models (nested inputs are built first)."""
    return InputType(name, model.model_validate)


ScalarKind = Literal["datetime", "date", "time", "uuid"]


def _parse_datetime(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(_utc_suffix(text))


def _parse_time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(_utc_suffix(text))


def _utc_suffix(text: str) -> str:
    """Python 3.10's `fromisoformat` does not read RFC 3339's `Z`."""
    return text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text


_PARSERS: dict[str, Callable[[str], Any]] = {
    "datetime": _parse_datetime,
    "date": datetime.date.fromisoformat,
    "time": _parse_time,
    "uuid": uuid.UUID,
}
_PYTHON_TYPES: dict[str, type] = {
    "datetime": datetime.datetime,
    "date": datetime.date,
    "time": datetime.time,
    "uuid": uuid.UUID,
}


def scalar_type(name: str, kind: ScalarKind) -> ScalarType:
    """A custom scalar carried as ISO 8601 (dates, times) or RFC 4122 (UUIDs) text on the wire."""
    parse = _PARSERS[kind]
    python_type = _PYTHON_TYPES[kind]

    def parse_value(value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"{name} values are strings")
        return parse(value)

    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        return parse_value(value_from_ast_untyped(node, variables))

    def serialize(value: Any) -> str:
        if isinstance(value, str):
            value = parse(value)
        if kind == "date" and isinstance(value, datetime.datetime):
            value = value.date()
        if not isinstance(value, python_type):
            raise TypeError(f"{type(value).__name__} is not a {name}")
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        return str(value)

    return ScalarType(
        name, serializer=serialize, value_parser=parse_value, literal_parser=parse_literal
    )


# --- Examples: the mock's data as one shared object graph ------------------------------------

EXAMPLE_REFERENCE = "$example"
"""`{"$example": "User"}` in an example stands for the example of the object type `User`."""

Examples: TypeAlias = Mapping[str, Mapping[str, Any]]
"""One example per object type, `{type name: {field name: value}}`, in GraphQL's JSON form."""


def output_models(types_module: ModuleType) -> dict[str, type[BaseModel]]:
    """The output models a generated `types` module exports, by GraphQL type name (`__typename`)."""
    models: dict[str, type[BaseModel]] = {}
    for name in getattr(types_module, "__all__", ()):
        candidate = getattr(types_module, name)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            typename = candidate.model_fields.get("typename__")
            if typename is not None and isinstance(typename.default, str):
                models[typename.default] = candidate
    return models


def example_graph(package: str, types_module: ModuleType) -> ExampleGraph:
    """The examples of `package`'s `examples.json` as models of `types_module` (both read on first use)."""

    def load() -> Examples:
        text = resources.files(package).joinpath("examples.json").read_text(encoding="utf-8")
        examples: Examples = json.loads(text)
        return examples

    return ExampleGraph(load, types_module)


class ExampleGraph:
    """The examples as Python objects: one shared instance per object type, built on first use.

    An object's fields that hold objects refer to other types' examples rather than contain
    them, so a cycle of required fields (`User.contributionsCollection.user: User!`) becomes a
    cycle of instances; GraphQL execution follows it only as deep as a (depth-limited) query
    asks. Instances are created without validating their object fields (`model_construct`);
    scalar and enum values are validated into their Python types (enum members, datetimes).
    An instance is built with everything it refers to, once; the instances are shared, so
    copy one (`model_copy(update=...)`) before changing it. (`model_dump` of an instance on a
    cycle fails on the circular reference; GraphQL serializes only what a query selects.)
    """

    def __init__(self, load_examples: Callable[[], Examples], types_module: ModuleType) -> None:
        self._load_examples = load_examples
        self._types_module = types_module
        self._examples: Examples | None = None
        self._models: dict[str, type[BaseModel]] | None = None
        self._instances: dict[str, BaseModel] = {}
        self._adapters: dict[Any, TypeAdapter[Any]] = {}

    def field(self, type_name: str, field_name: str, annotation: Any) -> Any:
        """The example value of `type_name.field_name` (a root field), as its Python type `annotation`."""
        value = self.examples[type_name][field_name]
        if _holds_reference(value):
            return _resolve(value, self.instance)
        return self._python_value(value, annotation)

    def instance(self, type_name: str) -> BaseModel:
        """The shared example of the object type `type_name`, built (with what it refers to) on first use."""
        existing = self._instances.get(type_name)
        if existing is not None:
            return existing
        created: dict[str, BaseModel] = {}
        links: list[tuple[BaseModel, str, Any]] = []
        pending = [type_name]
        # An explicit stack, not recursion: a chain of references may pass through hundreds of types.
        while pending:
            name = pending.pop()
            if name in created or name in self._instances:
                continue
            created[name], object_fields = self._construct(name)
            for attribute, value in object_fields.items():
                links.append((created[name], attribute, value))
                pending.extend(_referenced_types(value))
        built = {**self._instances, **created}
        for owner, attribute, value in links:
            owner.__dict__[attribute] = _resolve(value, built.__getitem__)
        self._instances.update(created)
        return created[type_name]

    @property
    def examples(self) -> Examples:
        """The examples in their JSON form, loaded on first use."""
        if self._examples is None:
            self._examples = self._load_examples()
        return self._examples

    @property
    def models(self) -> Mapping[str, type[BaseModel]]:
        """The output models by GraphQL type name, collected on first use."""
        if self._models is None:
            self._models = output_models(self._types_module)
        return self._models

    def _construct(self, type_name: str) -> tuple[BaseModel, dict[str, Any]]:
        """An instance with its scalar and enum fields set, and the values of its object fields."""
        model = self.models[type_name]
        fields = model.model_fields
        attributes = {(field.alias or name): name for name, field in fields.items()}
        values: dict[str, Any] = {}
        object_fields: dict[str, Any] = {}
        for wire_name, value in self.examples[type_name].items():
            attribute = attributes[wire_name]
            if _holds_reference(value):
                object_fields[attribute] = value
            else:
                values[attribute] = self._python_value(value, fields[attribute].annotation)
        instance = model.model_construct(set(fields))
        # Set by attribute (model_construct's keywords also match aliases), in the fields' order;
        # object fields are set once every instance they refer to exists.
        defaults = dict(instance.__dict__)
        instance.__dict__.clear()
        instance.__dict__.update({name: values.get(name, defaults.get(name)) for name in fields})
        return instance, object_fields

    def _python_value(self, value: Any, annotation: Any) -> Any:
        """A scalar or enum example (or lists of them) validated into `annotation`."""
        if value is None or value == []:
            return value
        if annotation not in self._adapters:
            self._adapters[annotation] = TypeAdapter(annotation)
        return self._adapters[annotation].validate_python(value)


def _holds_reference(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_reference(item) for item in value)
    return isinstance(value, dict) and EXAMPLE_REFERENCE in value


def _referenced_types(value: Any) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _referenced_types(item)]
    return (
        [value[EXAMPLE_REFERENCE]] if isinstance(value, dict) and EXAMPLE_REFERENCE in value else []
    )


def _resolve(value: Any, instance: Callable[[str], BaseModel]) -> Any:
    """`value` with each reference replaced by the instance it names."""
    if isinstance(value, list):
        return [_resolve(item, instance) for item in value]
    if isinstance(value, dict) and EXAMPLE_REFERENCE in value:
        return instance(value[EXAMPLE_REFERENCE])
    return value


# --- Query limits ----------------------------------------------------------------------------


def depth_limit_rule(max_depth: int) -> type[ASTValidationRule]:
    """A validation rule rejecting operations nested deeper than `max_depth` fields.

    Fragments are followed (each at most once per depth, so fan-out cannot blow up the check);
    introspection fields (`__schema`, `__type`) are left to the introspection switch and the
    cost limit, so tools' standard introspection query passes.
    """

    class DepthLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            if _exceeds_depth(node.selection_set, self.context.get_fragment, max_depth):
                self.report_error(
                    GraphQLError(f"The query is nested deeper than {max_depth} fields.", node)
                )

    return DepthLimitRule


def _exceeds_depth(root: SelectionSetNode, fragment: Callable[[str], Any], max_depth: int) -> bool:
    """Walk the selections breadth-agnostically with an explicit stack (no recursion limit to hit)."""
    pending: list[tuple[SelectionSetNode, int]] = [(root, 0)]
    expanded: set[tuple[str, int]] = set()
    while pending:
        selection_set, depth = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue
                if depth + 1 > max_depth:
                    return True
                if selection.selection_set is not None:
                    pending.append((selection.selection_set, depth + 1))
            elif isinstance(selection, InlineFragmentNode):
                pending.append((selection.selection_set, depth))
            elif (
                isinstance(selection, FragmentSpreadNode)
                and (selection.name.value, depth) not in expanded
            ):
                expanded.add((selection.name.value, depth))
                definition = fragment(selection.name.value)
                if definition is not None:
                    pending.append((definition.selection_set, depth))
    return False


def validation_rules(
    settings: Settings,
) -> Callable[[Any, DocumentNode, Any], list[type[ASTValidationRule]]]:
    """The depth limit and Ariadne's cost limit (every field costs 1) for one request.

    The cost validator reads argument values, so it is built per request with the variables.
    (Ariadne calls this first for every operation, so it also notes the operation's name.)
    """
    depth_rule = depth_limit_rule(settings.max_depth)

    def rules(context: Any, document: DocumentNode, data: Any) -> list[type[ASTValidationRule]]:
        _note_operation(context, document, data)
        variables = data.get("variables") if isinstance(data, Mapping) else None
        cost_rule = cost_validator(
            maximum_cost=settings.max_cost,
            default_cost=1,
            variables=dict(variables) if isinstance(variables, Mapping) else None,
        )
        return [depth_rule, cost_rule]

    return rules


def unexpected_error(error: GraphQLError) -> BaseException | None:
    """The exception behind `error` if it is a server failure rather than a GraphQL (client) error."""
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return None if original is None or isinstance(original, GraphQLError) else original


def error_formatter(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
    """Ariadne's error format, with unexpected exceptions' messages hidden from clients.

    Raise `GraphQLError` for a message the client should see; anything else is logged in full
    and reported as "Internal server error" (unless `debug` is on).
    """
    formatted: dict[str, Any] = format_error(error, debug)
    if not debug and unexpected_error(error) is not None:
        formatted["message"] = "Internal server error"
        formatted.pop("extensions", None)
    return formatted


class ClientErrorFilter(logging.Filter):
    """Ariadne logs every GraphQL error at ERROR with a traceback; a client's mistake (invalid
    query, bad variables, a `GraphQLError` raised on purpose) is no server failure: it goes out
    at INFO, one line. Unexpected exceptions keep ERROR and their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, GraphQLError) or unexpected_error(error) is not None:
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.args = "GraphQL error: %s", (error.message,)
        record.exc_info, record.exc_text = None, None
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


# --- Settings and logging --------------------------------------------------------------------


class Settings(HttpServiceSettings):
    """Process settings from environment variables (twelve-factor): a field's name upper-cased, or its alias.

    HOST, PORT, WORKERS (uvicorn worker processes), LOG_LEVEL, LOG_FORMAT (json or text),
    GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COST (every field costs 1), GRAPHQL_INTROSPECTION,
    GRAPHQL_ALLOW_GET (queries over GET), MAX_BODY_BYTES (larger request bodies and WebSocket
    messages are refused), GRAPHQL_DEBUG (exception details in errors), TLS_CERT_FILE and
    TLS_KEY_FILE (serve HTTPS), TLS_CLIENT_CA_FILE (mutual TLS: clients must present a certificate
    this CA signed), CORS_ALLOW_ORIGINS (comma-separated; empty: no CORS). A value that does not
    parse stops the service at start-up with the variable's name; an empty variable counts as unset.
    Keyword construction takes the field names (`Settings(max_depth=5)`).
    """

    max_depth: int = Field(default=10, ge=1, validation_alias="GRAPHQL_MAX_DEPTH")
    max_cost: int = Field(default=1000, ge=1, validation_alias="GRAPHQL_MAX_COST")
    introspection: bool = Field(default=True, validation_alias="GRAPHQL_INTROSPECTION")
    allow_get: bool = Field(default=False, validation_alias="GRAPHQL_ALLOW_GET")
    debug: bool = Field(default=False, validation_alias="GRAPHQL_DEBUG")


# --- ASGI: request ids, body limit, access log ------------------------------------------------


class _BodyTooLarge(Exception):
    """Raised from `receive` once a request body passes the limit (not a ValueError: Ariadne would
    report that as malformed JSON)."""


class RequestContextMiddleware:
    """Request ids, the request body size limit (413), one structured log line per request and,
    when telemetry is on, one server span per HTTP request."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, telemetry: RequestTelemetry | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 101 if scope["type"] == "websocket" else 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        async def within_limit(scope: Scope, _: Receive, send: Send) -> None:
            """The app with the body limit: inside the span, so a refused request's span says 413."""
            try:
                if _declared_length(headers) > self.max_body_bytes:
                    raise _BodyTooLarge
                await self.app(scope, limited_receive, send)
            except _BodyTooLarge:
                if response_started:
                    raise
                await PlainTextResponse("Request body too large", status_code=413)(
                    scope, receive, send
                )

        try:
            if scope["type"] != "http":
                await self.app(scope, receive, send_with_id)
            elif self._telemetry is None:
                await within_limit(scope, receive, send_with_id)
            else:
                await self._telemetry.traced(within_limit, scope, receive, send_with_id, request_id)
        finally:
            log_event(
                logger,
                logging.INFO,
                "request" if scope["type"] == "http" else "websocket",
                {
                    "method": scope.get("method", "GET"),
                    "path": scope.get("path", ""),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                    "operation": state.get("graphql_operation"),
                },
            )


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0


# --- The app -----------------------------------------------------------------------------------

Readiness = Callable[[], Awaitable[bool]]
"""Answers /readyz: whether the service can take traffic (databases reachable and so on)."""

GRAPHQL_PATH = "/graphql"
GRAPHQL_LOGGER = "graphql"


def build_app(
    schema: GraphQLSchema,
    settings: Settings,
    *,
    readiness: Readiness | None = None,
    service_name: str = "graphql",
    tracer_provider: Any = None,
    meter_provider: Any = None,
) -> Starlette:
    """GraphQL over HTTP (POST; GET only if allowed) and graphql-transport-ws at /graphql, plus health.

    OpenTelemetry (see `telemetry.request_telemetry`) traces each HTTP request, the GraphQL
    operation's name as `graphql.operation.name`, when an `OTEL_*` exporter is configured or
    `tracer_provider` is given; otherwise it is never imported.
    """
    configure_logging(settings)
    telemetry = request_telemetry(
        service_name,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        state_attributes={"graphql_operation": "graphql.operation.name"},
    )
    graphql_logger = logging.getLogger(GRAPHQL_LOGGER)
    if not any(isinstance(existing, ClientErrorFilter) for existing in graphql_logger.filters):
        graphql_logger.addFilter(ClientErrorFilter())
    graphql = GraphQL(
        schema,
        context_value=make_context,
        validation_rules=validation_rules(settings),
        execute_get_queries=settings.allow_get,
        debug=settings.debug,
        introspection=settings.introspection,
        logger=GRAPHQL_LOGGER,
        error_formatter=error_formatter,
        http_handler=GraphQLHTTPHandler(),
        websocket_handler=GraphQLTransportWSHandler(),
    )

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        ready = await readiness() if readiness is not None else True
        return JSONResponse(
            {"status": "ready" if ready else "unavailable"}, status_code=200 if ready else 503
        )

    async def graphql_socket(websocket: WebSocket) -> None:
        await graphql.websocket_handler.handle_websocket(websocket)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route(GRAPHQL_PATH, graphql.handle_request, methods=["GET", "POST", "OPTIONS"]),
            WebSocketRoute(GRAPHQL_PATH, graphql_socket),
        ],
        middleware=_middleware(settings, telemetry),
    )


def _middleware(settings: Settings, telemetry: RequestTelemetry | None = None) -> list[Middleware]:
    """Request ids, limits and logging around everything; CORS only where origins are configured.

    CORS sits inside the request context so that preflight answers are logged and carry request ids.
    """
    middleware = [
        Middleware(
            RequestContextMiddleware, max_body_bytes=settings.max_body_bytes, telemetry=telemetry
        )
    ]
    if settings.cors_allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_allow_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["*"],
            )
        )
    return middleware
