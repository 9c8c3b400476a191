"""`contract-tests` for GraphQL: pytest checks that any implementation serves the contract.

The tests compare the introspected schema with the shipped one, send hypothesis-graphql queries
for every root field and check the answers by re-executing them through the contract's schema,
and send a query nested too deep. What varies per contract (root field names, custom scalar
strategies) is computed here and written as data; the checking code is a static module.
"""

from __future__ import annotations

from generator.ir.graphql import GraphQLKind, RootKind
from generator.ir.model import Contract
from generator.ir.types import Primitive, PrimitiveKind
from generator.plan import FileSpec, Ownership
from generator.render import make_environment, render, static_file
from generator.targets.graphql_schema import graphql_of
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = (
    "pytest>=8",
    "httpx>=0.27",
    "hypothesis>=6.100",
    "hypothesis-graphql>=0.11",
    "websockets>=12",
)

_SCALAR_STRATEGIES = {
    PrimitiveKind.DATETIME: "st.datetimes(timezones=st.just(datetime.timezone.utc))"
    ".map(lambda value: StringValueNode(value=value.isoformat()))",
    PrimitiveKind.DATE: "st.dates().map(lambda value: StringValueNode(value=value.isoformat()))",
    PrimitiveKind.TIME: "st.times().map(lambda value: StringValueNode(value=value.isoformat()))",
    PrimitiveKind.UUID: "st.uuids().map(lambda value: StringValueNode(value=str(value)))",
    PrimitiveKind.INTEGER: "st.integers(-(2**53), 2**53).map(lambda value: IntValueNode(value=str(value)))",
}
_VALUE_NODES = ("IntValueNode", "StringValueNode")
_TEXT_STRATEGY = "st.text(max_size=20).map(lambda value: StringValueNode(value=value))"


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    graphql = graphql_of(contract)
    environment = make_environment()

    def root_fields(kind: RootKind) -> list[str]:
        root = graphql.root(kind)
        return [field.wire_name for field in root.fields] if root is not None else []

    scalars = [
        {"name": named.wire_name, "strategy": _strategy(named.scalar_type)}
        for named in graphql.of_kind(GraphQLKind.SCALAR)
    ]
    context = {
        "contract_file": options.contract_file_name,
        "package": options.package,
        "query_fields": root_fields(RootKind.QUERY),
        "mutation_fields": root_fields(RootKind.MUTATION),
        "subscription_fields": root_fields(RootKind.SUBSCRIPTION),
        "scalars": scalars,
        "needs_datetime": any("datetime." in scalar["strategy"] for scalar in scalars),
        "value_nodes": [node for node in _VALUE_NODES if any(node in scalar["strategy"] for scalar in scalars)],
    }
    return [
        FileSpec("tests/__init__.py", ""),
        FileSpec("tests/contract/__init__.py", ""),
        FileSpec("tests/contract/graphql_checks.py", static_file("graphql_contract_tests/static/graphql_checks.py")),
        *(
            FileSpec(f"tests/contract/{name}", render(environment, f"graphql_contract_tests/{name}.jinja", context))
            for name in ("conftest.py", "test_schema.py")
        ),
        FileSpec(
            "tests/contract/custom_scalars.py",
            render(environment, "graphql_contract_tests/custom_scalars.py.jinja", context),
            Ownership.USER,
        ),
    ]


def _strategy(scalar_type: object) -> str:
    """A hypothesis strategy (source text) drawing literals of a custom scalar's Python kind."""
    if isinstance(scalar_type, Primitive):
        return _SCALAR_STRATEGIES.get(scalar_type.kind, _TEXT_STRATEGY)
    return _TEXT_STRATEGY
