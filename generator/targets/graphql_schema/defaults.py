"""SDL default values of input fields as typed Python expressions.

`kind: AttachmentKind = IMAGE` becomes `AttachmentKind.IMAGE`, an input-object default a
`Model.model_validate({...})` built lazily (the class may be defined further down), so the
default has the field's type for mypy and pydantic alike. Only custom scalars whose Python type
is not JSON (datetime, uuid...) keep the JSON literal and let pydantic validate it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.graphql import GraphQLKind, GraphQLNamedType
from generator.ir.model import JsonValue
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef

_JSON_KINDS = {
    PrimitiveKind.STRING,
    PrimitiveKind.INTEGER,
    PrimitiveKind.NUMBER,
    PrimitiveKind.BOOLEAN,
    PrimitiveKind.ANY,
}


@dataclass(frozen=True)
class DefaultValue:
    expression: str
    lazy: bool = False
    """Must be built when the field is (it names a class defined later): `default_factory`."""
    validate: bool = False
    """Only the JSON value could be written: pydantic converts it (`validate_default`)."""

    def field_arguments(self) -> list[str]:
        if self.validate:
            return [f"default={self.expression}", "validate_default=True"]
        if self.lazy:
            return [f"default_factory=lambda: {self.expression}"]
        return [f"default={self.expression}"]


def default_value(value: JsonValue, type_ref: TypeRef, named: Mapping[str, GraphQLNamedType]) -> DefaultValue:
    try:
        expression, lazy = _expression(value, type_ref, named)
    except _NeedsValidation:
        return DefaultValue(python_literal(value), validate=True)
    return DefaultValue(expression, lazy=lazy)


class _NeedsValidation(Exception):
    """The value has no typed spelling here; pydantic must convert it."""


def _expression(value: JsonValue, type_ref: TypeRef, named: Mapping[str, GraphQLNamedType]) -> tuple[str, bool]:
    if value is None:
        return "None", False
    if isinstance(type_ref, Nullable):
        return _expression(value, type_ref.inner, named)
    if isinstance(type_ref, ListOf):
        items = value if isinstance(value, list) else [value]  # GraphQL coerces one value to a list
        parts = [_expression(item, type_ref.item, named) for item in items]
        return "[" + ", ".join(text for text, _ in parts) + "]", any(lazy for _, lazy in parts)
    if isinstance(type_ref, Primitive):
        return python_literal(value), False
    if not isinstance(type_ref, Ref):
        raise _NeedsValidation
    target = named[type_ref.source]
    if target.kind is GraphQLKind.ENUM and isinstance(value, str):
        member = next((member.name for member in target.enum_values if member.wire_name == value), None)
        if member is None:
            raise _NeedsValidation
        return f"{target.class_name}.{member}", False
    if target.kind is GraphQLKind.INPUT and isinstance(value, dict):
        return f"{target.class_name}.model_validate({python_literal(value)})", True
    scalar = target.scalar_type
    if target.kind is GraphQLKind.SCALAR and isinstance(scalar, Primitive) and scalar.kind in _JSON_KINDS:
        return python_literal(value), False
    raise _NeedsValidation
