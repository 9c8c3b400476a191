"""Two versions of a GraphQL schema → located changes; graphql-core judges what breaks.

graphql-core's `find_breaking_changes` / `find_dangerous_changes` decide what is BREAKING and
DANGEROUS (rule `graphql.<kebab-case of its change type>`), but describe a change only in prose,
whose wording differs between graphql-core versions. So this module walks both built schemas
itself and records every structural difference as a `_Fact`: the names graphql-core's description
mentions, the definition it is about (in NEW, or in OLD when it was removed) and the change types
that may report it. Each graphql-core change is paired with the fact whose names its description
contains; facts graphql-core says nothing about become the SAFE changes (additions, descriptions,
deprecations, compatible type changes). The schema's root operation types, which graphql-core
does not compare, are checked here.

Both sides are read like `contractgen generate` reads them (`load_documents` + the reader's
validated build, with the same `--lenient` repairs), so only the type-system definitions count and
operation documents next to the schema are ignored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    NameNode,
    Node,
    Source,
    find_breaking_changes,
    find_dangerous_changes,
    is_introspection_type,
    is_specified_directive,
    is_specified_scalar_type,
    print_ast,
)

from generator.diagnostics import DiagnosticSink, Location
from generator.diff.model import Change, Level
from generator.readers.graphql import build_schema
from generator.readers.graphql_documents import load_documents

_CONSEQUENCES = {
    "TYPE_REMOVED": "operations and variables naming it no longer validate",
    "TYPE_CHANGED_KIND": "selections and variables written for the old kind no longer validate",
    "TYPE_REMOVED_FROM_UNION": "fragments on it inside the union no longer validate",
    "VALUE_REMOVED_FROM_ENUM": "requests sending it are rejected",
    "REQUIRED_INPUT_FIELD_ADDED": "inputs that omit it are rejected",
    "IMPLEMENTED_INTERFACE_REMOVED": "fragments on the interface no longer apply to it",
    "FIELD_REMOVED": "operations selecting or sending it no longer validate",
    "FIELD_CHANGED_KIND": "operations may receive or have to send values of another type",
    "REQUIRED_ARG_ADDED": "operations that omit it no longer validate",
    "ARG_REMOVED": "operations passing it no longer validate",
    "ARG_CHANGED_KIND": "variables and literals written for the old type may no longer validate",
    "DIRECTIVE_REMOVED": "documents using it no longer validate",
    "DIRECTIVE_ARG_REMOVED": "documents passing it no longer validate",
    "REQUIRED_DIRECTIVE_ARG_ADDED": "uses that omit it no longer validate",
    "DIRECTIVE_REPEATABLE_REMOVED": "documents repeating it no longer validate",
    "DIRECTIVE_LOCATION_REMOVED": "documents using it there no longer validate",
    "VALUE_ADDED_TO_ENUM": "clients may receive a value they do not handle",
    "TYPE_ADDED_TO_UNION": "clients may receive a member they do not handle",
    "OPTIONAL_INPUT_FIELD_ADDED": "inputs that omit it still validate, but the server may now behave differently",
    "OPTIONAL_ARG_ADDED": "operations that omit it still validate, but results may now differ",
    "IMPLEMENTED_INTERFACE_ADDED": "fragments on the interface now also match it",
    "ARG_DEFAULT_VALUE_CHANGE": "operations that omit it now get another value",
    "INPUT_FIELD_DEFAULT_VALUE_CHANGE": "inputs that omit it now get another value",
}
"""What a client or server feels, per graphql-core change type (its description says what changed)."""

_DEFAULT_CHANGES = frozenset({"ARG_DEFAULT_VALUE_CHANGE", "INPUT_FIELD_DEFAULT_VALUE_CHANGE"})
_ROOTS = ("query", "mutation", "subscription")
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_LINE_BREAK = re.compile(r"\r\n|[\n\r]")
"""Line terminators as the GraphQL spec (and graphql-core's `Source.get_location`) counts them."""


@dataclass(frozen=True)
class _Side:
    """One side's validated schema, and the file named when a change has no definition of its own."""

    schema: GraphQLSchema
    fallback: str


@dataclass(frozen=True)
class _Fact:
    """One structural difference between OLD and NEW, located; graphql-core says how bad it is."""

    names: tuple[str, ...]
    """The names a graphql-core description of it mentions (type, field, argument, value…), in any order."""
    node: Node | None
    """What it is about: in NEW, or in OLD when it was removed."""
    fallback: str
    """The file of that side, for what has no definition (a standard scalar)."""
    judged_as: frozenset[str]
    """graphql-core change types (enum member names) that may report this difference."""
    unjudged: tuple[Level, str, str] | None = None
    """(level, rule, message) when graphql-core reports none of `judged_as` for it (SAFE, or a root rule)."""


def diff_graphql(old: Path, new: Path, sink: DiagnosticSink, *, lenient: bool = False) -> list[Change]:
    """Changes from OLD to NEW; reading errors of either side go to `sink` (and the result is empty)."""
    old_side = _read_side(old, sink, lenient)
    new_side = _read_side(new, sink, lenient)
    if old_side is None or new_side is None:
        return []
    facts = _Walk(old_side, new_side).facts()
    judged = [
        (Level.BREAKING, change.type.name, change.description)
        for change in find_breaking_changes(old_side.schema, new_side.schema)
    ]
    judged += [
        (Level.DANGEROUS, change.type.name, change.description)
        for change in find_dangerous_changes(old_side.schema, new_side.schema)
    ]
    return _pair(judged, facts, new_side.fallback)


def _read_side(path: Path, sink: DiagnosticSink, lenient: bool) -> _Side | None:
    """The schema as `contractgen generate` builds it; every problem reported, located, into `sink`."""
    side_sink = DiagnosticSink(strict=sink.strict)
    documents = load_documents([path], side_sink, lenient=lenient)
    side = None
    if not side_sink.has_errors:
        fallback = str(documents.schema_parts[0].path)
        schema = build_schema(documents, side_sink, fallback, lenient)
        side = _Side(schema, fallback) if schema is not None else None
    sink.items.extend(side_sink.items)
    return side


def _pair(judged: Sequence[tuple[Level, str, str]], facts: Sequence[_Fact], fallback: str) -> list[Change]:
    """Each graphql-core change located by its fact; facts it says nothing about report themselves."""
    by_kind_and_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, fact in enumerate(facts):
        for kind in fact.judged_as:
            by_kind_and_name[kind, fact.names[0]].append(index)
    claimed: set[int] = set()
    locate = _Locator()
    changes: list[Change] = []
    for level, kind, description in judged:
        tokens = _NAME.findall(description)
        mentioned = set(tokens)
        candidates = sorted({index for token in mentioned for index in by_kind_and_name.get((kind, token), ())})
        best = max(
            (index for index in candidates if mentioned.issuperset(facts[index].names)),
            key=lambda index: (*_specificity(facts[index].names, tokens), index not in claimed, -index),
            default=None,
        )
        location = Location(fallback) if best is None else locate(facts[best].node, facts[best].fallback)
        if best is not None:
            claimed.add(best)
        changes.append(Change(level, _rule(kind), _message(kind, description), location))
    for index, fact in enumerate(facts):
        if index not in claimed and fact.unjudged is not None:
            level, rule, message = fact.unjudged
            changes.append(Change(level, rule, message, locate(fact.node, fact.fallback)))
    return changes


def _specificity(names: tuple[str, ...], tokens: list[str]) -> tuple[int, int]:
    """More names first; then names written next to each other (`Type.field(arg:)`), in order."""
    written_together = set(pairwise(tokens))
    adjacent = sum(1 for pair in pairwise(names) if pair in written_together)
    return len(names), adjacent


def _rule(kind: str) -> str:
    return "graphql." + kind.lower().replace("_", "-")


def _message(kind: str, description: str) -> str:
    consequence = _CONSEQUENCES.get(kind)
    sentence = description.strip().rstrip(".")
    return f"{sentence}: {consequence}" if consequence else sentence


def _sentence(message: str) -> str:
    """Our messages start like graphql-core's descriptions do, with a capital."""
    return message[:1].upper() + message[1:]


class _Locator:
    """File, line and column of a definition's name (past its description), else of the node itself.

    Same numbers as `node_location`, but `Source.get_location` scans the file up to the node on
    every call; a 60 000-line schema with hundreds of changes needs the line starts indexed once.
    """

    def __init__(self) -> None:
        self.line_starts: dict[int, tuple[Source, list[int]]] = {}

    def __call__(self, node: Node | None, fallback: str) -> Location:
        if node is None:
            return Location(fallback)
        name = getattr(node, "name", None)
        target = name if isinstance(name, NameNode) and name.loc is not None else node
        if target.loc is None:
            return Location(fallback)
        source = target.loc.source
        if id(source) not in self.line_starts:
            starts = [0, *(match.end() for match in _LINE_BREAK.finditer(source.body))]
            self.line_starts[id(source)] = (source, starts)
        starts = self.line_starts[id(source)][1]
        line = bisect_right(starts, target.loc.start)
        return Location(source.name, line, target.loc.start - starts[line - 1] + 1)


def _definitions(named: Any) -> list[Node]:
    """The definition and every extension of a type or directive (where its parts are written)."""
    nodes: list[Node] = [named.ast_node] if getattr(named, "ast_node", None) is not None else []
    return nodes + list(getattr(named, "extension_ast_nodes", None) or ())


def _part_node(named: Any, attribute: str, name: str) -> Node | None:
    """The `name` reference in a definition's `attribute` list (union members, interfaces, locations)."""
    for definition in _definitions(named):
        for part in getattr(definition, attribute, None) or ():
            value = part.value if isinstance(part, NameNode) else part.name.value
            if value == name:
                return part  # type: ignore[no-any-return]
    return named.ast_node  # type: ignore[no-any-return]


def _default(value: GraphQLArgument | GraphQLInputField) -> str | None:
    node = getattr(value.ast_node, "default_value", None)
    return print_ast(node) if node is not None else None


def _user_type(named: GraphQLNamedType) -> bool:
    return not is_introspection_type(named) and not is_specified_scalar_type(named)


class _Walk:
    """Both schemas walked side by side, once; collects the facts in a stable order."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.found: list[_Fact] = []

    def facts(self) -> list[_Fact]:
        self._roots()
        self._types()
        self._directives()
        return self.found

    # --- recording ---------------------------------------------------------------------------

    def _removed(self, kinds: Iterable[str], names: tuple[str, ...], node: Node | None) -> None:
        self.found.append(_Fact(names, node, self.old.fallback, frozenset(kinds)))

    def _judged(self, kinds: Iterable[str], names: tuple[str, ...], node: Node | None) -> None:
        self.found.append(_Fact(names, node, self.new.fallback, frozenset(kinds)))

    def _safe(
        self, rule: str, message: str, names: tuple[str, ...], node: Node | None, kinds: Iterable[str] = ()
    ) -> None:
        self._ours(Level.SAFE, rule, message, names, node, self.new, kinds)

    def _ours(
        self,
        level: Level,
        rule: str,
        message: str,
        names: tuple[str, ...],
        node: Node | None,
        side: _Side,
        kinds: Iterable[str] = (),
    ) -> None:
        """A difference this module reports itself, unless graphql-core reports one of `kinds` for it."""
        change = (level, f"graphql.{rule}", _sentence(message))
        self.found.append(_Fact(names, node, side.fallback, frozenset(kinds), change))

    def _documentation(self, names: tuple[str, ...], what: str, old: Any, new: Any) -> None:
        """Description and deprecation of something both sides have: SAFE, located in NEW."""
        node = new.ast_node
        if (old.description or "") != (new.description or ""):
            self._safe("description-changed", f"the description of {what} changed", names, node)
        old_reason = getattr(old, "deprecation_reason", None)
        new_reason = getattr(new, "deprecation_reason", None)
        if old_reason is None and new_reason is not None:
            self._safe("deprecation-added", f"{what} is now deprecated: {new_reason}", names, node)
        elif old_reason is not None and new_reason is None:
            self._safe("deprecation-removed", f"{what} is no longer deprecated", names, node)
        elif old_reason != new_reason:
            self._safe(
                "deprecation-reason-changed", f"the deprecation reason of {what} is now: {new_reason}", names, node
            )

    # --- schema ------------------------------------------------------------------------------

    def _roots(self) -> None:
        """Root operation types: graphql-core compares types, not which type is the query root."""
        old, new = self.old.schema, self.new.schema
        if (old.description or "") != (new.description or ""):
            self._safe("description-changed", "the description of the schema changed", ("schema",), new.ast_node)
        for operation in _ROOTS:
            old_root: GraphQLObjectType | None = getattr(old, f"{operation}_type")
            new_root: GraphQLObjectType | None = getattr(new, f"{operation}_type")
            if old_root is None and new_root is None:
                continue
            if old_root is None:
                assert new_root is not None
                self._safe(
                    "root-type-added",
                    f"the schema now has a {operation} root type, {new_root.name}",
                    (operation,),
                    self._root_node(new, operation, new_root),
                )
            elif new_root is None:
                self._ours(
                    Level.BREAKING,
                    "root-type-removed",
                    f"the schema no longer has a {operation} root type (was {old_root.name}): every {operation} fails",
                    (operation,),
                    self._root_node(old, operation, old_root),
                    self.old,
                )
            elif old_root.name != new_root.name:
                self._ours(
                    Level.BREAKING,
                    "root-type-changed",
                    f"the {operation} root type changed from {old_root.name} to {new_root.name}: "
                    f"every {operation} is now validated against {new_root.name}",
                    (operation,),
                    self._root_node(new, operation, new_root),
                    self.new,
                )

    @staticmethod
    def _root_node(schema: GraphQLSchema, operation: str, root: GraphQLObjectType) -> Node | None:
        """`query: Query` in the schema definition (or an extension), else the root type itself."""
        for definition in _definitions(schema):
            for operation_type in getattr(definition, "operation_types", None) or ():
                if operation_type.operation.value == operation:
                    return operation_type.type  # type: ignore[no-any-return]
        return root.ast_node

    # --- types -------------------------------------------------------------------------------

    def _types(self) -> None:
        old_types, new_types = self.old.schema.type_map, self.new.schema.type_map
        for name, old_type in old_types.items():
            new_type = new_types.get(name)
            if new_type is None:
                self._removed(("TYPE_REMOVED",), (name,), old_type.ast_node)
            elif type(old_type) is not type(new_type):
                self._judged(("TYPE_CHANGED_KIND",), (name,), new_type.ast_node)
            elif _user_type(new_type):
                self._documentation((name,), f"type {name}", old_type, new_type)
                self._type_parts(old_type, new_type)
        for name, new_type in new_types.items():
            if name not in old_types and _user_type(new_type):
                self._safe("type-added", f"type {name} was added", (name,), new_type.ast_node)

    def _type_parts(self, old: GraphQLNamedType, new: GraphQLNamedType) -> None:
        if isinstance(old, GraphQLUnionType) and isinstance(new, GraphQLUnionType):
            self._members(old, new)
        elif isinstance(old, GraphQLEnumType) and isinstance(new, GraphQLEnumType):
            self._enum_values(old, new)
        elif isinstance(old, GraphQLInputObjectType) and isinstance(new, GraphQLInputObjectType):
            self._input_fields(old, new)
        elif isinstance(old, (GraphQLObjectType, GraphQLInterfaceType)) and isinstance(
            new, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            self._interfaces(old, new)
            self._fields(old, new)

    def _members(self, old: GraphQLUnionType, new: GraphQLUnionType) -> None:
        self._references(
            (old, new),
            "types",
            ([member.name for member in old.types], [member.name for member in new.types]),
            ("TYPE_REMOVED_FROM_UNION", "TYPE_ADDED_TO_UNION"),
            lambda union, member: (member, union),
        )

    def _enum_values(self, old: GraphQLEnumType, new: GraphQLEnumType) -> None:
        for value_name, old_value in old.values.items():
            new_value = new.values.get(value_name)
            names = (old.name, value_name)
            if new_value is None:
                self._removed(("VALUE_REMOVED_FROM_ENUM",), names, old_value.ast_node)
            else:
                self._documentation(names, f"enum value {old.name}.{value_name}", old_value, new_value)
        for value_name, new_value in new.values.items():
            if value_name not in old.values:
                self._judged(("VALUE_ADDED_TO_ENUM",), (new.name, value_name), new_value.ast_node)

    def _interfaces(
        self, old: GraphQLObjectType | GraphQLInterfaceType, new: GraphQLObjectType | GraphQLInterfaceType
    ) -> None:
        self._references(
            (old, new),
            "interfaces",
            ([interface.name for interface in old.interfaces], [interface.name for interface in new.interfaces]),
            ("IMPLEMENTED_INTERFACE_REMOVED", "IMPLEMENTED_INTERFACE_ADDED"),
            lambda owner, interface: (owner, interface),
        )

    def _references(
        self,
        definitions: tuple[GraphQLNamedType, GraphQLNamedType],
        attribute: str,
        referenced: tuple[list[str], list[str]],
        kinds: tuple[str, str],
        names: Callable[[str, str], tuple[str, str]],
    ) -> None:
        """Named types a definition lists (union members, implemented interfaces): each removed one
        at its reference in OLD, each added one at its reference in NEW; graphql-core judges both.
        `kinds` are the removed and added change types, `names` orders (definition, reference) as
        graphql-core's description mentions them."""
        old, new = definitions
        old_names, new_names = referenced
        old_set, new_set = set(old_names), set(new_names)
        for name in old_names:
            if name not in new_set:
                self._removed((kinds[0],), names(old.name, name), _part_node(old, attribute, name))
        for name in new_names:
            if name not in old_set:
                self._judged((kinds[1],), names(new.name, name), _part_node(new, attribute, name))

    def _fields(
        self, old: GraphQLObjectType | GraphQLInterfaceType, new: GraphQLObjectType | GraphQLInterfaceType
    ) -> None:
        for field_name, old_field in old.fields.items():
            new_field = new.fields.get(field_name)
            names = (old.name, field_name)
            coordinate = f"{old.name}.{field_name}"
            if new_field is None:
                self._removed(("FIELD_REMOVED",), names, old_field.ast_node)
                continue
            if str(old_field.type) != str(new_field.type):
                self._safe(
                    "field-changed-kind-safe",
                    f"field {coordinate} changed type from {old_field.type} to {new_field.type}, "
                    "which every client still accepts",
                    names,
                    new_field.ast_node,
                    kinds=("FIELD_CHANGED_KIND",),
                )
            self._documentation(names, f"field {coordinate}", old_field, new_field)
            self._arguments(names, f"{coordinate}", old_field.args, new_field.args, directive=False)
        for field_name, new_field in new.fields.items():
            if field_name not in old.fields:
                coordinate = f"{new.name}.{field_name}"
                self._safe("field-added", f"field {coordinate} was added", (new.name, field_name), new_field.ast_node)

    def _input_fields(self, old: GraphQLInputObjectType, new: GraphQLInputObjectType) -> None:
        for field_name, old_field in old.fields.items():
            new_field = new.fields.get(field_name)
            names = (old.name, field_name)
            if new_field is None:
                self._removed(("FIELD_REMOVED",), names, old_field.ast_node)
            else:
                self._input_value(names, f"input field {old.name}.{field_name}", old_field, new_field)
        for field_name, new_field in new.fields.items():
            if field_name not in old.fields:
                kinds = ("REQUIRED_INPUT_FIELD_ADDED", "OPTIONAL_INPUT_FIELD_ADDED")
                self._judged(kinds, (new.name, field_name), new_field.ast_node)

    def _arguments(
        self,
        owner: tuple[str, ...],
        coordinate: str,
        old: dict[str, GraphQLArgument],
        new: dict[str, GraphQLArgument],
        *,
        directive: bool,
    ) -> None:
        """Arguments of a field (`Type.field(arg:)`) or of a directive (`@name(arg:)`)."""
        for arg_name, old_arg in old.items():
            new_arg = new.get(arg_name)
            names = (*owner, arg_name)
            if new_arg is None:
                kind = "DIRECTIVE_ARG_REMOVED" if directive else "ARG_REMOVED"
                self._removed((kind,), names, old_arg.ast_node)
            else:
                self._input_value(names, f"argument {coordinate}({arg_name}:)", old_arg, new_arg)
        for arg_name, new_arg in new.items():
            if arg_name in old:
                continue
            names = (*owner, arg_name)
            if directive:
                self._safe(
                    "directive-arg-added",
                    f"optional argument {coordinate}({arg_name}:) was added",
                    names,
                    new_arg.ast_node,
                    kinds=("REQUIRED_DIRECTIVE_ARG_ADDED",),
                )
            else:
                self._judged(("REQUIRED_ARG_ADDED", "OPTIONAL_ARG_ADDED"), names, new_arg.ast_node)

    def _input_value(
        self,
        names: tuple[str, ...],
        what: str,
        old: GraphQLArgument | GraphQLInputField,
        new: GraphQLArgument | GraphQLInputField,
    ) -> None:
        """An argument or input field both sides have: its type, default, description, deprecation."""
        if str(old.type) != str(new.type):
            self._safe(
                "arg-changed-kind-safe" if isinstance(new, GraphQLArgument) else "field-changed-kind-safe",
                f"{what} changed type from {old.type} to {new.type}, which every request still satisfies",
                names,
                new.ast_node,
                kinds=("ARG_CHANGED_KIND", "FIELD_CHANGED_KIND"),
            )
        old_default, new_default = _default(old), _default(new)
        if old_default is None and new_default is not None:
            self._safe(
                "default-value-added", f"{what} now defaults to {new_default}", names, new.ast_node, _DEFAULT_CHANGES
            )
        elif old_default is not None:
            self._judged(_DEFAULT_CHANGES, names, new.ast_node)
        self._documentation(names, what, old, new)

    # --- directives --------------------------------------------------------------------------

    def _directives(self) -> None:
        old_directives = {directive.name: directive for directive in self.old.schema.directives}
        new_directives = {directive.name: directive for directive in self.new.schema.directives}
        for name, old_directive in old_directives.items():
            new_directive = new_directives.get(name)
            if new_directive is None:
                self._removed(("DIRECTIVE_REMOVED",), (name,), old_directive.ast_node)
            else:
                self._directive(old_directive, new_directive)
        for name, new_directive in new_directives.items():
            if name not in old_directives and not is_specified_directive(new_directive):
                self._safe("directive-added", f"directive @{name} was added", (name,), new_directive.ast_node)

    def _directive(self, old: GraphQLDirective, new: GraphQLDirective) -> None:
        name = old.name
        if old.is_repeatable and not new.is_repeatable:
            self._judged(("DIRECTIVE_REPEATABLE_REMOVED",), (name,), new.ast_node)
        elif new.is_repeatable and not old.is_repeatable:
            self._safe("directive-repeatable-added", f"directive @{name} is now repeatable", (name,), new.ast_node)
        for location in old.locations:
            if location not in new.locations:
                node = _part_node(old, "locations", location.name)
                self._removed(("DIRECTIVE_LOCATION_REMOVED",), (location.name, name), node)
        for location in new.locations:
            if location not in old.locations:
                self._safe(
                    "directive-location-added",
                    f"directive @{name} may now be used on {location.name}",
                    (location.name, name),
                    _part_node(new, "locations", location.name),
                )
        self._documentation((name,), f"directive @{name}", old, new)
        self._arguments((name,), f"@{name}", old.args, new.args, directive=True)
