"""`graphql-client` target: a typed GraphQL client (httpx, sync and async) for the contract's operations."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets import ariadne, graphql_schema
from generator.targets.options import TargetOptions

NAME = "graphql-client"
DEPENDENCIES = (*graphql_schema.DEPENDENCIES, "httpx>=0.27")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    if ariadne.NAME in options.targets:
        return []
    return graphql_schema.plan(contract, options)
