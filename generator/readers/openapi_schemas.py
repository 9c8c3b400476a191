"""Schema → `TypeRef` lowering, hoisting inline named shapes into `components/schemas`.

Operations mention schemas in three places (parameters, request bodies, responses). Simple shapes
(primitives, arrays, maps, nullables) become structural `TypeRef`s the targets can spell;
everything that needs a class (objects with properties, compositions, enums) is given a name and
moved into `components/schemas` so the model generator makes exactly one class for it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, TypeGuard
from urllib.parse import unquote

from pydantic_core import SchemaError, SchemaValidator, core_schema

from generator.ir.names import ClassName, NameScope
from generator.ir.types import ListOf, MapOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef
from generator.readers.openapi_document import schema_objects
from generator.readers.pattern_syntax import pattern_tokens, spell_unicode_properties

SCHEMAS_PREFIX = "#/components/schemas/"

_STRING_FORMATS = {
    "date": PrimitiveKind.DATE,
    "date-time": PrimitiveKind.DATETIME,
    "time": PrimitiveKind.TIME,
    "uuid": PrimitiveKind.UUID,
    "binary": PrimitiveKind.BINARY,
}
_SIMPLE_TYPES = {
    "integer": PrimitiveKind.INTEGER,
    "number": PrimitiveKind.NUMBER,
    "boolean": PrimitiveKind.BOOLEAN,
}
_NEEDS_CLASS = ("properties", "allOf", "oneOf", "anyOf", "enum", "const", "not")


def _pointer_token(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def _unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def schema_ref(name: str) -> str:
    return SCHEMAS_PREFIX + _pointer_token(name)


def resolve_local(document: dict[str, Any], schema: Any) -> Any:
    """Follow local `$ref`s in `document` until a real schema (bundled documents have only local refs)."""
    seen: set[str] = set()
    while isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
        seen.add(schema["$ref"])
        schema = lookup_local(document, schema["$ref"])
    return schema


def lookup_local(document: dict[str, Any], ref: str) -> Any:
    """The node a local `$ref` names; its fragment is percent-encoded (RFC 6901 §6)."""
    node: Any = document
    if not ref.startswith("#/"):
        return node
    for token in ref[2:].split("/"):
        key = _unescape_token(unquote(token))
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


class SchemaLowering:
    """Holds the document being lowered, the hoisted schemas and the names already taken."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        components = document.setdefault("components", {})
        self.schemas: dict[str, Any] = components.setdefault("schemas", {})
        self._names = NameScope(ClassName(name) for name in self.schemas)
        self.class_names: dict[str, ClassName] = {}

    def resolve(self, schema: Any) -> Any:
        """Follow local `$ref`s until a real schema (bundled documents have only local refs)."""
        return resolve_local(self.document, schema)

    def lookup(self, ref: str) -> Any:
        """The node a local `$ref` names; its fragment is percent-encoded (RFC 6901 §6)."""
        return lookup_local(self.document, ref)

    def hoist(self, schema: dict[str, Any], suggested_name: str) -> str:
        """Move an inline schema into components under a fresh name; return its `$ref`."""
        name = self._names.claim(ClassName(suggested_name))
        self.schemas[name] = copy.deepcopy(schema)
        return schema_ref(name)

    def lower(self, schema: Any, suggested_name: str) -> TypeRef:
        """The `TypeRef` for a schema; hoists it (or its parts) when it needs a class."""
        if not isinstance(schema, dict) or not schema:
            return Primitive(PrimitiveKind.ANY)
        if "$ref" in schema:
            return self._lower_ref(schema["$ref"], suggested_name)
        nullable, core = split_nullable(schema)
        if nullable:
            inner = self.lower(core, suggested_name)
            return inner if isinstance(inner, Nullable) else Nullable(inner)
        if any(keyword in core for keyword in _NEEDS_CLASS):
            return self._ref_to(self.hoist(core, suggested_name))
        schema_type = core.get("type")
        if schema_type == "array":
            return ListOf(self.lower(core.get("items", {}), suggested_name + "Item"))
        if schema_type == "object" or "additionalProperties" in core:
            extra = core.get("additionalProperties", True)
            value = self.lower(extra, suggested_name + "Value") if isinstance(extra, dict) else None
            return MapOf(value or Primitive(PrimitiveKind.ANY))
        if schema_type == "string":
            return Primitive(_STRING_FORMATS.get(str(core.get("format")), PrimitiveKind.STRING))
        if schema_type in _SIMPLE_TYPES:
            return Primitive(_SIMPLE_TYPES[schema_type])
        return Primitive(PrimitiveKind.ANY)

    def _lower_ref(self, ref: str, suggested_name: str) -> TypeRef:
        target = self.resolve({"$ref": ref})
        if isinstance(target, dict) and is_structural(target):
            return self.lower(target, suggested_name)
        return self._ref_to(ref)

    def _ref_to(self, ref: str) -> Ref:
        """A placeholder `Ref`; the class name is filled in once the models are generated."""
        return Ref(ClassName(ref.rsplit("/", 1)[-1] or "Model"), ref)


def split_nullable(schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Recognise 3.0 `nullable: true`, 3.1 `type: [T, "null"]` and `anyOf/oneOf: [T, {type: null}]`."""
    if schema.get("nullable") is True:
        core = {key: value for key, value in schema.items() if key != "nullable"}
        return True, core
    schema_type = schema.get("type")
    if isinstance(schema_type, list) and "null" in schema_type:
        rest = [item for item in schema_type if item != "null"]
        core = dict(schema)
        if len(rest) == 1:
            core["type"] = rest[0]
        elif rest:
            core["type"] = rest
        else:
            core.pop("type")
        return True, core
    for keyword in ("anyOf", "oneOf"):
        options = schema.get(keyword)
        if isinstance(options, list) and len(options) == 2:
            non_null = [option for option in options if option != {"type": "null"}]
            if len(non_null) == 1 and len(schema) == 1:
                return True, non_null[0]
    return False, schema


def is_structural(schema: dict[str, Any]) -> bool:
    """True for schemas that need no class: primitives, arrays and maps of anything."""
    _, core = split_nullable(schema)
    if "$ref" in core:
        return False
    if any(keyword in core for keyword in _NEEDS_CLASS):
        return False
    return core.get("type") in {"string", "integer", "number", "boolean", "array", None} or (
        core.get("type") == "object" and "properties" not in core
    )


_DATA_KEYWORDS = ("example", "examples", "default", "enum", "const")
_INTEGER_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _mappings(node: Any, pointer: str = "") -> Iterator[tuple[dict[str, Any], str]]:
    """Every mapping in a document with its pointer, skipping literal data (examples, defaults...)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _mappings(item, f"{pointer}/{index}")
    elif isinstance(node, dict):
        yield node, pointer
        for key, value in list(node.items()):
            if key not in _DATA_KEYWORDS:
                yield from _mappings(value, f"{pointer}/{_pointer_token(str(key))}")


def _make_integer_format_explicit(node: dict[str, Any]) -> bool:
    """`format: int32/int64` as minimum/maximum, so every validator enforces the range.

    The formats are part of the contract (OpenAPI 3.1 §4.2), but pydantic knows only Python's
    unbounded `int`; explicit bounds travel into the models and the parameter checks alike.
    """
    bounds = _INTEGER_FORMAT_BOUNDS.get(str(node.get("format")))
    if bounds is None or node.get("type") not in ("integer", ["integer", "null"], ["null", "integer"]):
        return False
    low, high = bounds
    if "minimum" not in node and not isinstance(node.get("exclusiveMinimum"), (int, float)):
        node["minimum"] = low
    if "maximum" not in node and not isinstance(node.get("exclusiveMaximum"), (int, float)):
        node["maximum"] = high
    return False


def _drop_structured_enum(node: dict[str, Any]) -> bool:
    """Enums of objects or arrays would be mutable class attributes; the field keeps its type."""
    values = node.get("enum")
    if isinstance(values, list) and any(isinstance(value, (dict, list)) for value in values):
        del node["enum"]
        return True
    return False


def is_rust_regex(pattern: str) -> bool:
    """Can pydantic's default (Rust) regex engine compile this? It has no look-around or backrefs."""
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return False
    return True


def _move_python_only_pattern(node: dict[str, Any]) -> bool:
    """A `pattern` only Python's `re` can run becomes `x-python-pattern`.

    The models would not import with it (pydantic compiles patterns with its Rust engine);
    parameters check it with `re`, and JSON bodies are checked against the shipped contract.
    """
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not is_rust_regex(pattern):
        node["x-python-pattern"] = node.pop("pattern")
        return True
    return False


_FORMATS_WITH_CLASSES = {"date", "date-time", "time", "uuid"}


def _drop_formatted_default(node: dict[str, Any]) -> bool:
    """A string default of a date/time/uuid field cannot be written as that type's value.

    Python would hold the default as text in a `date` field (and mypy rejects it), so the generated
    code leaves the default out and the field is optional instead; the reader warns.
    """
    schema_format = node.get("format")
    if (
        isinstance(schema_format, str)
        and schema_format in _FORMATS_WITH_CLASSES
        and isinstance(node.get("default"), str)
    ):
        del node["default"]
        return True
    return False


# (warning code, where under the node, rule); a rule returns True when the reader should warn.
_NORMALIZATIONS = (
    ("openapi.integer-format", "", _make_integer_format_explicit),
    ("openapi.structured-enum", "/enum", _drop_structured_enum),
    ("openapi.python-only-pattern", "/pattern", _move_python_only_pattern),
    ("openapi.default-not-modelled", "/default", _drop_formatted_default),
)


def _ascii_schema_names(document: dict[str, Any]) -> None:
    """Give non-ASCII schema names ASCII ones (and rewrite the refs), so every class is ASCII.

    The model generator would keep `Ünïcode` as a class name; the naming layer promises plain
    ASCII identifiers, so the rename happens before the models are made.
    """
    schemas = document.get("components", {}).get("schemas", {})
    renames: dict[str, str] = {}
    taken = NameScope(ClassName(name) for name in schemas if name.isascii())
    for name in list(schemas):
        if not name.isascii():
            new_name = taken.claim(ClassName(name))
            schemas[new_name] = schemas.pop(name)
            renames[schema_ref(name)] = schema_ref(new_name)
    if not renames:
        return

    def renamed(ref: str) -> str:
        target = unquote(ref)
        for old, new in renames.items():
            if target == old or target.startswith(old + "/"):
                return new + target[len(old) :]
        return ref

    for node, _ in _mappings(document):
        if isinstance(node.get("$ref"), str):
            node["$ref"] = renamed(node["$ref"])
        mapping = node.get("mapping")
        if "propertyName" in node and isinstance(mapping, dict):
            node["mapping"] = {
                key: renamed(value) if isinstance(value, str) else value for key, value in mapping.items()
            }


def normalize_schemas(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Rewrite the document in place so the model generator and pydantic can honour it.

    Returns (diagnostic code, pointer) for every change the reader should warn about.
    """
    _ascii_schema_names(document)
    changed: list[tuple[str, str]] = []
    for node, pointer in _mappings(document):
        for code, suffix, rule in _NORMALIZATIONS:
            if rule(node):
                changed.append((code, pointer + suffix))
    return changed


_ASCII_CLASSES = {"w": "A-Za-z0-9_", "d": "0-9"}


def ascii_word_classes(document: dict[str, Any]) -> None:
    """Spell `\\w` and `\\d` in every schema `pattern` as the ASCII classes they are in ECMA-262.

    JSON Schema patterns are ECMA-262 regular expressions (2020-12 §6.4), where `\\w` is
    `[A-Za-z0-9_]` and `\\d` is `[0-9]`; Python's `re` and pydantic's Rust engine read them as
    Unicode classes, so `^[\\w.-]+$` would let `ò` through the generated checks while the contract
    (and its contract tests) refuse it. The rewrite means the same in ECMA-262, so the shipped
    contract says what it said. `\\W` and `\\D` inside a character class have no such spelling and
    stay as written.
    """
    for _, schema in schema_objects(document):
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and "\\" in pattern:
            schema["pattern"] = _ascii_pattern(pattern)


def unicode_property_classes(document: dict[str, Any]) -> None:
    """Spell the Unicode property escapes (`\\p{L}`) of every schema `pattern` as explicit classes.

    See `pattern_syntax.spell_unicode_properties`: the models, the contract checks and the contract
    tests' generator then agree on every character (AWS' `^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$` had
    schemathesis send form feeds the models refused).
    """
    for _, schema in schema_objects(document):
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            schema["pattern"] = spell_unicode_properties(pattern)


def _ascii_pattern(pattern: str) -> str:
    written: list[str] = []
    for token, in_class in pattern_tokens(pattern):
        escaped = token[1:] if len(token) == 2 else ""
        if escaped.lower() in _ASCII_CLASSES and not (in_class and escaped.isupper()):
            ascii_class = _ASCII_CLASSES[escaped.lower()]
            if in_class:
                written.append(ascii_class)
            else:
                written.append(f"[^{ascii_class}]" if escaped.isupper() else f"[{ascii_class}]")
        else:
            written.append(token)
    return "".join(written)


_OBJECT_KEYWORDS = ("properties", "additionalProperties", "patternProperties")
_VALUE_SET_KEYWORDS = ("enum", "const")


def imply_object_types(document: dict[str, Any]) -> list[str]:
    """Give `type: object` to schemas that describe object members but name no type; their pointers.

    JSON Schema applies `properties` only to objects (2020-12 §10.3.2), so such a schema alone
    accepts any JSON value: `null`, `[]`, `""`. Contracts write it meaning an object (Swagger 2.0
    definitions upgraded on read, most of all), and the models made from it accept nothing else,
    so the contract the service checks bodies against and its contract tests generate from says
    so too. A schema whose `oneOf`/`anyOf` options allow other types, or with an `enum`/`const`,
    already says which values it takes and is left alone.
    """
    implied: list[str] = []
    for pointer, schema in list(schema_objects(document)):
        if "type" in schema or "$ref" in schema or not any(keyword in schema for keyword in _OBJECT_KEYWORDS):
            continue
        if any(keyword in schema for keyword in _VALUE_SET_KEYWORDS) or _allows_other_types(schema, document):
            continue
        schema["type"] = "object"
        implied.append(pointer)
    return implied


def _allows_other_types(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    """Whether a `oneOf`/`anyOf` option names a type other than object (the options are alternatives)."""
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        for option in options if isinstance(options, list) else []:
            resolved = resolve_local(document, option)
            option_type = resolved.get("type", "object") if isinstance(resolved, dict) else "object"
            if option_type != "object":
                return True
    return False


_SCALAR_TYPES = ("boolean", "integer", "number", "string")


def form_wire_type(schema: Any) -> str:
    """The JSON type a form field's text stands for: its schema's scalar `type`, else its enum's, else string.

    A urlencoded form carries text only; `5` and `true` are read back as the number and boolean
    they spell where the schema says so, and checked against it as such.
    """
    if not isinstance(schema, dict):
        return "string"
    _, core = split_nullable(schema)
    declared = core.get("type")
    if declared in _SCALAR_TYPES:
        return str(declared)
    values = core.get("enum")
    if isinstance(values, list) and values:
        if all(isinstance(value, bool) for value in values):
            return "boolean"
        if all(isinstance(value, int) and not isinstance(value, bool) for value in values):
            return "integer"
        if all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
            return "number"
    return "string"


_UNION_SIBLINGS_ALLOWED = {"description", "title", "example", "examples", "deprecated", "default"}


def widen_parameter_union(schema: Any, resolve: Callable[[Any], Any]) -> dict[str, Any] | None:
    """One plain schema for a parameter's `oneOf`/`anyOf` of scalars (or of a scalar and an array).

    A parameter is text on the wire, so `oneOf: [integer, string]` (GitHub's `workflow_id`) is
    exactly the strings both options accept: a `string`. Scalar-or-array (`fields=a` or
    `fields=a&fields=b`) is an array of the widened scalar: one value arrives as a list of one.
    None when the schema is no such union, so the caller keeps its usual handling.
    """
    resolved = resolve(schema)
    if not isinstance(resolved, dict):
        return None
    nullable, core = split_nullable(resolved)
    options = core.get("oneOf", core.get("anyOf"))
    if not isinstance(options, list) or len(options) < 2 or set(core) - {"oneOf", "anyOf"} - _UNION_SIBLINGS_ALLOWED:
        return None
    scalars: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for option in options:
        option_nullable, option_core = split_nullable(resolve(option) if isinstance(option, dict) else {})
        nullable = nullable or option_nullable
        option_items = resolve(option_core.get("items")) if option_core.get("type") == "array" else None
        if option_core.get("type") == "null":
            nullable = True
        elif _is_plain_scalar(option_items):
            items.append(option_items)
        elif _is_plain_scalar(option_core):
            scalars.append(option_core)
        else:
            return None
    if not scalars and not items:
        return None
    widened: dict[str, Any] = _widest_scalar([*scalars, *items])
    if items:
        widened = {"type": "array", "items": widened}
    for keyword in ("description", "deprecated"):
        if keyword in core:
            widened[keyword] = core[keyword]
    return {**widened, "nullable": True} if nullable else widened


def _is_plain_scalar(schema: Any) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(schema, dict)
        and schema.get("type") in _SCALAR_TYPES
        and not any(keyword in schema for keyword in _NEEDS_CLASS if keyword != "enum")
    )


def _widest_scalar(options: list[dict[str, Any]]) -> dict[str, Any]:
    """The one scalar type whose wire text covers every option's (enums and constraints dropped)."""
    types = {str(option["type"]) for option in options}
    if len(types) == 1:
        only = types.pop()
        formats = {option.get("format") for option in options}
        return {"type": only, "format": formats.pop()} if len(formats) == 1 and None not in formats else {"type": only}
    if types == {"integer", "number"}:
        return {"type": "number"}
    return {"type": "string"}
