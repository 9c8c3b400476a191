"""Which targets exist, which protocol each serves, and what each pulls into the project.

Target modules (and the readers and libraries they import) load on first use: listing the names
for `--help`, a config file or a no-op run must not cost the half second importing them all takes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.ir.model import Contract
    from generator.plan import FileSpec
    from generator.targets.options import TargetOptions

BUILTIN_TARGET_NAMES = (
    "fastapi",
    "contract-tests",
    "httpx-client",
    "ariadne",
    "graphql-client",
    "grpc-server",
    "grpc-client",
)
"""Kept in step with the targets' `NAME`s by a test; lets names be listed without imports."""

Planner = Callable[["Contract", "TargetOptions"], "list[FileSpec]"]


@dataclass(frozen=True)
class Target:
    name: str
    protocol: str
    plan: Planner
    dependencies: tuple[str, ...]
    test_dependencies: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    contract_dependencies: Callable[[Contract], tuple[str, ...]] | None = None
    """Extra runtime requirements that depend on what the contract uses (e.g. email formats)."""
    default: bool = True
    """Generated when no `--target` is given (a target can start opt-in while it is incomplete)."""
    otel_dependencies: tuple[str, ...] = ()
    """The project's optional `otel` extra: what the generated code's OpenTelemetry hooks need."""

    def dependencies_for(self, contract: Contract) -> tuple[str, ...]:
        extra = self.contract_dependencies(contract) if self.contract_dependencies else ()
        return (*self.dependencies, *extra)


def builtin_targets() -> tuple[Target, ...]:
    """Every built-in target, in generation order (imports every target module)."""
    return tuple(target for protocol in _PROTOCOLS for target in protocol_targets(protocol))


_PROTOCOLS = ("openapi", "graphql", "proto")


@lru_cache(maxsize=4)
def protocol_targets(protocol: str) -> tuple[Target, ...]:
    """The built-in targets of one protocol: a proto job never imports the OpenAPI or GraphQL ones."""
    if protocol == "openapi":
        return _openapi_targets()
    if protocol == "graphql":
        return _graphql_targets()
    if protocol == "proto":
        return _proto_targets()
    return ()


def _openapi_targets() -> tuple[Target, ...]:
    from generator.targets import contract_tests, fastapi, httpx_client, telemetry

    return (
        Target(
            fastapi.NAME,
            "openapi",
            fastapi.plan,
            fastapi.DEPENDENCIES,
            contract_dependencies=fastapi.contract_dependencies,
            otel_dependencies=telemetry.OTEL_DEPENDENCIES,
        ),
        Target(
            contract_tests.NAME,
            "openapi",
            contract_tests.plan,
            (),
            contract_tests.TEST_DEPENDENCIES,
            requires=(fastapi.NAME,),
        ),
        Target(
            httpx_client.NAME,
            "openapi",
            httpx_client.plan,
            httpx_client.DEPENDENCIES,
            contract_dependencies=httpx_client.contract_dependencies,
        ),
    )


def _graphql_targets() -> tuple[Target, ...]:
    from generator.targets import ariadne, graphql_client, graphql_contract_tests, telemetry

    return (
        Target(
            ariadne.NAME,
            "graphql",
            ariadne.plan,
            ariadne.DEPENDENCIES,
            otel_dependencies=telemetry.OTEL_DEPENDENCIES,
        ),
        Target(
            graphql_contract_tests.NAME,
            "graphql",
            graphql_contract_tests.plan,
            (),
            graphql_contract_tests.TEST_DEPENDENCIES,
            requires=(ariadne.NAME,),
        ),
        Target(graphql_client.NAME, "graphql", graphql_client.plan, graphql_client.DEPENDENCIES),
    )


def _proto_targets() -> tuple[Target, ...]:
    from generator.targets import grpc_client, grpc_contract_tests, grpc_server, proto_python, telemetry

    return (
        Target(
            grpc_server.NAME,
            "proto",
            grpc_server.plan,
            grpc_server.DEPENDENCIES,
            contract_dependencies=grpc_server.dependencies,
            otel_dependencies=telemetry.OTEL_DEPENDENCIES,
        ),
        Target(
            grpc_contract_tests.NAME,
            "proto",
            grpc_contract_tests.plan,
            (),
            grpc_contract_tests.TEST_DEPENDENCIES,
            requires=(grpc_server.NAME,),
        ),
        Target(
            grpc_client.NAME,
            "proto",
            grpc_client.plan,
            grpc_client.DEPENDENCIES,
            contract_dependencies=proto_python.dependencies,
        ),
    )


ENTRY_POINT_GROUP = "contractgen.targets"


@lru_cache(maxsize=1)
def _plugin_targets() -> tuple[Target, ...]:
    """Third-party targets: each entry point in `contractgen.targets` names a `Target` object.
    One that reuses a built-in's name and protocol is ignored (the built-in's names are known
    without importing the built-in targets)."""
    found: list[Target] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        target = entry_point.load()
        if isinstance(target, Target) and not (target.name in BUILTIN_TARGET_NAMES and _is_builtin(target)):
            found.append(target)
    return tuple(found)


def _is_builtin(target: Target) -> bool:
    return any(builtin.name == target.name for builtin in protocol_targets(target.protocol))


def all_targets(protocol: str | None = None) -> tuple[Target, ...]:
    """Every target (of `protocol`, if given), in generation order. A name may serve several
    protocols (`contract-tests`)."""
    builtin = builtin_targets() if protocol is None else protocol_targets(protocol)
    plugins = _plugin_targets()
    return (*builtin, *(plugin for plugin in plugins if protocol is None or plugin.protocol == protocol))


def target_names() -> list[str]:
    """Built-in names, then plugins' entry point names (a plugin's entry point is named after its target)."""
    plugins = [entry_point.name for entry_point in entry_points(group=ENTRY_POINT_GROUP)]
    return list(dict.fromkeys((*BUILTIN_TARGET_NAMES, *plugins)))


def find_target(name: str, protocol: str) -> Target | None:
    for target in all_targets(protocol):
        if target.name == name and target.protocol == protocol:
            return target
    return None


def target_for(name: str, protocol: str) -> Target:
    found = find_target(name, protocol)
    if found is None:
        raise KeyError(f"no target {name!r} for {protocol}")
    return found


def default_targets(protocol: str) -> tuple[str, ...]:
    return tuple(target.name for target in protocol_targets(protocol) if target.default)
