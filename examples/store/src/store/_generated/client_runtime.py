"""Runtime support for the generated gRPC clients: channels, call defaults, retries, streams.

This file is copied verbatim by contractgen; it does not depend on the contract. The generated
`client.py` describes each RPC as a `Method` (path, request and response message classes) and hands
it here with the request. Calls go through grpcio's own multi-callables (`channel.unary_unary` and
friends) with the messages' `SerializeToString`/`FromString`, so nothing untyped reaches the caller.
Failed calls raise the `GrpcError` subclasses of `client_errors.py`, unary and streaming alike.
Retries are gRPC's own: a service config with a `retryPolicy` for the contract's idempotent methods.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Generic, Protocol, TypeAlias, TypeVar

import grpc
import grpc.aio
from google.protobuf.message import Message
from typing_extensions import Self

from .client_errors import MetadataPairs, error_from, metadata_pairs

__all__ = [
    "DEFAULT",
    "DEFAULT_TIMEOUT",
    "AsyncClientBase",
    "AsyncResponseStream",
    "CallMetadata",
    "DefaultType",
    "Idempotency",
    "Method",
    "RequestIterable",
    "ResponseStream",
    "RetryPolicy",
    "RetryableMethod",
    "SyncClientBase",
    "Timeout",
    "channel_options",
    "service_config",
]

RequestT = TypeVar("RequestT", bound=Message)
ResponseT = TypeVar("ResponseT", bound=Message)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
SyncClientT = TypeVar("SyncClientT", bound="SyncClientBase")
AsyncClientT = TypeVar("AsyncClientT", bound="AsyncClientBase")


class DefaultType(enum.Enum):
    """The type of `DEFAULT`: "use the client's default" (a `timeout=None` means no deadline)."""

    DEFAULT = "DEFAULT"

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Final = DefaultType.DEFAULT
DEFAULT_TIMEOUT: Final = 30.0
"""Seconds a unary call may take unless the client or the call says otherwise."""

Timeout: TypeAlias = float | DefaultType | None
CallMetadata: TypeAlias = Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]]
"""gRPC metadata as a mapping or as pairs (a key may repeat); keys ending in `-bin` take bytes."""
RequestIterable: TypeAlias = AsyncIterable[T] | Iterable[T]
"""What the asyncio client takes for a request stream: an async generator or any iterable."""


# --- methods and retries ----------------------------------------------------------------------


@dataclass(frozen=True)
class Method(Generic[RequestT, ResponseT]):
    """One RPC of the contract: its path and the protoc message classes it sends and receives."""

    path: str
    request_type: type[RequestT]
    response_type: type[ResponseT]

    def check(self, request: object) -> None:
        """protobuf would serialize any message; a wrong one would reach the server as garbage."""
        if not isinstance(request, self.request_type):
            expected = self.request_type.DESCRIPTOR.full_name
            raise TypeError(f"{self.path} takes {expected} messages, not {type(request).__name__}")

    def serialize(self, request: RequestT) -> bytes:
        self.check(request)
        return request.SerializeToString()

    def deserialize(self, data: bytes) -> ResponseT:
        return self.response_type.FromString(data)


class Idempotency(enum.Enum):
    """The `idempotency_level` method option (google/protobuf/descriptor.proto)."""

    NO_SIDE_EFFECTS = "NO_SIDE_EFFECTS"
    IDEMPOTENT = "IDEMPOTENT"


@dataclass(frozen=True)
class RetryableMethod:
    """A method the contract declares safe to repeat, as the service config names it."""

    service: str
    method: str
    idempotency: Idempotency


@dataclass(frozen=True)
class RetryPolicy:
    """gRPC's `retryPolicy` (gRFC A6) for the contract's idempotent methods.

    Attempts include the first one (gRPC caps them at 5); backoff is in seconds, randomised by
    gRPC. Every attempt shares the call's one deadline. `NO_SIDE_EFFECTS` methods are also retried
    when the server answers DEADLINE_EXCEEDED; `IDEMPOTENT` ones (writes) only on UNAVAILABLE.
    """

    max_attempts: int = 4
    initial_backoff: float = 0.1
    max_backoff: float = 5.0
    backoff_multiplier: float = 2.0
    idempotent_codes: tuple[str, ...] = ("UNAVAILABLE",)
    no_side_effects_codes: tuple[str, ...] = ("UNAVAILABLE", "DEADLINE_EXCEEDED")

    def __post_init__(self) -> None:
        if not 2 <= self.max_attempts <= 5:
            raise ValueError("max_attempts must be between 2 and 5 (gRPC's limit)")
        if self.initial_backoff <= 0 or self.max_backoff <= 0 or self.backoff_multiplier <= 0:
            raise ValueError("backoffs and multiplier must be positive")

    def codes(self, idempotency: Idempotency) -> tuple[str, ...]:
        if idempotency is Idempotency.NO_SIDE_EFFECTS:
            return self.no_side_effects_codes
        return self.idempotent_codes

    def as_json(self, codes: Sequence[str]) -> dict[str, Any]:
        return {
            "maxAttempts": self.max_attempts,
            "initialBackoff": f"{self.initial_backoff}s",
            "maxBackoff": f"{self.max_backoff}s",
            "backoffMultiplier": self.backoff_multiplier,
            "retryableStatusCodes": list(codes),
        }


def service_config(methods: Iterable[RetryableMethod], retry: RetryPolicy) -> str:
    """The `grpc.service_config` JSON: one `methodConfig` per set of retryable status codes."""
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for method in methods:
        codes = retry.codes(method.idempotency)
        if codes:
            groups.setdefault(codes, []).append(
                {"service": method.service, "method": method.method}
            )
    configs = [
        {"name": names, "retryPolicy": retry.as_json(codes)} for codes, names in groups.items()
    ]
    return json.dumps({"methodConfig": configs}, sort_keys=True)


def channel_options(
    methods: Iterable[RetryableMethod], retry: RetryPolicy | None = RetryPolicy()
) -> list[tuple[str, Any]]:
    """Channel options that turn retries on for `methods`; for channels you build yourself."""
    if retry is None:
        return []
    return [("grpc.enable_retries", 1), ("grpc.service_config", service_config(methods, retry))]


# --- call defaults ----------------------------------------------------------------------------


def _normalized(metadata: CallMetadata | None) -> MetadataPairs:
    """Pairs with lower-case keys (gRPC refuses others)."""
    items = metadata.items() if isinstance(metadata, Mapping) else metadata or ()
    return tuple((key.lower(), value) for key, value in items)


@dataclass(frozen=True)
class _CallDefaults:
    """What a call gets unless it says otherwise; shared by a client and its services."""

    timeout: float | None
    stream_timeout: float | None
    metadata: MetadataPairs

    def deadline(self, timeout: Timeout, streaming: bool) -> float | None:
        if timeout is not DEFAULT:
            return timeout
        return self.stream_timeout if streaming else self.timeout

    def merged(self, metadata: CallMetadata | None) -> MetadataPairs:
        """The defaults, except keys the call sets itself: those take the call's values."""
        own = _normalized(metadata)
        keys = {key for key, _ in own}
        return tuple(pair for pair in self.metadata if pair[0] not in keys) + own


def _read_pem(value: bytes | os.PathLike[str] | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return Path(value).read_bytes()


def _credentials(
    root_certificates: bytes | os.PathLike[str] | None,
    client_cert: bytes | os.PathLike[str] | None,
    client_key: bytes | os.PathLike[str] | None,
) -> grpc.ChannelCredentials:
    if (client_cert is None) != (client_key is None):
        raise ValueError("client_cert and client_key go together (mutual TLS)")
    return grpc.ssl_channel_credentials(
        root_certificates=_read_pem(root_certificates),
        private_key=_read_pem(client_key),
        certificate_chain=_read_pem(client_cert),
    )


@dataclass(frozen=True)
class _ChannelRecipe:
    """What `connect` turns into a channel, for either face."""

    target: str
    tls: bool
    credentials: grpc.ChannelCredentials | None
    options: list[tuple[str, Any]]


def _recipe(
    target: str,
    tls: bool,
    root_certificates: bytes | os.PathLike[str] | None,
    client_cert: bytes | os.PathLike[str] | None,
    client_key: bytes | os.PathLike[str] | None,
    methods: Iterable[RetryableMethod],
    retry: RetryPolicy | None,
    options: Sequence[tuple[str, Any]],
) -> _ChannelRecipe:
    """Certificates imply TLS; the caller's options come last, so they win."""
    secure = tls or root_certificates is not None or client_cert is not None
    credentials = _credentials(root_certificates, client_cert, client_key) if secure else None
    return _ChannelRecipe(target, secure, credentials, [*channel_options(methods, retry), *options])


class _ClientCore:
    """State both faces share: the channel, whether the client owns it, and the call defaults."""

    _retryable: ClassVar[tuple[RetryableMethod, ...]] = ()

    def __init__(
        self,
        *,
        default_timeout: float | None,
        default_stream_timeout: float | None,
        metadata: CallMetadata | None,
    ) -> None:
        self._defaults = _CallDefaults(
            default_timeout, default_stream_timeout, _normalized(metadata)
        )
        self._owns_channel = False


# --- blocking client --------------------------------------------------------------------------


class _SyncCall(Protocol[T_co]):
    """grpcio's blocking streaming call: an iterator of responses that is also a `grpc.Call`."""

    def __next__(self) -> T_co: ...

    def cancel(self) -> bool: ...

    def is_active(self) -> bool: ...

    def initial_metadata(self) -> Any: ...

    def trailing_metadata(self) -> Any: ...


class ResponseStream(Iterator[T]):
    """A server stream: iterate it for the responses; status errors raise `GrpcError` subclasses.

    Leave early with `with client.method(...) as responses:` (or `cancel()`) so the call ends.
    """

    def __init__(self, call: _SyncCall[T], method: str) -> None:
        self._call = call
        self._method = method

    def __next__(self) -> T:
        try:
            return next(self._call)
        except grpc.RpcError as error:
            raise error_from(error, self._method) from error

    def cancel(self) -> bool:
        return self._call.cancel()

    def initial_metadata(self) -> MetadataPairs:
        """The server's initial metadata (waits for it)."""
        try:
            return metadata_pairs(self._call.initial_metadata())
        except grpc.RpcError as error:
            raise error_from(error, self._method) from error

    def trailing_metadata(self) -> MetadataPairs:
        """The server's trailing metadata (waits for the end of the call)."""
        return metadata_pairs(self._call.trailing_metadata())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._call.is_active():
            self._call.cancel()


class SyncClientBase(_ClientCore):
    """Blocking calls over a `grpc.Channel`; `connect` builds one, or pass your own."""

    def __init__(
        self,
        channel: grpc.Channel,
        *,
        default_timeout: float | None = DEFAULT_TIMEOUT,
        default_stream_timeout: float | None = None,
        metadata: CallMetadata | None = None,
    ) -> None:
        """`default_timeout` bounds unary calls; streams get `default_stream_timeout` (none: a
        deadline bounds the whole stream). `metadata` goes with every call."""
        super().__init__(
            default_timeout=default_timeout,
            default_stream_timeout=default_stream_timeout,
            metadata=metadata,
        )
        self._channel = channel

    @classmethod
    def connect(
        cls,
        target: str,
        *,
        tls: bool = False,
        root_certificates: bytes | os.PathLike[str] | None = None,
        client_cert: bytes | os.PathLike[str] | None = None,
        client_key: bytes | os.PathLike[str] | None = None,
        metadata: CallMetadata | None = None,
        default_timeout: float | None = DEFAULT_TIMEOUT,
        default_stream_timeout: float | None = None,
        retry: RetryPolicy | None = RetryPolicy(),
        options: Sequence[tuple[str, Any]] = (),
    ) -> Self:
        """A client on a new channel to `target` (`host:port`), closed with the client.

        TLS when `tls` or any certificate is given (PEM bytes or a path; no `root_certificates`
        means the system's roots); `client_cert` + `client_key` for mutual TLS. `retry=None`
        turns off retries of the contract's idempotent methods. `options` are grpcio channel
        options, applied after (so over) the client's own.
        """
        recipe = _recipe(
            target, tls, root_certificates, client_cert, client_key, cls._retryable, retry, options
        )
        if recipe.credentials is not None:
            channel = grpc.secure_channel(target, recipe.credentials, options=recipe.options)
        else:
            channel = grpc.insecure_channel(target, options=recipe.options)
        client = cls(
            channel,
            default_timeout=default_timeout,
            default_stream_timeout=default_stream_timeout,
            metadata=metadata,
        )
        client._owns_channel = True
        return client

    @property
    def channel(self) -> grpc.Channel:
        return self._channel

    def close(self) -> None:
        """Close the channel if `connect` made it (a channel you passed in stays yours)."""
        if self._owns_channel:
            self._channel.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _service(self, client_class: type[SyncClientT]) -> SyncClientT:
        """One service's client on this channel and defaults; it does not own the channel."""
        service = client_class(self._channel)
        service._defaults = self._defaults
        return service

    def _unary_unary(
        self,
        method: Method[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseT:
        method.check(request)
        call = self._channel.unary_unary(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        try:
            return call(
                request,
                timeout=self._defaults.deadline(timeout, streaming=False),
                metadata=self._defaults.merged(metadata),
                wait_for_ready=wait_for_ready,
            )
        except grpc.RpcError as error:
            raise error_from(error, method.path) from error

    def _unary_stream(
        self,
        method: Method[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseStream[ResponseT]:
        method.check(request)
        call = self._channel.unary_stream(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        responses = call(
            request,
            timeout=self._defaults.deadline(timeout, streaming=True),
            metadata=self._defaults.merged(metadata),
            wait_for_ready=wait_for_ready,
        )
        return ResponseStream(responses, method.path)

    def _stream_unary(
        self,
        method: Method[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseT:
        call = self._channel.stream_unary(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        try:
            return call(
                iter(requests),
                timeout=self._defaults.deadline(timeout, streaming=True),
                metadata=self._defaults.merged(metadata),
                wait_for_ready=wait_for_ready,
            )
        except grpc.RpcError as error:
            raise error_from(error, method.path) from error

    def _stream_stream(
        self,
        method: Method[RequestT, ResponseT],
        requests: Iterable[RequestT],
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseStream[ResponseT]:
        call = self._channel.stream_stream(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        responses = call(
            iter(requests),
            timeout=self._defaults.deadline(timeout, streaming=True),
            metadata=self._defaults.merged(metadata),
            wait_for_ready=wait_for_ready,
        )
        return ResponseStream(responses, method.path)


# --- asyncio client ---------------------------------------------------------------------------


class _AsyncCall(Protocol[T_co]):
    """What grpc.aio's streaming calls are: an async iterable of responses that is also a call."""

    def __aiter__(self) -> AsyncIterator[T_co]: ...

    def cancel(self) -> bool: ...

    def done(self) -> bool: ...

    async def initial_metadata(self) -> Any: ...

    async def trailing_metadata(self) -> Any: ...


class AsyncResponseStream(AsyncIterator[T]):
    """A server stream: `async for` the responses; status errors raise `GrpcError` subclasses.

    Leave early with `async with client.method(...) as responses:` (or `cancel()`).
    """

    def __init__(self, call: _AsyncCall[T], method: str) -> None:
        self._call = call
        self._responses = call.__aiter__()
        self._method = method

    async def __anext__(self) -> T:
        try:
            return await self._responses.__anext__()
        except grpc.RpcError as error:
            raise error_from(error, self._method) from error

    def cancel(self) -> bool:
        return self._call.cancel()

    async def initial_metadata(self) -> MetadataPairs:
        try:
            return metadata_pairs(await self._call.initial_metadata())
        except grpc.RpcError as error:
            raise error_from(error, self._method) from error

    async def trailing_metadata(self) -> MetadataPairs:
        return metadata_pairs(await self._call.trailing_metadata())

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._call.done():
            self._call.cancel()


def _request_iterator(requests: RequestIterable[T]) -> AsyncIterator[T] | Iterator[T]:
    if isinstance(requests, AsyncIterable):
        return requests.__aiter__()
    return iter(requests)


class AsyncClientBase(_ClientCore):
    """asyncio calls over a `grpc.aio.Channel`; create it (or `connect`) inside the event loop."""

    def __init__(
        self,
        channel: grpc.aio.Channel,
        *,
        default_timeout: float | None = DEFAULT_TIMEOUT,
        default_stream_timeout: float | None = None,
        metadata: CallMetadata | None = None,
    ) -> None:
        """`default_timeout` bounds unary calls; streams get `default_stream_timeout` (none: a
        deadline bounds the whole stream). `metadata` goes with every call."""
        super().__init__(
            default_timeout=default_timeout,
            default_stream_timeout=default_stream_timeout,
            metadata=metadata,
        )
        self._channel = channel

    @classmethod
    def connect(
        cls,
        target: str,
        *,
        tls: bool = False,
        root_certificates: bytes | os.PathLike[str] | None = None,
        client_cert: bytes | os.PathLike[str] | None = None,
        client_key: bytes | os.PathLike[str] | None = None,
        metadata: CallMetadata | None = None,
        default_timeout: float | None = DEFAULT_TIMEOUT,
        default_stream_timeout: float | None = None,
        retry: RetryPolicy | None = RetryPolicy(),
        options: Sequence[tuple[str, Any]] = (),
    ) -> Self:
        """A client on a new `grpc.aio` channel to `target`; see `SyncClientBase.connect`."""
        recipe = _recipe(
            target, tls, root_certificates, client_cert, client_key, cls._retryable, retry, options
        )
        if recipe.credentials is not None:
            channel = grpc.aio.secure_channel(target, recipe.credentials, options=recipe.options)
        else:
            channel = grpc.aio.insecure_channel(target, options=recipe.options)
        client = cls(
            channel,
            default_timeout=default_timeout,
            default_stream_timeout=default_stream_timeout,
            metadata=metadata,
        )
        client._owns_channel = True
        return client

    @property
    def channel(self) -> grpc.aio.Channel:
        return self._channel

    async def close(self) -> None:
        """Close the channel if `connect` made it (a channel you passed in stays yours)."""
        if self._owns_channel:
            await self._channel.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _service(self, client_class: type[AsyncClientT]) -> AsyncClientT:
        """One service's client on this channel and defaults; it does not own the channel."""
        service = client_class(self._channel)
        service._defaults = self._defaults
        return service

    async def _unary_unary(
        self,
        method: Method[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseT:
        method.check(request)
        call = self._channel.unary_unary(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        try:
            return await call(
                request,
                timeout=self._defaults.deadline(timeout, streaming=False),
                metadata=self._defaults.merged(metadata),
                wait_for_ready=wait_for_ready,
            )
        except grpc.RpcError as error:
            raise error_from(error, method.path) from error

    def _unary_stream(
        self,
        method: Method[RequestT, ResponseT],
        request: RequestT,
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> AsyncResponseStream[ResponseT]:
        method.check(request)
        call = self._channel.unary_stream(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        responses = call(
            request,
            timeout=self._defaults.deadline(timeout, streaming=True),
            metadata=self._defaults.merged(metadata),
            wait_for_ready=wait_for_ready,
        )
        return AsyncResponseStream(responses, method.path)

    async def _stream_unary(
        self,
        method: Method[RequestT, ResponseT],
        requests: RequestIterable[RequestT],
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> ResponseT:
        call = self._channel.stream_unary(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        try:
            return await call(
                _request_iterator(requests),
                timeout=self._defaults.deadline(timeout, streaming=True),
                metadata=self._defaults.merged(metadata),
                wait_for_ready=wait_for_ready,
            )
        except grpc.RpcError as error:
            raise error_from(error, method.path) from error

    def _stream_stream(
        self,
        method: Method[RequestT, ResponseT],
        requests: RequestIterable[RequestT],
        timeout: Timeout,
        metadata: CallMetadata | None,
        wait_for_ready: bool | None,
    ) -> AsyncResponseStream[ResponseT]:
        call = self._channel.stream_stream(
            method.path,
            request_serializer=method.serialize,
            response_deserializer=method.deserialize,
        )
        responses = call(
            _request_iterator(requests),
            timeout=self._defaults.deadline(timeout, streaming=True),
            metadata=self._defaults.merged(metadata),
            wait_for_ready=wait_for_ready,
        )
        return AsyncResponseStream(responses, method.path)
