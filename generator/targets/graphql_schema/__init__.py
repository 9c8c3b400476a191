"""The part of a GraphQL project every GraphQL target shares: the package, its types and the schema.

`types.py` holds the schema's types as Python (enums, input and output models, unions); the
schema files are shipped beside it so the server loads, and the tests compare, the contract itself.
"""

from __future__ import annotations

from generator.ir.graphql import GraphQLContract
from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.render import make_environment, render
from generator.targets.graphql_schema.views import types_view
from generator.targets.options import TargetOptions
from generator.targets.project import package_skeleton

DEPENDENCIES = ("pydantic>=2.7",)


def graphql_of(contract: Contract) -> GraphQLContract:
    if contract.graphql is None:
        raise ValueError("a GraphQL target was given a contract of another protocol")
    return contract.graphql


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    """Package skeleton, `_generated/types.py` and `_generated/schema/*.graphql`."""
    graphql = graphql_of(contract)
    environment = make_environment()
    context = {"contract_file": options.contract_file_name}
    generated = options.generated_dir
    files = [
        *package_skeleton(options),
        FileSpec(
            f"{generated}/types.py",
            render(environment, "graphql/types.py.jinja", {**context, "types": types_view(graphql)}),
        ),
        FileSpec(f"{generated}/schema/__init__.py", ""),
    ]
    files.extend(
        FileSpec(f"{generated}/schema/{schema_file.name}", schema_file.text) for schema_file in graphql.schema_files
    )
    return files
