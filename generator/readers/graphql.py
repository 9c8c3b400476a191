"""GraphQL SDL (one or many files, with extensions) → Contract IR, validated by graphql-core.

graphql-core builds and validates the schema (`validate_sdl`, `build_ast_schema`,
`validate_schema`); this module only lowers the built schema's user-defined types into
`generator.ir.graphql` values with Python names from the naming layer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument as CoreArgument,
)
from graphql import (
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    build_ast_schema,
    concat_ast,
    is_introspection_type,
    is_specified_scalar_type,
    print_schema,
    validate_schema,
    value_from_ast_untyped,
)
from graphql.validation.validate import validate_sdl

from generator.diagnostics import DiagnosticSink, Location
from generator.ir.graphql import (
    GraphQLArgument,
    GraphQLContract,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLKind,
    GraphQLSchemaFile,
)
from generator.ir.graphql import (
    GraphQLNamedType as NamedTypeIR,
)
from generator.ir.model import Contract, ModelModule, SourceFile
from generator.ir.names import ClassName, NameScope, PythonIdentifier, snake_case
from generator.ir.types import Primitive, PrimitiveKind, TypeRef
from generator.readers.graphql_documents import (
    GraphQLDocuments,
    first_line,
    load_documents,
    location_of,
    strip_deprecations,
)
from generator.readers.graphql_operations import DEFAULT_SELECTION_DEPTH, lower_operations
from generator.readers.graphql_types import MODEL_ATTRIBUTES, type_ref

# Custom scalars whose name says what Python type their values have; any other custom scalar is
# passed through as the JSON value it is on the wire (`Any`).
_KNOWN_SCALARS = {
    "datetime": PrimitiveKind.DATETIME,
    "precisedatetime": PrimitiveKind.DATETIME,
    "iso8601datetime": PrimitiveKind.DATETIME,
    "date": PrimitiveKind.DATE,
    "time": PrimitiveKind.TIME,
    "uuid": PrimitiveKind.UUID,
    "bigint": PrimitiveKind.INTEGER,
    "long": PrimitiveKind.INTEGER,
    "json": PrimitiveKind.ANY,
}
# Names the generated type modules define or import themselves; a GraphQL type may not take them.
_RESERVED_CLASS_NAMES = (
    "Annotated",
    "Any",
    "AsyncIterator",
    "BaseModel",
    "ConfigDict",
    "Context",
    "Enum",
    "Field",
    "GraphQLResolveInfo",
    "Info",
    "JsonValue",
    "Literal",
    "Resolvers",
    "TypeAdapter",
    "Union",
)


def read_graphql(
    paths: Sequence[Path],
    sink: DiagnosticSink,
    *,
    lenient: bool = False,
    selection_depth: int = DEFAULT_SELECTION_DEPTH,
) -> Contract | None:
    """Read, validate and lower a GraphQL contract; `None` (with errors in `sink`) if it is broken."""
    documents = load_documents(paths, sink, lenient=lenient)
    if sink.has_errors:
        return None
    fallback = str(documents.schema_parts[0].path)
    schema = build_schema(documents, sink, fallback, lenient)
    if schema is None:
        return None
    types = _SchemaLowering(schema).types()
    graphql_contract = GraphQLContract(
        schema_files=tuple(
            GraphQLSchemaFile(name=_shipped_name(part.path, index), text=part.shipped_text)
            for index, part in enumerate(documents.schema_parts)
        ),
        sdl=print_schema(schema) + "\n",
        types=types,
        query_type=schema.query_type.name if schema.query_type else "",
        mutation_type=schema.mutation_type.name if schema.mutation_type else None,
        subscription_type=schema.subscription_type.name if schema.subscription_type else None,
    )
    if not graphql_contract.query_type:
        sink.error("graphql.no-query-type", "the schema has no query type", Location(fallback))
        return None
    operations, generated = lower_operations(
        schema, graphql_contract, documents.operations, sink, selection_depth=selection_depth
    )
    if sink.has_errors:
        return None
    graphql_contract = GraphQLContract(
        **{**graphql_contract.__dict__, "operations": operations, "operations_generated": generated}
    )
    title = _title(paths)
    return Contract(
        protocol="graphql",
        title=title,
        version="",
        description=schema.description or "",
        sources=tuple(
            SourceFile(path=str(part.path), sha256=hashlib.sha256(part.text.encode()).hexdigest())
            for part in documents.schema_parts
        ),
        services=(),
        models=ModelModule(source=""),
        graphql=graphql_contract,
    )


# graphql-core 3.3 checks a newer spec rule that published schemas (GitHub's) break; --lenient
# repairs it by dropping the implementation's @deprecated, with a warning.
_DEPRECATED_IMPLEMENTATION = re.compile(
    r"Interface field \S+ is not deprecated, so implementation field (\w+)\.(\w+) must not be deprecated"
)


def build_schema(
    documents: GraphQLDocuments, sink: DiagnosticSink, fallback: str, lenient: bool
) -> GraphQLSchema | None:
    """Validate the SDL, build the schema, validate the schema: every problem located (reader and diff)."""
    schema_ast = concat_ast(documents.schema)
    for sdl_error in validate_sdl(schema_ast):
        sink.error("graphql.invalid-schema", first_line(sdl_error.message), location_of(sdl_error, fallback))
    if sink.has_errors:
        return None
    try:
        schema = build_ast_schema(schema_ast, assume_valid_sdl=True)
    except (TypeError, ValueError) as error:  # graphql-core reports a few problems only while building
        sink.error("graphql.invalid-schema", first_line(str(error)), Location(fallback))
        return None
    repairs: set[tuple[str, str]] = set()
    for schema_error in validate_schema(schema):
        message = first_line(schema_error.message)
        repairable = _DEPRECATED_IMPLEMENTATION.match(message)
        if lenient and repairable:
            repairs.add((repairable.group(1), repairable.group(2)))
            sink.warning(
                "graphql.deprecated-implementation",
                f"{message.rstrip('.')}; its @deprecated is dropped",
                location_of(schema_error, fallback),
            )
        else:
            sink.error("graphql.invalid-schema", message, location_of(schema_error, fallback))
    if sink.has_errors:
        return None
    if not repairs:
        return schema
    strip_deprecations(documents, repairs)
    return build_schema(documents, sink, fallback, lenient=False)


def _title(paths: Sequence[Path]) -> str:
    """The contract's name: the directory given, else the first file's stem (`chat`, `bookshop`)."""
    first = paths[0]
    return first.name if first.is_dir() else first.stem


def _shipped_name(path: Path, index: int) -> str:
    """File name inside the generated package's `schema/` directory: numbered, so order is kept."""
    return f"{index:02d}_{snake_case(path.stem)}.graphql"


class _SchemaLowering:
    """Walks the built schema once; names every type and field through the naming layer."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        scope = NameScope(_RESERVED_CLASS_NAMES)
        self.class_names: dict[str, ClassName] = {}
        for name, named in schema.type_map.items():
            if _is_user_type(named):
                self.class_names[name] = scope.claim_class(name)

    def types(self) -> tuple[NamedTypeIR, ...]:
        return tuple(self._named(named) for name, named in self.schema.type_map.items() if name in self.class_names)

    def _named(self, named: GraphQLNamedType) -> NamedTypeIR:
        base: dict[str, Any] = {
            "wire_name": named.name,
            "class_name": self.class_names[named.name],
            "doc": named.description or "",
        }
        if isinstance(named, GraphQLScalarType):
            kind = _KNOWN_SCALARS.get(named.name.lower(), PrimitiveKind.ANY)
            return NamedTypeIR(
                **base,
                kind=GraphQLKind.SCALAR,
                scalar_type=Primitive(kind),
                specified_by=named.specified_by_url or "",
            )
        if isinstance(named, GraphQLEnumType):
            scope = NameScope(("name", "value", "mro"))
            values = tuple(
                GraphQLEnumValue(
                    wire_name=wire,
                    name=PythonIdentifier(scope.claim(PythonIdentifier(wire))),
                    doc=value.description or "",
                    deprecation=value.deprecation_reason,
                )
                for wire, value in named.values.items()
            )
            return NamedTypeIR(**base, kind=GraphQLKind.ENUM, enum_values=values)
        if isinstance(named, GraphQLInputObjectType):
            scope = NameScope(MODEL_ATTRIBUTES)
            input_fields = tuple(self._argument(wire, field, scope) for wire, field in named.fields.items())
            return NamedTypeIR(**base, kind=GraphQLKind.INPUT, input_fields=input_fields)
        if isinstance(named, GraphQLUnionType):
            members = tuple(member.name for member in named.types)
            return NamedTypeIR(**base, kind=GraphQLKind.UNION, possible_types=members)
        assert isinstance(named, (GraphQLObjectType, GraphQLInterfaceType))
        scope = NameScope(MODEL_ATTRIBUTES)
        fields = tuple(
            GraphQLField(
                wire_name=wire,
                name=scope.claim_identifier(wire),
                type=self.type_ref(field.type),
                doc=field.description or "",
                arguments=self._arguments(field.args),
                deprecation=field.deprecation_reason,
            )
            for wire, field in named.fields.items()
        )
        interfaces = tuple(interface.name for interface in named.interfaces)
        if isinstance(named, GraphQLInterfaceType):
            possible = tuple(member.name for member in self.schema.get_possible_types(named))
            return NamedTypeIR(
                **base, kind=GraphQLKind.INTERFACE, fields=fields, interfaces=interfaces, possible_types=possible
            )
        return NamedTypeIR(**base, kind=GraphQLKind.OBJECT, fields=fields, interfaces=interfaces)

    def _arguments(self, arguments: dict[str, CoreArgument]) -> tuple[GraphQLArgument, ...]:
        # `parent` and `info` are the resolver's own parameters; an argument may not take them.
        scope = NameScope(("self", "parent", "info"))
        return tuple(self._argument(wire, argument, scope) for wire, argument in arguments.items())

    def _argument(self, wire: str, argument: CoreArgument | GraphQLInputField, scope: NameScope) -> GraphQLArgument:
        node = argument.ast_node
        default_node = getattr(node, "default_value", None) if node is not None else None
        return GraphQLArgument(
            wire_name=wire,
            name=scope.claim_identifier(wire),
            type=self.type_ref(argument.type),
            doc=argument.description or "",
            has_default=default_node is not None,
            default=value_from_ast_untyped(default_node) if default_node is not None else None,
            deprecation=argument.deprecation_reason,
        )

    def type_ref(self, graphql_type: GraphQLType) -> TypeRef:
        return type_ref(graphql_type, self.class_names)


def _is_user_type(named: GraphQLNamedType) -> bool:
    return not is_introspection_type(named) and not is_specified_scalar_type(named)
