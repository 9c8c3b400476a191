"""Spelling IR type references as Python annotations, and the imports they need."""

from __future__ import annotations

from generator.ir.types import ListOf, MapOf, Primitive, PrimitiveKind, Ref, TypeRef

_PRIMITIVE_SPELLING = {
    PrimitiveKind.STRING: "str",
    PrimitiveKind.INTEGER: "int",
    PrimitiveKind.NUMBER: "float",
    PrimitiveKind.BOOLEAN: "bool",
    PrimitiveKind.DATE: "datetime.date",
    PrimitiveKind.DATETIME: "datetime.datetime",
    PrimitiveKind.TIME: "datetime.time",
    PrimitiveKind.UUID: "uuid.UUID",
    PrimitiveKind.BINARY: "bytes",
    PrimitiveKind.ANY: "Any",
}


def spell(type_ref: TypeRef, models_prefix: str = "models.") -> str:
    """`ListOf(Ref(Pet))` → `list[models.Pet]`; stdlib types are module-qualified."""
    if isinstance(type_ref, Primitive):
        return _PRIMITIVE_SPELLING[type_ref.kind]
    if isinstance(type_ref, Ref):
        return models_prefix + type_ref.name
    if isinstance(type_ref, ListOf):
        return f"list[{spell(type_ref.item, models_prefix)}]"
    if isinstance(type_ref, MapOf):
        return f"dict[str, {spell(type_ref.value, models_prefix)}]"
    return f"{spell(type_ref.inner, models_prefix)} | None"
