"""Which requests the generated GraphQL load test sends: the contract's queries, with valid variables.

A load test must not change state, so it sends only the root Query operations the generated client
knows (the contract's own documents, or those generated per root field). Mutations and
subscriptions are never sent. Variables with an SDL default or a nullable type are left out (the
server uses the default or null); every required one gets the value the mock serves for its type
(`examples.py`): an enum's first value, the example of a built-in or known custom scalar, an
input object with its required fields, a list of one item. A custom scalar whose valid values
are unknown (`Primitive(ANY)`) has no such value: its queries are skipped and the load test names
them on stderr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.ir.graphql import GraphQLContract, GraphQLKind, GraphQLNamedType, GraphQLOperation, RootKind
from generator.ir.model import JsonValue
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef
from generator.targets.ariadne.examples import leaf_example, primitive_example


@dataclass(frozen=True)
class LoadQueryView:
    operation_name: str
    document_lines: tuple[str, ...]
    variables: dict[str, JsonValue]
    """Wire values of the required variables; the template writes them with `pylit`."""


@dataclass(frozen=True)
class SkippedQueryView:
    operation_name: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.operation_name}: {self.reason}"


@dataclass(frozen=True)
class LoadPlanView:
    queries: tuple[LoadQueryView, ...]
    skipped: tuple[SkippedQueryView, ...]


class _NoKnownValue(Exception):
    """A custom scalar whose valid values the contract does not tell."""

    def __init__(self, scalar_name: str) -> None:
        super().__init__(scalar_name)
        self.scalar_name = scalar_name


def load_plan(contract: GraphQLContract) -> LoadPlanView:
    """The root queries to send with their variables, and those that cannot be sent with why."""
    types = {named.wire_name: named for named in contract.types}
    queries: list[LoadQueryView] = []
    skipped: list[SkippedQueryView] = []
    for operation in contract.operations:
        if operation.kind is not RootKind.QUERY:
            continue
        try:
            variables = required_variables(operation, types)
        except _NoKnownValue as unknown:
            reason = f"custom scalar {unknown.scalar_name} has no known valid value"
            skipped.append(SkippedQueryView(operation.operation_name, reason))
            continue
        document_lines = tuple(operation.document.splitlines(keepends=True))
        queries.append(LoadQueryView(operation.operation_name, document_lines, variables))
    return LoadPlanView(tuple(queries), tuple(skipped))


def required_variables(operation: GraphQLOperation, types: Mapping[str, GraphQLNamedType]) -> dict[str, JsonValue]:
    """`{variable: wire value}` for the variables the operation cannot be sent without."""
    return {
        variable.wire_name: input_value(variable.type, types, frozenset())
        for variable in operation.variables
        if variable.required
    }


def input_value(type_ref: TypeRef, types: Mapping[str, GraphQLNamedType], entered: frozenset[str]) -> JsonValue:
    """A wire value of input type `type_ref` that GraphQL coerces without error (spec §3.10, §3.12).

    `entered` holds the input objects being built: a list back into one of them is left empty,
    as a cycle of input objects is only valid through a nullable field or a list (§3.10.1).
    """
    if isinstance(type_ref, Nullable):
        return input_value(type_ref.inner, types, entered)
    if isinstance(type_ref, ListOf):
        item = _unwrapped(type_ref.item)
        if isinstance(item, Ref) and item.source in entered:
            return []
        return [input_value(type_ref.item, types, entered)]
    if isinstance(type_ref, Primitive):
        return primitive_example(type_ref.kind)
    assert isinstance(type_ref, Ref), type_ref
    named = types[type_ref.source]
    if named.kind is GraphQLKind.INPUT:
        inside = entered | {named.wire_name}
        return {
            field.wire_name: input_value(field.type, types, inside) for field in named.input_fields if field.required
        }
    scalar_type = named.scalar_type
    if named.kind is GraphQLKind.SCALAR and (
        not isinstance(scalar_type, Primitive) or scalar_type.kind is PrimitiveKind.ANY
    ):
        raise _NoKnownValue(named.wire_name)
    return leaf_example(named)


def _unwrapped(type_ref: TypeRef) -> TypeRef:
    while isinstance(type_ref, (Nullable, ListOf)):
        type_ref = type_ref.inner if isinstance(type_ref, Nullable) else type_ref.item
    return type_ref
