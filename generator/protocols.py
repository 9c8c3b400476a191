"""Which protocol a contract path holds, from file names alone (cheap: no reader is imported)."""

from __future__ import annotations

from pathlib import Path

OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")
GRAPHQL_SUFFIXES = (".graphql", ".graphqls", ".gql")
PROTO_SUFFIX = ".proto"

DEFAULT_SELECTION_DEPTH = 2
"""GraphQL without operation documents: how deep the made-up client operations select."""


def protocol_of(path: Path) -> str:
    """The protocol a contract path holds; a directory holds the protocol of the files in it."""
    if path.is_dir():
        suffixes = {candidate.suffix.lower() for candidate in path.rglob("*") if candidate.is_file()}
        if suffixes & set(GRAPHQL_SUFFIXES):
            return "graphql"
        return "proto" if PROTO_SUFFIX in suffixes else "unknown"
    suffix = path.suffix.lower()
    if suffix in OPENAPI_SUFFIXES:
        return "openapi"
    if suffix in GRAPHQL_SUFFIXES:
        return "graphql"
    if suffix == PROTO_SUFFIX:
        return "proto"
    return "unknown"
