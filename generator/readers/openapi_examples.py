"""Contract-valid example values, so a freshly generated mock service answers with real data.

The contract's own examples win (media-type `example`/`examples`, then schema `example`,
`examples`, `default`, `const`, `enum`); otherwise a value is synthesised from the schema's type,
format and bounds. Every example is checked against its schema before it is used: a contract whose
own example is wrong gets a warning and a synthesised value instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator

from generator.readers.openapi_schemas import split_nullable

_MAX_DEPTH = 4
_FORMAT_SAMPLES = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "binary": "",
    "password": "secret",
}
_PATTERN_CANDIDATES = ("string", "abc", "ABC", "abc123", "ABC-123", "a", "1", "123", "a-b", "A1", "x_y")

Resolver = Callable[[dict[str, Any]], Any]


class ExampleMaker:
    """Synthesises examples for schemas of one bundled document."""

    def __init__(self, document: dict[str, Any], resolve: Resolver) -> None:
        self._components = document.get("components", {})
        self._resolve = resolve
        is_31 = str(document.get("openapi", "")).startswith("3.1")
        self._validator_class = OAS31Validator if is_31 else OAS30Validator

    def is_valid(self, value: Any, schema: dict[str, Any]) -> bool:
        """Does `value` satisfy `schema`? Patterns Python cannot compile count as satisfied."""
        wrapper = {"allOf": [schema], "components": self._components}
        validator = self._validator_class(wrapper)
        try:
            return not any(True for _ in validator.iter_errors(value))
        except re.error:
            return True

    def synthesize(self, schema: Any) -> Any:
        return self._value(schema, depth=0, active=frozenset())

    def _value(self, schema: Any, depth: int, active: frozenset[str]) -> Any:
        if not isinstance(schema, dict):
            return None
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in active:
                return None
            return self._value(self._resolve(schema), depth, active | {ref})
        for keyword in ("example", "default", "const"):
            if keyword in schema:
                return schema[keyword]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return next((item for item in schema["enum"] if item is not None), schema["enum"][0])
        nullable, core = split_nullable(schema)
        if nullable and depth >= _MAX_DEPTH:
            return None
        if "allOf" in core:
            return self._merged(core, depth, active)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(core.get(keyword), list) and core[keyword]:
                return self._first_option(core, keyword, depth, active)
        schema_type = core.get("type")
        if isinstance(schema_type, list):
            schema_type = schema_type[0] if schema_type else None
        if schema_type == "object" or "properties" in core:
            return self._object(core, depth, active)
        if schema_type == "array":
            return self._array(core, depth, active)
        if schema_type == "string":
            return _string(core)
        if schema_type in ("integer", "number"):
            return _number(core, integer=schema_type == "integer")
        if schema_type == "boolean":
            return True
        return None if nullable else {}

    def _merged(self, schema: dict[str, Any], depth: int, active: frozenset[str]) -> Any:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = self._value(part, depth, active)
            if isinstance(value, dict):
                merged.update(value)
        rest = {key: value for key, value in schema.items() if key != "allOf"}
        if "properties" in rest:
            own = self._object(rest, depth, active)
            merged.update(own)
        return merged

    def _first_option(self, schema: dict[str, Any], keyword: str, depth: int, active: frozenset[str]) -> Any:
        options = [option for option in schema[keyword] if option != {"type": "null"}]
        chosen = options[0] if options else {}
        value = self._value(chosen, depth, active)
        discriminator = schema.get("discriminator")
        if isinstance(value, dict) and isinstance(discriminator, dict):
            property_name = discriminator.get("propertyName")
            tag = _discriminator_tag(chosen, discriminator)
            if isinstance(property_name, str) and tag is not None:
                value[property_name] = tag
        return value

    def _object(self, schema: dict[str, Any], depth: int, active: frozenset[str]) -> dict[str, Any]:
        required = set(schema.get("required", []))
        result: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name not in required and (depth >= _MAX_DEPTH or _mentions(prop, active)):
                continue
            if isinstance(prop, dict) and prop.get("readOnly") is False:
                continue
            result[name] = self._value(prop, depth + 1, active)
        return result

    def _array(self, schema: dict[str, Any], depth: int, active: frozenset[str]) -> list[Any]:
        items = schema.get("items", {})
        count = max(int(schema.get("minItems", 0)), 0 if depth >= _MAX_DEPTH or _mentions(items, active) else 1)
        return [self._value(items, depth + 1, active) for _ in range(count)]


def _mentions(schema: Any, active: frozenset[str]) -> bool:
    """Does this property lead straight back into a schema being built (recursion)?"""
    if not isinstance(schema, dict):
        return False
    if schema.get("$ref") in active:
        return True
    items = schema.get("items")
    return isinstance(items, dict) and items.get("$ref") in active


def _discriminator_tag(chosen: Any, discriminator: dict[str, Any]) -> str | None:
    ref = chosen.get("$ref") if isinstance(chosen, dict) else None
    if not isinstance(ref, str):
        return None
    for tag, target in discriminator.get("mapping", {}).items():
        if target == ref:
            return str(tag)
    return ref.rsplit("/", 1)[-1]


def _string(schema: dict[str, Any]) -> str:
    value = _FORMAT_SAMPLES.get(str(schema.get("format")), "string")
    min_length = int(schema.get("minLength", 0))
    max_length = schema.get("maxLength")
    if len(value) < min_length:
        value = value + "x" * (min_length - len(value))
    if isinstance(max_length, int) and len(value) > max_length:
        value = value[:max_length]
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, value):
        fitting = (candidate for candidate in _PATTERN_CANDIDATES if _matches(pattern, candidate))
        value = next(fitting, value)
    return value


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    exclusive_high = schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        low = exclusive_low + 1
    elif exclusive_low is True and isinstance(low, (int, float)):
        low = low + 1
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
        high = exclusive_high - 1
    elif exclusive_high is True and isinstance(high, (int, float)):
        high = high - 1
    value: float = 1
    if isinstance(low, (int, float)):
        value = max(value, low)
    if isinstance(high, (int, float)):
        value = min(value, high)
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        value = multiple * max(1, round(value / multiple))
    return int(value) if integer else float(value)
