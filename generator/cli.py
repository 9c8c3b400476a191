"""The `contractgen` command line. Parses arguments, calls the pipeline, prints, sets exit codes.

Exit codes: 0 success; 1 check failed or generated files were edited by hand; 2 bad input;
3 internal error (see generator/cli_report.py).
"""

from __future__ import annotations

import enum
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from generator import __version__
from generator.cli_report import (
    EXIT_BAD_INPUT,
    EXIT_DRIFT,
    EXIT_INTERNAL,
    EXIT_OK,
    JobOutcome,
    diagnostic_json,
    diff_json,
    overall_exit_code,
    print_json,
    print_text,
)
from generator.config import CONFIG_NAME, ConfiguredJob, initial_job, load_config, write_config
from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.diff.compare import diff_sides
from generator.diff.model import Level
from generator.diff.sources import resolve_side
from generator.emit import ManifestError, UnsafePathError
from generator.escaping import UnsafeValueError
from generator.ir.graphql import RootKind
from generator.ir.model import Contract
from generator.pipeline import Job, ReadOptions, check_job, choose_package, generate, read_contract, recorded_inputs
from generator.progress import RunProgress, StageListener, interactive_terminal
from generator.protocols import DEFAULT_SELECTION_DEPTH
from generator.targets.registry import target_names
from generator.template_overrides import TemplateOverrideError, export_templates
from generator.watch import watch_and_regenerate

app = typer.Typer(
    name="contractgen",
    help="Contract-first code generator: OpenAPI, GraphQL and proto contracts → services, clients and contract tests.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ContractArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="CONTRACT",
        help="Contract: an OpenAPI .yaml/.yml/.json file; GraphQL .graphql files or directories "
        "(schema files and operation documents together); or .proto files or proto root directories.",
        show_default=False,
    ),
]
TargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        "-t",
        metavar="TARGET",
        help=f"Target to generate (repeatable): {', '.join(target_names())}. Default: all for the contract's protocol.",
    ),
]
PackageOption = Annotated[
    str | None,
    typer.Option("--package", "-p", metavar="NAME", help="Import package name; default: from the contract title."),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
LenientOption = Annotated[
    bool,
    typer.Option(
        "--lenient",
        help="Accept known defects of published contracts with a warning (GraphQL: a field defined twice; "
        "OpenAPI: a default its schema refuses, a duplicate operationId, ...).",
    ),
]
RemoteRefsOption = Annotated[
    bool,
    typer.Option(
        "--allow-remote-refs",
        help="Fetch http(s) $refs of an OpenAPI contract instead of refusing them (off: generation "
        "stays reproducible offline and a contract cannot make contractgen reach a host).",
    ),
]
ProtoPathOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--proto-path",
        "-I",
        metavar="DIR",
        help="Proto import root (repeatable, like protoc's -I). Default: each contract file's directory.",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document (for CI annotations) instead of text.")
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print where each job's time went.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        metavar="FILE",
        help=f"Jobs file used when no CONTRACT is given (default: ./{CONFIG_NAME}).",
    ),
]
JobOption = Annotated[
    list[str] | None,
    typer.Option("--job", "-j", metavar="NAME", help="Only this job of the config file (repeatable)."),
]
TemplatesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--templates",
        metavar="DIR",
        help="Template overrides, file by file (repeatable; first wins). "
        "Start from `contractgen templates export DIR`.",
    ),
]
OptionalContractArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[CONTRACT]...",
        help="Contract: an OpenAPI .yaml/.yml/.json file; GraphQL .graphql files or directories "
        "(schema files and operation documents together); or .proto files or proto root directories. "
        f"Without CONTRACT, every job in {CONFIG_NAME} runs.",
        show_default=False,
    ),
]
OptionalOutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", metavar="DIR", help="Output directory (the generated project); needed with CONTRACT."),
]
OptionalDepthOption = Annotated[
    int | None,
    typer.Option(
        "--selection-depth",
        min=1,
        max=10,
        help=f"GraphQL without operation documents: how deep each made-up client operation selects "
        f"(default {DEFAULT_SELECTION_DEPTH}).",
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"contractgen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Contract-first code generator for Python services."""


@dataclass(frozen=True)
class _JobArguments:
    """The job-describing options of generate/check/watch, as Typer hands them over (None = not given)."""

    contract_args: list[Path] | None
    out: Path | None
    target_args: list[str] | None
    package: str | None
    lenient: bool
    selection_depth: int | None
    proto_path_args: list[Path] | None
    template_args: list[Path] | None
    config: Path | None
    job_args: list[str] | None
    strict: bool
    allow_remote_refs: bool = False

    @property
    def contracts(self) -> list[Path]:
        return list(self.contract_args or [])

    @property
    def targets(self) -> list[str]:
        return list(self.target_args or [])

    @property
    def proto_paths(self) -> list[Path]:
        return list(self.proto_path_args or [])

    @property
    def templates(self) -> list[Path]:
        return list(self.template_args or [])

    @property
    def job_names(self) -> list[str]:
        return list(self.job_args or [])


def _resolve_jobs(arguments: _JobArguments, sink: DiagnosticSink) -> list[ConfiguredJob]:
    """CONTRACT... --out DIR makes one job; no CONTRACT reads the jobs file. Errors go to `sink`."""
    if arguments.contracts:
        if arguments.config is not None or arguments.job_names:
            sink.error("cli.usage", "give either CONTRACT... --out DIR or --config/--job, not both")
        if arguments.out is None:
            sink.error("cli.usage", "--out DIR is needed with CONTRACT")
        if sink.has_errors:
            return []
        assert arguments.out is not None
        read = ReadOptions(
            arguments.lenient,
            arguments.selection_depth or DEFAULT_SELECTION_DEPTH,
            tuple(arguments.proto_paths),
            arguments.allow_remote_refs,
        )
        job = Job(
            tuple(arguments.contracts),
            arguments.out,
            tuple(arguments.targets),
            arguments.package,
            read,
            tuple(arguments.templates),
        )
        return [ConfiguredJob(arguments.out.name or str(arguments.out), job, arguments.strict)]
    job_options = {
        "--out": arguments.out is not None,
        "--target": bool(arguments.targets),
        "--package": arguments.package is not None,
        "--lenient": arguments.lenient,
        "--allow-remote-refs": arguments.allow_remote_refs,
        "--selection-depth": arguments.selection_depth is not None,
        "--proto-path": bool(arguments.proto_paths),
        "--templates": bool(arguments.templates),
    }
    for option, given in job_options.items():
        if given:
            sink.error("cli.usage", f"{option} describes a job: give CONTRACT too, or set it in {CONFIG_NAME}")
    if sink.has_errors:
        return []
    config = load_config(arguments.config or Path(CONFIG_NAME), sink)
    if config is None:
        return []
    jobs = list(config.jobs)
    if arguments.job_names:
        known = {configured.name for configured in jobs}
        for name in arguments.job_names:
            if name not in known:
                sink.error("cli.unknown-job", f"no job {name!r} in {config.path}; jobs: {', '.join(sorted(known))}")
        jobs = [configured for configured in jobs if configured.name in arguments.job_names]
    if arguments.strict:
        jobs = [replace(configured, strict=True) for configured in jobs]
    return jobs


_BAD_INPUT_ERRORS = (ManifestError, UnsafePathError, UnsafeValueError, TemplateOverrideError)


def _run_job(configured: ConfiguredJob, action: Callable[[Job, DiagnosticSink], JobOutcome], debug: bool) -> JobOutcome:
    """Run one job; bad input becomes its outcome, anything else is an internal error (exit 3)."""
    sink = DiagnosticSink(strict=configured.strict)
    try:
        outcome = action(configured.job, sink)
    except ContractError as error:
        known = set(sink.items)
        sink.items.extend(item for item in error.diagnostics if item not in known)
        return JobOutcome(configured.name, configured.job.out_dir, sink.items)
    except _BAD_INPUT_ERRORS as error:
        return JobOutcome(configured.name, configured.job.out_dir, sink.items, error=str(error))
    except Exception as error:  # the CLI is the one place that turns errors into exit codes
        for item in sink.items:
            typer.echo(str(item), err=True)
        if debug:
            traceback.print_exception(error)
        typer.echo(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None
    outcome.name = configured.name
    outcome.diagnostics = sink.items
    return outcome


def _run(
    command: str,
    arguments: _JobArguments,
    action: Callable[[Job, DiagnosticSink, StageListener], JobOutcome],
    *,
    as_json: bool,
    verbose: bool,
    debug: bool,
) -> list[JobOutcome]:
    """Resolve the jobs, run each with progress, print every outcome; returns them for the exit code."""
    sink = DiagnosticSink(strict=arguments.strict)
    jobs = _resolve_jobs(arguments, sink)
    outcomes: list[JobOutcome] = []
    if sink.has_errors:
        outcomes.append(JobOutcome("(arguments)", arguments.out, list(sink.items)))
    live = interactive_terminal() and not as_json
    with RunProgress(live=live, verbose=verbose and not as_json) as progress:
        for number, configured in enumerate(jobs, start=1):
            listener = progress.listener(configured.name)
            outcome = _run_job(configured, partial(_with_listener, action, listener), debug)
            progress.job_done(configured.name)
            outcomes.append(outcome)
            if not as_json:
                with progress.paused(resume=number < len(jobs)):
                    print_text(command, outcome)
    if as_json:
        print_json(command, outcomes)
    elif outcomes and outcomes[0].name == "(arguments)":
        print_text(command, outcomes[0])
    return outcomes


def _with_listener(
    action: Callable[[Job, DiagnosticSink, StageListener], JobOutcome],
    listener: StageListener,
    job: Job,
    sink: DiagnosticSink,
) -> JobOutcome:
    return action(job, sink, listener)


def _exit(outcomes: list[JobOutcome]) -> None:
    code = overall_exit_code(outcomes)
    if code:
        raise typer.Exit(code)


@app.command("generate")
def generate_command(
    contracts: OptionalContractArg = None,
    out: OptionalOutOption = None,
    target: TargetOption = None,
    package: PackageOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite generated files edited by hand.")] = False,
    strict: StrictOption = False,
    lenient: LenientOption = False,
    allow_remote_refs: RemoteRefsOption = False,
    selection_depth: OptionalDepthOption = None,
    proto_path: ProtoPathOption = None,
    templates: TemplatesOption = None,
    config: ConfigOption = None,
    job: JobOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
    debug: DebugOption = False,
) -> None:
    """Generate an installable project from CONTRACT into DIR (or every job in contractgen.yaml).

    Files you own are never overwritten; generated files edited by hand are refused (exit 1) unless
    --force; generated files the contract no longer produces are deleted. An unchanged contract is a
    no-op decided from content hashes.
    """
    arguments = _JobArguments(
        contracts,
        out,
        target,
        package,
        lenient,
        selection_depth,
        proto_path,
        templates,
        config,
        job,
        strict,
        allow_remote_refs=allow_remote_refs,
    )

    def action(job_to_run: Job, sink: DiagnosticSink, listener: StageListener) -> JobOutcome:
        report = generate(job_to_run, sink, force=force, on_stage=listener)
        return JobOutcome(job_to_run.out_dir.name, job_to_run.out_dir, emit=report)

    _exit(_run("generate", arguments, action, as_json=as_json, verbose=verbose, debug=debug))


@app.command("check")
def check_command(
    contracts: OptionalContractArg = None,
    out: OptionalOutOption = None,
    target: TargetOption = None,
    package: PackageOption = None,
    lenient: LenientOption = False,
    allow_remote_refs: RemoteRefsOption = False,
    selection_depth: OptionalDepthOption = None,
    proto_path: ProtoPathOption = None,
    templates: TemplatesOption = None,
    config: ConfigOption = None,
    job: JobOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
    debug: DebugOption = False,
) -> None:
    """Exit 1 if DIR (or any job's) is not what `generate` would write now: stale, missing, extra or
    hand-edited generated files. Answers from hashes alone when the contract is unchanged."""
    arguments = _JobArguments(
        contracts,
        out,
        target,
        package,
        lenient,
        selection_depth,
        proto_path,
        templates,
        config,
        job,
        False,
        allow_remote_refs=allow_remote_refs,
    )

    def action(job_to_run: Job, sink: DiagnosticSink, listener: StageListener) -> JobOutcome:
        report = check_job(job_to_run, sink, on_stage=listener)
        return JobOutcome(job_to_run.out_dir.name, job_to_run.out_dir, check=report)

    _exit(_run("check", arguments, action, as_json=as_json, verbose=verbose, debug=debug))


@app.command("validate")
def validate_command(
    contracts: ContractArg,
    strict: StrictOption = False,
    lenient: LenientOption = False,
    allow_remote_refs: RemoteRefsOption = False,
    proto_path: ProtoPathOption = None,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate a contract and print its problems with file and location."""
    sink = DiagnosticSink(strict=strict)
    name = str(contracts[0])
    read = ReadOptions(lenient=lenient, proto_paths=tuple(proto_path or ()), allow_remote_refs=allow_remote_refs)
    try:
        contract = read_contract(contracts, sink, read)
    except ContractError as error:
        known = set(sink.items)
        sink.items.extend(item for item in error.diagnostics if item not in known)
        outcome = JobOutcome(name, None, sink.items)
    except Exception as error:
        for item in sink.items:
            typer.echo(str(item), err=True)
        if debug:
            traceback.print_exception(error)
        typer.echo(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None
    else:
        warnings = sum(1 for item in sink.items if item.severity is Severity.WARNING)
        size = _size(contract)
        outcome = JobOutcome(
            name,
            None,
            sink.items,
            summary={
                "protocol": contract.protocol,
                "title": contract.title,
                "size": size,
                "warnings": warnings,
                "line": f"{name}: valid {contract.protocol} contract, {size}, {warnings} warnings",
            },
        )
    if as_json:
        print_json("validate", [outcome])
    else:
        print_text("validate", outcome)
    _exit([outcome])


@app.command("init")
def init_command(
    contracts: ContractArg,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The new project's directory.")],
    target: TargetOption = None,
    package: PackageOption = None,
    lenient: LenientOption = False,
    proto_path: ProtoPathOption = None,
    debug: DebugOption = False,
) -> None:
    """Start a project: write DIR/contractgen.yaml for CONTRACT, then generate into DIR.

    Afterwards `contractgen generate` (or `check`) inside DIR is all it takes.
    """
    sink = DiagnosticSink()
    config_path = directory / CONFIG_NAME
    if config_path.exists():
        sink.error("cli.init-exists", f"{config_path} exists; run `contractgen generate` there instead")
    elif directory.is_dir() and any(directory.iterdir()):
        sink.error("cli.init-not-empty", f"{directory} is not empty; init starts new projects (use generate)")
    if sink.has_errors:
        print_text("init", JobOutcome(directory.name, directory, sink.items))
        raise typer.Exit(EXIT_BAD_INPUT)
    configured = initial_job(
        [path.resolve() for path in contracts],
        directory,
        targets=list(target or []),
        package=package,
        lenient=lenient,
        proto_paths=[path.resolve() for path in proto_path or []],
    )

    def action(job_to_run: Job, job_sink: DiagnosticSink) -> JobOutcome:
        contract = read_contract(job_to_run.contracts, job_sink, job_to_run.read)  # nothing written if bad
        pinned = replace(job_to_run, package=choose_package(job_to_run.package, contract.title, job_sink))
        report = generate(pinned, job_sink)
        if report.ok:
            write_config(config_path, replace(configured, job=pinned))
        return JobOutcome(configured.name, directory, emit=report)

    outcome = _run_job(configured, action, debug)
    print_text("init", outcome)
    if outcome.exit_code == EXIT_OK:
        typer.echo(f"wrote {config_path}; from now on run `contractgen generate` (or `check`) in {directory}")
    _exit([outcome])


@app.command("watch")
def watch_command(
    contracts: OptionalContractArg = None,
    out: OptionalOutOption = None,
    target: TargetOption = None,
    package: PackageOption = None,
    strict: StrictOption = False,
    lenient: LenientOption = False,
    allow_remote_refs: RemoteRefsOption = False,
    selection_depth: OptionalDepthOption = None,
    proto_path: ProtoPathOption = None,
    templates: TemplatesOption = None,
    config: ConfigOption = None,
    job: JobOption = None,
    debug: DebugOption = False,
) -> None:
    """Regenerate whenever a contract, template override or the jobs file changes (Ctrl-C stops).

    Hand-edited generated files are never overwritten here (no --force); each run prints a summary.
    """
    arguments = _JobArguments(
        contracts,
        out,
        target,
        package,
        lenient,
        selection_depth,
        proto_path,
        templates,
        config,
        job,
        strict,
        allow_remote_refs=allow_remote_refs,
    )

    def one_run() -> list[Path]:
        sink = DiagnosticSink(strict=strict)
        jobs = _resolve_jobs(arguments, sink)
        if sink.has_errors:
            print_text("watch", JobOutcome("(arguments)", out, sink.items))
        for configured in jobs:
            started = time.perf_counter()
            outcome = _run_job(configured, lambda job_to_run, job_sink: _generate_outcome(job_to_run, job_sink), debug)
            print_text("watch", outcome)
            typer.echo(f"  {configured.name}: {time.perf_counter() - started:.2f}s", err=True)
        return [configured.job.out_dir for configured in jobs]

    watch_and_regenerate(one_run, lambda: _watched_paths(arguments))


def _generate_outcome(job: Job, sink: DiagnosticSink) -> JobOutcome:
    return JobOutcome(job.out_dir.name, job.out_dir, emit=generate(job, sink))


def _watched_paths(arguments: _JobArguments) -> list[Path]:
    """Files and directories whose change should trigger a run (resolved fresh after every run)."""
    sink = DiagnosticSink()
    paths: list[Path] = []
    if not arguments.contracts:
        paths.append(arguments.config or Path(CONFIG_NAME))
    for configured in _resolve_jobs(arguments, sink):
        job = configured.job
        paths.extend(job.contracts)
        paths.extend(job.read.proto_paths)
        paths.extend(job.templates)
        manifest_inputs = recorded_inputs(job.out_dir)
        paths.extend(manifest_inputs)
    return paths


class FailOn(str, enum.Enum):
    BREAKING = "breaking"
    DANGEROUS = "dangerous"
    SAFE = "safe"
    NEVER = "never"


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(metavar="OLD", help="Old contract: a file, a proto root, or git:REF:path.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="New contract: a file, a proto root, or git:REF:path.")],
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="Exit 1 when a change at or above this level exists."),
    ] = FailOn.BREAKING,
    lenient: LenientOption = False,
    as_json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Compare two versions of a contract: breaking, dangerous and safe changes, each with a rule id
    and a location. `contractgen diff git:origin/main:api.yaml api.yaml` in CI blocks breaking changes."""
    sink = DiagnosticSink()
    try:
        with ExitStack() as stack:
            sides = [resolve_side(spec, stack, sink) for spec in (old, new)]
            sink.raise_if_errors()
            old_side, new_side = sides
            assert old_side is not None and new_side is not None
            report = diff_sides(old_side, new_side, sink, lenient=lenient)
    except ContractError as error:
        known = set(sink.items)
        sink.items.extend(item for item in error.diagnostics if item not in known)
        outcome = JobOutcome(f"{old} → {new}", None, sink.items)
        if as_json:
            print_json("diff", [outcome])
        else:
            print_text("diff", outcome)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Exception as error:
        for item in sink.items:
            typer.echo(str(item), err=True)
        if debug:
            traceback.print_exception(error)
        typer.echo(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None
    threshold = None if fail_on is FailOn.NEVER else Level[fail_on.name]
    failed = threshold is not None and any(change.level >= threshold for change in report.changes)
    code = EXIT_DRIFT if failed else EXIT_OK
    if as_json:
        typer.echo(diff_json(report, [diagnostic_json(item) for item in sink.items], code))
    else:
        for item in sink.items:
            typer.echo(str(item), err=True)
        for change in report.changes:
            typer.echo(str(change))
        typer.echo(report.summary())
    if code:
        raise typer.Exit(code)


templates_app = typer.Typer(help="Built-in templates: export them to start overrides from.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("export")
def templates_export_command(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to copy the built-in templates.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files in DIR that differ.")] = False,
) -> None:
    """Copy every built-in template into DIR; keep only the files you change and pass --templates DIR."""
    try:
        written = export_templates(directory, force=force)
    except (TemplateOverrideError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    typer.echo(f"{directory}: {len(written)} templates exported")


def _size(contract: Contract) -> str:
    if contract.graphql is not None:
        roots = [contract.graphql.root(kind) for kind in RootKind]
        fields = sum(len(root.fields) for root in roots if root is not None)
        return f"{len(contract.graphql.types)} types, {fields} root fields"
    if contract.proto is not None:
        proto = contract.proto
        methods = sum(len(service.methods) for service in proto.services)
        own = {file.name for file in proto.generated_files}
        messages = sum(1 for message in proto.messages if message.file in own)
        return f"{len(proto.services)} services, {methods} methods, {messages} messages"
    return f"{sum(len(service.operations) for service in contract.services)} operations"


if __name__ == "__main__":
    app()
