"""Runtime support for the generated gRPC service: registration, health, reflection, logs, TLS,
OpenTelemetry spans and metrics (through the shared `telemetry.py`, when configured).

This file is copied verbatim by contractgen; it does not depend on the contract. The generated
servicer classes register their methods through the typed handler builders here, and the
generated `server.py` builds the asyncio (default) or thread-pool server with `build_aio_server`
or `build_sync_server`, so every project shares one tested implementation.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import inspect
import json
import logging
import multiprocessing
import re
import signal
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent import futures
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import grpc
from google.protobuf import empty_pb2, json_format
from google.protobuf.message import Message
from grpc_health.v1 import health, health_pb2, health_pb2_grpc  # type: ignore[import-untyped, unused-ignore]
from grpc_reflection.v1alpha import reflection  # type: ignore[import-untyped, unused-ignore]
from pydantic import AliasChoices, Field, ValidationError, model_validator

from .json_logs import configure_logging, log_event
from .service_settings import ServiceSettings
from .telemetry import RpcSpan, RpcTelemetry

Request = TypeVar("Request", bound=Message)
Response = TypeVar("Response", bound=Message)
AnyMessage = TypeVar("AnyMessage", bound=Message)
Intercepted = TypeVar("Intercepted")
"""What an interceptor passes through: the request or response type of any handler."""
InterceptedResponse = TypeVar("InterceptedResponse")

logger = logging.getLogger("service")
access_logger = logging.getLogger("service.rpc")

HEALTH_SERVICE_NAME: str = health.SERVICE_NAME
REFLECTION_SERVICE_NAME: str = reflection.SERVICE_NAME
REQUEST_ID_METADATA = "x-request-id"
TRACEPARENT_METADATA = "traceparent"
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
_PACKED_IN_ANY = empty_pb2.Empty
"""The examples' `google.protobuf.Any` fields pack an Empty; importing it loads its descriptor."""


# --- Servicers and their handlers ----------------------------------------------------------------


class AsyncServicer(Protocol):
    """What a generated asyncio servicer has beside its RPC methods."""

    SERVICE_NAME: ClassVar[str]

    def add_to_server(self, server: grpc.aio.Server) -> None: ...


class SyncServicer(Protocol):
    """What a generated thread-pool servicer has beside its RPC methods."""

    SERVICE_NAME: ClassVar[str]

    def add_to_server(self, server: grpc.Server) -> None: ...


AioContext = grpc.aio.ServicerContext

# Handler builders, one per flavour and streaming kind: the request class parses, the response
# class serializes, and the servicer method's signature is checked against both. The grpc.aio
# ones wrap the method, so anything returning an awaitable or an async iterator is served (grpc.aio
# itself streams only from async generator functions).


def add_service(
    server: grpc.Server | grpc.aio.Server,
    service_name: str,
    handlers: Mapping[str, grpc.RpcMethodHandler[Any, Any]],
) -> None:
    """Serve `handlers` (by method name) at `/{service_name}/{method}`."""
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service_name, dict(handlers)),)
    )


def aio_unary_unary(
    behavior: Callable[[Request, AioContext[Request, Response]], Awaitable[Response]],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    async def handle(request: Request, context: AioContext[Request, Response]) -> Response:
        return await behavior(request, context)

    return grpc.unary_unary_rpc_method_handler(
        handle, request_type.FromString, response_type.SerializeToString
    )


def aio_unary_stream(
    behavior: Callable[[Request, AioContext[Request, Response]], AsyncIterator[Response]],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    async def handle(
        request: Request, context: AioContext[Request, Response]
    ) -> AsyncIterator[Response]:
        async for response in behavior(request, context):
            yield response

    return grpc.unary_stream_rpc_method_handler(
        handle, request_type.FromString, response_type.SerializeToString
    )


def aio_stream_unary(
    behavior: Callable[
        [AsyncIterator[Request], AioContext[Request, Response]], Awaitable[Response]
    ],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    async def handle(
        requests: AsyncIterator[Request], context: AioContext[Request, Response]
    ) -> Response:
        return await behavior(requests, context)

    return grpc.stream_unary_rpc_method_handler(
        handle, request_type.FromString, response_type.SerializeToString
    )


def aio_stream_stream(
    behavior: Callable[
        [AsyncIterator[Request], AioContext[Request, Response]], AsyncIterator[Response]
    ],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    async def handle(
        requests: AsyncIterator[Request], context: AioContext[Request, Response]
    ) -> AsyncIterator[Response]:
        async for response in behavior(requests, context):
            yield response

    return grpc.stream_stream_rpc_method_handler(
        handle, request_type.FromString, response_type.SerializeToString
    )


def sync_unary_unary(
    behavior: Callable[[Request, grpc.ServicerContext], Response],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    return grpc.unary_unary_rpc_method_handler(
        behavior, request_type.FromString, response_type.SerializeToString
    )


def sync_unary_stream(
    behavior: Callable[[Request, grpc.ServicerContext], Iterator[Response]],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    return grpc.unary_stream_rpc_method_handler(
        behavior, request_type.FromString, response_type.SerializeToString
    )


def sync_stream_unary(
    behavior: Callable[[Iterator[Request], grpc.ServicerContext], Response],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    return grpc.stream_unary_rpc_method_handler(
        behavior, request_type.FromString, response_type.SerializeToString
    )


def sync_stream_stream(
    behavior: Callable[[Iterator[Request], grpc.ServicerContext], Iterator[Response]],
    request_type: type[Request],
    response_type: type[Response],
) -> grpc.RpcMethodHandler[Request, Response]:
    return grpc.stream_stream_rpc_method_handler(
        behavior, request_type.FromString, response_type.SerializeToString
    )


# --- Example messages ------------------------------------------------------------------------------


class Examples:
    """`examples.json`: protobuf JSON per message type (`messages`) and per RPC path (`methods`)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.messages: Mapping[str, Any] = document.get("messages", {})
        self.methods: Mapping[str, Any] = document.get("methods", {})

    @classmethod
    def load(cls, package: str) -> Examples:
        """The `examples.json` shipped in `package` (read once per process)."""
        return _load_examples(package)

    def message(self, message_type: type[AnyMessage]) -> AnyMessage:
        """A fresh example of `message_type` (change it freely)."""
        return self._parse(self.messages[message_type.DESCRIPTOR.full_name], message_type)

    def request(self, path: str, message_type: type[AnyMessage]) -> AnyMessage:
        """The example request of the RPC at `path` (`/package.Service/Method`)."""
        return self._parse(self.methods[path]["request"], message_type)

    def response(self, path: str, message_type: type[AnyMessage]) -> AnyMessage:
        return self._parse(self.methods[path]["response"], message_type)

    @staticmethod
    def _parse(value: dict[str, Any], message_type: type[AnyMessage]) -> AnyMessage:
        return json_format.ParseDict(value, message_type())


@cache
def _load_examples(package: str) -> Examples:
    text = resources.files(package).joinpath("examples.json").read_text(encoding="utf-8")
    return Examples(json.loads(text))


# --- Settings ------------------------------------------------------------------------------------

_MEBIBYTE = 1024 * 1024


class Settings(ServiceSettings):
    """Process settings from environment variables (twelve-factor), case-insensitive.

    GRPC_HOST or HOST (127.0.0.1), PORT (50051), TLS_CERT_FILE and TLS_KEY_FILE (serve TLS; set
    together), TLS_CLIENT_CA_FILE (mutual TLS: clients must present a certificate this CA signed),
    LOG_LEVEL (INFO), LOG_FORMAT (json or text), GRPC_MAX_RECEIVE_MESSAGE_BYTES and
    GRPC_MAX_SEND_MESSAGE_BYTES (4 MiB), GRPC_MAX_CONCURRENT_RPCS (unlimited), GRPC_SHUTDOWN_GRACE_SECONDS
    (5), GRPC_REFLECTION (true), GRPC_SYNC_WORKERS (10 threads of the thread-pool server),
    GRPC_WORKERS or WORKERS (1 server process; more share the port, Linux only). An empty
    variable counts as unset; a value that does not parse stops `python -m` at start-up, naming it.
    In code, fields go by their own names: `Settings(max_concurrent_rpcs=8)`.
    """

    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("GRPC_HOST", "HOST"))
    port: int = Field(default=50051, ge=0, le=65535)
    max_receive_message_bytes: int = Field(
        default=4 * _MEBIBYTE,
        ge=0,
        validation_alias=AliasChoices("GRPC_MAX_RECEIVE_MESSAGE_BYTES"),
    )
    max_send_message_bytes: int = Field(
        default=4 * _MEBIBYTE,
        ge=0,
        validation_alias=AliasChoices("GRPC_MAX_SEND_MESSAGE_BYTES"),
    )
    max_concurrent_rpcs: int | None = Field(
        default=None, ge=1, validation_alias=AliasChoices("GRPC_MAX_CONCURRENT_RPCS")
    )
    shutdown_grace_seconds: float = Field(
        default=5.0,
        ge=0,
        validation_alias=AliasChoices("GRPC_SHUTDOWN_GRACE_SECONDS"),
    )
    reflection: bool = Field(default=True, validation_alias=AliasChoices("GRPC_REFLECTION"))
    sync_workers: int = Field(default=10, ge=1, validation_alias=AliasChoices("GRPC_SYNC_WORKERS"))
    """Threads of the thread-pool (sync) server."""
    workers: int = Field(default=1, ge=1, validation_alias=AliasChoices("GRPC_WORKERS", "WORKERS"))
    """Server processes sharing the port (SO_REUSEPORT: the kernel spreads connections over them)."""

    @model_validator(mode="after")
    def _workers_share_one_port(self) -> Settings:
        if self.workers > 1 and self.port == 0:
            raise ValueError(
                "WORKERS above 1 needs a fixed PORT: every worker process listens on the same one"
            )
        return self

    def with_address(self, host: str, port: int) -> Settings:
        """These settings listening on `host:port` instead (validated like the environment's)."""
        return type(self).model_validate({**self.model_dump(), "host": host, "port": port})

    @property
    def address(self) -> str:
        """`host:port`, with an IPv6 host in brackets."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"

    @property
    def tls(self) -> bool:
        return self.tls_cert_file is not None

    def credentials(self) -> grpc.ServerCredentials | None:
        """TLS credentials from the PEM files; `None` for plaintext."""
        if self.tls_cert_file is None or self.tls_key_file is None:
            return None
        key = Path(self.tls_key_file).read_bytes()
        certificate = Path(self.tls_cert_file).read_bytes()
        client_ca = Path(self.tls_client_ca_file).read_bytes() if self.tls_client_ca_file else None
        return grpc.ssl_server_credentials(
            [(key, certificate)],
            root_certificates=client_ca,
            require_client_auth=client_ca is not None,
        )

    def channel_options(self) -> list[tuple[str, Any]]:
        return [
            ("grpc.max_receive_message_length", self.max_receive_message_bytes),
            ("grpc.max_send_message_length", self.max_send_message_bytes),
            # Binding a port another server holds is an error, not a silent share (Linux default);
            # only this service's own worker processes share theirs.
            ("grpc.so_reuseport", 1 if self.workers > 1 else 0),
        ]


# --- Logging -------------------------------------------------------------------------------------


@dataclass
class _Call:
    """One RPC being served: its server span (when telemetry is on) and its access log line."""

    method: str
    request_id: str
    metadata: Mapping[str, str]
    """The call's text metadata (the last value of a repeated key), for the trace context."""
    telemetry: RpcTelemetry | None = None
    started: float = dataclasses.field(default_factory=time.monotonic)
    peer: str = ""
    span: RpcSpan | None = None

    @classmethod
    def of(cls, details: grpc.HandlerCallDetails, telemetry: RpcTelemetry | None) -> _Call:
        metadata: dict[str, str] = {}
        for key, value in details.invocation_metadata or ():
            if isinstance(value, str):
                metadata[key] = value
        request_id = metadata.get(REQUEST_ID_METADATA) or uuid.uuid4().hex
        return cls(details.method, request_id, metadata, telemetry)

    def begin(self, context: Any) -> None:
        """Note the peer while the call is live (asking a finished grpc.aio call for it can crash)
        and start the span."""
        self.peer = context.peer()
        if self.telemetry is not None:
            self.span = self.telemetry.start(self.method, self.metadata, self.request_id)

    def active(self) -> AbstractContextManager[Any]:
        """While the servicer runs: its span as the current one (nothing when telemetry is off)."""
        return nullcontext() if self.span is None else self.span.active()

    @property
    def trace_id(self) -> str | None:
        """The span's trace id, else the incoming `traceparent`'s, else None."""
        if self.span is not None:
            return self.span.trace_id
        traceparent = _TRACEPARENT.match(self.metadata.get(TRACEPARENT_METADATA, ""))
        return traceparent.group(1) if traceparent else None

    def finish(self, context: Any, error: BaseException | None) -> None:
        """End the span; log method, status code, duration, peer, request and trace id; an
        unexpected exception at ERROR with its repr (grpc logs its traceback itself)."""
        code = _status_code(context, error)
        unexpected = error is not None and code is grpc.StatusCode.UNKNOWN
        if self.span is not None:
            self.span.end(code.value[0], code.name, error if unexpected else None)
        fields: dict[str, Any] = {
            "method": self.method,
            "code": code.name,
            "duration_ms": round((time.monotonic() - self.started) * 1000, 3),
            "peer": self.peer,
            "request_id": self.request_id,
            "trace_id": self.trace_id,
        }
        if unexpected:
            fields["error"] = repr(error)
        log_event(access_logger, logging.ERROR if unexpected else logging.INFO, "rpc", fields)


def _status_code(context: Any, error: BaseException | None) -> grpc.StatusCode:
    """The code the servicer set (or aborted with); else OK, CANCELLED or UNKNOWN from how it ended."""
    # grpc's sync ServicerContext has code() at run time, not in its type stubs.
    code_of = getattr(context, "code", None)
    code = code_of() if callable(code_of) else None
    if isinstance(code, grpc.StatusCode):
        return code
    if error is None:
        return grpc.StatusCode.OK
    if isinstance(error, (asyncio.CancelledError, GeneratorExit)):
        return grpc.StatusCode.CANCELLED
    return grpc.StatusCode.UNKNOWN


def _aio_unary(behavior: Callable[..., Any], call: _Call) -> Callable[..., Any]:
    async def logged(argument: Any, context: Any) -> Any:
        call.begin(context)
        error: BaseException | None = None
        try:
            with call.active():
                return await behavior(argument, context)
        except BaseException as raised:
            error = raised
            raise
        finally:
            call.finish(context, error)

    return logged


def _aio_streaming(behavior: Callable[..., Any], call: _Call) -> Callable[..., Any]:
    async def logged(argument: Any, context: Any) -> AsyncIterator[Any]:
        call.begin(context)
        error: BaseException | None = None
        try:
            with call.active():
                async for response in behavior(argument, context):
                    yield response
        except BaseException as raised:
            error = raised
            raise
        finally:
            call.finish(context, error)

    return logged


class AioAccessLog(grpc.aio.ServerInterceptor):
    """One log line per RPC on the asyncio server, and one server span when `telemetry` is on
    (handlers that are not coroutines pass unlogged)."""

    def __init__(self, telemetry: RpcTelemetry | None = None) -> None:
        self._telemetry = telemetry

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails],
            Awaitable[grpc.RpcMethodHandler[Intercepted, InterceptedResponse] | None],
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Intercepted, InterceptedResponse] | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        call = _Call.of(handler_call_details, self._telemetry)
        deserializer, serializer = handler.request_deserializer, handler.response_serializer
        if handler.unary_unary is not None and inspect.iscoroutinefunction(handler.unary_unary):
            unary = _aio_unary(handler.unary_unary, call)
            return grpc.unary_unary_rpc_method_handler(unary, deserializer, serializer)
        if handler.stream_unary is not None and inspect.iscoroutinefunction(handler.stream_unary):
            unary = _aio_unary(handler.stream_unary, call)
            return grpc.stream_unary_rpc_method_handler(unary, deserializer, serializer)
        if handler.unary_stream is not None:
            streaming = _aio_stream_behavior(handler.unary_stream, call)
            if streaming is not None:
                return grpc.unary_stream_rpc_method_handler(streaming, deserializer, serializer)
        if handler.stream_stream is not None:
            streaming = _aio_stream_behavior(handler.stream_stream, call)
            if streaming is not None:
                return grpc.stream_stream_rpc_method_handler(streaming, deserializer, serializer)
        return handler


def _aio_stream_behavior(behavior: Callable[..., Any], call: _Call) -> Callable[..., Any] | None:
    """An async generator stays one; a coroutine writing with `context.write` (grpc's health
    Watch) stays a coroutine."""
    if inspect.isasyncgenfunction(behavior):
        return _aio_streaming(behavior, call)
    if inspect.iscoroutinefunction(behavior):
        return _aio_unary(behavior, call)
    return None


def _sync_unary(behavior: Callable[..., Any], call: _Call) -> Callable[..., Any]:
    def logged(argument: Any, context: Any) -> Any:
        call.begin(context)
        error: BaseException | None = None
        try:
            with call.active():
                return behavior(argument, context)
        except BaseException as raised:
            error = raised
            raise
        finally:
            call.finish(context, error)

    return logged


def _sync_streaming(behavior: Callable[..., Any], call: _Call) -> Callable[..., Any]:
    def logged(argument: Any, context: Any) -> Iterator[Any]:
        call.begin(context)
        error: BaseException | None = None
        try:
            with call.active():
                yield from behavior(argument, context)
        except BaseException as raised:
            error = raised
            raise
        finally:
            call.finish(context, error)

    return logged


class SyncAccessLog(grpc.ServerInterceptor):
    """One log line per RPC on the thread-pool server, and one server span when `telemetry` is on."""

    def __init__(self, telemetry: RpcTelemetry | None = None) -> None:
        self._telemetry = telemetry

    def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails],
            grpc.RpcMethodHandler[Intercepted, InterceptedResponse] | None,
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Intercepted, InterceptedResponse] | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        call = _Call.of(handler_call_details, self._telemetry)
        deserializer, serializer = handler.request_deserializer, handler.response_serializer
        if handler.unary_unary is not None:
            behavior = _sync_unary(handler.unary_unary, call)
            return grpc.unary_unary_rpc_method_handler(behavior, deserializer, serializer)
        if handler.stream_unary is not None:
            behavior = _sync_unary(handler.stream_unary, call)
            return grpc.stream_unary_rpc_method_handler(behavior, deserializer, serializer)
        if handler.unary_stream is not None:
            behavior = _sync_streaming(handler.unary_stream, call)
            return grpc.unary_stream_rpc_method_handler(behavior, deserializer, serializer)
        if handler.stream_stream is not None:
            behavior = _sync_streaming(handler.stream_stream, call)
            return grpc.stream_stream_rpc_method_handler(behavior, deserializer, serializer)
        return handler


# --- Health and reflection -----------------------------------------------------------------------

Readiness = Callable[[], bool | Awaitable[bool]]
"""Whether the asyncio service can take traffic (databases reachable and so on): a plain function
or a coroutine function. Until it returns true, health checks answer NOT_SERVING."""

SyncReadiness = Callable[[], bool]
"""`Readiness` for the thread-pool server: a plain function."""

_SERVING: int = health_pb2.HealthCheckResponse.SERVING
_NOT_SERVING: int = health_pb2.HealthCheckResponse.NOT_SERVING


def _status(ready: object) -> int:
    return _SERVING if ready is True else _NOT_SERVING


class _AioHealth(health.aio.HealthServicer):  # type: ignore[misc, unused-ignore]
    """grpc's asyncio health servicer: the overall status ("") and each of the contract's services
    report SERVING once `readiness` (default: always ready) returns true, NOT_SERVING before.

    Every Check asks `readiness` again and updates the statuses; while a Watch stream is open it is
    asked every `WATCH_RECHECK_SECONDS` too, and the stream hears each change.
    """

    WATCH_RECHECK_SECONDS: ClassVar[float] = 1.0

    def __init__(self, service_names: Sequence[str], readiness: Readiness | None) -> None:
        super().__init__()
        self._names = ("", *service_names)
        self._readiness = readiness

    async def _refresh(self) -> None:
        status = _SERVING
        if self._readiness is not None:
            try:
                answer = self._readiness()
                status = _status(await answer if inspect.isawaitable(answer) else answer)
            except Exception:  # a hook that raises means not ready; logged with its traceback
                logger.exception("readiness check failed")
                status = _NOT_SERVING
        for name in self._names:
            await self.set(name, status)

    async def Check(self, request: Any, context: Any) -> Any:
        await self._refresh()
        return await super().Check(request, context)

    async def Watch(self, request: Any, context: Any) -> None:
        await self._refresh()
        if self._readiness is None:
            await super().Watch(request, context)
            return
        recheck = asyncio.create_task(self._recheck())
        try:
            await super().Watch(request, context)
        finally:
            recheck.cancel()

    async def _recheck(self) -> None:
        while True:
            await asyncio.sleep(self.WATCH_RECHECK_SECONDS)
            await self._refresh()


class _SyncHealth(health.HealthServicer):  # type: ignore[misc, unused-ignore]
    """`_AioHealth` for the thread-pool server; a Watch stream hears changes that Checks see."""

    def __init__(self, service_names: Sequence[str], readiness: SyncReadiness | None) -> None:
        super().__init__()
        self._names = ("", *service_names)
        self._readiness = readiness

    def _refresh(self) -> None:
        status = _SERVING
        if self._readiness is not None:
            try:
                status = _status(self._readiness())
            except Exception:  # a hook that raises means not ready; logged with its traceback
                logger.exception("readiness check failed")
                status = _NOT_SERVING
        for name in self._names:
            self.set(name, status)

    def Check(self, request: Any, context: Any) -> Any:
        self._refresh()
        return super().Check(request, context)

    def Watch(self, request: Any, context: Any, send_response_callback: Any = None) -> Any:
        self._refresh()
        return super().Watch(request, context, send_response_callback)


def _reflected(service_names: Sequence[str]) -> list[str]:
    return [*service_names, HEALTH_SERVICE_NAME, REFLECTION_SERVICE_NAME]


# --- Servers -------------------------------------------------------------------------------------


def build_aio_server(
    servicers: Sequence[AsyncServicer],
    address: str | None,
    settings: Settings,
    readiness: Readiness | None = None,
    telemetry: RpcTelemetry | None = None,
) -> grpc.aio.Server:
    """The asyncio server: the servicers, health (NOT_SERVING until `readiness` says ready),
    reflection, access log, server spans and metrics (`telemetry`), limits, TLS; not started."""
    server = grpc.aio.server(
        interceptors=[AioAccessLog(telemetry)],
        options=settings.channel_options(),
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
    )
    names = [servicer.SERVICE_NAME for servicer in servicers]
    for servicer in servicers:
        servicer.add_to_server(server)
    health_pb2_grpc.add_HealthServicer_to_server(_AioHealth(names, readiness), server)
    if settings.reflection:
        reflection.enable_server_reflection(_reflected(names), server)
    _bind(server, address or settings.address, settings)
    return server


def build_sync_server(
    servicers: Sequence[SyncServicer],
    address: str | None,
    settings: Settings,
    readiness: SyncReadiness | None = None,
    telemetry: RpcTelemetry | None = None,
) -> grpc.Server:
    """The thread-pool server (`settings.sync_workers` threads), otherwise like `build_aio_server`."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.sync_workers),
        interceptors=[SyncAccessLog(telemetry)],
        options=settings.channel_options(),
        maximum_concurrent_rpcs=settings.max_concurrent_rpcs,
    )
    names = [servicer.SERVICE_NAME for servicer in servicers]
    for servicer in servicers:
        servicer.add_to_server(server)
    health_pb2_grpc.add_HealthServicer_to_server(_SyncHealth(names, readiness), server)
    if settings.reflection:
        reflection.enable_server_reflection(_reflected(names), server)
    _bind(server, address or settings.address, settings)
    return server


class ListenError(RuntimeError):
    """The server could not listen on its address."""


def _bind(server: grpc.Server | grpc.aio.Server, address: str, settings: Settings) -> None:
    """Listen on `address`; the port actually bound is logged (`--port 0` picks a free one)."""
    credentials = settings.credentials()
    try:
        if credentials is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, credentials)
    except RuntimeError as error:  # grpc's "Failed to bind", which says nothing of why
        raise ListenError(
            f"cannot listen on {address}: the port is taken, or the host is not an address of this machine"
        ) from error
    logger.info("listening", extra={"address": address, "port": port})


async def serve(server: grpc.aio.Server, settings: Settings, address: str) -> None:
    """Start `server`, then on SIGTERM or SIGINT stop it, letting RPCs in flight finish within the grace period."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        # Windows has no signal handlers: Ctrl+C still ends the process, without the grace period.
        try:
            loop.add_signal_handler(signal_number, stopping.set)
        except NotImplementedError:
            pass
    await server.start()
    logger.info("serving", extra={"address": address, "tls": settings.tls})
    await stopping.wait()
    logger.info("stopping", extra={"grace_seconds": settings.shutdown_grace_seconds})
    await server.stop(settings.shutdown_grace_seconds)


def run_aio(factory: Callable[[], grpc.aio.Server], settings: Settings, address: str) -> None:
    """Build the server inside a fresh event loop (grpc.aio binds to the running loop) and serve it."""

    async def main() -> None:
        await serve(factory(), settings, address)

    asyncio.run(main())


def run_sync(server: grpc.Server, settings: Settings, address: str) -> None:
    """Serve a thread-pool server until SIGTERM or SIGINT, then stop it with the grace period."""
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    server.start()
    logger.info("serving", extra={"address": address, "tls": settings.tls})
    while not stopping.wait(0.5):
        pass
    logger.info("stopping", extra={"grace_seconds": settings.shutdown_grace_seconds})
    server.stop(settings.shutdown_grace_seconds).wait()


def run_service(serve_one: Callable[[Settings], None], settings: Settings) -> int:
    """The command line's run: `serve_one` in this process, or in WORKERS processes; the exit status.

    A server that cannot listen is one logged line and status 1, not a traceback.
    """
    if settings.workers > 1:
        return run_workers(serve_one, settings)
    return _serve_here(serve_one, settings)


def _serve_here(serve_one: Callable[[Settings], None], settings: Settings) -> int:
    try:
        serve_one(settings)
    except ListenError as error:
        logger.error(str(error))
        return 1
    return 0


def run_workers(serve_one: Callable[[Settings], None], settings: Settings) -> int:
    """Run `serve_one` in `settings.workers` processes listening on one port; the exit status.

    grpc.aio serves from one thread, so more processes are how a gRPC service uses more cores
    (grpc's own advice: processes started fresh, never forked after grpc started, bound with
    SO_REUSEPORT). SIGTERM or SIGINT stops every worker with the grace period. A worker that ends
    on its own ends the others and the service with status 1, for the supervisor to restart it
    whole rather than serve on with fewer processes than configured.
    """
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(serve_one, settings), name=f"grpc-worker-{number}")
        for number in range(1, settings.workers + 1)
    ]
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    for worker in workers:
        worker.start()
    logger.info("workers started", extra={"workers": [worker.pid for worker in workers]})
    while not stopping.wait(0.2) and all(worker.is_alive() for worker in workers):
        pass
    failed = [worker.name for worker in workers if not worker.is_alive()]
    if not stopping.is_set():
        logger.error("a worker process ended; stopping the others", extra={"ended": failed})
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: the worker's own graceful stop
    for worker in workers:
        worker.join(settings.shutdown_grace_seconds + 10)
        if worker.is_alive():
            worker.kill()
            worker.join()
    return 0 if stopping.is_set() else 1


def _worker(serve_one: Callable[[Settings], None], settings: Settings) -> None:
    """One worker process: its own logging (a spawned process starts without the parent's), then serve."""
    configure_logging(settings)
    sys.exit(_serve_here(serve_one, settings))


def command_line_settings(argv: Sequence[str] | None, description: str) -> Settings:
    """Settings from the environment, with `--host` and `--port` from the command line on top.

    Invalid settings end the process here with "invalid settings: ..." naming the variable, before
    anything listens (like argparse does for a bad option).
    """
    try:
        settings = Settings.from_env()
    except ValidationError as error:
        sys.exit(f"invalid settings: {error}")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default=settings.host, help="interface to listen on (GRPC_HOST)")
    parser.add_argument("--port", type=int, default=settings.port, help="port to listen on (PORT)")
    arguments = parser.parse_args(argv)
    try:
        return settings.with_address(arguments.host, arguments.port)
    except ValidationError as error:
        parser.error(f"invalid settings: {error}")
