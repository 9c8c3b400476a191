"""load → lower → validate → plan → render → format → emit, for one generation job."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import ContractError, DiagnosticSink, Location
from generator.emit import CheckReport, EmitReport, check, emit
from generator.format import format_python
from generator.ir.model import Contract
from generator.ir.names import PythonIdentifier, package_name
from generator.plan import FileSpec
from generator.readers.graphql import read_graphql
from generator.readers.graphql_documents import GRAPHQL_SUFFIXES
from generator.readers.graphql_operations import DEFAULT_SELECTION_DEPTH
from generator.readers.openapi import read_openapi
from generator.readers.proto import read_proto
from generator.targets import project
from generator.targets.options import TargetOptions
from generator.targets.registry import ALL_TARGETS, default_targets, find_target, target_for, target_names

OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")
PROTO_SUFFIXES = (".proto",)


@dataclass(frozen=True)
class ReadOptions:
    """How contracts are read: `lenient` accepts published schemas' known defects with warnings."""

    lenient: bool = False
    selection_depth: int = DEFAULT_SELECTION_DEPTH
    """GraphQL: how deep the made-up client operations select when no operation documents are given."""
    proto_paths: tuple[Path, ...] = ()
    """Proto: import roots, like protoc's `-I` (default: each contract file's directory)."""


@dataclass(frozen=True)
class Job:
    contracts: tuple[Path, ...]
    out_dir: Path
    targets: tuple[str, ...] = ()
    package: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)


def protocol_of(path: Path) -> str:
    """The protocol a contract path holds; a directory holds the protocol of the files in it."""
    if path.is_dir():
        suffixes = {candidate.suffix.lower() for candidate in path.rglob("*") if candidate.is_file()}
        if suffixes & set(GRAPHQL_SUFFIXES):
            return "graphql"
        return "proto" if suffixes & set(PROTO_SUFFIXES) else "unknown"
    suffix = path.suffix.lower()
    if suffix in OPENAPI_SUFFIXES:
        return "openapi"
    if suffix in GRAPHQL_SUFFIXES:
        return "graphql"
    if suffix in PROTO_SUFFIXES:
        return "proto"
    return "unknown"


def read_contract(paths: Sequence[Path], sink: DiagnosticSink, options: ReadOptions | None = None) -> Contract:
    """Read and validate the contract; raises `ContractError` with every error found."""
    options = options or ReadOptions()
    if not paths:
        sink.error("cli.no-contract", "no contract file given")
        sink.raise_if_errors()
    protocols = {protocol_of(path) for path in paths}
    for path in paths:
        if not path.is_file() and not (path.is_dir() and protocol_of(path) in ("graphql", "proto")):
            sink.error("cli.missing-file", "contract file not found", Location(str(path)))
    sink.raise_if_errors()
    if protocols == {"graphql"}:
        graphql_contract = read_graphql(paths, sink, lenient=options.lenient, selection_depth=options.selection_depth)
        sink.raise_if_errors()
        assert graphql_contract is not None
        return graphql_contract
    if protocols == {"proto"}:
        proto_contract = read_proto(paths, sink, options.proto_paths)
        sink.raise_if_errors()
        assert proto_contract is not None
        return proto_contract
    if protocols != {"openapi"}:
        protocol = ", ".join(sorted(protocols))
        sink.error(
            "cli.unsupported-protocol",
            f"contracts of kind {protocol} are not supported yet "
            "(OpenAPI .yaml/.yml/.json, GraphQL .graphql/.graphqls/.gql and .proto are; one kind per run)",
            Location(str(paths[0])),
        )
        sink.raise_if_errors()
    if len(paths) > 1:
        sink.error("cli.too-many-contracts", "give one OpenAPI root file; it may $ref others", Location(str(paths[1])))
        sink.raise_if_errors()
    contract = read_openapi(paths[0], sink)
    sink.raise_if_errors()
    assert contract is not None
    return contract


def resolve_targets(requested: Sequence[str], protocol: str, sink: DiagnosticSink) -> tuple[str, ...]:
    chosen = tuple(requested) or default_targets(protocol)
    for name in chosen:
        if name not in target_names():
            sink.error("cli.unknown-target", f"unknown target {name!r}; known: {', '.join(sorted(target_names()))}")
        elif find_target(name, protocol) is None:
            sink.error("cli.target-protocol", f"target {name!r} does not generate from {protocol} contracts")
    sink.raise_if_errors()
    closed = list(chosen)
    for name in chosen:
        closed.extend(required for required in target_for(name, protocol).requires if required not in closed)
    order = [target.name for target in ALL_TARGETS if target.protocol == protocol]
    return tuple(sorted(set(closed), key=order.index))


_IMPORTED_BY_GENERATED_CODE = {
    "fastapi",
    "pydantic",
    "pydantic_core",
    "starlette",
    "uvicorn",
    "httpx",
    "jsonschema",
    "openapi_schema_validator",
    "schemathesis",
    "hypothesis",
    "pytest",
    "multipart",
    "python_multipart",
    "email_validator",
    "tests",
    "ariadne",
    "graphql",
    "websockets",
    "hypothesis_graphql",
    "grpc",
    "grpc_health",
    "grpc_reflection",
    "google",
    "typing_extensions",
}


def shadows_a_module(name: str) -> bool:
    """Would a top-level package of this name hide a module the generated project imports?"""
    return name in sys.stdlib_module_names or name in _IMPORTED_BY_GENERATED_CODE


def choose_package(requested: str | None, title: str, sink: DiagnosticSink) -> PythonIdentifier:
    """`--package` as given (checked), else one derived from the title that shadows nothing."""
    if requested is None:
        derived = package_name(title)
        return PythonIdentifier(f"{derived}_service") if shadows_a_module(derived) else derived
    if package_name(requested) != requested:
        sink.error("cli.bad-package", f"{requested!r} is not a valid package name; try {package_name(requested)!r}")
    elif shadows_a_module(requested):
        sink.error("cli.bad-package", f"package name {requested!r} would shadow the module of that name")
    sink.raise_if_errors()
    return PythonIdentifier(requested)


def plan_job(job: Job, sink: DiagnosticSink) -> tuple[Contract, list[FileSpec], TargetOptions]:
    contract = read_contract(job.contracts, sink, job.read)
    targets = resolve_targets(job.targets, contract.protocol, sink)
    options = TargetOptions(
        package=choose_package(job.package, contract.title, sink),
        contract_file_name=job.contracts[0].name,
        targets=targets,
    )
    files: list[FileSpec] = []
    for name in targets:
        files.extend(target_for(name, contract.protocol).plan(contract, options))
    chosen = [target_for(name, contract.protocol) for name in targets]
    dependencies = [dep for target in chosen for dep in target.dependencies_for(contract)]
    test_dependencies = [dep for target in chosen for dep in target.test_dependencies]
    files.extend(project.plan(contract, options, dependencies, test_dependencies))
    return contract, format_python(files), options


def _inputs(contract: Contract) -> dict[str, str]:
    return {Path(source.path).name: source.sha256 for source in contract.sources}


def generate(job: Job, sink: DiagnosticSink, *, force: bool = False) -> EmitReport:
    contract, files, options = plan_job(job, sink)
    return emit(
        files,
        job.out_dir,
        force=force,
        inputs=_inputs(contract),
        options={"package": options.package, "targets": list(options.targets)},
    )


def check_job(job: Job, sink: DiagnosticSink) -> CheckReport:
    _, files, _ = plan_job(job, sink)
    return check(files, job.out_dir)


__all__ = ["ContractError", "Job", "check_job", "generate", "plan_job", "read_contract"]
