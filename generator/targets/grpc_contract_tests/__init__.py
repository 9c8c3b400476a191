"""`contract-tests` for gRPC: pytest checks that any implementation serves the contract's services."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = ("pytest>=8", "grpcio-reflection>=1.60", "grpcio-health-checking>=1.60")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    return []
