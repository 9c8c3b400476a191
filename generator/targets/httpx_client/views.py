"""Operations → view models for the httpx client template.

Each operation becomes one request builder (`_build_<op>`: method, path, parameters, body,
declared responses, security) that both client faces call; everything printed is assembled here
from names that came from `ir.names` and values that went through `escaping`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.model import BodyKind, FormField, Operation, Param, ParamLocation, RequestBody, Response
from generator.ir.names import ClassName, NameScope, PythonIdentifier, constant_case, snake_case
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref
from generator.targets.layout import assigned, bracketed
from generator.targets.python_signatures import Argument, default_expression, param_type
from generator.targets.python_types import spell

CLIENT_ATTRIBUTES_RESERVED = ("close", "aclose")
"""Public methods of the runtime client bases: operations and tag groups must not shadow them."""

_BUILDER_NAMES_RESERVED = (
    "self",
    "body",
    "models",
    "datetime",
    "uuid",
    "body_json",
    "form_fields",
    "joined_items",
    "multipart_parts",
    "path_value",
)
"""Names a request builder's body refers to: a parameter of that name would shadow them."""

_PATH_TEMPLATE_PART = re.compile(r"(\{[^{}]*\})")
_LOCATION_KEYWORDS = {
    ParamLocation.QUERY: "query",
    ParamLocation.HEADER: "headers",
    ParamLocation.COOKIE: "cookies",
}


@dataclass(frozen=True)
class ClientOperationView:
    name: PythonIdentifier
    detailed_name: PythonIdentifier
    constant: PythonIdentifier
    operation_name: str
    method: str
    http_path: str
    summary: str
    description: str
    deprecated: bool
    arguments: tuple[Argument, ...]
    builder_arguments: tuple[Argument, ...]
    return_type: str
    responses: tuple[str, ...]
    security_literal: str
    path_expression: str
    request_keywords: tuple[str, ...]
    body_adapter: str | None
    constants: tuple[tuple[PythonIdentifier, str], ...]
    stream_name: PythonIdentifier | None = None
    """`<op>_stream` for binary downloads: the response, unread, inside a context manager."""
    pagination: PaginationView | None = None

    @property
    def body_adapter_value(self) -> str:
        """`TypeAdapter(<body_adapter>)`, laid out for its long assignment line."""
        return assigned(f"_{self.constant}_BODY: TypeAdapter[{self.body_adapter}]", f"TypeAdapter({self.body_adapter})")


@dataclass(frozen=True)
class PaginationView:
    """`iter_<op>`: the items of every page, paged by offset, page number or cursor.

    For `kind == "cursor"` the page is an object: its list field and next-cursor field are found
    by name at run time (`items`/`data`/`results`..., `nextCursor`/`next_page_token`...).
    """

    name: PythonIdentifier
    arguments: tuple[Argument, ...]
    position: PythonIdentifier
    start: str
    by_items: bool
    limit: PythonIdentifier | None
    item_type: str
    kind: str = "number"


_OFFSET_PARAMETERS = ("offset", "skip", "start")
_PAGE_PARAMETERS = ("page", "page_number", "pagenumber")
_NUMBER_PARAMETERS = ("offset", "skip", "start", "page", "page_number", "pagenumber")
_LIMIT_PARAMETERS = ("limit", "per_page", "perpage", "page_size", "pagesize", "size", "count")


_CURSOR_PARAMETERS = ("cursor", "after", "page_token", "pagetoken", "next_token", "nexttoken", "starting_after")


def is_list_operation(operation: Operation) -> bool:
    """A GET returning a JSON array, or taking a cursor: a candidate for `iter_<op>`."""
    successes = [response for response in operation.http.responses if response.is_success]
    if operation.http.method != "GET" or not successes:
        return False
    return isinstance(successes[0].type, ListOf) or _cursor_param(operation) is not None


def _cursor_param(operation: Operation) -> Param | None:
    return next(
        (
            param
            for param in operation.http.params
            if param.location is ParamLocation.QUERY
            and not param.required
            and param.wire_name.lower() in _CURSOR_PARAMETERS
            and param.type in (Primitive(PrimitiveKind.STRING), Nullable(Primitive(PrimitiveKind.STRING)))
        ),
        None,
    )


def pagination_view(operation: Operation, iter_name: str, arguments: tuple[Argument, ...]) -> PaginationView | None:
    """Recognise offset/page pagination of a GET returning a JSON array; None when it does not fit."""
    http = operation.http
    successes = [response for response in http.responses if response.is_success and response.status.isdigit()]
    if http.method != "GET" or not successes:
        return None
    cursor = _cursor_param(operation)
    if cursor is not None and isinstance(successes[0].type, Ref):
        return PaginationView(
            name=PythonIdentifier(iter_name),
            arguments=tuple(argument for argument in arguments if argument.name != cursor.name),
            position=cursor.name,
            start="None",
            by_items=False,
            limit=None,
            item_type="Any",
            kind="cursor",
        )
    if not isinstance(successes[0].type, ListOf):
        return None
    if not any(
        param.location is ParamLocation.QUERY and param.wire_name.lower() in _NUMBER_PARAMETERS for param in http.params
    ) and any(header.wire_name.lower() == "link" for header in successes[0].headers):
        return PaginationView(
            name=PythonIdentifier(iter_name),
            arguments=arguments,
            position=PythonIdentifier("url"),
            start="None",
            by_items=False,
            limit=None,
            item_type=spell(successes[0].type.item),
            kind="link",
        )
    integer_queries = {
        param.wire_name.lower(): param
        for param in http.params
        if param.location is ParamLocation.QUERY and param.type == Primitive(PrimitiveKind.INTEGER)
    }
    position = next((integer_queries[name] for name in _OFFSET_PARAMETERS if name in integer_queries), None)
    by_items = position is not None
    if position is None:
        position = next((integer_queries[name] for name in _PAGE_PARAMETERS if name in integer_queries), None)
    if position is None or position.required:
        return None
    limit = next((integer_queries[name] for name in _LIMIT_PARAMETERS if name in integer_queries), None)
    start = python_literal(position.default) if position.has_default else ("0" if by_items else "1")
    return PaginationView(
        name=PythonIdentifier(iter_name),
        arguments=tuple(argument for argument in arguments if argument.name != position.name),
        position=position.name,
        start=start,
        by_items=by_items,
        limit=limit.name if limit is not None else None,
        item_type=spell(successes[0].type.item),
    )


@dataclass(frozen=True)
class TagView:
    """One group of operations: a mixin class per face and the client attribute exposing it."""

    tag: str
    attribute: PythonIdentifier
    sync_class: ClassName
    async_class: ClassName
    operations: tuple[ClientOperationView, ...]


def returns_bytes(operation: Operation) -> bool:
    """Does the operation answer with a binary body, worth streaming instead of reading whole?"""
    return any(
        response.is_success and response.type == Primitive(PrimitiveKind.BINARY)
        for response in operation.http.responses
    )


def client_operation_view(
    operation: Operation,
    method_name: str,
    detailed_name: str,
    stream_name: str | None = None,
    iter_name: str | None = None,
) -> ClientOperationView:
    http = operation.http
    constant = constant_case(method_name)
    scope = NameScope(_BUILDER_NAMES_RESERVED)
    required: list[Argument] = []
    optional: list[Argument] = []
    constants: list[tuple[PythonIdentifier, str]] = []
    located: dict[ParamLocation, list[tuple[str, str]]] = {location: [] for location in ParamLocation}
    for param in http.params:
        name = PythonIdentifier(scope.claim(param.name))
        located[param.location].append((python_literal(param.wire_name), _wire_value(param, name)))
        argument = _param_argument(param, name)
        if argument.default is not None and "(" in argument.default:
            hoisted = PythonIdentifier(f"{constant}_{constant_case(param.name)}_DEFAULT")
            constants.append((hoisted, assigned(f"_{hoisted}", argument.default)))
            argument = Argument(name, argument.annotation, "_" + hoisted)
        (required if argument.default is None else optional).append(argument)
    request_keywords = (
        [bracketed("query=[", [f"({wire}, {name})" for wire, name in located[ParamLocation.QUERY]], "]", 8)]
        if located[ParamLocation.QUERY]
        else []
    )
    request_keywords.extend(
        bracketed(f"{_LOCATION_KEYWORDS[location]}={{", [f"{wire}: {name}" for wire, name in located[location]], "}", 8)
        for location in (ParamLocation.HEADER, ParamLocation.COOKIE)
        if located[location]
    )
    body_adapter = None
    if http.request_body is not None:
        body_arguments, keywords, body_adapter = _body(http.request_body, scope, constant)
        for argument in body_arguments:
            (required if argument.default is None else optional).append(argument)
        request_keywords.extend(keywords)
    arguments = (*required, *optional)
    return ClientOperationView(
        name=PythonIdentifier(method_name),
        detailed_name=PythonIdentifier(detailed_name),
        stream_name=PythonIdentifier(stream_name) if stream_name else None,
        pagination=pagination_view(operation, iter_name, arguments) if iter_name else None,
        constant=constant,
        operation_name=operation.operation_id or operation.name,
        method=http.method,
        http_path=http.path,
        summary=operation.summary,
        description=operation.doc,
        deprecated=operation.deprecated,
        arguments=arguments,
        builder_arguments=tuple(Argument(argument.name, argument.annotation) for argument in arguments),
        return_type=success_type(http.responses),
        responses=tuple(_declared_response(response) for response in http.responses),
        security_literal=python_literal([[use.scheme for use in requirement] for requirement in operation.security]),
        path_expression=_path_expression(http.path, located[ParamLocation.PATH]),
        request_keywords=tuple(request_keywords),
        body_adapter=body_adapter,
        constants=tuple(constants),
    )


def _wire_value(param: Param, name: PythonIdentifier) -> str:
    """The expression a builder hands the runtime for one parameter.

    Non-exploded query arrays, header and cookie arrays are joined with their style's delimiter
    here (`joined_items(status, ",")`); path arrays are joined by `path_value` (style simple, commas);
    exploded query arrays stay lists, which the runtime sends as repeated names.
    """
    if param.delimiter is None or param.location is ParamLocation.PATH:
        return name
    return f"joined_items({name}, {python_literal(param.delimiter)})"


def _param_argument(param: Param, name: PythonIdentifier) -> Argument:
    annotation = param_type(param)
    if param.required:
        return Argument(name, annotation)
    return Argument(name, annotation, default_expression(param) if param.has_default else "None")


def _path_expression(http_path: str, path_params: list[tuple[str, str]]) -> str:
    """`"/pets/" + path_value(pet_id)`: literal pieces of the template joined with encoded values."""
    names = dict(path_params)
    pieces: list[str] = []
    literal = ""
    for piece in _PATH_TEMPLATE_PART.split(http_path):
        name = names.get(python_literal(piece[1:-1])) if piece.startswith("{") and piece.endswith("}") else None
        if name is None:
            literal += piece
            continue
        if literal:
            pieces.append(python_literal(literal))
            literal = ""
        pieces.append(f"path_value({name})")
    if literal or not pieces:
        pieces.append(python_literal(literal))
    return " + ".join(pieces)


def _body(
    body: RequestBody, scope: NameScope, constant: PythonIdentifier
) -> tuple[list[Argument], list[str], str | None]:
    """Signature arguments, `RequestSpec` keywords and (for JSON) the type the body adapter checks."""
    if body.kind in (BodyKind.FORM, BodyKind.MULTIPART):
        arguments: list[Argument] = []
        pairs: list[str] = []
        fields: list[str] = []
        files: list[str] = []
        for form_field in body.fields:
            name = PythonIdentifier(scope.claim(form_field.name))
            arguments.append(_field_argument(form_field, name))
            pairs.append(f"({python_literal(form_field.wire_name)}, {name})")
            fields.append(f"{python_literal(form_field.wire_name)}: {name}")
            if form_field.is_file:
                files.append(form_field.wire_name)
        if body.kind is BodyKind.FORM:
            return arguments, [f"form=form_fields({{{', '.join(fields)}}})"], None
        return arguments, [f"multipart=multipart_parts([{', '.join(pairs)}], frozenset({python_literal(files)}))"], None
    name = PythonIdentifier("body")
    content_type = f"content_type={python_literal(body.media_type)}"
    if body.kind in (BodyKind.BINARY, BodyKind.TEXT):
        spelled = "bytes" if body.kind is BodyKind.BINARY else "str"
        argument = Argument(name, spelled) if body.required else Argument(name, f"{spelled} | None", "None")
        return [argument], [f"content={name}", content_type], None
    spelled = spell(body.type) if body.type is not None else "Any"
    argument = Argument(name, spelled) if body.required else Argument(name, f"{spelled} | None", "None")
    dump = f"body_json(_{constant}_BODY, {name})"
    keywords = [f"json_body={dump}" if body.required else f"json_body=None if {name} is None else {dump}"]
    if body.media_type != "application/json":
        keywords.append(content_type)
    return [argument], keywords, spelled


def _field_argument(form_field: FormField, name: PythonIdentifier) -> Argument:
    if form_field.is_file:
        spelled = "list[FileUpload]" if form_field.is_list else "FileUpload"
    else:
        spelled = spell(form_field.type)
    if form_field.required:
        return Argument(name, spelled)
    return Argument(name, f"{spelled} | None", "None")


def _response_kind(response: Response) -> str:
    if response.type is None or response.media_type is None:
        return "empty"
    if isinstance(response.type, Primitive) and response.type.kind is PrimitiveKind.BINARY:
        return "binary"
    if response.media_type.startswith("text/"):
        return "text"
    return "json"


def _declared_response(response: Response) -> str:
    kind = _response_kind(response)
    status = python_literal(response.status)
    if kind in ("empty", "binary") or response.type is None:
        return f"DeclaredResponse({status}, {python_literal(kind)})"
    return f"DeclaredResponse({status}, {python_literal(kind)}, TypeAdapter({spell(response.type)}))"


def _response_type(response: Response) -> str:
    kind = _response_kind(response)
    if kind == "empty" or response.type is None:
        return "None"
    return "bytes" if kind == "binary" else spell(response.type)


def success_type(responses: tuple[Response, ...]) -> str:
    """What a plain call returns: the body types of the declared 2xx responses (else of `default`)."""
    successes = [response for response in responses if response.status.startswith("2")]
    if not successes:
        successes = [response for response in responses if response.status == "default"]
    spelled: list[str] = []
    for response in sorted(successes, key=lambda response: response.status):
        text = _response_type(response)
        if text not in spelled:
            spelled.append(text)
    if not spelled:
        return "None"
    return " | ".join([*(text for text in spelled if text != "None"), *(["None"] if "None" in spelled else [])])


def tag_attribute(tag: str) -> PythonIdentifier:
    return snake_case(tag)
