"""The contract as frozen data: services, operations and their protocol bindings.

One `Contract` per generation run. Operations are protocol-neutral (name, docs, security); what
only HTTP knows lives in `HttpBinding`. GraphQL and gRPC bindings join as those readers land.
Values that came from the contract (docs, defaults, examples) are kept raw here and escaped only
by the renderer's filters.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.ir.names import ClassName, PythonIdentifier
from generator.ir.types import ListOf, Nullable, TypeRef

if TYPE_CHECKING:
    from generator.ir.graphql import GraphQLContract
    from generator.ir.proto import ProtoContract

JsonValue = Any
"""A value parsed from JSON/YAML (dict, list, str, int, float, bool, None)."""


class ParamLocation(enum.Enum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


class ParamStyle(enum.Enum):
    """How a parameter's value is written on the wire (OpenAPI 3.1 §4.8.12.4, `style`)."""

    FORM = "form"
    SIMPLE = "simple"
    SPACE_DELIMITED = "spaceDelimited"
    PIPE_DELIMITED = "pipeDelimited"
    DEEP_OBJECT = "deepObject"
    LABEL = "label"
    MATRIX = "matrix"


DEFAULT_STYLES = {
    ParamLocation.PATH: ParamStyle.SIMPLE,
    ParamLocation.QUERY: ParamStyle.FORM,
    ParamLocation.HEADER: ParamStyle.SIMPLE,
    ParamLocation.COOKIE: ParamStyle.FORM,
}
"""The style a parameter has when the contract names none; `explode` defaults to `style is FORM`."""

_ARRAY_DELIMITERS = {
    ParamStyle.FORM: ",",
    ParamStyle.SIMPLE: ",",
    ParamStyle.SPACE_DELIMITED: " ",
    ParamStyle.PIPE_DELIMITED: "|",
}


@dataclass(frozen=True)
class Constraint:
    """One validation keyword carried to the framework (`ge`, `max_length`, `pattern`...)."""

    keyword: str
    value: JsonValue


@dataclass(frozen=True)
class Param:
    wire_name: str
    name: PythonIdentifier
    location: ParamLocation
    type: TypeRef
    required: bool
    doc: str = ""
    has_default: bool = False
    default: JsonValue = None
    constraints: tuple[Constraint, ...] = ()
    item_constraints: tuple[Constraint, ...] = ()
    """An array parameter's constraints on each of its items (`minimum`, `pattern`...)."""
    deprecated: bool = False
    example: JsonValue = None
    style: ParamStyle = ParamStyle.FORM
    """As the contract says, or its location's default (`DEFAULT_STYLES`); the reader always sets it."""
    explode: bool = True

    @property
    def delimiter(self) -> str | None:
        """What separates an array's items inside one value (`a,b`, `a|b`, `a b`); None when not one value.

        Query arrays that explode repeat the name instead (`?tag=a&tag=b`); header and path arrays
        are always one comma-separated value (style simple); a cookie holds a single value, so its
        arrays are comma-separated whatever `explode` says. Scalars have no delimiter.
        """
        target = self.type.inner if isinstance(self.type, Nullable) else self.type
        if not isinstance(target, ListOf):
            return None
        if self.location is ParamLocation.COOKIE:
            return ","
        if self.location is ParamLocation.QUERY and self.explode:
            return None
        return _ARRAY_DELIMITERS.get(self.style)


class BodyKind(enum.Enum):
    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    BINARY = "binary"
    TEXT = "text"


@dataclass(frozen=True)
class FormField:
    """One field of a form or multipart body; files arrive as uploads, not strings."""

    wire_name: str
    name: PythonIdentifier
    type: TypeRef
    required: bool
    is_file: bool
    is_list: bool = False
    doc: str = ""
    wire_type: str = "string"
    """The JSON type the field's text stands for (its items' for an array): string, integer, number, boolean."""


@dataclass(frozen=True)
class RequestBody:
    media_type: str
    kind: BodyKind
    required: bool
    type: TypeRef | None = None
    fields: tuple[FormField, ...] = ()
    doc: str = ""
    schema_pointer: str = ""
    """JSON pointer to the body's schema in the shipped contract, for exact runtime validation."""


@dataclass(frozen=True)
class ResponseHeader:
    wire_name: str
    type: TypeRef
    required: bool
    doc: str = ""


@dataclass(frozen=True)
class Response:
    """One declared response. `status` is as written: `200`, `4XX` or `default`."""

    status: str
    doc: str
    media_type: str | None = None
    type: TypeRef | None = None
    headers: tuple[ResponseHeader, ...] = ()
    example: JsonValue = None
    has_example: bool = False

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


@dataclass(frozen=True)
class RouteCondition:
    """What tells an operation's requests apart from others on the same path and method.

    Written as the fragment of a contract path (`/#X-Amz-Target=Svc.Op`, `/tags/{arn}#tagKeys`, as
    AWS contracts do): the parameter `name` in `location` is present, with `value` if one is given.
    """

    location: ParamLocation
    name: str
    value: str | None = None


@dataclass(frozen=True)
class HttpBinding:
    method: str
    path: str
    """The contract's path key, fragment included (routes, the served document, contract test ids)."""
    params: tuple[Param, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    route_conditions: tuple[RouteCondition, ...] = ()
    """Conditions named by the path's `#` fragment, which a request carries in its parameters."""

    @property
    def url_path(self) -> str:
        """The path a request goes to: a fragment is never sent (RFC 3986 §3.5)."""
        return self.path.split("#", 1)[0]


class SecurityKind(enum.Enum):
    API_KEY = "apiKey"
    HTTP_BASIC = "basic"
    HTTP_BEARER = "bearer"
    OAUTH2 = "oauth2"
    OPENID_CONNECT = "openIdConnect"


@dataclass(frozen=True)
class OAuthFlow:
    flow: str
    token_url: str = ""
    authorization_url: str = ""
    refresh_url: str = ""
    scopes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SecurityScheme:
    """A `components.securitySchemes` entry; `key` is its name in the contract."""

    key: str
    name: PythonIdentifier
    kind: SecurityKind
    doc: str = ""
    location: ParamLocation | None = None
    param_name: str = ""
    bearer_format: str = ""
    flows: tuple[OAuthFlow, ...] = ()
    openid_connect_url: str = ""


@dataclass(frozen=True)
class SecurityUse:
    scheme: str
    scopes: tuple[str, ...] = ()


SecurityRequirement = tuple[SecurityUse, ...]
"""All of these schemes together (AND)."""


@dataclass(frozen=True)
class Operation:
    """One callable thing. `security` lists alternatives (OR); an empty alternative means anonymous."""

    name: PythonIdentifier
    operation_id: str
    summary: str
    doc: str
    tags: tuple[str, ...]
    deprecated: bool
    security: tuple[SecurityRequirement, ...]
    http: HttpBinding

    @property
    def requires_auth(self) -> bool:
        return bool(self.security) and all(requirement for requirement in self.security)


@dataclass(frozen=True)
class Webhook:
    """A request the service *sends*: an OpenAPI 3.1 `webhooks` entry or a 3.0 operation callback.

    `key` names it on the wire (the receiver's route); `expression` is the callback URL runtime
    expression as written (empty for webhooks, whose URL the subscriber registers out of band).
    """

    name: PythonIdentifier
    key: str
    summary: str
    doc: str
    body: RequestBody | None
    responses: tuple[Response, ...]
    expression: str = ""


@dataclass(frozen=True)
class Service:
    name: ClassName
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class ModelModule:
    """Generated pydantic models: the module source and the class given to each schema `$ref`."""

    source: str
    class_names: tuple[tuple[str, ClassName], ...] = ()


@dataclass(frozen=True)
class SourceFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class Contract:
    protocol: str
    title: str
    version: str
    description: str
    sources: tuple[SourceFile, ...]
    services: tuple[Service, ...]
    models: ModelModule
    security_schemes: tuple[SecurityScheme, ...] = ()
    document_json: str = ""
    tags: tuple[tuple[str, str], ...] = field(default=())
    webhooks: tuple[Webhook, ...] = ()
    graphql: GraphQLContract | None = None
    """The schema and client operations of a GraphQL contract (None for other protocols)."""
    proto: ProtoContract | None = None
    """The files, messages, enums and services of a .proto contract (None for other protocols)."""

    def scheme(self, key: str) -> SecurityScheme:
        for candidate in self.security_schemes:
            if candidate.key == key:
                return candidate
        raise KeyError(key)
