"""OpenAPI 3.0/3.1 → Contract IR.

`openapi_document` turns files into one validated, bundled document; this module walks its
operations (OpenAPI 3.1 §4.8.10), hoists inline schemas that need classes, has the model generator
make the classes, and binds every type reference to the class it got.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import DiagnosticSink
from generator.ir.model import (
    DEFAULT_STYLES,
    BodyKind,
    Constraint,
    Contract,
    FormField,
    HttpBinding,
    Operation,
    Param,
    ParamLocation,
    ParamStyle,
    RequestBody,
    Response,
    ResponseHeader,
    RouteCondition,
    SecurityScheme,
    Service,
    SourceFile,
    Webhook,
)
from generator.ir.names import ClassName, NameScope, PythonIdentifier, snake_case
from generator.ir.types import ListOf, MapOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef
from generator.readers.openapi_document import HTTP_METHODS, OpenAPIDocument, load_openapi
from generator.readers.openapi_examples import ExampleMaker
from generator.readers.openapi_models import generate_models
from generator.readers.openapi_schemas import (
    SchemaLowering,
    ascii_word_classes,
    form_wire_type,
    imply_object_types,
    normalize_schemas,
    split_nullable,
    unicode_property_classes,
    widen_parameter_union,
)
from generator.readers.openapi_security import check_requirement_names, lower_requirements, lower_security_schemes

_NO_BODY_STATUSES = {"204", "205", "304"}
_NORMALIZATION_WARNINGS = {
    "openapi.default-not-modelled": "a date, time or uuid default is not applied by the generated code "
    "(the field is optional instead); the service sees None when the client omits it",
    "openapi.structured-enum": "enum values that are objects or arrays are not enforced (the field keeps its type)",
    "openapi.python-only-pattern": "pattern needs look-around or back-references, which the generated models cannot "
    "run; parameters check it with Python's re and JSON bodies against the contract, model fields do not",
}
# Module-level names of the generated route, service, mock and security modules (and builtins
# their annotations use): an operation named like one of them would shadow it.
_OPERATION_NAMES_RESERVED = (
    "abc",
    "annotations",
    "any",
    "bool",
    "bytes",
    "close",
    "datetime",
    "dict",
    "example",
    "examples",
    "float",
    "header_items",
    "int",
    "iso_text_only",
    "json",
    "list",
    "models",
    "operations",
    "path_items",
    "read_body",
    "read_text",
    "ready",
    "router",
    "satisfy",
    "security",
    "shutdown",
    "split_items",
    "startup",
    "str",
    "t",
    "to_credential",
    "unauthorized",
    "uuid",
)
_SYNTHESISED = "a value synthesised from the schema"
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}
_PARAM_NAMES_RESERVED = ("self", "auth", "body", "request", "response", "result", "service")
_CONSTRAINT_KEYWORDS = {
    "minimum": "ge",
    "maximum": "le",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minItems": "min_length",
    "maxItems": "max_length",
}


def read_openapi(
    path: Path, sink: DiagnosticSink, *, lenient: bool = False, allow_remote_refs: bool = False
) -> Contract | None:
    """Read, validate and lower one OpenAPI contract; `None` (with errors in `sink`) if it is broken.

    `lenient`: minor defects the validator refuses are repaired with a warning (`openapi_lenient`).
    """
    loaded = load_openapi(path, sink, lenient=lenient, allow_remote_refs=allow_remote_refs)
    if loaded is None or sink.has_errors:
        return None
    for pointer in _non_finite_numbers(loaded.document):
        sink.error("openapi.non-finite-number", "NaN and infinity are not JSON numbers", loaded.locate(pointer))
    if sink.has_errors:
        return None
    _warn_implied_object_types(loaded, imply_object_types(loaded.document), sink)
    ascii_word_classes(loaded.document)
    unicode_property_classes(loaded.document)
    _drop_ignored_headers(loaded.document)
    return _Lowerer(loaded, sink).contract()


def _drop_ignored_headers(document: dict[str, Any]) -> None:
    """Remove `Accept`, `Content-Type` and `Authorization` header parameters from every operation.

    OpenAPI 3 §4.8.12.1: such a parameter definition SHALL be ignored (the media types and security
    say it), and the service reads none of them. Left in the shipped contract, its contract tests
    sent requests "missing" a required `Accept` that every HTTP client adds anyway, and counted
    their acceptance as accepted invalid data (lufthansa.com).
    """
    parameters = document.get("components", {}).get("parameters", {})

    def ignored(raw: Any) -> bool:
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            raw = parameters.get(raw["$ref"].removeprefix("#/components/parameters/"), {})
        return (
            isinstance(raw, dict) and raw.get("in") == "header" and str(raw.get("name", "")).lower() in _IGNORED_HEADERS
        )

    for path_item in document.get("paths", {}).values():
        if not isinstance(path_item, dict):
            continue
        for owner in [path_item, *(path_item.get(method) for method in HTTP_METHODS)]:
            if isinstance(owner, dict) and isinstance(owner.get("parameters"), list):
                owner["parameters"] = [raw for raw in owner["parameters"] if not ignored(raw)]


def _warn_implied_object_types(loaded: OpenAPIDocument, pointers: list[str], sink: DiagnosticSink) -> None:
    """One warning for every schema taken as `type: object` (see `imply_object_types`), at the first."""
    if not pointers:
        return
    others = f" (and {len(pointers) - 1} more schemas like it)" if len(pointers) > 1 else ""
    sink.warning(
        "openapi.implied-object-type",
        f"schema has object members (properties) but no 'type'{others}: JSON Schema alone would accept any "
        "JSON value here (null, a list, a string); taken as 'type: object', which the models require, by "
        "the service's request checks and the contract tests alike",
        loaded.locate(pointers[0]),
    )


def _non_finite_numbers(node: Any, pointer: str = "") -> list[str]:
    """Where YAML's `.nan`/`.inf` appear: no JSON meaning, no safe Python literal."""
    if isinstance(node, float) and not math.isfinite(node):
        return [pointer]
    if isinstance(node, dict):
        return [
            found
            for key, value in node.items()
            for found in _non_finite_numbers(value, f"{pointer}/{_escape(str(key))}")
        ]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _non_finite_numbers(value, f"{pointer}/{index}")]
    return []


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointer(*tokens: str) -> str:
    return "".join("/" + _escape(token) for token in tokens)


def _pointer_of(raw: Any, inline_pointer: str) -> str:
    """Where an object really lives: its `$ref` target (one hop; bundled refs are local), else inline."""
    if isinstance(raw, dict) and isinstance(raw.get("$ref"), str) and raw["$ref"].startswith("#"):
        return str(raw["$ref"][1:])
    return inline_pointer


class _Lowerer:
    def __init__(self, loaded: OpenAPIDocument, sink: DiagnosticSink) -> None:
        self.loaded = loaded
        self.sink = sink
        self.document: dict[str, Any] = copy.deepcopy(loaded.document)
        for code, pointer in normalize_schemas(self.document):
            sink.warning(code, _NORMALIZATION_WARNINGS[code], loaded.locate(pointer))
        self.schemas = SchemaLowering(self.document)
        self.examples = ExampleMaker(self.document, self.schemas.resolve, self._invalid_example)
        self._reported_examples: set[str] = set()

    def contract(self) -> Contract | None:
        info = self.document.get("info", {})
        components = self.document.get("components", {})
        schemes = lower_security_schemes(components.get("securitySchemes", {}), self.sink, self.loaded.locate)
        check_requirement_names(self.document, self.sink, self.loaded.locate)
        operations = self._operations(schemes)
        self._warn_undeclared_auth_refusals(operations)
        webhooks = self._webhooks()
        try:
            models = generate_models(self.document)
        except Exception as error:  # the model generator's own limits surface as a located error
            message = " ".join(str(error).split())[:300] or type(error).__name__
            self.sink.error(
                "openapi.models-failed",
                f"datamodel-code-generator could not build models: {message}",
                self.loaded.locate("/components/schemas"),
            )
            return None
        class_names = dict(models.class_names)
        bound = tuple(_bind(operation, class_names, self) for operation in operations)
        bound_webhooks = tuple(_bind(webhook, class_names, self) for webhook in webhooks)
        if self.sink.has_errors:
            return None
        title = str(info.get("title", "Service"))
        sources = tuple(
            SourceFile(path=str(source), sha256=hashlib.sha256(source.read_bytes()).hexdigest())
            for source in self.loaded.source_files
        )
        tags = tuple(
            (str(tag.get("name")), str(tag.get("description", "")))
            for tag in self.document.get("tags", [])
            if isinstance(tag, dict)
        )
        return Contract(
            protocol="openapi",
            title=title,
            version=str(info.get("version", "")),
            description=str(info.get("description", "")),
            sources=sources,
            services=(Service(name=ClassName(title), operations=bound),),
            models=models,
            security_schemes=schemes,
            document_json=json.dumps(self.loaded.document, indent=2, ensure_ascii=False) + "\n",
            tags=tags,
            webhooks=bound_webhooks,
        )

    def _warn_undeclared_auth_refusals(self, operations: list[Operation]) -> None:
        """One warning for secured operations that declare no response a missing credential could get.

        Such an operation is still answered 401 without credentials (RFC 9110 §15.5.2): that is what
        declaring it secured means, and its contract tests accept that refusal.
        """
        silent = [
            operation
            for operation in operations
            if operation.requires_auth
            and not any(response.status.upper() in ("401", "4XX", "DEFAULT") for response in operation.http.responses)
        ]
        if not silent:
            return
        first = silent[0].http
        others = f" (and {len(silent) - 1} more secured operations)" if len(silent) > 1 else ""
        self.sink.warning(
            "openapi.undeclared-auth-refusal",
            f"secured operation declares no 401, 4XX or default response{others}: a call without its "
            "credentials is answered 401 all the same, which the contract tests accept",
            self.loaded.locate(_pointer("paths", first.path, first.method.lower(), "responses")),
        )

    def _webhooks(self) -> list[Webhook]:
        """3.1 `webhooks` (§4.8.1) and 3.0/3.1 operation `callbacks` (§4.8.18): requests we send."""
        found: list[tuple[str, str, str, Any]] = []
        for key, path_item in self.document.get("webhooks", {}).items():
            found.append((str(key), "", f"/webhooks/{_escape(str(key))}", path_item))
        for http_path, path_item in self.document.get("paths", {}).items():
            path_item = self.schemas.resolve(path_item)
            for method in HTTP_METHODS:
                raw = path_item.get(method) if isinstance(path_item, dict) else None
                if not isinstance(raw, dict):
                    continue
                owner = str(raw.get("operationId") or f"{method} {http_path}")
                for callback_name, callback in (raw.get("callbacks") or {}).items():
                    pointer = _pointer("paths", http_path, method, "callbacks", str(callback_name))
                    for expression, callback_item in (self.schemas.resolve(callback) or {}).items():
                        found.append((f"{owner}.{callback_name}", str(expression), pointer, callback_item))
        names = NameScope(_OPERATION_NAMES_RESERVED)
        webhooks: list[Webhook] = []
        for key, expression, pointer, path_item in found:
            path_item = self.schemas.resolve(path_item)
            for method in HTTP_METHODS:
                raw = path_item.get(method) if isinstance(path_item, dict) else None
                if not isinstance(raw, dict):
                    continue
                name = PythonIdentifier(names.claim(snake_case(raw.get("operationId") or key)))
                stem = ClassName(str(raw.get("operationId") or key))
                webhooks.append(
                    Webhook(
                        name=name,
                        key=key,
                        summary=str(raw.get("summary", "")),
                        doc=str(raw.get("description", "")),
                        body=self._request_body(raw.get("requestBody"), stem, f"{pointer}/{method}"),
                        responses=self._responses(raw.get("responses", {}), stem, f"{pointer}/{method}"),
                        expression=expression,
                    )
                )
        return webhooks

    def _operations(self, schemes: tuple[SecurityScheme, ...]) -> list[Operation]:
        names = NameScope(_OPERATION_NAMES_RESERVED)
        default_security = self.document.get("security", [])
        operations: list[Operation] = []
        for http_path, path_item in self.document.get("paths", {}).items():
            if not isinstance(path_item, dict):
                continue
            path_item = self.schemas.resolve(path_item)
            for method in HTTP_METHODS:
                raw = path_item.get(method)
                if not isinstance(raw, dict):
                    continue
                pointer = _pointer("paths", http_path, method)
                operation_id = str(raw.get("operationId") or "")
                name = PythonIdentifier(names.claim(snake_case(operation_id or f"{method} {http_path}")))
                class_stem = ClassName(operation_id or f"{method} {http_path}")
                params = self._params(path_item, raw, class_stem, pointer)
                conditions = self._route_conditions(http_path, path_item, raw, pointer)
                if params is None or conditions is None:
                    continue
                security = lower_requirements(raw.get("security", default_security), schemes)
                summary = str(raw.get("summary", ""))
                description = str(raw.get("description", ""))
                operations.append(
                    Operation(
                        name=name,
                        operation_id=operation_id,
                        summary=summary,
                        doc=description,
                        tags=tuple(str(tag) for tag in raw.get("tags", [])),
                        deprecated=bool(raw.get("deprecated", False)),
                        security=security,
                        http=HttpBinding(
                            method=method.upper(),
                            path=http_path,
                            params=params,
                            request_body=self._request_body(raw.get("requestBody"), class_stem, pointer),
                            responses=self._responses(raw.get("responses", {}), class_stem, pointer),
                            route_conditions=conditions,
                        ),
                    )
                )
        self._warn_fragment_paths(operations)
        return operations

    def _route_conditions(
        self, http_path: str, path_item: dict[str, Any], operation: dict[str, Any], pointer: str
    ) -> tuple[RouteCondition, ...] | None:
        """The conditions a path's `#` fragment names (`#X-Amz-Target=Svc.Op`, `#tagKeys&marker`).

        A fragment is never sent, so AWS contracts use it to tell apart operations that share a
        path and method: each `name` or `name=value` item is a parameter of the operation that is
        present (with that value). None, with a warning, when an item names no parameter.
        """
        _, hash_sign, fragment = http_path.partition("#")
        if not hash_sign:
            return ()
        declared: set[tuple[ParamLocation, str]] = set()
        for raw in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
            resolved = self.schemas.resolve(raw)
            if isinstance(resolved, dict) and resolved.get("in") in ("query", "header"):
                name = str(resolved.get("name", ""))
                declared.add((ParamLocation(resolved["in"]), name.lower() if resolved["in"] == "header" else name))
        conditions: list[RouteCondition] = []
        for item in fragment.split("&"):
            name, equals, value = item.partition("=")
            if (ParamLocation.QUERY, name) in declared:
                location = ParamLocation.QUERY
            elif (ParamLocation.HEADER, name.lower()) in declared:
                location = ParamLocation.HEADER
            else:
                self.sink.warning(
                    "openapi.unsupported-path",
                    f"the path's fragment names {name!r}, which is no query or header parameter of the "
                    "operation, so no request can be told apart by it; the operation is skipped",
                    self.loaded.locate(pointer),
                )
                return None
            conditions.append(RouteCondition(location, name, value if equals else None))
        return tuple(conditions)

    def _warn_fragment_paths(self, operations: list[Operation]) -> None:
        """One warning for paths with a `#` fragment, served as the parameters it names (see above)."""
        fragmented = [operation.http for operation in operations if operation.http.route_conditions]
        if not fragmented:
            return
        first = fragmented[0]
        others = f" (and {len(fragmented) - 1} more operations)" if len(fragmented) > 1 else ""
        self.sink.warning(
            "openapi.path-fragment",
            f"the path has a '#' fragment{others}, which no request carries: the operation is served at "
            f"{first.url_path!r} for requests with the parameters the fragment names, and the contract "
            "tests send them there",
            self.loaded.locate(_pointer("paths", first.path)),
        )

    def _params(
        self, path_item: dict[str, Any], operation: dict[str, Any], class_stem: ClassName, pointer: str
    ) -> tuple[Param, ...] | None:
        path_pointer = pointer.rsplit("/", 1)[0]
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for owner, owner_pointer in ((path_item, path_pointer), (operation, pointer)):
            for index, raw in enumerate(owner.get("parameters", [])):
                resolved = self.schemas.resolve(raw)
                if isinstance(resolved, dict) and "name" in resolved and "in" in resolved:
                    param_pointer = _pointer_of(raw, f"{owner_pointer}/parameters/{index}")
                    merged[(str(resolved["name"]), str(resolved["in"]))] = (resolved, param_pointer)
        scope = NameScope(_PARAM_NAMES_RESERVED)
        params: list[Param] = []
        ordered = sorted(merged.values(), key=lambda item: not item[0].get("required", False))
        for raw, param_pointer in ordered:
            location = ParamLocation(raw["in"])
            wire_name = str(raw["name"])
            if location is ParamLocation.HEADER and wire_name.lower() in _IGNORED_HEADERS:
                continue
            schema: Any = raw.get("schema")
            schema_pointer = f"{param_pointer}/schema"
            if schema is None and isinstance(raw.get("content"), dict):
                first_type, first_media = next(iter(raw["content"].items()), ("", {}))
                schema = first_media.get("schema", {}) if isinstance(first_media, dict) else {}
                schema_pointer = f"{param_pointer}/content/{_escape(str(first_type))}/schema"
            schema = widen_parameter_union(schema, self.schemas.resolve) or schema
            type_ref = self.schemas.lower(schema or {}, f"{class_stem} {wire_name}")
            if not _fits_in_parameter(type_ref, self.schemas):
                self.sink.warning(
                    "openapi.unsupported-parameter",
                    f"parameter {wire_name!r} ({location.value}) has an object schema, which is not "
                    "supported in parameters yet; the operation is skipped",
                    self.loaded.locate(pointer),
                )
                return None
            style, explode, unsupported = _serialization(raw, location, type_ref)
            if unsupported:
                self.sink.warning(
                    "openapi.unsupported-parameter",
                    f"parameter {wire_name!r} ({location.value}) has {unsupported}, which is not supported "
                    "yet; the operation is skipped",
                    self.loaded.locate(pointer),
                )
                return None
            resolved = self.schemas.resolve(schema or {})
            _, core = split_nullable(resolved) if isinstance(resolved, dict) else (False, {})
            required = bool(raw.get("required", False)) or location is ParamLocation.PATH
            example = raw["example"] if "example" in raw else self.examples.synthesize(schema or {}, schema_pointer)
            params.append(
                Param(
                    wire_name=wire_name,
                    name=PythonIdentifier(scope.claim(snake_case(wire_name))),
                    location=location,
                    type=type_ref,
                    required=required,
                    doc=str(raw.get("description", "")),
                    has_default="default" in core and not required,
                    default=core.get("default"),
                    constraints=_constraints(core),
                    item_constraints=self._item_constraints(core, type_ref),
                    deprecated=bool(raw.get("deprecated", False)),
                    example=example,
                    style=style,
                    explode=explode,
                )
            )
        return tuple(params)

    def _item_constraints(self, core: dict[str, Any], type_ref: TypeRef) -> tuple[Constraint, ...]:
        """An array parameter's constraints on each item (bounds, lengths, patterns); none for enum items.

        The int32/int64 ranges made explicit by `normalize_schemas` are among them, so `?ids=1,99999999999`
        is refused where the items are `format: int32`.
        """
        target = type_ref.inner if isinstance(type_ref, Nullable) else type_ref
        if not isinstance(target, ListOf) or not isinstance(target.item, Primitive):
            return ()
        items = self.schemas.resolve(core.get("items", {}))
        if not isinstance(items, dict):
            return ()
        _, item_core = split_nullable(items)
        return _constraints(item_core)

    def _request_body(self, raw: Any, class_stem: ClassName, pointer: str) -> RequestBody | None:
        body = self.schemas.resolve(raw)
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict) or not body["content"]:
            return None  # `content: {}` names no media type: there is no body to send or read
        body_pointer = _pointer_of(raw, pointer + "/requestBody")
        media_type, media = _pick_media_type(body["content"])
        schema_pointer = f"{body_pointer}/content/{_escape(media_type)}/schema"
        kind = _body_kind(media_type)
        schema = media.get("schema", {}) if isinstance(media, dict) else {}
        required = bool(body.get("required", False))
        doc = str(body.get("description", ""))
        if kind in (BodyKind.FORM, BodyKind.MULTIPART):
            return RequestBody(
                media_type=media_type,
                kind=kind,
                required=required,
                fields=self._form_fields(schema, class_stem),
                doc=doc,
                schema_pointer=schema_pointer if kind is BodyKind.FORM else "",
            )
        if kind is BodyKind.BINARY:
            return RequestBody(media_type, kind, required, Primitive(PrimitiveKind.BINARY), doc=doc)
        if kind is BodyKind.TEXT:
            return RequestBody(media_type, kind, required, Primitive(PrimitiveKind.STRING), doc=doc)
        type_ref = self.schemas.lower(schema, f"{class_stem} Request")
        return RequestBody(media_type, kind, required, type_ref, doc=doc, schema_pointer=schema_pointer)

    def _form_fields(self, schema: Any, class_stem: ClassName) -> tuple[FormField, ...]:
        resolved = self.schemas.resolve(schema)
        properties = _merged_properties(resolved, self.schemas)
        required = set(resolved.get("required", [])) if isinstance(resolved, dict) else set()
        scope = NameScope(_PARAM_NAMES_RESERVED)
        fields: list[FormField] = []
        for wire_name, prop in properties.items():
            prop_schema = self.schemas.resolve(prop)
            is_list = isinstance(prop_schema, dict) and prop_schema.get("type") == "array"
            item_schema = self.schemas.resolve(prop_schema.get("items", {})) if is_list else prop_schema
            is_file = _is_file_schema(item_schema)
            type_ref = (
                Primitive(PrimitiveKind.BINARY)
                if is_file
                else self.schemas.lower(item_schema, f"{class_stem} {wire_name}")
            )
            fields.append(
                FormField(
                    wire_name=str(wire_name),
                    name=PythonIdentifier(scope.claim(snake_case(str(wire_name)))),
                    type=ListOf(type_ref) if is_list else type_ref,
                    required=wire_name in required,
                    is_file=is_file,
                    is_list=is_list,
                    doc=str(prop_schema.get("description", "")) if isinstance(prop_schema, dict) else "",
                    wire_type=form_wire_type(item_schema),
                )
            )
        return tuple(fields)

    def _responses(self, raw_responses: dict[str, Any], class_stem: ClassName, pointer: str) -> tuple[Response, ...]:
        responses: list[Response] = []
        for status, raw in raw_responses.items():
            response_pointer = _pointer_of(raw, f"{pointer}/responses/{_escape(str(status))}")
            response = self.schemas.resolve(raw)
            if not isinstance(response, dict):
                continue
            doc = str(response.get("description", ""))
            headers = tuple(
                ResponseHeader(
                    wire_name=str(header_name),
                    type=self.schemas.lower(
                        self.schemas.resolve(header).get("schema", {}), f"{class_stem} {header_name}"
                    ),
                    required=bool(self.schemas.resolve(header).get("required", False)),
                    doc=str(self.schemas.resolve(header).get("description", "")),
                )
                for header_name, header in response.get("headers", {}).items()
                if str(header_name).lower() != "content-type"
            )
            content = response.get("content")
            if content and (str(status) in _NO_BODY_STATUSES or str(status).startswith("1")):
                self.sink.warning(
                    "openapi.body-not-allowed",
                    f"a {status} response cannot have a body (RFC 9110); its content is ignored",
                    self.loaded.locate(response_pointer + "/content"),
                )
                content = None
            if not isinstance(content, dict) or not content:
                responses.append(Response(status=str(status), doc=doc, headers=headers))
                continue
            media_type, media = _pick_media_type(content)
            kind = _body_kind(media_type)
            schema = media.get("schema", {}) if isinstance(media, dict) else {}
            if kind is BodyKind.JSON:
                type_ref = self.schemas.lower(schema, f"{class_stem} Response {status}")
            elif kind is BodyKind.TEXT:
                type_ref = Primitive(PrimitiveKind.STRING)
            else:
                type_ref = Primitive(PrimitiveKind.BINARY)
            media_pointer = f"{response_pointer}/content/{_escape(media_type)}"
            example, has_example = self._example(media, schema, kind, media_pointer)
            responses.append(
                Response(
                    status=str(status),
                    doc=doc,
                    media_type=media_type,
                    type=type_ref,
                    headers=headers,
                    example=example,
                    has_example=has_example,
                )
            )
        return tuple(responses)

    def _example(self, media: Any, schema: Any, kind: BodyKind, media_pointer: str) -> tuple[Any, bool]:
        """The body a mock (or an error handler) answers with: the contract's, else synthesised.

        Each media-type example is checked against the schema as the generated service checks a
        body; one that fails is reported (`openapi.invalid-example`) and the next valid one, else a
        synthesised value, is used. A text body is text: a non-string example is sent as JSON text.
        """
        if kind is BodyKind.BINARY:
            return None, False
        schema = schema if isinstance(schema, dict) else {}
        chosen: Any = None
        found = False
        rejected: list[tuple[str, str]] = []
        for pointer, candidate in self._media_examples(media, media_pointer):
            reason = self.examples.problem(candidate, schema)
            if reason is None:
                chosen, found = candidate, True
                break
            rejected.append((pointer, reason))
        for pointer, reason in rejected:
            self._invalid_example(pointer, reason, "the next valid example" if found else _SYNTHESISED)
        if not found:
            chosen = self.examples.synthesize(schema, f"{media_pointer}/schema")
            reason = self.examples.problem(chosen, schema)
            if reason is not None and media_pointer not in self._reported_examples:
                self._reported_examples.add(media_pointer)
                self.sink.warning(
                    "openapi.example-not-synthesised",
                    f"no example satisfying the schema could be synthesised ({reason}); the mock's answer "
                    "for this response does not validate, so implement the operation in service.py",
                    self.loaded.locate(f"{media_pointer}/schema"),
                )
        if kind is BodyKind.TEXT and not isinstance(chosen, str):
            chosen = json.dumps(chosen, ensure_ascii=False)
        return chosen, True

    def _media_examples(self, media: Any, media_pointer: str) -> list[tuple[str, Any]]:
        """A media type's `example`, then each of its `examples` (OpenAPI 3.1 §4.8.14), with their pointers."""
        if not isinstance(media, dict):
            return []
        found: list[tuple[str, Any]] = []
        if "example" in media:
            found.append((f"{media_pointer}/example", media["example"]))
        examples = media.get("examples")
        for name, example in examples.items() if isinstance(examples, dict) else []:
            resolved = self.schemas.resolve(example)
            if isinstance(resolved, dict) and "value" in resolved:
                pointer = _pointer_of(example, f"{media_pointer}/examples/{_escape(str(name))}")
                found.append((f"{pointer}/value", resolved["value"]))
        return found

    def _invalid_example(self, pointer: str, reason: str, replacement: str = "") -> None:
        """One located warning per contract example that fails its schema, however often it is used."""
        if pointer in self._reported_examples:
            return
        self._reported_examples.add(pointer)
        self.sink.warning(
            "openapi.invalid-example",
            f"example does not satisfy its schema ({reason}); {replacement or _SYNTHESISED} is used instead",
            self.loaded.locate(pointer),
        )


def _fits_in_parameter(type_ref: TypeRef, schemas: SchemaLowering) -> bool:
    """Parameters carry primitives, enums and lists of them; objects need a style we don't map yet."""
    if isinstance(type_ref, Nullable):
        return _fits_in_parameter(type_ref.inner, schemas)
    if isinstance(type_ref, ListOf):
        return not isinstance(type_ref.item, ListOf) and _fits_in_parameter(type_ref.item, schemas)
    if isinstance(type_ref, MapOf):
        return False
    if isinstance(type_ref, Ref):
        target = schemas.resolve({"$ref": type_ref.source})
        return isinstance(target, dict) and "enum" in target and target.get("type") != "object"
    return type_ref.kind is not PrimitiveKind.ANY


_STYLES_BY_LOCATION = {
    ParamLocation.PATH: (ParamStyle.SIMPLE,),
    ParamLocation.QUERY: (
        ParamStyle.FORM,
        ParamStyle.SPACE_DELIMITED,
        ParamStyle.PIPE_DELIMITED,
        ParamStyle.DEEP_OBJECT,
    ),
    ParamLocation.HEADER: (ParamStyle.SIMPLE,),
    ParamLocation.COOKIE: (ParamStyle.FORM,),
}
"""The styles the generated code reads and writes per location; label and matrix paths are not yet."""


def _serialization(raw: dict[str, Any], location: ParamLocation, type_ref: TypeRef) -> tuple[ParamStyle, bool, str]:
    """`style` and `explode` (OpenAPI 3.1 §4.8.12.4) with their defaults, and what is unsupported, if anything.

    A `content` parameter is one serialised value: style and explode do not apply, so it keeps the
    location's defaults. `deepObject` describes objects only; on a scalar it reads like `form`.
    """
    default = DEFAULT_STYLES[location]
    written = raw.get("style") if "content" not in raw else None
    style = next((item for item in ParamStyle if item.value == written), None) if written is not None else default
    explode = raw.get("explode") if "content" not in raw else None
    if style is None or style not in _STYLES_BY_LOCATION[location]:
        return default, default is ParamStyle.FORM, f"style {written!r}"
    is_array = isinstance(type_ref.inner if isinstance(type_ref, Nullable) else type_ref, ListOf)
    if style is ParamStyle.DEEP_OBJECT and is_array:
        return style, True, "style 'deepObject' on an array"
    return style, explode if isinstance(explode, bool) else style is ParamStyle.FORM, ""


def _constraints(schema: dict[str, Any]) -> tuple[Constraint, ...]:
    found: list[Constraint] = []
    for keyword, target in _CONSTRAINT_KEYWORDS.items():
        if keyword in schema and not isinstance(schema[keyword], bool):
            found.append(Constraint(target, schema[keyword]))
    if isinstance(schema.get("x-python-pattern"), str):
        found.append(Constraint("python_pattern", schema["x-python-pattern"]))
    for keyword, target in (("exclusiveMinimum", "gt"), ("exclusiveMaximum", "lt")):
        value = schema.get(keyword)
        bound = schema.get("minimum" if target == "gt" else "maximum")
        if value is True and bound is not None:
            found = [item for item in found if item.keyword != ("ge" if target == "gt" else "le")]
            found.append(Constraint(target, bound))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append(Constraint(target, value))
    items = schema.get("items")
    if schema.get("type") == "array" and isinstance(items, dict):
        return tuple(item for item in found if item.keyword in ("min_length", "max_length"))
    return tuple(found)


_MEDIA_PREFERENCE = (BodyKind.JSON, BodyKind.MULTIPART, BodyKind.FORM, BodyKind.TEXT, BodyKind.BINARY)


def _body_kind(media_type: str) -> BodyKind:
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json") or base == "*/*":
        return BodyKind.JSON
    if base == "application/x-www-form-urlencoded":
        return BodyKind.FORM
    if base == "multipart/form-data":
        return BodyKind.MULTIPART
    if base.startswith("text/"):
        return BodyKind.TEXT
    return BodyKind.BINARY


def _pick_media_type(content: dict[str, Any]) -> tuple[str, Any]:
    """JSON first, then forms, then text, then anything binary (one body shape per operation)."""
    ranked = sorted(content.items(), key=lambda item: _MEDIA_PREFERENCE.index(_body_kind(str(item[0]))))
    media_type, media = ranked[0]
    return str(media_type), media


def _is_file_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("format") in ("binary", "byte") and schema.get("type") in ("string", None):
        return schema.get("format") == "binary"
    return "contentMediaType" in schema or schema.get("contentEncoding") in ("binary", "base64")


def _merged_properties(schema: Any, schemas: SchemaLowering) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    properties: dict[str, Any] = {}
    for part in schema.get("allOf", []):
        properties.update(_merged_properties(schemas.resolve(part), schemas))
    properties.update(schema.get("properties", {}))
    return properties


def _bind(value: Any, class_names: dict[str, ClassName], lowerer: _Lowerer) -> Any:
    """Give every placeholder `Ref` the class name the model generator chose for it."""
    if isinstance(value, Ref):
        decoded = unquote(value.source)
        if decoded in class_names:
            return Ref(class_names[decoded], value.source)
        if value.source not in class_names:
            lowerer.sink.error(
                "openapi.model-missing",
                f"no model class was generated for {value.source}",
                lowerer.loaded.locate(value.source.removeprefix("#")),
            )
            return value
        return Ref(class_names[value.source], value.source)
    if isinstance(value, tuple):
        return tuple(_bind(item, class_names, lowerer) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            item.name: _bind(getattr(value, item.name), class_names, lowerer)
            for item in dataclasses.fields(value)
            if item.name not in ("example", "default")
        }
        return dataclasses.replace(value, **changes)
    return value
