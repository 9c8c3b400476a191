"""Example data for every object type, computed from the schema so a fresh project serves data.

There is one example per object type (root types included), in wire form: GraphQL field names,
scalars and enums as their JSON values. A field of an object, interface or union type does not
contain an example of that type but refers to it, `{"$example": "User"}`, and the mock builds
one shared instance per type from these at run time (`server_runtime.ExampleGraph`). Trees
could not do this: a cycle of required fields (GitHub's `User.contributionsCollection:
ContributionsCollection!` whose `user: User!`) has no finite tree, but it is a finite graph.

Lists hold one item, nullable fields get a value too, and an interface or union refers to its
first possible object type. Only a composite type with no object type behind it (an interface
nobody implements) has no example: `null`, or an empty list where a list allows that.
"""

from __future__ import annotations

from generator.ir.graphql import GraphQLContract, GraphQLKind, GraphQLNamedType
from generator.ir.model import JsonValue
from generator.ir.types import ListOf, MapOf, Nullable, Primitive, PrimitiveKind, TypeRef

REFERENCE_KEY = "$example"
"""`{"$example": "User"}` stands for the example of the object type `User`."""

_PRIMITIVE_EXAMPLES: dict[PrimitiveKind, JsonValue] = {
    PrimitiveKind.STRING: "example",
    PrimitiveKind.INTEGER: 1,
    PrimitiveKind.NUMBER: 1.5,
    PrimitiveKind.BOOLEAN: True,
    PrimitiveKind.DATE: "2024-01-31",
    PrimitiveKind.DATETIME: "2024-01-31T12:00:00+00:00",
    PrimitiveKind.TIME: "12:00:00",
    PrimitiveKind.UUID: "00000000-0000-4000-8000-000000000000",
    PrimitiveKind.BINARY: "example",
    PrimitiveKind.ANY: "example",
}


def object_examples(contract: GraphQLContract) -> dict[str, dict[str, JsonValue]]:
    """`{object type: {field: example}}` for every object type; root fields are the root types' fields."""
    types = {named.wire_name: named for named in contract.types}
    return {
        named.wire_name: {field.wire_name: _value(field.type, types) for field in named.fields}
        for named in contract.of_kind(GraphQLKind.OBJECT)
    }


def reference(object_name: str) -> dict[str, JsonValue]:
    return {REFERENCE_KEY: object_name}


def _value(type_ref: TypeRef, types: dict[str, GraphQLNamedType]) -> JsonValue:
    if isinstance(type_ref, Nullable):
        return _value(type_ref.inner, types)
    if isinstance(type_ref, ListOf):
        item = _value(type_ref.item, types)
        return [] if item is None else [item]
    if isinstance(type_ref, MapOf):
        return {}
    if isinstance(type_ref, Primitive):
        return _PRIMITIVE_EXAMPLES[type_ref.kind]
    return _named(types[type_ref.source])


def primitive_example(kind: PrimitiveKind) -> JsonValue:
    """The wire value the mock uses for a built-in scalar or a custom scalar of Python kind `kind`."""
    return _PRIMITIVE_EXAMPLES[kind]


def leaf_example(named: GraphQLNamedType) -> JsonValue:
    """The wire value of a custom scalar (by its Python kind) or an enum (its first value)."""
    if named.kind is GraphQLKind.SCALAR:
        scalar_type = named.scalar_type
        return _PRIMITIVE_EXAMPLES[scalar_type.kind if isinstance(scalar_type, Primitive) else PrimitiveKind.ANY]
    return named.enum_values[0].wire_name if named.enum_values else None


def _named(named: GraphQLNamedType) -> JsonValue:
    if named.kind in (GraphQLKind.SCALAR, GraphQLKind.ENUM):
        return leaf_example(named)
    if named.kind is GraphQLKind.OBJECT:
        return reference(named.wire_name)
    # An interface or union: its first object type (possible types are in schema order).
    return reference(named.possible_types[0]) if named.possible_types else None
