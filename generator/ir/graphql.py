"""A GraphQL contract as frozen data: the schema's named types and the client's operations.

The reader (graphql-core) has already validated everything; targets read only these values.
Type references reuse `generator.ir.types`: built-in scalars become `Primitive`s, every named
type of the schema a `Ref` whose `source` is its GraphQL name. Contract strings (descriptions,
defaults, enum values) stay raw here and are escaped by the renderer's filters.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from generator.ir.model import JsonValue
from generator.ir.names import ClassName, PythonIdentifier
from generator.ir.types import Nullable, TypeRef


class GraphQLKind(enum.Enum):
    SCALAR = "scalar"
    ENUM = "enum"
    OBJECT = "object"
    INTERFACE = "interface"
    UNION = "union"
    INPUT = "input"


class RootKind(enum.Enum):
    QUERY = "query"
    MUTATION = "mutation"
    SUBSCRIPTION = "subscription"


@dataclass(frozen=True)
class GraphQLArgument:
    """A field argument, an input field or an operation variable.

    `default` is the JSON value of the SDL default (`has_default` tells a `null` default from none).
    """

    wire_name: str
    name: PythonIdentifier
    type: TypeRef
    doc: str = ""
    has_default: bool = False
    default: JsonValue = None
    deprecation: str | None = None

    @property
    def required(self) -> bool:
        """Must be given: non-null without a default."""
        return not isinstance(self.type, Nullable) and not self.has_default


@dataclass(frozen=True)
class GraphQLField:
    """A field of an object or interface type (input types use `GraphQLArgument`)."""

    wire_name: str
    name: PythonIdentifier
    type: TypeRef
    doc: str = ""
    arguments: tuple[GraphQLArgument, ...] = ()
    deprecation: str | None = None


@dataclass(frozen=True)
class GraphQLEnumValue:
    wire_name: str
    name: PythonIdentifier
    doc: str = ""
    deprecation: str | None = None


@dataclass(frozen=True)
class GraphQLNamedType:
    """One user-defined named type. Which of the tuples are filled depends on `kind`.

    `possible_types` lists the concrete object types of a union or interface (GraphQL names, in
    schema order); `interfaces` the interfaces an object or interface implements.
    """

    wire_name: str
    class_name: ClassName
    kind: GraphQLKind
    doc: str = ""
    fields: tuple[GraphQLField, ...] = ()
    input_fields: tuple[GraphQLArgument, ...] = ()
    enum_values: tuple[GraphQLEnumValue, ...] = ()
    interfaces: tuple[str, ...] = ()
    possible_types: tuple[str, ...] = ()
    scalar_type: TypeRef | None = None
    """For custom scalars: the Python type values of the scalar have (`Primitive(ANY)` if unknown)."""
    specified_by: str = ""


@dataclass(frozen=True)
class SelectedField:
    """One entry of a result: the response key (alias or field name) and what it holds.

    `selection` is set when the field's type is an object, interface or union.
    """

    response_key: str
    name: PythonIdentifier
    field_name: str
    type: TypeRef
    doc: str = ""
    selection: Selection | None = None


@dataclass(frozen=True)
class Selection:
    """What one selection set returns for a value of GraphQL type `type_name`.

    For object types `variants` has one entry. For unions and interfaces it has one entry per
    concrete type whose fields differ, plus a fallback entry (type name `""`) for the rest; the
    result models are then discriminated on `__typename`.
    """

    type_name: str
    variants: tuple[SelectionVariant, ...]


@dataclass(frozen=True)
class SelectionVariant:
    typenames: tuple[str, ...]
    """The concrete GraphQL types this variant stands for."""
    fields: tuple[SelectedField, ...]


@dataclass(frozen=True)
class GraphQLOperation:
    """One operation of the client: its document text is sent as is (with fragments it uses)."""

    operation_name: str
    name: PythonIdentifier
    kind: RootKind
    document: str
    variables: tuple[GraphQLArgument, ...]
    result: Selection
    doc: str = ""
    source_file: str = ""


@dataclass(frozen=True)
class GraphQLSchemaFile:
    """A schema file as it is shipped in the generated package (for `load_schema_from_path`)."""

    name: str
    text: str


@dataclass(frozen=True)
class GraphQLContract:
    schema_files: tuple[GraphQLSchemaFile, ...]
    sdl: str
    """The whole schema printed by graphql-core (what contract tests compare against)."""
    types: tuple[GraphQLNamedType, ...]
    query_type: str
    mutation_type: str | None = None
    subscription_type: str | None = None
    operations: tuple[GraphQLOperation, ...] = ()
    operations_generated: bool = False
    """True when no operation documents were given and one operation per root field was made."""

    def named(self, wire_name: str) -> GraphQLNamedType:
        for candidate in self.types:
            if candidate.wire_name == wire_name:
                return candidate
        raise KeyError(wire_name)

    def root(self, kind: RootKind) -> GraphQLNamedType | None:
        wire_name = {
            RootKind.QUERY: self.query_type,
            RootKind.MUTATION: self.mutation_type,
            RootKind.SUBSCRIPTION: self.subscription_type,
        }[kind]
        return self.named(wire_name) if wire_name else None

    def of_kind(self, kind: GraphQLKind) -> tuple[GraphQLNamedType, ...]:
        return tuple(named for named in self.types if named.kind is kind)
