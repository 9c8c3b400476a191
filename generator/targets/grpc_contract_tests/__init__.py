"""`contract-tests` for gRPC: pytest checks that any implementation serves the contract's services.

Reflection must list exactly the contract's services with the contract's descriptors; every
method of every streaming kind is called with the contract's example request (the server
target's `examples.json`); health must report SERVING. What varies per contract (services, method
paths) is written as data; the checking code is a static module.
"""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.render import make_environment, render, static_file
from generator.targets import proto_python
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = (
    "pytest>=8",
    "grpcio-reflection>=1.60",
    "grpcio-health-checking>=1.60",
    "types-protobuf>=5.26",
    "types-grpcio>=1.0.0.20250318",
    "types-grpcio-health-checking>=1.0.0.20250318",
    "types-grpcio-reflection>=1.0.0.20250318",
)


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    proto = proto_python.proto_of(contract)
    root = f"{options.package}._generated.{proto_python.PROTO_DIR}"
    context = {
        "contract_file": options.contract_file_name,
        "package": options.package,
        "services": {service.full_name: f"{root}.{service.python_module}" for service in proto.services},
        "methods": [service.method_path(method) for service in proto.services for method in service.methods],
    }
    environment = make_environment()
    return [
        FileSpec("tests/__init__.py", ""),
        FileSpec("tests/contract/__init__.py", ""),
        FileSpec("tests/contract/grpc_checks.py", static_file("grpc_contract_tests/static/grpc_checks.py")),
        *(
            FileSpec(f"tests/contract/{name}", render(environment, f"grpc_contract_tests/{name}.jinja", context))
            for name in ("conftest.py", "test_contract.py")
        ),
    ]
