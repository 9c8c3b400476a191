"""Runtime support for the generated httpx client: requests, auth, response parsing, errors.

This file is copied verbatim by contractgen; it does not depend on the contract. The generated
`client.py` describes each operation as a `RequestSpec` (built by one plain function per
operation); `SyncClientBase` and `AsyncClientBase` differ only in how they send it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from typing_extensions import Self

__all__ = [
    "ApiError",
    "ApiKey",
    "AsyncClientBase",
    "Auth",
    "Basic",
    "Bearer",
    "DeclaredResponse",
    "DetailedResponse",
    "Endpoint",
    "FileUpload",
    "RequestSpec",
    "SecurityScheme",
    "SyncClientBase",
    "UnexpectedStatus",
    "body_json",
    "form_fields",
    "multipart_parts",
    "path_value",
]

T = TypeVar("T")

FileContent = bytes | IO[bytes]
FileUpload = FileContent | tuple[str, FileContent] | tuple[str, FileContent, str]
"""A file part: its bytes (or a binary file object), optionally with a file name and content type."""


@dataclass(frozen=True)
class ApiKey:
    """An API key, sent where the contract's scheme says (header, query or cookie)."""

    value: str


@dataclass(frozen=True)
class Basic:
    """HTTP basic credentials."""

    username: str
    password: str


@dataclass(frozen=True)
class Bearer:
    """A bearer token: HTTP bearer, OAuth2 and OpenID Connect schemes all send it this way."""

    token: str


@dataclass(frozen=True)
class ClientCredentials:
    """OAuth2 client-credentials grant: the client fetches (and refreshes) its own bearer token.

    `token_url` defaults to the contract's `clientCredentials` flow; the secret is sent with HTTP
    basic authentication (RFC 6749 §2.3.1).
    """

    client_id: str
    client_secret: str
    scopes: tuple[str, ...] = ()
    token_url: str = ""


Auth = ApiKey | Basic | Bearer | ClientCredentials

_AUTH_KINDS: Mapping[str, tuple[type[Auth], ...]] = {
    "apiKey": (ApiKey,),
    "basic": (Basic,),
    "bearer": (Bearer,),
    "oauth2": (Bearer, ClientCredentials),
    "openIdConnect": (Bearer,),
}
_TOKEN_LEEWAY_SECONDS = 30.0


@dataclass(frozen=True)
class SecurityScheme:
    """What the client needs to know about one `securitySchemes` entry to present a credential."""

    key: str
    kind: str
    location: str = ""
    name: str = ""
    token_url: str = ""


@dataclass(frozen=True)
class DeclaredResponse:
    """One response the contract declares: its status as written (`200`, `4XX`, `default`) and body.

    `kind` is how the body is read: `json` (validated by `adapter`), `text`, `binary` or `empty`.
    """

    status: str
    kind: str
    adapter: TypeAdapter[Any] | None = None

    def matches(self, status_code: int) -> bool:
        if self.status == "default":
            return True
        if self.status.endswith("XX"):
            return str(status_code)[0] == self.status[0]
        return self.status == str(status_code)

    def decode(self, response: httpx.Response) -> Any:
        if self.kind == "empty":
            return None
        if self.kind == "binary":
            return response.content
        if self.kind == "text":
            text = response.text
            return self.adapter.validate_python(text) if self.adapter is not None else text
        if self.adapter is None:
            return response.json() if response.content else None
        return self.adapter.validate_json(response.content)


@dataclass(frozen=True)
class Endpoint:
    """The fixed facts of one operation: method, declared responses, security alternatives."""

    name: str
    method: str
    responses: tuple[DeclaredResponse, ...]
    security: Sequence[Sequence[str]] = ()
    """Alternatives (OR) of scheme names that must all be presented (AND); `()` allows anonymous."""

    def find(self, status_code: int) -> DeclaredResponse | None:
        exact = [item for item in self.responses if item.status == str(status_code)]
        ranged = [
            item
            for item in self.responses
            if item.status.endswith("XX") and item.matches(status_code)
        ]
        fallback = [item for item in self.responses if item.status == "default"]
        candidates = exact or ranged or fallback
        return candidates[0] if candidates else None

    @property
    def declares_success(self) -> bool:
        return any(item.status.startswith("2") for item in self.responses)


@dataclass(frozen=True)
class RequestSpec(Generic[T]):
    """One call, ready to send: `T` is what a successful response parses to."""

    endpoint: Endpoint
    path: str
    query: Sequence[tuple[str, Any]] = ()
    headers: Mapping[str, Any] = field(default_factory=dict)
    cookies: Mapping[str, Any] = field(default_factory=dict)
    json_body: Any = None
    content: bytes | str | None = None
    content_type: str | None = None
    form: Mapping[str, Any] | None = None
    multipart: Sequence[tuple[str, Any]] | None = None


@dataclass(frozen=True)
class DetailedResponse:
    """Status, headers and parsed body of any declared response (nothing raised for those)."""

    status_code: int
    headers: httpx.Headers
    body: Any
    declared_status: str
    response: httpx.Response


class ApiError(Exception):
    """A declared non-2xx response; `body` is parsed with the contract's model for that status."""

    def __init__(self, response: httpx.Response, body: Any, declared_status: str) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url} answered {response.status_code}"
        )
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.declared_status = declared_status
        self.response = response


class UnexpectedStatus(Exception):
    """A status the contract does not declare for the operation; the raw response is kept."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(
            f"{response.request.method} {response.request.url} answered undeclared status {response.status_code}"
        )
        self.status_code = response.status_code
        self.response = response


def body_json(adapter: TypeAdapter[Any], value: Any) -> Any:
    """A JSON request body: aliases as in the contract, fields the caller never set left out."""
    return adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)


def text_value(value: Any) -> str:
    """A parameter or form value as wire text: enums by value, dates in ISO 8601, booleans lower-case."""
    plain = to_jsonable_python(value, by_alias=True)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    if isinstance(plain, (dict, list)):
        return json.dumps(plain, separators=(",", ":"))
    return str(plain)


def path_value(value: Any) -> str:
    """A path parameter, percent-encoded so it stays one segment; arrays are comma-separated (style simple)."""
    if isinstance(value, (list, tuple)):
        return ",".join(quote(text_value(item), safe="") for item in value)
    return quote(text_value(value), safe="")


def joined_items(values: Sequence[Any] | None, delimiter: str) -> str | None:
    """A non-exploded array as one value (`a,b`, `a|b`, `a b`); httpx percent-encodes it as a whole.

    An empty array is undefined (RFC 6570 §2.3): the parameter is left out, as an exploded empty
    array is.
    """
    if not values:
        return None
    return delimiter.join(text_value(item) for item in values)


def query_items(pairs: Sequence[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Query parameters; `None` is left out and lists repeat the name (style form, explode)."""
    items: list[tuple[str, str]] = []
    for name, value in pairs:
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        items.extend((name, text_value(item)) for item in values)
    return items


def header_value(value: Any) -> str:
    """A header parameter; lists are comma-separated (style simple)."""
    if isinstance(value, (list, tuple)):
        return ",".join(text_value(item) for item in value)
    return text_value(value)


def form_fields(pairs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (
            [text_value(item) for item in value]
            if isinstance(value, (list, tuple))
            else text_value(value)
        )
        for name, value in pairs.items()
        if value is not None
    }


def multipart_parts(
    pairs: Sequence[tuple[str, Any]], file_fields: frozenset[str]
) -> list[tuple[str, Any]]:
    """Multipart parts; text fields are sent as parts without a file name, so the body is always multipart."""
    parts: list[tuple[str, Any]] = []
    for name, value in pairs:
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            parts.append(
                (name, item if name in file_fields else (None, text_value(item).encode("utf-8")))
            )
    return parts


class _Credentials:
    """Credentials per scheme name, checked against the contract once, applied per request."""

    def __init__(
        self, schemes: Mapping[str, SecurityScheme], credentials: Mapping[str, Auth] | None
    ) -> None:
        self._schemes = schemes
        self._credentials = dict(credentials or {})
        for key, credential in self._credentials.items():
            scheme = schemes.get(key)
            if scheme is None:
                known = ", ".join(sorted(schemes)) or "none"
                raise ValueError(
                    f"no security scheme named {key!r} in the contract (known: {known})"
                )
            expected = _AUTH_KINDS[scheme.kind]
            if not isinstance(credential, expected):
                names = " or ".join(kind.__name__ for kind in expected)
                raise TypeError(f"scheme {key!r} ({scheme.kind}) takes {names}, not {credential!r}")
            if isinstance(credential, ClientCredentials) and not (
                credential.token_url or scheme.token_url
            ):
                raise ValueError(
                    f"scheme {key!r} has no clientCredentials token URL; pass token_url"
                )
        self._tokens: dict[str, tuple[str, float]] = {}

    def chosen(self, security: Sequence[Sequence[str]]) -> Sequence[str]:
        """The first requirement the client can fully satisfy (empty when none)."""
        for requirement in security:
            if all(key in self._credentials for key in requirement):
                return requirement
        return ()

    def token_request(self, key: str) -> httpx.Request | None:
        """The token request a client-credentials scheme needs now, or None while its token is fresh."""
        credential = self._credentials.get(key)
        if not isinstance(credential, ClientCredentials):
            return None
        cached = self._tokens.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return None
        form = {"grant_type": "client_credentials"}
        if credential.scopes:
            form["scope"] = " ".join(credential.scopes)
        secret = base64.b64encode(
            f"{credential.client_id}:{credential.client_secret}".encode()
        ).decode("ascii")
        return httpx.Request(
            "POST",
            credential.token_url or self._schemes[key].token_url,
            data=form,
            headers={"Authorization": f"Basic {secret}", "Accept": "application/json"},
        )

    def store_token(self, key: str, response: httpx.Response) -> None:
        """Keep the token from a token endpoint reply; a failed fetch raises with the reply."""
        if not response.is_success:
            raise ApiError(response, response.text, str(response.status_code))
        payload = response.json()
        expires_in = float(payload.get("expires_in", 3600))
        self._tokens[key] = (
            str(payload["access_token"]),
            time.monotonic() + expires_in - _TOKEN_LEEWAY_SECONDS,
        )

    def forget_tokens(self, keys: Sequence[str]) -> bool:
        """Drop cached tokens (after a 401); True if there was one to refresh."""
        return any(self._tokens.pop(key, None) is not None for key in keys)

    def apply(
        self,
        security: Sequence[Sequence[str]],
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
    ) -> None:
        """Present the credentials of the first requirement the client can fully satisfy."""
        for key in self.chosen(security):
            self._present(key, self._schemes[key], self._credentials[key], headers, query, cookies)

    def _present(
        self,
        key: str,
        scheme: SecurityScheme,
        credential: Auth,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: dict[str, str],
    ) -> None:
        if isinstance(credential, ApiKey):
            if scheme.location == "query":
                query.append((scheme.name, credential.value))
            elif scheme.location == "cookie":
                cookies[scheme.name] = credential.value
            else:
                headers[scheme.name] = credential.value
        elif isinstance(credential, Basic):
            token = base64.b64encode(
                f"{credential.username}:{credential.password}".encode()
            ).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        elif isinstance(credential, ClientCredentials):
            headers["Authorization"] = f"Bearer {self._tokens[key][0]}"
        else:
            headers["Authorization"] = f"Bearer {credential.token}"


def iterate_pages(
    fetch: Callable[[int], Sequence[T]], *, start: int, by_items: bool, page_size: int | None
) -> Iterator[T]:
    """Items across pages: the position advances by the items received (offset) or by one (page).

    Stops at an empty page, or at a page shorter than the requested page size.
    """
    position = start
    while True:
        page = fetch(position)
        yield from page
        if not page or (page_size is not None and len(page) < page_size):
            return
        position += len(page) if by_items else 1


async def aiterate_pages(
    fetch: Callable[[int], Awaitable[Sequence[T]]],
    *,
    start: int,
    by_items: bool,
    page_size: int | None,
) -> AsyncIterator[T]:
    """`iterate_pages` for the asyncio face."""
    position = start
    while True:
        page = await fetch(position)
        for item in page:
            yield item
        if not page or (page_size is not None and len(page) < page_size):
            return
        position += len(page) if by_items else 1


def next_link(response: httpx.Response) -> str | None:
    """The absolute URL of an RFC 8288 `Link: <...>; rel="next"` header, if the reply has one."""
    next_url = response.links.get("next", {}).get("url")
    return str(response.url.join(next_url)) if next_url else None


_ITEM_FIELDS = ("items", "data", "results", "entries", "values", "records", "content")
_NEXT_CURSOR_FIELDS = (
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next",
    "next_token",
)


def _page_fields(page: Any) -> dict[str, Any]:
    """A page model's fields by lower-cased wire name (alias), or a plain dict's keys."""
    if isinstance(page, BaseModel):
        return {
            (info.alias or name).lower(): getattr(page, name)
            for name, info in type(page).model_fields.items()
        }
    return (
        {str(key).lower(): value for key, value in page.items()} if isinstance(page, dict) else {}
    )


def cursor_page(page: Any) -> tuple[list[Any], str | None]:
    """The items of a cursor-paged reply and the cursor of the next page (None on the last)."""
    fields = _page_fields(page)
    items = next(
        (fields[name] for name in _ITEM_FIELDS if isinstance(fields.get(name), list)), None
    )
    if items is None:
        items = next((value for value in fields.values() if isinstance(value, list)), [])
    cursor = next((fields[name] for name in _NEXT_CURSOR_FIELDS if fields.get(name)), None)
    return list(items), str(cursor) if cursor is not None else None


def iterate_cursor_pages(fetch: Callable[[str | None], Any]) -> Iterator[Any]:
    """Items across cursor-paged replies, following each page's next cursor until there is none."""
    cursor: str | None = None
    while True:
        items, cursor = cursor_page(fetch(cursor))
        yield from items
        if cursor is None or not items:
            return


async def aiterate_cursor_pages(
    fetch: Callable[[str | None], Awaitable[Any]],
) -> AsyncIterator[Any]:
    """`iterate_cursor_pages` for the asyncio face."""
    cursor: str | None = None
    while True:
        items, cursor = cursor_page(await fetch(cursor))
        for item in items:
            yield item
        if cursor is None or not items:
            return


IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True)
class Retry:
    """Retries of idempotent calls on connection errors and on 429/502/503/504, with backoff.

    The wait doubles from `backoff` seconds (capped at `max_backoff`); a numeric `Retry-After`
    header is honoured up to the cap. `Retry(attempts=1)` turns retrying off.
    """

    attempts: int = 3
    backoff: float = 0.2
    max_backoff: float = 5.0
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def again(self, method: str, attempt: int, response: httpx.Response | None) -> bool:
        """Should a call that has now failed `attempt + 1` times be sent once more?"""
        return method in IDEMPOTENT_METHODS and self.worth_another_try(attempt, response)

    def worth_another_try(self, attempt: int, response: httpx.Response | None) -> bool:
        """Attempts left, and a connection error (`response is None`) or a retryable status."""
        if attempt + 1 >= self.attempts:
            return False
        return response is None or response.status_code in self.statuses

    def delay(self, attempt: int, response: httpx.Response | None) -> float:
        retry_after = response.headers.get("Retry-After", "") if response is not None else ""
        if retry_after.strip().isdigit():
            return min(float(retry_after), self.max_backoff)
        return float(min(self.backoff * 2**attempt, self.max_backoff))


class _Core:
    """State and the pure halves of a call shared by both faces: building requests, reading replies."""

    def __init__(
        self,
        base_url: str | None,
        schemes: Mapping[str, SecurityScheme],
        credentials: Mapping[str, Auth] | None,
        headers: Mapping[str, str] | None,
        retry: Retry | None,
    ) -> None:
        self._base_url = base_url.rstrip("/") if base_url else ""
        self._credentials = _Credentials(schemes, credentials)
        self._default_headers = dict(headers or {})
        self._retry = retry if retry is not None else Retry()

    def _request(
        self, http: httpx.Client | httpx.AsyncClient, spec: RequestSpec[Any], url: str | None = None
    ) -> httpx.Request:
        """The request for `spec`; `url` (a followed `Link`) replaces its path and query."""
        headers = dict(self._default_headers)
        headers.update(
            {name: header_value(value) for name, value in spec.headers.items() if value is not None}
        )
        query = query_items(spec.query) if url is None else []
        cookies = {
            name: text_value(value) for name, value in spec.cookies.items() if value is not None
        }
        self._credentials.apply(spec.endpoint.security, headers, query, cookies)
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        if spec.content_type is not None:
            headers["Content-Type"] = spec.content_type
        return http.build_request(
            spec.endpoint.method,
            url if url is not None else self._base_url + spec.path,
            params=tuple(query) or None,
            headers=headers,
            json=spec.json_body,
            content=spec.content,
            data=spec.form,
            files=spec.multipart,
        )

    @staticmethod
    def _declared(spec: RequestSpec[Any], response: httpx.Response) -> DeclaredResponse:
        declared = spec.endpoint.find(response.status_code)
        if declared is None:
            raise UnexpectedStatus(response)
        if response.is_success and declared.status == "default" and spec.endpoint.declares_success:
            raise UnexpectedStatus(response)
        return declared

    @staticmethod
    def _error_body(declared: DeclaredResponse, response: httpx.Response) -> Any:
        """An error body parsed with its model when it fits; the raw JSON or text when it does not."""
        try:
            return declared.decode(response)
        except (ValidationError, ValueError):
            try:
                return response.json()
            except ValueError:
                return response.text

    def _result(self, spec: RequestSpec[T], response: httpx.Response) -> T:
        declared = self._declared(spec, response)
        if not response.is_success:
            raise ApiError(response, self._error_body(declared, response), declared.status)
        result: T = declared.decode(response)
        return result

    def _detailed(self, spec: RequestSpec[Any], response: httpx.Response) -> DetailedResponse:
        declared = self._declared(spec, response)
        body = (
            declared.decode(response)
            if response.is_success
            else self._error_body(declared, response)
        )
        return DetailedResponse(
            response.status_code, response.headers, body, declared.status, response
        )


class SyncClientBase(_Core):
    """The blocking face: one `httpx.Client`, owned unless you passed `http_client`."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        schemes: Mapping[str, SecurityScheme],
        credentials: Mapping[str, Auth] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = 5.0,
        http_client: httpx.Client | None = None,
        retry: Retry | None = None,
    ) -> None:
        if http_client is None and not base_url:
            raise ValueError("give base_url, or an http_client that has one")
        super().__init__(base_url, schemes, credentials, headers, retry)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)

    def _send(self, spec: RequestSpec[Any], url: str | None = None) -> httpx.Response:
        keys = self._credentials.chosen(spec.endpoint.security)
        response = self._send_with_retries(spec, keys, url)
        if response.status_code == 401 and self._credentials.forget_tokens(keys):
            response.close()
            response = self._send_with_retries(spec, keys, url)
        return response

    def _iterate_links(self, spec: RequestSpec[list[T]]) -> Iterator[T]:
        url: str | None = None
        while True:
            response = self._send(spec, url)
            page = self._result(spec, response)
            yield from page
            followed, url = url, next_link(response)
            if url is None or url == followed or not page:
                return

    def _fetch_tokens(self, keys: Sequence[str]) -> None:
        for key in keys:
            token_request = self._credentials.token_request(key)
            if token_request is not None:
                self._credentials.store_token(key, self._http.send(token_request))

    def _send_with_retries(
        self, spec: RequestSpec[Any], keys: Sequence[str], url: str | None = None
    ) -> httpx.Response:
        method = spec.endpoint.method
        attempt = 0
        while True:
            try:
                self._fetch_tokens(keys)
                response = self._http.send(self._request(self._http, spec, url))
            except httpx.TransportError:
                if not self._retry.again(method, attempt, None):
                    raise
                response = None
            if response is not None and not self._retry.again(method, attempt, response):
                return response
            if response is not None:
                response.close()
            time.sleep(self._retry.delay(attempt, response))
            attempt += 1

    def _call(self, spec: RequestSpec[T]) -> T:
        return self._result(spec, self._send(spec))

    @contextmanager
    def _stream(self, spec: RequestSpec[Any]) -> Iterator[httpx.Response]:
        """The response with its body unread; a declared error still raises `ApiError`."""
        self._fetch_tokens(self._credentials.chosen(spec.endpoint.security))
        response = self._http.send(self._request(self._http, spec), stream=True)
        try:
            if not response.is_success:
                response.read()
                self._result(spec, response)
            yield response
        finally:
            response.close()

    def _call_detailed(self, spec: RequestSpec[Any]) -> DetailedResponse:
        return self._detailed(spec, self._send(spec))

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
    """The asyncio face: one `httpx.AsyncClient`, owned unless you passed `http_client`."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        schemes: Mapping[str, SecurityScheme],
        credentials: Mapping[str, Auth] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = 5.0,
        http_client: httpx.AsyncClient | None = None,
        retry: Retry | None = None,
    ) -> None:
        if http_client is None and not base_url:
            raise ValueError("give base_url, or an http_client that has one")
        super().__init__(base_url, schemes, credentials, headers, retry)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)

    async def _send(self, spec: RequestSpec[Any], url: str | None = None) -> httpx.Response:
        keys = self._credentials.chosen(spec.endpoint.security)
        response = await self._send_with_retries(spec, keys, url)
        if response.status_code == 401 and self._credentials.forget_tokens(keys):
            await response.aclose()
            response = await self._send_with_retries(spec, keys, url)
        return response

    async def _iterate_links(self, spec: RequestSpec[list[T]]) -> AsyncIterator[T]:
        url: str | None = None
        while True:
            response = await self._send(spec, url)
            page = self._result(spec, response)
            for item in page:
                yield item
            followed, url = url, next_link(response)
            if url is None or url == followed or not page:
                return

    async def _fetch_tokens(self, keys: Sequence[str]) -> None:
        for key in keys:
            token_request = self._credentials.token_request(key)
            if token_request is not None:
                self._credentials.store_token(key, await self._http.send(token_request))

    async def _send_with_retries(
        self, spec: RequestSpec[Any], keys: Sequence[str], url: str | None = None
    ) -> httpx.Response:
        method = spec.endpoint.method
        attempt = 0
        while True:
            try:
                await self._fetch_tokens(keys)
                response = await self._http.send(self._request(self._http, spec, url))
            except httpx.TransportError:
                if not self._retry.again(method, attempt, None):
                    raise
                response = None
            if response is not None and not self._retry.again(method, attempt, response):
                return response
            if response is not None:
                await response.aclose()
            await asyncio.sleep(self._retry.delay(attempt, response))
            attempt += 1

    async def _call(self, spec: RequestSpec[T]) -> T:
        return self._result(spec, await self._send(spec))

    @asynccontextmanager
    async def _stream(self, spec: RequestSpec[Any]) -> AsyncIterator[httpx.Response]:
        """The response with its body unread; a declared error still raises `ApiError`."""
        await self._fetch_tokens(self._credentials.chosen(spec.endpoint.security))
        response = await self._http.send(self._request(self._http, spec), stream=True)
        try:
            if not response.is_success:
                await response.aread()
                self._result(spec, response)
            yield response
        finally:
            await response.aclose()

    async def _call_detailed(self, spec: RequestSpec[Any]) -> DetailedResponse:
        return self._detailed(spec, await self._send(spec))

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


SIGNATURE_HEADER = "X-Contractgen-Signature"


def payload_signature(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC of the raw body>`, as the generated webhook receivers check it."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _webhook_request(
    url: str,
    adapter: TypeAdapter[Any] | None,
    payload: Any,
    secret: str | None,
    headers: Mapping[str, str],
) -> httpx.Request:
    body = (
        adapter.dump_json(payload, by_alias=True, exclude_unset=True)
        if adapter is not None
        else b""
    )
    sent = {"Content-Type": "application/json", **headers} if adapter is not None else dict(headers)
    if secret is not None:
        sent[SIGNATURE_HEADER] = payload_signature(secret, body)
    return httpx.Request("POST", url, content=body, headers=sent)


_DELIVERY_RETRY = Retry(statuses=frozenset({429, 500, 502, 503, 504}))


class WebhookSenderBase:
    """Delivers webhooks and callbacks: signed with `secret` (HMAC-SHA256), retried on failure.

    Deliveries are POSTs but are retried all the same: webhook receivers are expected to be idempotent.

    A delivery answered with a non-2xx status after the last attempt raises `UnexpectedStatus`.
    """

    def __init__(
        self,
        *,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = 5.0,
        http_client: httpx.Client | None = None,
        retry: Retry | None = None,
    ) -> None:
        self._secret = secret
        self._headers = dict(headers or {})
        self._retry = retry if retry is not None else _DELIVERY_RETRY
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)

    def _deliver(self, url: str, adapter: TypeAdapter[Any] | None, payload: Any) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response: httpx.Response | None = self._http.send(
                    _webhook_request(url, adapter, payload, self._secret, self._headers)
                )
            except httpx.TransportError:
                if not self._retry.worth_another_try(attempt, None):
                    raise
                response = None
            if response is not None and not self._retry.worth_another_try(attempt, response):
                if not response.is_success:
                    raise UnexpectedStatus(response)
                return response
            time.sleep(self._retry.delay(attempt, response))
            attempt += 1

    def close(self) -> None:
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


class AsyncWebhookSenderBase:
    """`WebhookSenderBase` for asyncio."""

    def __init__(
        self,
        *,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = 5.0,
        http_client: httpx.AsyncClient | None = None,
        retry: Retry | None = None,
    ) -> None:
        self._secret = secret
        self._headers = dict(headers or {})
        self._retry = retry if retry is not None else _DELIVERY_RETRY
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)

    async def _deliver(
        self, url: str, adapter: TypeAdapter[Any] | None, payload: Any
    ) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response: httpx.Response | None = await self._http.send(
                    _webhook_request(url, adapter, payload, self._secret, self._headers)
                )
            except httpx.TransportError:
                if not self._retry.worth_another_try(attempt, None):
                    raise
                response = None
            if response is not None and not self._retry.worth_another_try(attempt, response):
                if not response.is_success:
                    raise UnexpectedStatus(response)
                return response
            await asyncio.sleep(self._retry.delay(attempt, response))
            attempt += 1

    async def aclose(self) -> None:
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
