"""Type references used by operations: what a parameter, body or response carries.

Named types (objects, enums, unions) are `Ref`s to classes in the contract's model module;
everything else is spelled structurally so targets can print `list[Pet] | None` themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from generator.ir.names import ClassName


class PrimitiveKind(enum.Enum):
    """JSON Schema type + format pairs that map onto one Python type."""

    STRING = "str"
    INTEGER = "int"
    NUMBER = "float"
    BOOLEAN = "bool"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    UUID = "uuid"
    BINARY = "bytes"
    ANY = "any"


@dataclass(frozen=True)
class Primitive:
    kind: PrimitiveKind


@dataclass(frozen=True)
class ListOf:
    item: TypeRef


@dataclass(frozen=True)
class MapOf:
    value: TypeRef


@dataclass(frozen=True)
class Nullable:
    inner: TypeRef


@dataclass(frozen=True)
class Ref:
    """A named type: `name` is the class the model generator gave the schema at `source`."""

    name: ClassName
    source: str


TypeRef = Primitive | ListOf | MapOf | Nullable | Ref
