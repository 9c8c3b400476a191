"""Operations → view models for the FastAPI templates.

Everything a template prints is computed here: annotations, defaults and literal arguments are
assembled from names that came from `ir.names` and values that went through `escaping`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.model import BodyKind, Operation, Param, ParamLocation, RequestBody, Response, RouteCondition
from generator.ir.names import PythonIdentifier, constant_case, file_stem
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, TypeRef
from generator.targets.fastapi.security_views import SecurityDependencyView
from generator.targets.python_signatures import Argument, default_expression, param_type, unwrap
from generator.targets.python_types import spell

_PARAM_FUNCTIONS = {
    ParamLocation.PATH: "Path",
    ParamLocation.QUERY: "Query",
    ParamLocation.HEADER: "Header",
    ParamLocation.COOKIE: "Cookie",
}
_STARLETTE_PATH_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class OperationView:
    name: PythonIdentifier
    constant: PythonIdentifier
    method: str
    route_path: str
    operation_id: str
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    route_arguments: tuple[Argument, ...]
    service_arguments: tuple[Argument, ...]
    call_arguments: tuple[PythonIdentifier, ...]
    return_type: str
    default_status: int
    declared_responses: tuple[str, ...]
    responses_doc: str
    security: SecurityDependencyView | None
    example_adapter: str | None
    example_headers: str
    constants: tuple[tuple[PythonIdentifier, str], ...] = ()
    strict_body: str | None = None
    primary_status: str = "200"
    contract_path: str | None = None
    """The contract's path template when the route had to rename a parameter Starlette cannot route."""
    path_discriminator: str | None = None
    """`PathDiscriminator(...)` for a path whose `#` fragment tells its requests apart (AWS)."""


def operation_view(operation: Operation, security: SecurityDependencyView | None) -> OperationView:
    http = operation.http
    route_path = http.path
    route_args: list[Argument] = [
        # The service comes from `request.app.state` in the route's body: a FastAPI dependency
        # would cost more per request than the whole lookup.
        Argument(PythonIdentifier("request"), "Request")
    ]
    service_args: list[Argument] = []
    if security is not None:
        credentials_type = "Credentials | None" if security.anonymous_allowed else "Credentials"
        route_args.append(
            Argument(PythonIdentifier("auth"), f"Annotated[{credentials_type}, Depends(security.{security.name})]")
        )
        service_args.append(Argument(PythonIdentifier("auth"), credentials_type))
    optional_route_args: list[Argument] = []
    constants: list[tuple[PythonIdentifier, str]] = []
    for param in http.params:
        argument, route_path = _param_argument(param, route_path)
        if argument.default is not None and "(" in argument.default:
            constant = PythonIdentifier(f"_{constant_case(operation.name)}_{constant_case(param.name)}_DEFAULT")
            constants.append((constant, argument.default))
            argument = Argument(argument.name, argument.annotation, constant)
        (route_args if argument.default is None else optional_route_args).append(argument)
        service_args.append(Argument(param.name, param_type(param)))
    if http.request_body is not None:
        body_route, body_service = _body_arguments(http.request_body)
        for argument in body_route:
            (route_args if argument.default is None else optional_route_args).append(argument)
        service_args.extend(body_service)
    primary = primary_response(http.responses)
    default_status = _status_number(primary.status) if primary is not None else 200
    return_type = _body_type(primary) if primary is not None else "None"
    return OperationView(
        name=operation.name,
        constant=constant_case(operation.name),
        method=http.method,
        route_path=route_path,
        operation_id=operation.operation_id or operation.name,
        summary=operation.summary,
        description=operation.doc,
        tags=operation.tags[:1] or ("default",),
        deprecated=operation.deprecated,
        route_arguments=tuple(route_args + optional_route_args),
        service_arguments=tuple(service_args),
        call_arguments=tuple(argument.name for argument in service_args),
        return_type=return_type,
        default_status=default_status,
        declared_responses=tuple(_declared_response(response) for response in http.responses),
        responses_doc=_responses_doc(http.responses),
        security=security,
        example_adapter=_example_adapter(primary),
        example_headers=python_literal(
            {header.wire_name: _header_example(header.type) for header in primary.headers} if primary else {}
        ),
        constants=tuple(constants),
        strict_body=_strict_body(http.request_body),
        primary_status=primary.status if primary is not None else "200",
        contract_path=http.path if route_path != http.path else None,
        path_discriminator=_path_discriminator(http.method, route_path, http.route_conditions),
    )


def _path_discriminator(method: str, route_path: str, conditions: tuple[RouteCondition, ...]) -> str | None:
    """The runtime's description of a fragment-keyed route: where its requests go, and how they are told apart."""
    if not conditions:
        return None
    base_path, _, fragment = route_path.partition("#")
    written = [
        [
            condition.location.value,
            condition.name.lower() if condition.location is ParamLocation.HEADER else condition.name,
            condition.value,
        ]
        for condition in conditions
    ]
    arguments = ", ".join(python_literal(value) for value in (method, base_path, "#" + fragment, written))
    return f"PathDiscriminator({arguments})"


def _strict_body(body: RequestBody | None) -> str | None:
    """`Depends(contract_json_body(...))` / `Depends(contract_form_body(...))`: JSON and urlencoded
    bodies are checked against the contract's own schema (a form as the JSON values its fields spell)."""
    if body is None or not body.schema_pointer:
        return None
    pointer = python_literal(body.schema_pointer)
    if body.kind is BodyKind.JSON:
        return f"Depends(contract_json_body({pointer}))"
    if body.kind is BodyKind.FORM:
        types = python_literal({field.wire_name: field.wire_type for field in body.fields})
        arrays = python_literal([field.wire_name for field in body.fields if field.is_list])
        return f"Depends(contract_form_body({pointer}, {types}, {arrays}, required={body.required}))"
    return None


def primary_response(responses: tuple[Response, ...]) -> Response | None:
    """The response a plain return value becomes: the lowest 2xx, else `default`, else the lowest
    status the operation declares at all.

    An operation may declare no success (adobe.com's `script.html`: only 404 "servlet disabled"
    and 405 "servlet active"); answering 200 there would be an undeclared status, which the app
    turns into a 500, so the mock answers with a status the contract names.
    """
    numbered = sorted(
        (response for response in responses if response.status.isdigit()), key=lambda response: response.status
    )
    successes = [response for response in numbered if response.status[:1] == "2"]
    if successes:
        return successes[0]
    fallback = next((response for response in responses if response.status == "default"), None)
    return fallback or next(iter(numbered), None)


def _status_number(status: str) -> int:
    return int(status) if status.isdigit() else 200


def _body_type(response: Response) -> str:
    return spell(response.type) if response.type is not None else "None"


def _example_adapter(response: Response | None) -> str | None:
    if response is None or response.type is None or not response.has_example:
        return None
    return spell(response.type)


def _header_example(type_ref: TypeRef) -> str:
    if isinstance(type_ref, Primitive) and type_ref.kind in (PrimitiveKind.INTEGER, PrimitiveKind.NUMBER):
        return "1"
    if isinstance(type_ref, Primitive) and type_ref.kind is PrimitiveKind.BOOLEAN:
        return "true"
    return "/example"


def _param_argument(param: Param, route_path: str) -> tuple[Argument, str]:
    keywords: list[str] = []
    route_name = param.wire_name
    if param.location is ParamLocation.PATH and not _STARLETTE_PATH_PARAM.fullmatch(param.wire_name):
        route_path = route_path.replace("{" + param.wire_name + "}", "{" + param.name + "}")
        route_name = param.name
    elif param.wire_name != param.name or param.location is ParamLocation.HEADER:
        keywords.append(f"alias={python_literal(param.wire_name)}")
    if param.doc:
        keywords.append(f"description={python_literal(param.doc)}")
    if param.deprecated:
        keywords.append("deprecated=True")
    constraints = [
        f"{item.keyword}={python_literal(item.value)}" for item in param.constraints if item.keyword != "python_pattern"
    ]
    if isinstance(unwrap(param.type), ListOf) and param.location is ParamLocation.HEADER:
        keywords.append("convert_underscores=False")
    validators = ", BeforeValidator(iso_text_only)" if _is_temporal(param.type) else ""
    validators += "".join(
        f", AfterValidator(python_pattern({python_literal(item.value)}))"
        for item in param.constraints
        if item.keyword == "python_pattern"
    )
    if param.delimiter is not None and param.location is ParamLocation.PATH:
        return Argument(param.name, _path_items(param, route_name, constraints, validators)), route_path
    # Before validators run last-written first: a delimited value is split before anything else sees it.
    validators += _splitter(param)
    call = f"{_PARAM_FUNCTIONS[param.location]}({', '.join([*keywords, *constraints])})"
    annotation = f"Annotated[{_checked_type(param)}, {call}{validators}]"
    default = None
    if not param.required:
        default = default_expression(param) if param.has_default else "None"
    return Argument(param.name, annotation, default), route_path


def _checked_type(param: Param) -> str:
    """`param_type`, with an array's item constraints on its items: `list[Annotated[int, Field(ge=0)]]`."""
    if not param.item_constraints:
        return param_type(param)
    target = unwrap(param.type)
    assert isinstance(target, ListOf)
    keywords = [
        f"{item.keyword}={python_literal(item.value)}"
        for item in param.item_constraints
        if item.keyword != "python_pattern"
    ]
    metadata = [f"Field({', '.join(keywords)})"] if keywords else []
    metadata.extend(
        f"AfterValidator(python_pattern({python_literal(item.value)}))"
        for item in param.item_constraints
        if item.keyword == "python_pattern"
    )
    checked_list = f"list[Annotated[{spell(target.item)}, {', '.join(metadata)}]]"
    accepts_none = isinstance(param.type, Nullable) or (not param.required and not param.has_default)
    return f"{checked_list} | None" if accepts_none else checked_list


def _splitter(param: Param) -> str:
    """The validator that splits a non-exploded array (`a,b`) into items; headers follow RFC 9110 lists."""
    if param.delimiter is None:
        return ""
    if param.location is ParamLocation.HEADER:
        return ", BeforeValidator(header_items)"
    return f", BeforeValidator(split_items({python_literal(param.delimiter)}))"


def _path_items(param: Param, route_name: str, constraints: list[str], validators: str) -> str:
    """`Depends(path_items(...))`: FastAPI routes scalar path parameters only, so the runtime splits arrays.

    The segment is declared as text under its route name; the list, its constraints and its item
    type are checked by a `TypeAdapter` built from the pieces a query parameter's annotation has.
    """
    spelled = param_type(param)
    metadata = (f", Field({', '.join(constraints)})" if constraints else "") + validators
    item_checked = _checked_type(param)
    checked = f"Annotated[{item_checked}{metadata}]" if metadata else item_checked
    keywords = [f"alias={python_literal(route_name)}"]
    if param.doc:
        keywords.append(f"description={python_literal(param.doc)}")
    if param.deprecated:
        keywords.append("deprecated=True")
    depends = f"path_items({python_literal(param.wire_name)}, TypeAdapter({checked}), Path({', '.join(keywords)}))"
    return f"Annotated[{spelled}, Depends({depends})]"


def _is_temporal(type_ref: TypeRef) -> bool:
    target = unwrap(type_ref)
    return isinstance(target, Primitive) and target.kind in (
        PrimitiveKind.DATE,
        PrimitiveKind.DATETIME,
        PrimitiveKind.TIME,
    )


def _body_arguments(body: RequestBody) -> tuple[list[Argument], list[Argument]]:
    if body.kind in (BodyKind.FORM, BodyKind.MULTIPART):
        route: list[Argument] = []
        service: list[Argument] = []
        for form_field in body.fields:
            if form_field.is_file:
                spelled = "list[UploadFile]" if form_field.is_list else "UploadFile"
                function = "File"
            else:
                spelled = spell(form_field.type)
                function = "Form"
            keywords = f"alias={python_literal(form_field.wire_name)}"
            if not form_field.required:
                spelled = f"{spelled} | None"
            elif body.kind is BodyKind.FORM and form_field.is_list and not form_field.is_file:
                # An empty array sends no field at all (style form, explode); the contract check
                # (`contract_form_body`) holds it to `minItems`.
                keywords += ", default_factory=list"
            annotation = f"Annotated[{spelled}, {function}({keywords})]"
            route.append(Argument(form_field.name, annotation, None if form_field.required else "None"))
            service.append(Argument(form_field.name, spelled))
        return route, service
    name = PythonIdentifier("body")
    if body.kind is BodyKind.BINARY:
        return [Argument(name, "Annotated[bytes, Depends(read_body)]")], [Argument(name, "bytes")]
    if body.kind is BodyKind.TEXT:
        return [Argument(name, "Annotated[str, Depends(read_text)]")], [Argument(name, "str")]
    spelled = spell(body.type) if body.type is not None else "Any"
    if body.required:
        return [Argument(name, f"Annotated[{spelled}, Body()]")], [Argument(name, spelled)]
    optional = f"{spelled} | None"
    return [Argument(name, f"Annotated[{optional}, Body()]", "None")], [Argument(name, optional)]


def _declared_response(response: Response) -> str:
    adapter = f"TypeAdapter({spell(response.type)})" if response.type is not None else "None"
    media_type = python_literal(response.media_type)
    return f"DeclaredResponse({python_literal(response.status)}, {adapter}, {media_type})"


def _responses_doc(responses: tuple[Response, ...]) -> str:
    """The `responses=` argument FastAPI uses to document every declared status."""
    entries: list[str] = []
    for response in responses:
        parts = [f'"description": {python_literal(response.doc or response.status)}']
        if response.type is not None and response.media_type is not None:
            if isinstance(response.type, Primitive) and response.type.kind is PrimitiveKind.BINARY:
                schema = {"schema": {"type": "string", "format": "binary"}}
                parts.append(f'"content": {python_literal({response.media_type: schema})}')
            else:
                parts.append(f'"model": {spell(response.type)}')
        if response.headers:
            headers = {
                header.wire_name: {"description": header.doc, "schema": {"type": "string"}}
                for header in response.headers
            }
            parts.append(f'"headers": {python_literal(headers)}')
        entries.append(f"{python_literal(response.status)}: {{{', '.join(parts)}}}")
    return "{" + ", ".join(entries) + "}"


def router_module_name(tag: str) -> PythonIdentifier:
    return file_stem(tag)
