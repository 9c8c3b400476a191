"""`contract-tests` for GraphQL: pytest checks that any implementation serves the contract's schema."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = ("pytest>=8", "httpx>=0.27", "hypothesis>=6.100", "hypothesis-graphql>=0.11")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    return []
