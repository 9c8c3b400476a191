"""Schema → `TypeRef` lowering, hoisting inline named shapes into `components/schemas`.

Operations mention schemas in three places (parameters, request bodies, responses). Simple shapes
(primitives, arrays, maps, nullables) become structural `TypeRef`s the targets can spell;
everything that needs a class (objects with properties, compositions, enums) is given a name and
moved into `components/schemas` so the model generator makes exactly one class for it.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import unquote

from pydantic_core import SchemaError, SchemaValidator, core_schema

from generator.ir.names import ClassName, NameScope
from generator.ir.types import ListOf, MapOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef

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
        seen: set[str] = set()
        while isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
            seen.add(schema["$ref"])
            schema = self.lookup(schema["$ref"])
        return schema

    def lookup(self, ref: str) -> Any:
        """The node a local `$ref` names; its fragment is percent-encoded (RFC 6901 §6)."""
        node: Any = self.document
        if not ref.startswith("#/"):
            return node
        for token in ref[2:].split("/"):
            key = _unescape_token(unquote(token))
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

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


def bind_class_names(type_ref: TypeRef, class_names: dict[str, ClassName]) -> TypeRef:
    """Replace placeholder `Ref` names with the classes the model generator really made."""
    if isinstance(type_ref, Ref):
        return Ref(class_names.get(type_ref.source, type_ref.name), type_ref.source)
    if isinstance(type_ref, ListOf):
        return ListOf(bind_class_names(type_ref.item, class_names))
    if isinstance(type_ref, MapOf):
        return MapOf(bind_class_names(type_ref.value, class_names))
    if isinstance(type_ref, Nullable):
        return Nullable(bind_class_names(type_ref.inner, class_names))
    return type_ref


_INTEGER_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def make_integer_formats_explicit(node: Any) -> None:
    """Spell `format: int32/int64` as minimum/maximum, so every validator enforces the range.

    The formats are part of the contract (OpenAPI 3.1 §4.2), but pydantic knows only Python's
    unbounded `int`; explicit bounds travel into the models and the parameter checks alike.
    """
    if isinstance(node, list):
        for item in node:
            make_integer_formats_explicit(item)
        return
    if not isinstance(node, dict):
        return
    bounds = _INTEGER_FORMAT_BOUNDS.get(str(node.get("format")))
    if bounds is not None and node.get("type") in ("integer", ["integer", "null"], ["null", "integer"]):
        low, high = bounds
        if "minimum" not in node and not isinstance(node.get("exclusiveMinimum"), (int, float)):
            node["minimum"] = low
        if "maximum" not in node and not isinstance(node.get("exclusiveMaximum"), (int, float)):
            node["maximum"] = high
    for key, value in node.items():
        if key not in ("example", "examples", "default", "enum", "const"):
            make_integer_formats_explicit(value)


def drop_structured_enums(node: Any, pointer: str = "") -> list[str]:
    """Remove `enum`s whose values are objects or arrays; return where they were.

    Python enums of dicts and lists are mutable class attributes that cannot be matched reliably;
    the field keeps its type and loses only the closed value set (the reader warns about it).
    """
    dropped: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            dropped += drop_structured_enums(item, f"{pointer}/{index}")
        return dropped
    if not isinstance(node, dict):
        return dropped
    values = node.get("enum")
    if isinstance(values, list) and any(isinstance(value, (dict, list)) for value in values):
        del node["enum"]
        dropped.append(pointer + "/enum")
    for key, value in node.items():
        if key not in ("example", "examples", "default", "const"):
            dropped += drop_structured_enums(value, f"{pointer}/{_pointer_token(str(key))}")
    return dropped


def is_rust_regex(pattern: str) -> bool:
    """Can pydantic's default (Rust) regex engine compile this? It has no look-around or backrefs."""
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError:
        return False
    return True


def move_python_only_patterns(node: Any, pointer: str = "") -> list[str]:
    """Rename `pattern`s only Python's `re` can run to `x-python-pattern`; return where they were.

    The models would not import with them (pydantic compiles patterns with its Rust engine).
    JSON bodies are still checked against the shipped contract, which keeps the pattern.
    """
    moved: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            moved += move_python_only_patterns(item, f"{pointer}/{index}")
        return moved
    if not isinstance(node, dict):
        return moved
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not is_rust_regex(pattern):
        node["x-python-pattern"] = node.pop("pattern")
        moved.append(pointer + "/pattern")
    for key, value in node.items():
        if key not in ("example", "examples", "default", "enum", "const"):
            moved += move_python_only_patterns(value, f"{pointer}/{_pointer_token(str(key))}")
    return moved
