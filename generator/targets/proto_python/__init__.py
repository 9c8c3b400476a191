"""The part of a gRPC project every proto target shares: the package and protoc's Python modules.

protoc (grpcio-tools) writes `_pb2.py`, `_pb2.pyi` and `_pb2_grpc.py` from the contract's
descriptor set; they go under `_generated/proto/` with imports of each other made package-relative.
The minimum protobuf and grpcio versions of the project are read from what protoc wrote.
"""

from __future__ import annotations

import re
from functools import lru_cache

from google.protobuf import descriptor_pb2

from generator.ir.model import Contract
from generator.ir.proto import ProtoContract
from generator.plan import FileSpec
from generator.protoc import python_sources
from generator.targets.options import TargetOptions
from generator.targets.project import package_skeleton
from generator.targets.proto_python.imports import rewrite_imports

_PROTOBUF_VERSION = re.compile(r"^# Protobuf Python Version: (\d+\.\d+\.\d+)", re.MULTILINE)
_GRPC_VERSION = re.compile(r"^GRPC_GENERATED_VERSION = '(\d+\.\d+\.\d+)'", re.MULTILINE)
PROTO_DIR = "proto"


def proto_of(contract: Contract) -> ProtoContract:
    if contract.proto is None:
        raise ValueError("a proto target was given a contract of another protocol")
    return contract.proto


@lru_cache(maxsize=4)
def _sources(descriptor_set: bytes, files: tuple[str, ...]) -> dict[str, str]:
    """protoc runs once per contract even when several targets ask.

    Comments are stripped first: protoc copies them into `_pb2_grpc.py` docstrings unescaped, so a
    comment holding three double quotes would break the module (our own modules carry the docs, escaped).
    """
    return python_sources(without_comments(descriptor_set), files)


def without_comments(descriptor_set: bytes) -> bytes:
    file_set = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set)
    for file in file_set.file:
        file.ClearField("source_code_info")
    return file_set.SerializeToString(deterministic=True)


def protoc_outputs(proto: ProtoContract) -> dict[str, str]:
    """protoc's modules for the contract's own files: `_pb2_grpc.py` only where there are services."""
    with_services = {service.file for service in proto.services}
    outputs = _sources(proto.descriptor_set, tuple(file.name for file in proto.generated_files))
    return {
        path: text
        for path, text in outputs.items()
        if not path.endswith("_pb2_grpc.py") or path.removesuffix("_pb2_grpc.py") + ".proto" in with_services
    }


def dependencies(contract: Contract) -> tuple[str, ...]:
    """`protobuf>=` and `grpcio>=` the versions protoc's output checks for at import time."""
    outputs = protoc_outputs(proto_of(contract))
    protobuf = {match for text in outputs.values() for match in _PROTOBUF_VERSION.findall(text)}
    grpc = {match for text in outputs.values() for match in _GRPC_VERSION.findall(text)}
    found = []
    if protobuf:
        found.append(f"protobuf>={max(protobuf, key=_version)}")
    if grpc:
        found.append(f"grpcio>={max(grpc, key=_version)}")
    return tuple(found)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def fmt_off(module: str) -> str:
    """protoc's module as protoc wrote it, marked `# fmt: off` after its leading comments.

    Formatting protoc's output cost ~150x protoc's own run (a 100 kB descriptor literal per file);
    the marker keeps `black --check` of the project green without touching the user's pyproject
    (ruff and mypy already skip these modules).
    """
    lines = module.splitlines(keepends=True)
    position = 0
    while position < len(lines) and lines[position].startswith("#"):
        position += 1
    return "".join([*lines[:position], "# fmt: off\n", *lines[position:]])


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    """Package skeleton and `_generated/proto/**` (protoc's modules, imports rewritten)."""
    proto = proto_of(contract)
    generated = options.generated_dir
    root_package = f"{options.package}._generated.{PROTO_DIR}"
    own_modules = {file.python_module for file in proto.generated_files}
    files = package_skeleton(options)
    directories = {f"{generated}/{PROTO_DIR}"}
    for path, text in sorted(protoc_outputs(proto).items()):
        target = f"{generated}/{PROTO_DIR}/{path}"
        files.append(FileSpec(target, fmt_off(rewrite_imports(text, own_modules, root_package)), formatted=False))
        parts = target.split("/")[:-1]
        directories.update("/".join(parts[:index]) for index in range(len(generated.split("/")) + 1, len(parts) + 1))
    files.extend(FileSpec(f"{directory}/__init__.py", "") for directory in sorted(directories))
    return files
