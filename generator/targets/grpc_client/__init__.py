"""`grpc-client` target: typed sync and async clients over the contract's gRPC services."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets import grpc_server, proto_python
from generator.targets.options import TargetOptions

NAME = "grpc-client"
DEPENDENCIES: tuple[str, ...] = ()


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    if grpc_server.NAME in options.targets:
        return []
    return proto_python.plan(contract, options)
