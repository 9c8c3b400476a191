"""Runtime support for the generated FastAPI service: responses, credentials, logging, settings.

This file is copied verbatim by contractgen; it does not depend on the contract.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import inspect
import json
import logging
import os
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasicCredentials
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .json_logs import log_event
from .service_settings import HttpServiceSettings
from .telemetry import RequestTelemetry

BodyT = TypeVar("BodyT")

logger = logging.getLogger("service")


@dataclass(frozen=True)
class ApiResponse(Generic[BodyT]):
    """Return this from a service method to answer with a declared non-default status."""

    status_code: int
    body: BodyT | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Credential:
    """One presented credential: an API key, a bearer/OAuth2 token, or basic username/password."""

    scheme: str
    kind: str
    value: str
    password: str | None = None


@dataclass(frozen=True)
class Credentials:
    """The credentials that satisfied one of the operation's security requirements."""

    presented: tuple[Credential, ...]
    required_scopes: tuple[str, ...] = ()

    def get(self, scheme: str) -> Credential | None:
        return next((item for item in self.presented if item.scheme == scheme), None)


PresentedValue = str | HTTPBasicCredentials | HTTPAuthorizationCredentials | None


def to_credential(scheme: str, kind: str, presented: PresentedValue) -> Credential | None:
    """Normalise what FastAPI's security classes return into one `Credential` shape."""
    if presented is None:
        return None
    if isinstance(presented, HTTPBasicCredentials):
        return Credential(scheme, kind, presented.username, presented.password)
    if isinstance(presented, HTTPAuthorizationCredentials):
        return Credential(scheme, kind, presented.credentials) if presented.credentials else None
    value = presented
    if kind in ("oauth2", "openIdConnect"):
        prefix, _, token = value.partition(" ")
        if prefix.lower() != "bearer" or not token:
            return None
        value = token
    return Credential(scheme, kind, value) if value else None


Requirements = Sequence[Mapping[str, Sequence[str]]]
"""OpenAPI `security`: alternatives (OR) of scheme → scopes maps (AND); `{}` allows anonymous."""


def satisfy(
    requirements: Requirements, presented: Mapping[str, Credential | None]
) -> Credentials | None:
    """The first requirement whose credentials were all presented."""
    for requirement in requirements:
        if not requirement:
            return None
        found = [presented.get(scheme) for scheme in requirement]
        if all(item is not None for item in found):
            scopes = tuple(
                scope for scopes_needed in requirement.values() for scope in scopes_needed
            )
            return Credentials(tuple(item for item in found if item is not None), scopes)
    return None


def unauthorized() -> HTTPException:
    return HTTPException(
        status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"}
    )


@dataclass(frozen=True)
class DeclaredResponse:
    """One response status the contract declares, and how its body is checked and encoded."""

    status: str
    adapter: TypeAdapter[Any] | None
    media_type: str | None

    def matches(self, status_code: int) -> bool:
        if self.status == "default":
            return True
        if self.status.endswith("XX"):
            return str(status_code)[0] == self.status[0]
        return self.status == str(status_code)


_MESSAGE_FIELDS = ("message", "detail", "error", "title", "description", "error_description")


@dataclass(frozen=True)
class OperationResponses:
    """Everything a route needs to turn a service result into an HTTP response."""

    operation: str
    default_status: int
    declared: tuple[DeclaredResponse, ...]
    examples: Mapping[str, Any] = field(default_factory=dict)
    _found: dict[int, DeclaredResponse | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def error(
        self, status_code: int, message: str, headers: Mapping[str, str] | None = None
    ) -> Response | None:
        """A client-error response shaped as the contract declares it, or None if it declares none.

        Invalid input answers 422 unless the contract declares 400 (and not 422) for the operation.
        The body is the contract's example for that response with the reason put into its
        message-like field, so even error replies validate against the contract.
        """
        declared_statuses = {item.status for item in self.declared}
        if status_code == 422 and "422" not in declared_statuses and "400" in declared_statuses:
            status_code = 400
        declared = self.find(status_code)
        if declared is None:
            return None
        body = self.examples.get(declared.status)
        if isinstance(body, dict):
            body = dict(body)
            for name in _MESSAGE_FIELDS:
                if isinstance(body.get(name), str):
                    body[name] = message
                    break
        if declared.adapter is None:
            return Response(status_code=status_code, headers=dict(headers or {}))
        try:
            payload = declared.adapter.dump_python(
                declared.adapter.validate_python(body),
                mode="json",
                by_alias=True,
                exclude_unset=True,
            )
        except ValidationError:
            payload = self.examples.get(declared.status)
        return JSONResponse(
            payload, status_code, dict(headers or {}), media_type=declared.media_type
        )

    def find(self, status_code: int) -> DeclaredResponse | None:
        """The declared response a status answers with (remembered: it is asked on every request)."""
        if status_code not in self._found:
            self._found[status_code] = self._declared_for(status_code)
        return self._found[status_code]

    def _declared_for(self, status_code: int) -> DeclaredResponse | None:
        exact = [item for item in self.declared if item.status == str(status_code)]
        ranged = [
            item
            for item in self.declared
            if item.status.endswith("XX") and item.matches(status_code)
        ]
        fallback = [item for item in self.declared if item.status == "default"]
        candidates = exact or ranged or fallback
        return candidates[0] if candidates else None

    def respond(self, result: Any) -> Response:
        """Validate the service's result against the contract and encode it.

        A result the contract does not allow is a bug in the service, not in the request: it is
        logged and answered with 500 rather than sent to the client.
        """
        if isinstance(result, ApiResponse):
            status_code, body, headers = result.status_code, result.body, dict(result.headers)
        else:
            status_code, body, headers = self.default_status, result, {}
        declared = self.find(status_code)
        if declared is None:
            logger.error(
                "undeclared status", extra={"operation": self.operation, "status": status_code}
            )
            return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
        if declared.adapter is None or status_code == 204:
            return Response(status_code=status_code, headers=headers)
        if isinstance(body, (bytes, bytearray)):
            return Response(bytes(body), status_code, headers, declared.media_type)
        textual = bool(declared.media_type and declared.media_type.startswith("text/"))
        try:
            validated = declared.adapter.validate_python(body, from_attributes=True)
            if not textual:  # straight to JSON bytes, as FastAPI encodes a `response_model`
                encoded = declared.adapter.dump_json(validated, by_alias=True, exclude_unset=True)
                # pydantic writes a non-finite float as null, which the contract may not allow:
                # a reply with any null goes the strict way below, which refuses NaN and inf.
                if b"null" not in encoded:
                    return Response(
                        encoded, status_code, headers, declared.media_type or "application/json"
                    )
            payload = declared.adapter.dump_python(
                validated, mode="json", by_alias=True, exclude_unset=True
            )
            if isinstance(payload, str) and textual:
                return Response(payload, status_code, headers, declared.media_type)
            return JSONResponse(payload, status_code, headers, media_type=declared.media_type)
        except ValidationError as error:
            return self._contract_mismatch(status_code, error.errors())
        except (PydanticSerializationError, ValueError) as error:  # ValueError: NaN or inf
            return self._contract_mismatch(status_code, str(error))

    def _contract_mismatch(self, status_code: int, errors: Any) -> Response:
        logger.error(
            "response does not match the contract",
            extra={"operation": self.operation, "status": status_code, "errors": errors},
        )
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)


class Settings(HttpServiceSettings):
    """Process settings from environment variables (twelve-factor): each field's name, upper-cased.

    HOST, PORT, WORKERS (uvicorn worker processes), LOG_LEVEL, LOG_FORMAT (json or text),
    EXPOSE_DOCS (/docs and /openapi.json), MAX_BODY_BYTES (larger request bodies get 413),
    TLS_CERT_FILE and TLS_KEY_FILE (serve HTTPS), TLS_CLIENT_CA_FILE (mutual TLS: clients must
    present a certificate this CA signed), CORS_ALLOW_ORIGINS (comma-separated; empty: no CORS).
    An empty variable counts as unset; a value that does not parse stops the service at start-up
    with the variable's name.
    """

    expose_docs: bool = True


class JsonMediaTypeMiddleware:
    """Read bodies sent as `text/json` (any JSON media type outside `application/`) as JSON.

    Contracts list several media types for one JSON body (`application/json`, `text/json`,
    `application/*+json`); FastAPI parses only `application/json` and `application/*+json`, and
    would hand the route the raw bytes of the others. Such a request's `Content-Type` reaches the
    app as `application/json`, parameters (charset) kept.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(
            name == b"content-type" and _json_media_type(value) != value
            for name, value in scope["headers"]
        ):
            headers = [
                (name, _json_media_type(value) if name == b"content-type" else value)
                for name, value in scope["headers"]
            ]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


class BodySizeLimitMiddleware:
    """Refuse request bodies over `max_body_bytes` with 413, so no client can make the service
    buffer or parse an unbounded body.

    A declared `Content-Length` over the limit is refused before reading; a body without one
    (chunked) is read up to the limit here and replayed. Checking inside `receive` would not do:
    FastAPI turns any error while reading a body into a 400.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lengths = [value for name, value in scope["headers"] if name == b"content-length"]
        chunked = any(name == b"transfer-encoding" for name, _ in scope["headers"])
        if not lengths and not chunked:  # no body at all (a GET, say): nothing to count
            await self.app(scope, receive, send)
            return
        if lengths:
            if (
                len(lengths) == 1
                and lengths[0].isdigit()
                and int(lengths[0]) <= self.max_body_bytes
            ):
                await self.app(scope, receive, send)
            else:
                await _too_large(scope, receive, send)
            return
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                await _too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"detail": "Request body too large"}, status_code=413)(scope, receive, send)


def _json_media_type(value: bytes) -> bytes:
    media_type, separator, parameters = value.partition(b";")
    main_type, _, subtype = media_type.strip().lower().partition(b"/")
    if main_type != b"application" and (subtype == b"json" or subtype.endswith(b"+json")):
        return b"application/json" + separator + parameters
    return value


@dataclass(frozen=True)
class PathDiscriminator:
    """An operation whose contract path ends in a `#` fragment naming what tells its requests apart.

    AWS contracts give operations sharing a path and method keys like `/#X-Amz-Target=Svc.Op` or
    `/tags/{arn}#tagKeys`. The route is served at the contract's key, fragment included; a request
    to `base_path` whose parameters meet every condition (location, name, value or None for "is
    present") is routed there. Header names are in lower case.
    """

    method: str
    base_path: str
    fragment: str
    conditions: Sequence[Sequence[str | None]]

    def holds(self, headers: Mapping[str, list[str]], query: Mapping[str, list[str]]) -> bool:
        for location, name, value in self.conditions:
            present = (headers if location == "header" else query).get(str(name), [])
            if not present or (value is not None and value not in present):
                return False
        return True


class PathDiscriminatorMiddleware:
    """Route requests to the operations `PathDiscriminator`s describe (the one meeting most conditions first)."""

    def __init__(self, app: ASGIApp, discriminators: Sequence[PathDiscriminator] = ()) -> None:
        self.app = app
        ordered = sorted(discriminators, key=lambda item: -len(item.conditions))
        self._candidates = [(item, _template_pattern(item.base_path)) for item in ordered]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._candidates and scope["type"] == "http":
            scope = self._routed(scope)
        await self.app(scope, receive, send)

    def _routed(self, scope: Scope) -> Scope:
        root_path = scope.get("root_path", "")
        path = (
            scope["path"][len(root_path) :]
            if root_path and scope["path"].startswith(root_path)
            else scope["path"]
        )
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        matching = [
            item
            for item, pattern in self._candidates
            if item.method == method and pattern.fullmatch(path)
        ]
        if not matching:
            return scope
        headers: dict[str, list[str]] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        query = urllib.parse.parse_qs(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        )
        for item in matching:
            if item.holds(headers, query):
                return {**scope, "path": scope["path"] + item.fragment}
        return scope


def _template_pattern(path: str) -> re.Pattern[str]:
    """A path template as a pattern: each `{name}` one segment, everything else literal."""
    return re.compile("[^/]+".join(re.escape(part) for part in re.split(r"{[^}]*}", path)))


_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
RequestHook = Callable[[Request], Awaitable[None]]


class RequestContextMiddleware:
    """Request ids, W3C trace ids and one structured access-log line per request.

    Plain ASGI rather than Starlette's `BaseHTTPMiddleware`, which runs every request through an
    extra task and memory stream; a request that fails inside the app is still logged (as 500).
    """

    def __init__(
        self,
        app: ASGIApp,
        hooks: Sequence[RequestHook] = (),
        telemetry: RequestTelemetry | None = None,
    ) -> None:
        self.app = app
        self._hooks = tuple(hooks)
        self._telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id_header = traceparent_header = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id_header = value
            elif name == b"traceparent":
                traceparent_header = value
        request_id = request_id_header.decode("latin-1") or os.urandom(16).hex()
        traceparent = _TRACEPARENT.match(traceparent_header.decode("latin-1"))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["trace_id"] = traceparent.group(1) if traceparent else None
        if self._hooks:
            request = Request(scope, receive)
            for hook in self._hooks:
                await hook(request)
        echoed = (b"x-request-id", request_id.encode("latin-1"))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        try:
            if self._telemetry is None:
                await self.app(scope, receive, send_with_id)
            else:
                await self._telemetry.traced(self.app, scope, receive, send_with_id, request_id)
        finally:
            log_event(
                logger,
                logging.INFO,
                "request",
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                    "trace_id": state["trace_id"],
                },
            )


def _load_examples() -> dict[str, dict[str, Any]]:
    """Example bodies per operation and status, from the contract (`examples.json` beside this file)."""
    text = (
        resources.files(__package__ or __name__)
        .joinpath("examples.json")
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


EXAMPLES = _load_examples()


def _load_contract() -> dict[str, Any]:
    text = (
        resources.files(__package__ or __name__)
        .joinpath("contract.json")
        .read_text(encoding="utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


CONTRACT = _load_contract()


def _lenient_patterns(validator_class: Any) -> Any:
    """Skip `pattern`s Python's `re` cannot compile (ECMA-262 `\\p{L}` and friends).

    The pydantic models check those patterns with their own regex engine, so nothing goes
    unvalidated; without this, one such pattern would turn every request into a 500.
    """
    original = validator_class.VALIDATORS["pattern"]

    def pattern(validator: Any, expected: Any, instance: Any, schema: Any) -> Any:
        try:
            re.compile(expected)
        except (re.error, TypeError):
            return
        yield from original(validator, expected, instance, schema)

    jsonschema_validators: Any = importlib.import_module("jsonschema.validators")
    return jsonschema_validators.extend(validator_class, {"pattern": pattern})


def _discriminators_as_hints(validator_class: Any) -> Any:
    """`allOf`, `anyOf` and `oneOf` as JSON Schema reads them, whether or not a `discriminator` sits beside them.

    openapi-schema-validator replaces them with the one schema the discriminating value names (its
    `mapping`, else `#/components/schemas/<value>`): a value the contract's enum allows but no schema
    is named after (azure.com edgegateway's Role `kind: Cognitive`) is refused as unresolvable, and
    the `allOf` members are never checked. The discriminator helps choose a model; the models still
    apply it, and schemathesis generates and checks as JSON Schema does.
    """
    keywords: Any = importlib.import_module("jsonschema._keywords")
    jsonschema_validators: Any = importlib.import_module("jsonschema.validators")
    return jsonschema_validators.extend(
        validator_class, {"allOf": keywords.allOf, "anyOf": keywords.anyOf, "oneOf": keywords.oneOf}
    )


def _contract_validator(schema_pointer: str) -> Any:
    """A validator for the schema at `schema_pointer` in the shipped contract (its `$ref`s resolved there)."""
    is_31 = str(CONTRACT.get("openapi", "")).startswith("3.1")
    validator_class: Any = _discriminators_as_hints(
        _lenient_patterns(OAS31Validator if is_31 else OAS30Validator)
    )
    checker = oas31_format_checker if is_31 else oas30_format_checker
    return validator_class({**CONTRACT, "$ref": "#" + schema_pointer}, format_checker=checker)


def _check_against_contract(validator: Any, instance: Any, location: str) -> None:
    """Raise a 422 `RequestValidationError` for every way `instance` breaks the contract's schema."""
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda item: list(item.absolute_path))
    except Exception:  # a validator bug on odd input must not become a 500; the models still check
        logger.warning("contract validation failed to run", exc_info=True)
        return
    if errors:
        raise RequestValidationError(
            [
                {
                    "type": "contract",
                    "loc": (location, *error.absolute_path),
                    "msg": error.message[:300],
                }
                for error in errors[:10]
            ]
        )


def contract_json_body(schema_pointer: str) -> Callable[[Request], Awaitable[None]]:
    """A dependency validating a JSON body against the contract's own schema first.

    FastAPI's pydantic models run in lax mode ("1" passes for 1, null for an optional field),
    which accepts bodies the contract forbids; the contract's JSON Schema, checked here with
    openapi-schema-validator, has the last word. Violations are reported as 422.
    """
    validator = _contract_validator(schema_pointer)

    async def check_body(request: Request) -> None:
        raw = await request.body()
        if not raw.strip():
            return
        try:
            data = json.loads(raw)
        except ValueError:
            return
        _check_against_contract(validator, data, "body")

    return check_body


def read_form_text(text: str, wire_type: str) -> Any:
    """A form value as the JSON value it spells: numbers in JSON syntax, `true`/`false`; else the text.

    Text that spells no value of its type stays text, so the schema's `type` refuses it.
    """
    if wire_type in ("integer", "number"):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else text
    if wire_type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    return text


def read_form(
    items: Sequence[tuple[str, str]], types: Mapping[str, str], arrays: Sequence[str]
) -> dict[str, Any]:
    """A urlencoded form as the object its contract schema describes.

    `types` gives the JSON type a field's text stands for (`integer`, `number`, `boolean`; text
    otherwise). An array field (`arrays`) is every occurrence of its name (style form, explode:
    OpenAPI 3.1 §4.8.15), one item each, so an empty array is no occurrence at all; any other field
    is its last occurrence, as FastAPI reads it.
    """
    occurrences: dict[str, list[str]] = {name: [] for name in arrays}
    for name, text in items:
        occurrences.setdefault(name, []).append(text)
    read: dict[str, Any] = {}
    for name, texts in occurrences.items():
        values = [read_form_text(text, types.get(name, "string")) for text in texts]
        read[name] = values if name in arrays else values[-1]
    return read


def contract_form_body(
    schema_pointer: str, types: Mapping[str, str], arrays: Sequence[str], *, required: bool
) -> Callable[[Request], Awaitable[None]]:
    """A dependency validating an `application/x-www-form-urlencoded` body against the contract's schema.

    The form's fields are typed by the route only as far as pydantic's lax mode goes (`1` passes
    for `true`), and the schema's constraints (lengths, patterns, bounds, item counts, required
    names) would not be checked at all; the contract's JSON Schema, applied to the form read as
    `read_form` reads it, has the last word. Violations are reported as 422. An empty form is no
    body at all, which an optional body may be.
    """
    validator = _contract_validator(schema_pointer)

    async def check_form(request: Request) -> None:
        form = await request.form()
        items = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
        if not items and not required:
            return
        _check_against_contract(validator, read_form(items, types, arrays), "body")

    return check_form


def install_error_handlers(app: FastAPI, operations: Mapping[str, OperationResponses]) -> None:
    """Answer invalid requests and auth failures with the error responses the contract declares."""

    def operation_for(request: Request) -> OperationResponses | None:
        route = request.scope.get("route")
        name = getattr(route, "name", None)
        return operations.get(name) if isinstance(name, str) else None

    async def on_validation_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        responses = operation_for(request)
        message = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg', '')}"
            for item in error.errors()
        )
        shaped = responses.error(422, message or "invalid request") if responses else None
        if shaped is not None:
            return shaped
        return JSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        headers = dict(error.headers or {})
        responses = operation_for(request)
        shaped = (
            responses.error(error.status_code, str(error.detail), headers) if responses else None
        )
        if shaped is not None:
            return shaped
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=headers
        )

    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


_NUMERIC_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def iso_text_only(value: Any) -> Any:
    """Dates and times in parameters are ISO 8601 text; pydantic would also take Unix timestamps."""
    if isinstance(value, str) and _NUMERIC_TEXT.match(value.strip()):
        raise ValueError("expected an ISO 8601 date/time, not a number")
    return value


def contract_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's OpenAPI document, minus the 422 it adds where the contract routes errors elsewhere.

    Invalid requests are answered with the contract's own 400, 4XX or default response when it
    declares one (see `OperationResponses.error`), so documenting FastAPI's 422 there would be false.
    """
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
                if "422" in responses and responses.keys() & {"400", "4XX", "default"}:
                    del responses["422"]
        _restore_contract_paths(document)
        app.openapi_schema = document
    return app.openapi_schema


_PATH_PARAMETER = re.compile(r"{([^}]+)}")


def routes_by_precedence(*routers: APIRouter) -> APIRouter:
    """One router holding every route of `routers`, the most specific path template first.

    Starlette tries routes in the order they were added, and a `{name}` segment matches any text,
    `:download` included: `/v1/{name}` would answer for `/v1/{name}:download`. OpenAPI matches
    concrete paths before templated ones (3.1 §4.8.8); per segment, literal text comes first, then
    a template with literal text around it (the more literal text the earlier), then a bare
    template. The sort is stable, so the routes of one path keep their order.
    """
    combined = APIRouter()
    routes = [route for router in routers for route in router.routes]
    combined.routes.extend(
        sorted(routes, key=lambda route: _route_precedence(str(getattr(route, "path", ""))))
    )
    return combined


def _route_precedence(path: str) -> tuple[tuple[int, int], ...]:
    key: list[tuple[int, int]] = []
    for segment in path.split("/"):
        if _PATH_PARAMETER.search(segment) is None:
            key.append((0, 0))
        elif _PATH_PARAMETER.fullmatch(segment):
            key.append((2, 0))
        else:
            key.append((1, -len(_PATH_PARAMETER.sub("", segment))))
    return tuple(key)


def _restore_contract_paths(document: dict[str, Any]) -> None:
    """Put back path templates Starlette could not route as written (`{pet-id}` is served as `{pet_id}`)."""
    paths: dict[str, Any] = document.get("paths", {})
    for served_path in list(paths):
        path_item = paths[served_path]
        for method in list(path_item):
            operation = path_item[method]
            original = (
                operation.pop("x-contract-path", None) if isinstance(operation, dict) else None
            )
            if not isinstance(original, str) or original == served_path:
                continue
            renames = dict(
                zip(_PATH_PARAMETER.findall(served_path), _PATH_PARAMETER.findall(original))
            )
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["name"] = renames.get(parameter["name"], parameter["name"])
            paths.setdefault(original, {})[method] = operation
            del path_item[method]
        if not path_item:
            del paths[served_path]


def python_pattern(pattern: str) -> Callable[[Any], Any]:
    """A check for patterns pydantic's Rust engine cannot run (look-around, back-references)."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and compiled.search(item) is None:
                raise ValueError(f"does not match {pattern!r}")
        return value

    return check


SIGNATURE_HEADER = "X-Contractgen-Signature"


def split_items(delimiter: str) -> Callable[[Any], Any]:
    """Items of a non-exploded array parameter (`a,b`, `a|b`, `a b`); an empty value is an empty list.

    FastAPI hands a list parameter over as every occurrence of the name (a cookie as its one value);
    each occurrence is split on the style's delimiter, so the item type then checks every item,
    with its index in the error location, exactly as it checks exploded (`?a=1&a=2`) ones.
    """

    def split(value: Any) -> Any:
        occurrences = [value] if isinstance(value, str) else value
        if not isinstance(occurrences, list) or not all(
            isinstance(item, str) for item in occurrences
        ):
            return value
        return [
            item for occurrence in occurrences if occurrence for item in occurrence.split(delimiter)
        ]

    return split


def header_items(value: Any) -> Any:
    """Items of a header array (style simple): comma-separated over one or more lines (RFC 9110 §5.6.1).

    Whitespace around items is not part of them and empty elements are skipped, as the RFC asks of
    recipients of list-valued fields.
    """
    occurrences = [value] if isinstance(value, str) else value
    if not isinstance(occurrences, list) or not all(isinstance(item, str) for item in occurrences):
        return value
    return [
        item.strip() for occurrence in occurrences for item in occurrence.split(",") if item.strip()
    ]


def path_items(wire_name: str, adapter: TypeAdapter[Any], declared: Any) -> Callable[..., Any]:
    """A path array (style simple: `/pets/1,2,3`) as a dependency returning the checked list.

    FastAPI routes only scalar path parameters, so the segment is declared as text (`declared`, a
    `Path(...)`, keeps it in the served OpenAPI document), split on commas and checked with
    `adapter`; errors are located as FastAPI locates its own (`path`, name, item index).
    """

    def read(segment: str) -> Any:
        try:
            return adapter.validate_python(segment.split(",") if segment else [])
        except ValidationError as error:
            located = [
                {**item, "loc": ("path", wire_name, *item["loc"])}
                for item in error.errors(include_url=False)
            ]
            raise RequestValidationError(located) from None

    parameter = inspect.Parameter(
        "segment", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[str, declared]
    )
    read.__signature__ = inspect.Signature([parameter], return_annotation=Any)  # type: ignore[attr-defined]
    return read


def payload_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC of the raw body>`: what webhook senders put in `SIGNATURE_HEADER`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


async def verified_payload(
    request: Request, secret: str | None, adapter: TypeAdapter[Any] | None
) -> Any:
    """A webhook body, after its signature is checked (401) and it is parsed with its model (422)."""
    body = await request.body()
    if secret is not None:
        presented = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(presented, payload_signature(secret, body)):
            raise HTTPException(status_code=401, detail="bad or missing webhook signature")
    if adapter is None:
        return None
    try:
        return adapter.validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(error.errors(include_url=False)) from None


async def read_body(request: Request) -> bytes:
    """A raw (binary) request body."""
    return await request.body()


async def read_text(request: Request) -> str:
    """A `text/*` request body, decoded as UTF-8 (invalid bytes are a client error)."""
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(status_code=400, detail="request body is not valid UTF-8") from error
