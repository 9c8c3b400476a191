"""Example answers for every root field, computed from the schema so a fresh project serves data.

The mock resolvers parse these JSON values into the `types.py` models at run time; here they are
only built, in wire form (GraphQL field names, `__typename` on every object), deterministically.
Recursion is bounded: a type already on the path, or any composite past `MAX_DEPTH`, is cut
with `null` where the schema allows it and with an empty list where a list allows that.
"""

from __future__ import annotations

from generator.ir.graphql import GraphQLContract, GraphQLKind, GraphQLNamedType, RootKind
from generator.ir.model import JsonValue
from generator.ir.types import ListOf, MapOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef

MAX_DEPTH = 6
"""How many objects deep an example goes before optional parts are left out."""

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
_COMPOSITE = (GraphQLKind.OBJECT, GraphQLKind.INTERFACE, GraphQLKind.UNION)


def root_examples(contract: GraphQLContract) -> dict[str, dict[str, JsonValue]]:
    """`{root type: {field: example}}` for every field of the query, mutation and subscription types."""
    synthesizer = _Synthesizer(contract)
    examples: dict[str, dict[str, JsonValue]] = {}
    for kind in RootKind:
        root = contract.root(kind)
        if root is not None:
            examples[root.wire_name] = {
                field.wire_name: synthesizer.value(field.type, (root.wire_name,)) for field in root.fields
            }
    return examples


class _Synthesizer:
    def __init__(self, contract: GraphQLContract) -> None:
        self.types = {named.wire_name: named for named in contract.types}
        self._finishable_cache: dict[tuple[str, tuple[str, ...]], bool] = {}

    def value(self, type_ref: TypeRef, path: tuple[str, ...]) -> JsonValue:
        """An example of `type_ref`; `path` holds the composite types being built around it."""
        if isinstance(type_ref, Nullable):
            return None if self._must_cut(type_ref.inner, path) else self.value(type_ref.inner, path)
        if isinstance(type_ref, ListOf):
            return [] if self._must_cut(type_ref.item, path) else [self.value(type_ref.item, path)]
        if isinstance(type_ref, MapOf):
            return {}
        if isinstance(type_ref, Primitive):
            return _PRIMITIVE_EXAMPLES[type_ref.kind]
        return self._named(self.types[type_ref.source], path)

    def _must_cut(self, type_ref: TypeRef, path: tuple[str, ...]) -> bool:
        """True when an optional value of this type would loop or go deeper than `MAX_DEPTH`."""
        named = self._composite(type_ref)
        if named is None:
            return False
        return len(path) > MAX_DEPTH or self._concrete(named, path) is None

    def _composite(self, type_ref: TypeRef) -> GraphQLNamedType | None:
        """The object, interface or union directly under null and list wrappers, if any."""
        while isinstance(type_ref, (Nullable, ListOf)):
            type_ref = type_ref.inner if isinstance(type_ref, Nullable) else type_ref.item
        if isinstance(type_ref, Ref) and self.types[type_ref.source].kind in _COMPOSITE:
            return self.types[type_ref.source]
        return None

    def _concrete(self, named: GraphQLNamedType, path: tuple[str, ...]) -> GraphQLNamedType | None:
        """The object type an example of `named` is built from: the first one that can be finished."""
        candidates = named.possible_types if named.kind is not GraphQLKind.OBJECT else (named.wire_name,)
        return next((self.types[name] for name in candidates if self._finishable(name, path)), None)

    def _finishable(self, object_name: str, path: tuple[str, ...]) -> bool:
        """Whether an object can be built here: its required (non-null, non-list) fields do not loop.

        Optional parts can always be cut, so only required composite fields are followed.
        """
        key = (object_name, path)
        if key not in self._finishable_cache:
            self._finishable_cache[key] = object_name not in path and all(
                self._concrete(self.types[field.type.source], (*path, object_name)) is not None
                for field in self.types[object_name].fields
                if isinstance(field.type, Ref) and self.types[field.type.source].kind in _COMPOSITE
            )
        return self._finishable_cache[key]

    def _named(self, named: GraphQLNamedType, path: tuple[str, ...]) -> JsonValue:
        if named.kind is GraphQLKind.SCALAR:
            scalar_type = named.scalar_type
            kind = scalar_type.kind if isinstance(scalar_type, Primitive) else PrimitiveKind.ANY
            return _PRIMITIVE_EXAMPLES[kind]
        if named.kind is GraphQLKind.ENUM:
            return named.enum_values[0].wire_name if named.enum_values else None
        concrete = self._concrete(named, path)
        if concrete is None:
            # A cycle of non-null, non-list fields has no finite value at all; the mock reports it.
            return None
        inner_path = (*path, concrete.wire_name)
        example: dict[str, JsonValue] = {"__typename": concrete.wire_name}
        for field in concrete.fields:
            example[field.wire_name] = self.value(field.type, inner_path)
        return example
