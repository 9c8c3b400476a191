"""GraphQL files → parsed documents: schema definitions apart from operations, errors located.

graphql-core does the parsing and validation; this module only decides which files take part,
keeps every definition's source file for diagnostics and, with `--lenient`, drops fields that a
published schema defines twice (graphql-core's strict build rightly rejects them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from graphql import (
    DefinitionNode,
    DocumentNode,
    ExecutableDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    Source,
    TypeSystemDefinitionNode,
    TypeSystemExtensionNode,
    parse,
    print_ast,
)
from graphql.language import (
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
)

from generator.diagnostics import DiagnosticSink, Location, undecodable_location
from generator.protocols import GRAPHQL_SUFFIXES
from generator.readers.limits import size_refusal

MAX_TOKENS = 500_000
"""graphql-core's parser limit: a file with more tokens is refused instead of parsed forever.

Eight times GitHub's public schema (61k tokens: descriptions are one token each); graphql-core
keeps every token while parsing (~400 bytes each), so this also bounds memory to ~250 MB."""


@dataclass
class SchemaPart:
    """The type-system definitions of one file; `edited` once anything in it was left out or repaired."""

    path: Path
    text: str
    document: DocumentNode
    edited: bool = False

    @property
    def shipped_text(self) -> str:
        """What the generated package ships: the file as written, unless only part of it is schema."""
        return print_ast(self.document) + "\n" if self.edited else self.text


@dataclass
class GraphQLDocuments:
    """The type-system part (the schema) and the executable part (client operations)."""

    schema_parts: list[SchemaPart] = field(default_factory=list)
    operations: list[DocumentNode] = field(default_factory=list)

    @property
    def schema(self) -> list[DocumentNode]:
        return [part.document for part in self.schema_parts]


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories contribute their GraphQL files (recursively, sorted)."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded.extend(
                sorted(
                    candidate
                    for candidate in path.rglob("*")
                    if candidate.suffix.lower() in GRAPHQL_SUFFIXES and candidate.is_file()
                )
            )
        else:
            expanded.append(path)
    return expanded


def location_of(error: GraphQLError, fallback: str) -> Location:
    """File, line and column of a graphql-core error (from its first node, else its source).

    Uniqueness errors list the first definition, then the repeated one: the repeat is the problem.
    Interface errors list the interface's field, then the type that lacks it: the type is.
    """
    nodes = list(error.nodes or ())
    if "can only be defined once" in error.message or "There can be only one" in error.message:
        nodes.reverse()
    elif " expected but " in error.message and "does not provide it" in error.message:
        nodes = nodes[1:] + nodes[:1]
    for node in nodes:
        if node.loc is not None:
            source = node.loc.source
            position = source.get_location(node.loc.start)
            return Location(source.name, position.line, position.column)
    if error.source is not None and error.locations:
        first = error.locations[0]
        return Location(error.source.name, first.line, first.column)
    return Location(fallback)


def node_location(node: Node, fallback: str) -> Location:
    if node.loc is None:
        return Location(fallback)
    position = node.loc.source.get_location(node.loc.start)
    return Location(node.loc.source.name, position.line, position.column)


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "invalid GraphQL"


def _is_blank(text: str) -> bool:
    """No token at all: only white space, commas and comments (GraphQL's ignored tokens, §2.1.7)."""
    return all(not line.strip(" \t,\ufeff") or line.lstrip(" \t,\ufeff").startswith("#") for line in text.splitlines())


def load_documents(paths: Sequence[Path], sink: DiagnosticSink, *, lenient: bool = False) -> GraphQLDocuments:
    """Parse every file; a syntax error is reported with its file, line and column."""
    loaded = GraphQLDocuments()
    for path in expand_paths(paths):
        refusal = size_refusal(path)
        if refusal is not None:
            sink.error("graphql.too-large", refusal, Location(str(path)))
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            sink.error(
                "graphql.encoding",
                f"not UTF-8 text ({error.reason} at byte {error.start}); save the file as UTF-8",
                undecodable_location(str(path), raw, error),
            )
            continue
        if _is_blank(text):  # graphql-core's "Unexpected <EOF>" would not say what is wrong
            sink.error(
                "graphql.empty",
                "the file is empty (nothing but whitespace and comments); a GraphQL schema needs at least "
                "a `type Query { ... }`",
                Location(str(path), 1, 1),
            )
            continue
        try:
            document = parse(Source(text, str(path)), max_tokens=MAX_TOKENS)
        except GraphQLSyntaxError as error:
            sink.error("graphql.syntax", first_line(error.message), location_of(error, str(path)))
            continue
        type_system: list[TypeSystemDefinitionNode | TypeSystemExtensionNode] = [
            node for node in document.definitions if isinstance(node, _TYPE_SYSTEM)
        ]
        executable = [node for node in document.definitions if isinstance(node, ExecutableDefinitionNode)]
        if type_system:
            kept = list(_without_duplicate_fields(type_system, sink)) if lenient else type_system
            part_document = DocumentNode(definitions=tuple(cast(list[DefinitionNode], kept)), loc=document.loc)
            edited = bool(executable) or kept != type_system
            loaded.schema_parts.append(SchemaPart(path, text, part_document, edited))
        if executable:
            loaded.operations.append(DocumentNode(definitions=tuple(executable), loc=document.loc))
    if not sink.has_errors and not loaded.schema_parts:
        sink.error("graphql.no-schema", "no type definitions found in the GraphQL files given", Location(str(paths[0])))
    return loaded


_TYPE_SYSTEM = (TypeSystemDefinitionNode, TypeSystemExtensionNode)
_NodeWithFields = (
    ObjectTypeDefinitionNode
    | ObjectTypeExtensionNode
    | InterfaceTypeDefinitionNode
    | InterfaceTypeExtensionNode
    | InputObjectTypeDefinitionNode
    | InputObjectTypeExtensionNode
)
_WITH_FIELDS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
)


def _without_duplicate_fields(
    definitions: Iterable[TypeSystemDefinitionNode | TypeSystemExtensionNode], sink: DiagnosticSink
) -> Iterable[TypeSystemDefinitionNode | TypeSystemExtensionNode]:
    """Keep the first definition of each `Type.field`; warn about every later one (lenient mode)."""
    seen: set[tuple[str, str]] = set()
    for definition in definitions:
        if not isinstance(definition, _WITH_FIELDS) or not definition.fields:
            yield definition
            continue
        kept = []
        for field_node in definition.fields:
            key = (definition.name.value, field_node.name.value)
            if key in seen:
                sink.warning(
                    "graphql.duplicate-field",
                    f"field {key[0]}.{key[1]} is defined more than once; the first definition is used",
                    node_location(field_node, "<schema>"),
                )
                continue
            seen.add(key)
            kept.append(field_node)
        yield replace_fields(definition, tuple(kept))


def strip_deprecations(documents: GraphQLDocuments, fields: set[tuple[str, str]]) -> None:
    """Remove `@deprecated` from these `Type.field`s (lenient repair of a newer validation rule)."""
    for part in documents.schema_parts:
        definitions = []
        for definition in part.document.definitions:
            if isinstance(definition, _WITH_FIELDS) and definition.fields:
                type_name = definition.name.value
                new_fields = tuple(
                    _undeprecated(field_node) if (type_name, field_node.name.value) in fields else field_node
                    for field_node in definition.fields
                )
                if new_fields != definition.fields:
                    part.edited = True
                    definition = replace_fields(definition, new_fields)
            definitions.append(definition)
        part.document = DocumentNode(definitions=tuple(definitions), loc=part.document.loc)


def _undeprecated(field_node: Any) -> Any:
    values = {key: getattr(field_node, key) for key in field_node.keys if key != "directives"}
    directives = tuple(directive for directive in field_node.directives or () if directive.name.value != "deprecated")
    return type(field_node)(**values, directives=directives)


def replace_fields(definition: _NodeWithFields, fields: tuple[Any, ...]) -> _NodeWithFields:
    """A copy of a type definition node with other fields (graphql-core nodes are not dataclasses)."""
    values = {key: getattr(definition, key) for key in definition.keys if key != "fields"}
    return type(definition)(**values, fields=fields)


__all__ = [
    "GraphQLDocuments",
    "SchemaPart",
    "expand_paths",
    "load_documents",
    "location_of",
    "node_location",
    "strip_deprecations",
]
