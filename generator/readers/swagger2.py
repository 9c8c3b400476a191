"""Swagger 2.0 upgraded to OpenAPI 3.0 on read, so everything after the reader sees one format.

About 40 % of published APIs are still Swagger 2.0. The upgrade is a pure function of the parsed
document (no files, no network) and keeps where everything was written: every pointer of the
upgraded document maps back to the 2.0 pointer it came from, so later diagnostics name the user's
own lines. The mapping follows the Swagger 2.0 and OpenAPI 3.0.3 specifications:

- `host` + `basePath` + `schemes` → `servers`; `consumes`/`produces` (document and operation) →
  the media types of request bodies and responses (default `application/json`);
- `in: body` → `requestBody`; `in: formData` → a form or multipart `requestBody` whose schema has
  one property per field (`type: file` → `string`/`binary`);
- other parameters → `schema` holding their type keywords; `collectionFormat` → `style`/`explode`;
- response `schema`/`examples`/`headers` → `content`/`example`/header `schema`;
- `definitions`/`parameters`/`responses`/`securityDefinitions` → `components` (body parameters
  become `requestBodies`); `$ref`s are rewritten to match;
- schema dialect: `x-nullable` → `nullable`, string `discriminator` → `{propertyName}`,
  `type: file` → binary string.
Anything without an OpenAPI 3 equivalent (`collectionFormat: tsv`, a `$ref` to a form parameter)
is a located warning naming what was done instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.readers.yaml_positions import SourcePosition, join_pointer

UPGRADED_VERSION = "3.0.3"
DEFAULT_MEDIA_TYPE = "application/json"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_TYPE_KEYWORDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
"""Swagger 2.0 parameter/header/items keywords that move into an OpenAPI 3 `schema`."""
_COLLECTION_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_REF_PREFIXES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}
_SCHEMA_MAPS = ("properties", "definitions", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_SINGLE = ("additionalProperties", "not", "items")


@dataclass(frozen=True)
class UpgradeNote:
    """Something the upgrade could not carry over exactly, at a 2.0 pointer."""

    pointer: str
    message: str


@dataclass
class Upgrade:
    """The upgraded document, where each of its pointers came from, and what was approximated."""

    document: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)
    """Upgraded pointer → the 2.0 pointer it was written at (subtrees map by prefix)."""
    notes: list[UpgradeNote] = field(default_factory=list)

    def positions(self, old: Mapping[str, SourcePosition]) -> dict[str, SourcePosition]:
        """Line/column for every upgraded pointer whose origin (or an origin's child) has one."""
        by_old_prefix: dict[str, list[str]] = {}
        for new_pointer, old_pointer in self.origins.items():
            by_old_prefix.setdefault(old_pointer, []).append(new_pointer)
        mapped: dict[str, SourcePosition] = {}
        for old_pointer, position in old.items():
            prefix = old_pointer
            suffix = ""
            while True:
                for new_pointer in by_old_prefix.get(prefix, ()):
                    mapped.setdefault(new_pointer + suffix, position)
                if not prefix:
                    break
                cut = prefix.rfind("/")
                suffix = prefix[cut:] + suffix
                prefix = prefix[:cut]
        return mapped


def is_swagger2(data: Any) -> bool:
    return isinstance(data, dict) and "swagger" in data


def rewrite_ref(ref: str) -> str:
    """`#/definitions/Pet` → `#/components/schemas/Pet` (refs into other files keep their file)."""
    file, hash_mark, _ = ref.partition("#")
    if file or not hash_mark:
        return ref
    for old, new in _REF_PREFIXES.items():
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref


class _Upgrader:
    def __init__(self, source: dict[str, Any]) -> None:
        self.source = source
        self.result = Upgrade(document={})
        self.body_parameters: set[str] = set()
        self.form_parameters: set[str] = set()
        self.consumes: list[str] = _media_types(source.get("consumes"))
        self.produces: list[str] = _media_types(source.get("produces"))

    def origin(self, new_pointer: str, old_pointer: str) -> None:
        self.result.origins.setdefault(new_pointer, old_pointer)

    def note(self, pointer: str, message: str) -> None:
        self.result.notes.append(UpgradeNote(pointer, message))

    # --- document -----------------------------------------------------------------------------

    def upgrade(self) -> Upgrade:
        source = self.source
        document: dict[str, Any] = {"openapi": UPGRADED_VERSION}
        self.origin("", "")
        self.origin("/openapi", "/swagger")
        for key in ("info", "tags", "externalDocs", "security"):
            if key in source:
                document[key] = source[key]
                self.origin(f"/{key}", f"/{key}")
        servers = self.servers()
        if servers:
            document["servers"] = servers
        for key, value in source.items():
            if key.startswith("x-"):
                document[key] = value
                self.origin(join_pointer("", key), join_pointer("", key))
        self.sort_global_parameters()
        components = self.components()
        document["paths"] = self.paths(source.get("paths"))
        self.origin("/paths", "/paths")
        if components:
            document["components"] = components
        self.result.document = document
        return self.result

    def servers(self) -> list[dict[str, Any]]:
        host = self.source.get("host")
        base_path = self.source.get("basePath") or ""
        if not isinstance(base_path, str):
            base_path = ""
        if not isinstance(host, str) or not host:
            if base_path:
                self.origin("/servers", "/basePath")
                return [{"url": base_path}]
            return []
        schemes = [scheme for scheme in self.source.get("schemes") or ["https"] if isinstance(scheme, str)]
        self.origin("/servers", "/host")
        return [{"url": f"{scheme}://{host}{base_path}"} for scheme in schemes or ["https"]]

    def sort_global_parameters(self) -> None:
        parameters = self.source.get("parameters")
        if not isinstance(parameters, dict):
            return
        for name, parameter in parameters.items():
            if isinstance(parameter, dict) and parameter.get("in") == "body":
                self.body_parameters.add(name)
            elif isinstance(parameter, dict) and parameter.get("in") == "formData":
                self.form_parameters.add(name)

    def components(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        definitions = self.source.get("definitions")
        if isinstance(definitions, dict):
            components["schemas"] = {
                name: self.schema(schema, f"/components/schemas/{_escape(name)}", f"/definitions/{_escape(name)}")
                for name, schema in definitions.items()
            }
            self.origin("/components/schemas", "/definitions")
        parameters = self.source.get("parameters")
        if isinstance(parameters, dict):
            plain = {}
            bodies = {}
            for name, parameter in parameters.items():
                old = f"/parameters/{_escape(name)}"
                if name in self.body_parameters:
                    new = f"/components/requestBodies/{_escape(name)}"
                    bodies[name] = self.body(parameter, self.consumes, new, old)
                elif name not in self.form_parameters:
                    plain[name] = self.parameter(parameter, f"/components/parameters/{_escape(name)}", old)
            if plain:
                components["parameters"] = plain
            if bodies:
                components["requestBodies"] = bodies
        responses = self.source.get("responses")
        if isinstance(responses, dict):
            components["responses"] = {
                name: self.response(
                    response, self.produces, f"/components/responses/{_escape(name)}", f"/responses/{_escape(name)}"
                )
                for name, response in responses.items()
            }
        schemes = self.source.get("securityDefinitions")
        if isinstance(schemes, dict):
            components["securitySchemes"] = {
                name: self.security_scheme(scheme, f"/securityDefinitions/{_escape(name)}")
                for name, scheme in schemes.items()
            }
            self.origin("/components/securitySchemes", "/securityDefinitions")
        return components

    # --- paths and operations ---------------------------------------------------------------------

    def paths(self, paths: Any) -> dict[str, Any]:
        if not isinstance(paths, dict):
            return {}
        upgraded: dict[str, Any] = {}
        for path, item in paths.items():
            old = f"/paths/{_escape(path)}"
            self.origin(old, old)
            if not isinstance(item, dict):
                upgraded[path] = item
                continue
            if "$ref" in item:
                upgraded[path] = {"$ref": item["$ref"]}
                continue
            new_item: dict[str, Any] = {}
            shared = _list(item.get("parameters"))
            plain_shared = [
                (index, parameter) for index, parameter in enumerate(shared) if not self.is_body_like(parameter)
            ]
            if plain_shared:
                new_item["parameters"] = [
                    self.parameter(parameter, f"{old}/parameters/{position}", f"{old}/parameters/{index}")
                    for position, (index, parameter) in enumerate(plain_shared)
                ]
            for key, value in item.items():
                if key in _HTTP_METHODS and isinstance(value, dict):
                    body_like = [
                        (index, parameter) for index, parameter in enumerate(shared) if self.is_body_like(parameter)
                    ]
                    new_item[key] = self.operation(value, f"{old}/{key}", body_like, f"{old}/parameters")
                elif key.startswith("x-") or key in ("summary", "description", "servers"):
                    new_item[key] = value
            upgraded[path] = new_item
        return upgraded

    def is_body_like(self, parameter: Any) -> bool:
        if not isinstance(parameter, dict):
            return False
        ref = parameter.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/parameters/"):
            name = _unescape(ref.removeprefix("#/parameters/"))
            return name in self.body_parameters or name in self.form_parameters
        return parameter.get("in") in ("body", "formData")

    def resolve_parameter(self, parameter: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        ref = parameter.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/parameters/"):
            name = _unescape(ref.removeprefix("#/parameters/"))
            target = (self.source.get("parameters") or {}).get(name)
            if isinstance(target, dict):
                return target, f"/parameters/{_escape(name)}"
        return parameter, None

    def operation(
        self, operation: dict[str, Any], old: str, shared_body_like: list[tuple[int, Any]], shared_pointer: str
    ) -> dict[str, Any]:
        new = old
        self.origin(new, old)
        consumes = _media_types(operation.get("consumes")) or self.consumes
        produces = _media_types(operation.get("produces")) or self.produces
        upgraded: dict[str, Any] = {}
        for key in ("tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security"):
            if key in operation:
                upgraded[key] = operation[key]
        for key, value in operation.items():
            if key.startswith("x-"):
                upgraded[key] = value
        own = _list(operation.get("parameters"))
        plain: list[dict[str, Any]] = []
        body: tuple[dict[str, Any], str] | None = None
        form: list[tuple[dict[str, Any], str]] = []
        candidates = [(parameter, f"{shared_pointer}/{index}") for index, parameter in shared_body_like]
        candidates += [(parameter, f"{old}/parameters/{index}") for index, parameter in enumerate(own)]
        for parameter, pointer in candidates:
            if not isinstance(parameter, dict):
                continue
            if not self.is_body_like(parameter):
                plain.append(self.parameter(parameter, f"{new}/parameters/{len(plain)}", pointer))
                continue
            ref = parameter.get("$ref")
            if isinstance(ref, str) and _unescape(ref.removeprefix("#/parameters/")) in self.body_parameters:
                body = (parameter, pointer)
                continue
            resolved, _ = self.resolve_parameter(parameter)
            if resolved.get("in") == "body":
                body = (resolved, pointer)
            else:
                form.append((resolved, pointer))
        if plain:
            upgraded["parameters"] = plain
        if body is not None:
            parameter, pointer = body
            if "$ref" in parameter:
                upgraded["requestBody"] = {
                    "$ref": "#/components/requestBodies/" + parameter["$ref"].removeprefix("#/parameters/")
                }
                self.origin(f"{new}/requestBody", pointer)
            else:
                upgraded["requestBody"] = self.body(parameter, consumes, f"{new}/requestBody", pointer)
        elif form:
            upgraded["requestBody"] = self.form_body(form, consumes, f"{new}/requestBody")
        responses = operation.get("responses")
        if isinstance(responses, dict):
            upgraded["responses"] = {
                status: self.response(
                    response,
                    produces,
                    f"{new}/responses/{_escape(str(status))}",
                    f"{old}/responses/{_escape(str(status))}",
                )
                for status, response in responses.items()
            }
            self.origin(f"{new}/responses", f"{old}/responses")
        return upgraded

    # --- parameters and bodies ----------------------------------------------------------------------

    def parameter(self, parameter: Any, new: str, old: str) -> Any:
        self.origin(new, old)
        if not isinstance(parameter, dict):
            return parameter
        if "$ref" in parameter:
            return {"$ref": rewrite_ref(str(parameter["$ref"]))}
        upgraded: dict[str, Any] = {}
        for key in ("name", "in", "description", "required", "allowEmptyValue", "deprecated"):
            if key in parameter:
                upgraded[key] = parameter[key]
        for key, value in parameter.items():
            if key.startswith("x-"):
                upgraded[key] = value
        upgraded["schema"] = self.type_schema(parameter, f"{new}/schema", old)
        collection = parameter.get("collectionFormat")
        if parameter.get("type") == "array" and isinstance(collection, str):
            self.collection_style(upgraded, collection, parameter.get("in"), f"{old}/collectionFormat")
        elif parameter.get("type") == "array" and parameter.get("in") == "query":
            upgraded["style"], upgraded["explode"] = "form", False  # 2.0's default is csv
        return upgraded

    def collection_style(self, parameter: dict[str, Any], collection: str, location: Any, old: str) -> None:
        if collection == "csv" and location in ("path", "header"):
            parameter["style"], parameter["explode"] = "simple", False
            return
        style = _COLLECTION_STYLES.get(collection)
        if style is None:
            self.note(old, f"collectionFormat {collection!r} has no OpenAPI 3 style; upgraded as csv")
            style = _COLLECTION_STYLES["csv"]
        parameter["style"], parameter["explode"] = style

    def type_schema(self, holder: dict[str, Any], new: str, old: str) -> dict[str, Any]:
        """The type keywords of a 2.0 parameter, header or `items` as an OpenAPI 3 schema."""
        schema: dict[str, Any] = {}
        for key in _TYPE_KEYWORDS:
            if key not in holder:
                continue
            if key == "items" and isinstance(holder["items"], dict):
                schema["items"] = self.type_schema(holder["items"], f"{new}/items", f"{old}/items")
            else:
                schema[key] = holder[key]
                self.origin(f"{new}/{key}", f"{old}/{key}")
        if schema.get("type") == "file":
            schema["type"], schema["format"] = "string", "binary"
        if holder.get("x-nullable") is True:
            schema["nullable"] = True
        return schema

    def body(self, parameter: dict[str, Any], consumes: list[str], new: str, old: str) -> dict[str, Any]:
        self.origin(new, old)
        content: dict[str, Any] = {}
        for media_type in consumes or [DEFAULT_MEDIA_TYPE]:
            schema_pointer = f"{new}/content/{_escape(media_type)}/schema"
            content[media_type] = {"schema": self.schema(parameter.get("schema", {}), schema_pointer, f"{old}/schema")}
        body: dict[str, Any] = {"content": content}
        if "description" in parameter:
            body["description"] = parameter["description"]
        if parameter.get("required") is True:
            body["required"] = True
        for key, value in parameter.items():
            if key.startswith("x-"):
                body[key] = value
        return body

    def form_body(self, fields: list[tuple[dict[str, Any], str]], consumes: list[str], new: str) -> dict[str, Any]:
        has_file = any(parameter.get("type") == "file" for parameter, _ in fields)
        multipart = has_file or "multipart/form-data" in consumes
        media_type = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
        properties: dict[str, Any] = {}
        required: list[str] = []
        for parameter, pointer in fields:
            name = parameter.get("name")
            if not isinstance(name, str):
                continue
            property_pointer = f"{new}/content/{_escape(media_type)}/schema/properties/{_escape(name)}"
            field_schema = self.type_schema(parameter, property_pointer, pointer)
            if "description" in parameter:
                field_schema["description"] = parameter["description"]
            properties[name] = field_schema
            self.origin(property_pointer, pointer)
            if parameter.get("required") is True:
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        self.origin(new, fields[0][1])
        return {"content": {media_type: {"schema": schema}}, **({"required": True} if required else {})}

    # --- responses ----------------------------------------------------------------------------------

    def response(self, response: Any, produces: list[str], new: str, old: str) -> Any:
        self.origin(new, old)
        if not isinstance(response, dict):
            return response
        if "$ref" in response:
            return {"$ref": rewrite_ref(str(response["$ref"]))}
        upgraded: dict[str, Any] = {"description": response.get("description", "")}
        for key, value in response.items():
            if key.startswith("x-"):
                upgraded[key] = value
        examples = _mapping(response.get("examples"))
        if "schema" in response:
            media_types = produces or [DEFAULT_MEDIA_TYPE]
            content: dict[str, Any] = {}
            for media_type in media_types:
                media_pointer = f"{new}/content/{_escape(media_type)}"
                entry: dict[str, Any] = {
                    "schema": self.schema(response["schema"], f"{media_pointer}/schema", f"{old}/schema")
                }
                if media_type in examples:
                    entry["example"] = examples[media_type]
                    self.origin(f"{media_pointer}/example", f"{old}/examples/{_escape(media_type)}")
                content[media_type] = entry
            upgraded["content"] = content
        headers = response.get("headers")
        if isinstance(headers, dict):
            upgraded["headers"] = {}
            for name, header in headers.items():
                header_new = f"{new}/headers/{_escape(name)}"
                header_old = f"{old}/headers/{_escape(name)}"
                self.origin(header_new, header_old)
                if not isinstance(header, dict):
                    continue
                upgraded_header: dict[str, Any] = {
                    "schema": self.type_schema(header, f"{header_new}/schema", header_old)
                }
                if "description" in header:
                    upgraded_header["description"] = header["description"]
                upgraded["headers"][name] = upgraded_header
        return upgraded

    # --- schemas and security -------------------------------------------------------------------------

    def schema(self, schema: Any, new: str, old: str) -> Any:
        """A 2.0 Schema Object in OpenAPI 3.0's dialect; positions map by the same relative pointers."""
        self.origin(new, old)
        if isinstance(schema, list):
            return [self.schema(item, f"{new}/{index}", f"{old}/{index}") for index, item in enumerate(schema)]
        if not isinstance(schema, dict):
            return schema
        upgraded: dict[str, Any] = {}
        for key, value in schema.items():
            child_new, child_old = join_pointer(new, key), join_pointer(old, key)
            if key == "$ref" and isinstance(value, str):
                upgraded[key] = rewrite_ref(value)
            elif key == "x-nullable":
                if value is True:
                    upgraded["nullable"] = True
                    self.origin(f"{new}/nullable", child_old)
            elif key == "discriminator" and isinstance(value, str):
                upgraded[key] = {"propertyName": value}
                self.origin(child_new, child_old)
            elif key == "type" and value == "file":
                upgraded["type"], upgraded["format"] = "string", "binary"
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                upgraded[key] = {
                    name: self.schema(item, join_pointer(child_new, name), join_pointer(child_old, name))
                    for name, item in value.items()
                }
                self.origin(child_new, child_old)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                upgraded[key] = [
                    self.schema(item, f"{child_new}/{index}", f"{child_old}/{index}")
                    for index, item in enumerate(value)
                ]
                self.origin(child_new, child_old)
            elif key in _SCHEMA_SINGLE and isinstance(value, (dict, list)):
                upgraded[key] = self.schema(value, child_new, child_old)
            else:
                upgraded[key] = value
        return upgraded

    def security_scheme(self, scheme: Any, old: str) -> Any:
        if not isinstance(scheme, dict):
            return scheme
        kind = scheme.get("type")
        extras = {key: value for key, value in scheme.items() if key.startswith("x-") or key == "description"}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extras}
        if kind == "apiKey":
            return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extras}
        if kind != "oauth2":
            return dict(scheme)
        flow_names = {
            "implicit": "implicit",
            "password": "password",
            "application": "clientCredentials",
            "accessCode": "authorizationCode",
        }
        flow = scheme.get("flow")
        if flow not in flow_names:
            self.note(f"{old}/flow", f"unknown oauth2 flow {flow!r}; upgraded as clientCredentials")
        upgraded_flow: dict[str, Any] = {"scopes": scheme.get("scopes") or {}}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                upgraded_flow[key] = scheme[key]
        return {"type": "oauth2", "flows": {flow_names.get(str(flow), "clientCredentials"): upgraded_flow}, **extras}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media_types(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def upgrade_swagger2(document: dict[str, Any]) -> Upgrade:
    """The OpenAPI 3.0 equivalent of a Swagger 2.0 document (validated afterwards like any 3.0)."""
    return _Upgrader(document).upgrade()
