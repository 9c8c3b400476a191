"""`grpc-server` target: a grpcio service (grpc.aio by default) around typed servicers the user implements."""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.targets import proto_python
from generator.targets.options import TargetOptions

NAME = "grpc-server"
DEPENDENCIES = ("grpcio-health-checking>=1.60", "grpcio-reflection>=1.60")


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    return proto_python.plan(contract, options)
