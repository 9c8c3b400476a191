"""`ariadne` target: a schema-first Ariadne GraphQL service around typed resolvers the user implements."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets import graphql_schema
from generator.targets.options import TargetOptions

NAME = "ariadne"
DEPENDENCIES = (*graphql_schema.DEPENDENCIES, "ariadne>=0.23", "uvicorn[standard]>=0.30", "starlette>=0.37")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    return graphql_schema.plan(contract, options)
