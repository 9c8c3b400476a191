"""`contract-tests` target: pytest + schemathesis checks any implementation against the contract."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = ("pytest>=8", "schemathesis>=4.0", "httpx>=0.27")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    return []
