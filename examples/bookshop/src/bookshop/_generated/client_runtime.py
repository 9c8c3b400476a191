"""Runtime support for the generated GraphQL client: requests, responses, errors, subscriptions.

This file is copied verbatim by contractgen; it does not depend on the contract. The generated
`client.py` describes each operation as an `Operation` (document, name, result model) and hands it
here with its variables. Queries and mutations are POSTed as JSON (GraphQL over HTTP);
subscriptions use the graphql-transport-ws protocol over WebSocket, one connection each.
"""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import AsyncGenerator, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from typing_extensions import Self
from websockets.asyncio.client import connect as connect_async
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.sync.client import connect as connect_sync
from websockets.typing import Subprotocol

__all__ = [
    "UNSET",
    "AsyncClientBase",
    "AsyncSubscription",
    "ErrorLocation",
    "GraphQLClientError",
    "GraphQLDecodeError",
    "GraphQLErrorDetail",
    "GraphQLResponseError",
    "GraphQLTransportError",
    "Operation",
    "Subscription",
    "SyncClientBase",
    "UnsetType",
]

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)


class UnsetType(enum.Enum):
    """The type of `UNSET`: an optional variable left out of the request (`None` sends null)."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = UnsetType.UNSET

Timeout = float | httpx.Timeout | None
GRAPHQL_TRANSPORT_WS: Final = Subprotocol("graphql-transport-ws")
_ACCEPT = "application/graphql-response+json, application/json;q=0.9"
_DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Operation(Generic[ModelT]):
    """One operation of the contract: the document sent, its name, the model `data` is read into."""

    name: str
    document: str
    result: type[ModelT]


# --- errors -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorLocation:
    line: int
    column: int


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a response's `errors` list (GraphQL spec §7.1.2)."""

    message: str
    path: tuple[str | int, ...] | None = None
    locations: tuple[ErrorLocation, ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: Any) -> GraphQLErrorDetail:
        """Read leniently: a server that sends a malformed error still gets its message through."""
        if not isinstance(raw, Mapping):
            return cls(message=str(raw))
        path = raw.get("path")
        locations = raw.get("locations")
        extensions = raw.get("extensions")
        return cls(
            message=str(raw.get("message", "")),
            path=tuple(path) if isinstance(path, list) else None,
            locations=tuple(
                ErrorLocation(int(location.get("line", 0)), int(location.get("column", 0)))
                for location in (locations if isinstance(locations, list) else [])
                if isinstance(location, Mapping)
            ),
            extensions=dict(extensions) if isinstance(extensions, Mapping) else {},
        )


class GraphQLClientError(Exception):
    """Base of every error the generated client raises."""


class GraphQLTransportError(GraphQLClientError):
    """No usable GraphQL response: connection failed, HTTP error status, or not a GraphQL reply.

    `status_code` and `response` are set when an HTTP response arrived; `close_code` when a
    subscription's WebSocket was closed before the server completed it.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        response: httpx.Response | None = None,
        close_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.response = response
        self.close_code = close_code


class GraphQLResponseError(GraphQLClientError):
    """The server answered with GraphQL errors; `data` holds whatever partial data came with them."""

    def __init__(
        self,
        errors: Sequence[GraphQLErrorDetail],
        data: dict[str, Any] | None = None,
        *,
        status_code: int | None = None,
    ) -> None:
        first = errors[0].message if errors else "unknown error"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{first}{more}")
        self.errors = tuple(errors)
        self.data = data
        self.status_code = status_code


class GraphQLDecodeError(GraphQLClientError):
    """`data` does not fit the operation's result model (the server and the contract disagree)."""

    def __init__(self, operation_name: str, data: Any, error: ValidationError) -> None:
        super().__init__(f"the result of {operation_name} does not match its model: {error}")
        self.operation_name = operation_name
        self.data = data
        self.validation_error = error


# --- the pure halves of a call: building requests, reading replies -----------------------------------


def json_value(value: Any) -> Any:
    """A variable as JSON: input models by alias without the fields the caller never set."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return to_jsonable_python(value)


def request_payload(
    document: str,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    extensions: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The GraphQL-over-HTTP request body; `UNSET` variables are left out, `None` ones sent as null."""
    payload: dict[str, Any] = {"query": document}
    if operation_name is not None:
        payload["operationName"] = operation_name
    sent = {
        name: json_value(value) for name, value in (variables or {}).items() if value is not UNSET
    }
    if sent:
        payload["variables"] = sent
    if extensions:
        payload["extensions"] = dict(extensions)
    return payload


def checked_data(payload: Any, response: httpx.Response | None = None) -> dict[str, Any]:
    """`data` of a GraphQL response, or the typed error it carries instead."""
    status_code = response.status_code if response is not None else None
    if not isinstance(payload, Mapping) or not ("data" in payload or "errors" in payload):
        raise GraphQLTransportError(
            "the reply is not a GraphQL response", status_code=status_code, response=response
        )
    data = payload.get("data")
    errors = payload.get("errors")
    if errors:
        details = [
            GraphQLErrorDetail.from_json(error)
            for error in (errors if isinstance(errors, list) else [errors])
        ]
        raise GraphQLResponseError(
            details, data if isinstance(data, dict) else None, status_code=status_code
        )
    if not isinstance(data, dict):
        raise GraphQLTransportError(
            "the GraphQL response has neither data nor errors",
            status_code=status_code,
            response=response,
        )
    return data


def response_data(response: httpx.Response) -> dict[str, Any]:
    """Read an HTTP reply: GraphQL errors win over the status (servers send 400 with them)."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    carries_errors = isinstance(payload, Mapping) and bool(payload.get("errors"))
    if not response.is_success and not carries_errors:
        request = response.request
        raise GraphQLTransportError(
            f"{request.method} {request.url} answered HTTP {response.status_code}",
            status_code=response.status_code,
            response=response,
        )
    return checked_data(payload, response)


def decode(operation: Operation[ModelT], data: dict[str, Any]) -> ModelT:
    try:
        return operation.result.model_validate(data)
    except ValidationError as error:
        raise GraphQLDecodeError(operation.name, data, error) from error


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    return data


# --- graphql-transport-ws ---------------------------------------------------------------------------


@dataclass
class _Step:
    """What to do after one server message: messages to send back, an event to hand out, or stop."""

    replies: list[str] = field(default_factory=list)
    data: dict[str, Any] | None = None
    done: bool = False


class _TransportWs:
    """The client side of graphql-transport-ws for one subscription (id "1"), without any I/O.

    connection_init → connection_ack → subscribe → next* → complete; pings are answered with
    pongs at any time. https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
    """

    ID = "1"

    def __init__(
        self, payload: dict[str, Any], connection_params: Mapping[str, Any] | None
    ) -> None:
        self.payload = payload
        self.connection_params = dict(connection_params or {})
        self.acknowledged = False
        self.completed = False

    def start(self) -> str:
        return json.dumps({"type": "connection_init", "payload": self.connection_params})

    def stop(self) -> str | None:
        """The `complete` to send when the caller stops listening early (None when nothing is running)."""
        if not self.acknowledged or self.completed:
            return None
        self.completed = True
        return json.dumps({"id": self.ID, "type": "complete"})

    def receive(self, raw: str | bytes) -> _Step:
        try:
            message = json.loads(raw)
        except ValueError as error:
            raise GraphQLTransportError(
                f"the server sent a message that is not JSON: {raw!r:.200}"
            ) from error
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            return _Step(replies=[json.dumps({"type": "pong"})])
        if kind == "pong":
            return _Step()
        if kind == "connection_ack" and not self.acknowledged:
            self.acknowledged = True
            return _Step(
                replies=[json.dumps({"id": self.ID, "type": "subscribe", "payload": self.payload})]
            )
        if self.acknowledged and isinstance(message, dict) and message.get("id") == self.ID:
            if kind == "next":
                return _Step(data=checked_data(message.get("payload")))
            if kind == "error":
                self.completed = True
                errors = message.get("payload")
                details = [
                    GraphQLErrorDetail.from_json(item)
                    for item in (errors if isinstance(errors, list) else [])
                ]
                raise GraphQLResponseError(
                    details or [GraphQLErrorDetail("the subscription was refused")]
                )
            if kind == "complete":
                self.completed = True
                return _Step(done=True)
        raise GraphQLTransportError(f"unexpected graphql-transport-ws message: {raw!r:.200}")


def _closed(error: ConnectionClosed) -> GraphQLTransportError:
    received = error.rcvd
    code = received.code if received is not None else None
    reason = f" ({received.reason})" if received is not None and received.reason else ""
    return GraphQLTransportError(
        f"the subscription's WebSocket closed with code {code}{reason}", close_code=code
    )


def _websocket_url(url: httpx.URL) -> str:
    scheme = {"http": "ws", "https": "wss"}.get(url.scheme, url.scheme)
    return str(url.copy_with(scheme=scheme))


def _connect_timeout(timeout: Timeout) -> float | None:
    return httpx.Timeout(timeout).connect


class Subscription(Generic[T]):
    """Events of one subscription, blocking: `for event in ...`; `with` closes it early.

    The WebSocket opens on the first `next()`; the iteration ends when the server completes the
    subscription. GraphQL errors raise `GraphQLResponseError`, a lost connection `GraphQLTransportError`.
    """

    def __init__(
        self, events: Generator[dict[str, Any], None, None], parse: Callable[[dict[str, Any]], T]
    ) -> None:
        self._events = events
        self._parse = parse

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        return self._parse(next(self._events))

    def close(self) -> None:
        """Stop listening: the server is told `complete` and the connection is closed."""
        self._events.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSubscription(Generic[T]):
    """Events of one subscription: `async for event in ...`; `async with` closes it early."""

    def __init__(
        self, events: AsyncGenerator[dict[str, Any], None], parse: Callable[[dict[str, Any]], T]
    ) -> None:
        self._events = events
        self._parse = parse

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        return self._parse(await self._events.__anext__())

    async def aclose(self) -> None:
        """Stop listening: the server is told `complete` and the connection is closed."""
        await self._events.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


# --- the two faces ----------------------------------------------------------------------------------


class _Core:
    """State shared by both faces: where to send, default headers, what a subscription connects with."""

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None,
        timeout: Timeout,
        ws_url: str | None,
        connection_params: Mapping[str, Any] | None,
        base_url: httpx.URL,
    ) -> None:
        self._url = url
        self._headers = dict(headers or {})
        self._timeout = timeout
        self._ws_url = ws_url if ws_url is not None else _websocket_url(base_url.join(url))
        self._connection_params = dict(connection_params or {})

    def _request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        payload: dict[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
    ) -> httpx.Request:
        sent = {"Accept": _ACCEPT, **self._headers, **(headers or {})}
        return http.build_request(
            "POST",
            self._url,
            json=payload,
            headers=sent,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is UNSET else timeout,
        )

    def _socket_options(
        self, headers: Mapping[str, str] | None, timeout: Timeout | UnsetType
    ) -> dict[str, Any]:
        return {
            "additional_headers": {**self._headers, **(headers or {})},
            "subprotocols": [GRAPHQL_TRANSPORT_WS],
            "open_timeout": _connect_timeout(self._timeout if timeout is UNSET else timeout),
        }


class SyncClientBase(_Core):
    """The blocking face: one `httpx.Client` (owned unless you passed `http_client`)."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout = _DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        ws_url: str | None = None,
        connection_params: Mapping[str, Any] | None = None,
    ) -> None:
        """`url` is the GraphQL endpoint; `ws_url` defaults to it with a ws(s) scheme.

        `connection_params` is the `connection_init` payload of subscriptions (auth tokens).
        """
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.Client(timeout=timeout, transport=transport)
        )
        super().__init__(url, headers, timeout, ws_url, connection_params, self._http.base_url)

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | UnsetType = UNSET,
        extensions: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send any document; returns the response's `data` (GraphQL errors raise)."""
        payload = request_payload(document, operation_name, variables, extensions)
        try:
            response = self._http.send(self._request(self._http, payload, headers, timeout))
        except httpx.TransportError as error:
            raise GraphQLTransportError(f"POST {self._url} failed: {error!r}") from error
        return response_data(response)

    def subscribe(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | UnsetType = UNSET,
        extensions: Mapping[str, Any] | None = None,
    ) -> Subscription[dict[str, Any]]:
        """Subscribe with any document; each event is the `data` of one `next` message."""
        payload = request_payload(document, operation_name, variables, extensions)
        return Subscription(self._events(payload, headers, timeout), _identity)

    def _execute(
        self,
        operation: Operation[ModelT],
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
        extensions: Mapping[str, Any] | None,
    ) -> ModelT:
        data = self.execute(
            operation.document,
            variables,
            operation_name=operation.name,
            headers=headers,
            timeout=timeout,
            extensions=extensions,
        )
        return decode(operation, data)

    def _subscribe(
        self,
        operation: Operation[ModelT],
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
        extensions: Mapping[str, Any] | None,
    ) -> Subscription[ModelT]:
        payload = request_payload(operation.document, operation.name, variables, extensions)

        def parse(data: dict[str, Any]) -> ModelT:
            return decode(operation, data)

        return Subscription(self._events(payload, headers, timeout), parse)

    def _events(
        self,
        payload: dict[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
    ) -> Generator[dict[str, Any], None, None]:
        protocol = _TransportWs(payload, self._connection_params)
        options = self._socket_options(headers, timeout)
        try:
            with connect_sync(self._ws_url, **options) as socket:
                socket.send(protocol.start())
                try:
                    while True:
                        wait = None if protocol.acknowledged else options["open_timeout"]
                        step = protocol.receive(socket.recv(timeout=wait))
                        for reply in step.replies:
                            socket.send(reply)
                        if step.data is not None:
                            yield step.data
                        if step.done:
                            return
                finally:
                    stop = protocol.stop()
                    if stop is not None:
                        try:
                            socket.send(stop)
                        except WebSocketException:
                            pass
        except ConnectionClosed as error:
            raise _closed(error) from error
        except (OSError, asyncio.TimeoutError, WebSocketException) as error:
            raise GraphQLTransportError(f"WebSocket {self._ws_url} failed: {error!r}") from error

    def close(self) -> None:
        """Close the underlying `httpx.Client` if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClientBase(_Core):
    """The asyncio face: one `httpx.AsyncClient` (owned unless you passed `http_client`)."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout = _DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        ws_url: str | None = None,
        connection_params: Mapping[str, Any] | None = None,
    ) -> None:
        """`url` is the GraphQL endpoint; `ws_url` defaults to it with a ws(s) scheme.

        `connection_params` is the `connection_init` payload of subscriptions (auth tokens).
        """
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(timeout=timeout, transport=transport)
        )
        super().__init__(url, headers, timeout, ws_url, connection_params, self._http.base_url)

    async def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | UnsetType = UNSET,
        extensions: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Send any document; returns the response's `data` (GraphQL errors raise)."""
        payload = request_payload(document, operation_name, variables, extensions)
        try:
            response = await self._http.send(self._request(self._http, payload, headers, timeout))
        except httpx.TransportError as error:
            raise GraphQLTransportError(f"POST {self._url} failed: {error!r}") from error
        return response_data(response)

    def subscribe(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | UnsetType = UNSET,
        extensions: Mapping[str, Any] | None = None,
    ) -> AsyncSubscription[dict[str, Any]]:
        """Subscribe with any document; each event is the `data` of one `next` message."""
        payload = request_payload(document, operation_name, variables, extensions)
        return AsyncSubscription(self._events(payload, headers, timeout), _identity)

    async def _execute(
        self,
        operation: Operation[ModelT],
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
        extensions: Mapping[str, Any] | None,
    ) -> ModelT:
        data = await self.execute(
            operation.document,
            variables,
            operation_name=operation.name,
            headers=headers,
            timeout=timeout,
            extensions=extensions,
        )
        return decode(operation, data)

    def _subscribe(
        self,
        operation: Operation[ModelT],
        variables: Mapping[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
        extensions: Mapping[str, Any] | None,
    ) -> AsyncSubscription[ModelT]:
        payload = request_payload(operation.document, operation.name, variables, extensions)

        def parse(data: dict[str, Any]) -> ModelT:
            return decode(operation, data)

        return AsyncSubscription(self._events(payload, headers, timeout), parse)

    async def _events(
        self,
        payload: dict[str, Any],
        headers: Mapping[str, str] | None,
        timeout: Timeout | UnsetType,
    ) -> AsyncGenerator[dict[str, Any], None]:
        protocol = _TransportWs(payload, self._connection_params)
        options = self._socket_options(headers, timeout)
        try:
            async with connect_async(self._ws_url, **options) as socket:
                await socket.send(protocol.start())
                try:
                    while True:
                        wait = None if protocol.acknowledged else options["open_timeout"]
                        step = protocol.receive(await asyncio.wait_for(socket.recv(), wait))
                        for reply in step.replies:
                            await socket.send(reply)
                        if step.data is not None:
                            yield step.data
                        if step.done:
                            return
                finally:
                    stop = protocol.stop()
                    if stop is not None:
                        try:
                            await socket.send(stop)
                        except WebSocketException:
                            pass
        except ConnectionClosed as error:
            raise _closed(error) from error
        except (OSError, asyncio.TimeoutError, WebSocketException) as error:
            raise GraphQLTransportError(f"WebSocket {self._ws_url} failed: {error!r}") from error

    async def aclose(self) -> None:
        """Close the underlying `httpx.AsyncClient` if this client created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
