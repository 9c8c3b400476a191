"""Which targets exist, which protocol each serves, and what each pulls into the project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets import contract_tests, fastapi, httpx_client
from generator.targets.options import TargetOptions

Planner = Callable[[Contract, TargetOptions], list[FileSpec]]


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

    def dependencies_for(self, contract: Contract) -> tuple[str, ...]:
        extra = self.contract_dependencies(contract) if self.contract_dependencies else ()
        return (*self.dependencies, *extra)


BUILTIN_TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        Target(
            fastapi.NAME,
            "openapi",
            fastapi.plan,
            fastapi.DEPENDENCIES,
            contract_dependencies=fastapi.contract_dependencies,
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
}


ENTRY_POINT_GROUP = "contractgen.targets"


def _plugin_targets() -> dict[str, Target]:
    """Third-party targets: each entry point in `contractgen.targets` names a `Target` object."""
    found: dict[str, Target] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        target = entry_point.load()
        if isinstance(target, Target) and target.name not in BUILTIN_TARGETS:
            found[target.name] = target
    return found


TARGETS: dict[str, Target] = {**BUILTIN_TARGETS, **_plugin_targets()}


def default_targets(protocol: str) -> tuple[str, ...]:
    return tuple(name for name, target in BUILTIN_TARGETS.items() if target.protocol == protocol and target.default)
