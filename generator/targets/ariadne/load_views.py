"""Which requests the generated GraphQL load test sends: the contract's queries it can send as they are.

A load test must not change state, so it sends only the root Query operations the generated client
knows (the contract's own documents, or those generated per root field), and only those whose
required variables all have SDL defaults: variables are left out of the request, so the server
uses the defaults. Mutations and subscriptions are never sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir.graphql import GraphQLOperation, RootKind


@dataclass(frozen=True)
class LoadQueryView:
    operation_name: str
    document_lines: tuple[str, ...]


def load_queries(operations: tuple[GraphQLOperation, ...]) -> list[LoadQueryView]:
    return [
        LoadQueryView(operation.operation_name, tuple(operation.document.splitlines(keepends=True)))
        for operation in operations
        if operation.kind is RootKind.QUERY and not any(variable.required for variable in operation.variables)
    ]
