"""load → lower → validate → plan → render → format → emit, for one generation job."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import ContractError, DiagnosticSink, Location
from generator.emit import (
    CheckReport,
    EmitReport,
    Manifest,
    ManifestError,
    UnsafePathError,
    check,
    check_recorded,
    emit,
    read_manifest,
)
from generator.fingerprint import (
    declared_inputs,
    file_sha256,
    hash_inputs,
    job_fingerprint,
    proto_root_listing,
    relative_key,
)
from generator.ir.names import PythonIdentifier, package_name
from generator.plan import FileSpec, Ownership
from generator.progress import StageListener
from generator.protocols import DEFAULT_SELECTION_DEPTH, protocol_of
from generator.template_overrides import TemplateOverrideError, override_digest

if TYPE_CHECKING:
    from generator.ir.model import Contract
    from generator.targets.options import TargetOptions

# Readers, targets and black are imported where they are used: a no-op run (fingerprint matches)
# never needs them, and importing them costs more than the whole no-op check.


@dataclass(frozen=True)
class ReadOptions:
    """How contracts are read: `lenient` accepts published contracts' known defects with warnings
    (GraphQL: a field defined twice; OpenAPI: see `generator/readers/openapi_lenient.py`)."""

    lenient: bool = False
    selection_depth: int = DEFAULT_SELECTION_DEPTH
    """GraphQL: how deep the made-up client operations select when no operation documents are given."""
    proto_paths: tuple[Path, ...] = ()
    """Proto: import roots, like protoc's `-I` (default: each contract file's directory)."""
    allow_remote_refs: bool = False
    """OpenAPI: fetch http(s) `$ref`s instead of refusing them (their content is not fingerprinted,
    so such a job is never skipped as a no-op)."""


@dataclass(frozen=True)
class Job:
    """One contract (set of files) → one output directory, with everything that shapes the output."""

    contracts: tuple[Path, ...]
    out_dir: Path
    targets: tuple[str, ...] = ()
    package: str | None = None
    read: ReadOptions = field(default_factory=ReadOptions)
    templates: tuple[Path, ...] = ()
    """Template override directories, searched file by file before the built-in templates."""


def read_contract(paths: Sequence[Path], sink: DiagnosticSink, options: ReadOptions | None = None) -> Contract:
    """Read and validate the contract; raises `ContractError` with every error found."""
    # Each reader is imported only for its protocol: the OpenAPI one alone costs more than protoc.
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
        from generator.readers.graphql import read_graphql

        graphql_contract = read_graphql(paths, sink, lenient=options.lenient, selection_depth=options.selection_depth)
        sink.raise_if_errors()
        assert graphql_contract is not None
        return graphql_contract
    if protocols == {"proto"}:
        from generator.readers.proto import read_proto

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
    from generator.readers.openapi import read_openapi

    contract = read_openapi(paths[0], sink, lenient=options.lenient, allow_remote_refs=options.allow_remote_refs)
    sink.raise_if_errors()
    assert contract is not None
    return contract


def resolve_targets(requested: Sequence[str], protocol: str, sink: DiagnosticSink) -> tuple[str, ...]:
    from generator.targets.registry import all_targets, default_targets, find_target, target_for, target_names

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
    order = [target.name for target in all_targets(protocol)]
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


def _no_stage(stage: str) -> None:
    """Default stage listener: progress display is the CLI's business."""


def plan_job(
    job: Job, sink: DiagnosticSink, on_stage: StageListener = _no_stage
) -> tuple[Contract, list[FileSpec], TargetOptions]:
    from generator.format import FormattingError, check_python_parses, format_python
    from generator.render import template_overrides
    from generator.targets import project
    from generator.targets.options import TargetOptions
    from generator.targets.registry import target_for

    on_stage("read")
    contract = read_contract(job.contracts, sink, job.read)
    targets = resolve_targets(job.targets, contract.protocol, sink)
    options = TargetOptions(
        package=choose_package(job.package, contract.title, sink),
        contract_file_name=job.contracts[0].name,
        targets=targets,
    )
    on_stage("render")
    files: list[FileSpec] = []
    with template_overrides(job.templates):
        for name in targets:
            files.extend(target_for(name, contract.protocol).plan(contract, options))
        chosen = [target_for(name, contract.protocol) for name in targets]
        dependencies = [dep for target in chosen for dep in target.dependencies_for(contract)]
        test_dependencies = [dep for target in chosen for dep in target.test_dependencies]
        otel_dependencies = [dep for target in chosen for dep in target.otel_dependencies]
        files.extend(project.plan(contract, options, dependencies, test_dependencies, otel_dependencies))
    on_stage("format")
    try:
        formatted = format_python(files)
        check_python_parses(formatted)
        return contract, formatted, options
    except FormattingError as error:
        if not job.templates:
            raise
        # With overrides in play, unparsable output is the overrides' doing: the user's input.
        raise TemplateOverrideError(job.templates[0], f"the generated code does not parse: {error}") from error


def job_settings(job: Job, sink: DiagnosticSink) -> dict[str, object]:
    """Everything besides input contents and the toolchain that decides the output (fingerprinted)."""
    return {
        "contracts": [relative_key(path, job.out_dir) for path in job.contracts],
        "targets": list(job.targets),
        "package": job.package,
        "lenient": job.read.lenient,
        "selection_depth": job.read.selection_depth,
        "proto_paths": [relative_key(path, job.out_dir) for path in job.read.proto_paths],
        "proto_files": proto_root_listing(job.contracts, job.read.proto_paths),
        "templates": override_digest(job.templates) if job.templates else "",
        "strict": sink.strict,
        # Only when set, so turning it on changes the fingerprint and older manifests stay valid.
        **({"allow_remote_refs": True} if job.read.allow_remote_refs else {}),
    }


def _current_inputs(job: Job, recorded: Sequence[str] = ()) -> dict[str, str] | None:
    declared = declared_inputs(job.contracts, job.read.proto_paths)
    paths = {path.resolve() for path in declared} | {(job.out_dir / key).resolve() for key in recorded}
    return hash_inputs(sorted(paths), job.out_dir)


def _fresh_report(job: Job, sink: DiagnosticSink, on_stage: StageListener) -> tuple[Manifest, CheckReport] | None:
    """The manifest and how disk differs from it, when the fingerprint proves the plan unchanged."""
    on_stage("hash")
    manifest = read_manifest(job.out_dir)
    if manifest is None or not manifest.fingerprint or job.read.allow_remote_refs:
        return None
    inputs = _current_inputs(job, tuple(manifest.inputs))
    if inputs is None or job_fingerprint(inputs, job_settings(job, sink)) != manifest.fingerprint:
        return None
    return manifest, check_recorded(job.out_dir, manifest)


def generate(job: Job, sink: DiagnosticSink, *, force: bool = False, on_stage: StageListener = _no_stage) -> EmitReport:
    """Bring the output directory in line with the contract; a no-op when the fingerprint matches
    and every file is as recorded (nothing read, rendered or formatted)."""
    fresh = _fresh_report(job, sink, on_stage)
    if fresh is not None and fresh[1].ok:
        recorded = fresh[0].files
        return EmitReport(
            unchanged=tuple(path for path, entry in recorded.items() if entry.owner is Ownership.GENERATED),
            kept=tuple(path for path, entry in recorded.items() if entry.owner is Ownership.USER),
            cached=True,
        )
    contract, files, options = plan_job(job, sink, on_stage)
    sink.raise_if_errors()
    inputs = _current_inputs(job) or {}
    for source in contract.sources:
        path = Path(source.path)
        if path.is_file():
            inputs[relative_key(path, job.out_dir)] = file_sha256(path)
    inputs = dict(sorted(inputs.items()))
    on_stage("emit")
    report = emit(
        files,
        job.out_dir,
        force=force,
        inputs=inputs,
        options={"package": options.package, "targets": list(options.targets)},
        fingerprint=job_fingerprint(inputs, job_settings(job, sink)),
    )
    if report.ok:
        from generator.user_code import check_user_code

        check_user_code(files, job.out_dir, sink)
    return report


def recorded_inputs(out_dir: Path) -> list[Path]:
    """The input files the last run of this output directory read (for `watch`); [] if unknown."""
    try:
        manifest = read_manifest(out_dir)
    except (ManifestError, UnsafePathError, ValueError):
        return []
    if manifest is None:
        return []
    return [(out_dir / key).resolve() for key in manifest.inputs]


def check_job(job: Job, sink: DiagnosticSink, on_stage: StageListener = _no_stage) -> CheckReport:
    """How the output directory differs from what `generate` would write; from hashes alone when
    the fingerprint matches (the check CI runs on every commit should cost milliseconds)."""
    fresh = _fresh_report(job, sink, on_stage)
    if fresh is not None:
        return fresh[1]
    _, files, _ = plan_job(job, sink, on_stage)
    on_stage("compare")
    return check(files, job.out_dir)


__all__ = ["ContractError", "Job", "check_job", "generate", "plan_job", "read_contract"]
