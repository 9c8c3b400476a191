"""The `contractgen` command line. Parses arguments, calls the pipeline, prints, sets exit codes.

Exit codes: 0 success; 1 check failed or generated files were edited by hand; 2 bad input.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from generator import __version__
from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.emit import ManifestError, UnsafePathError
from generator.escaping import UnsafeValueError
from generator.ir.graphql import RootKind
from generator.ir.model import Contract
from generator.pipeline import Job, ReadOptions, check_job, generate, read_contract
from generator.readers.graphql_operations import DEFAULT_SELECTION_DEPTH
from generator.targets.registry import target_names

EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="contractgen",
    help="Contract-first code generator: OpenAPI and GraphQL contracts → services, clients and contract tests.",
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
OutOption = Annotated[
    Path, typer.Option("--out", "-o", metavar="DIR", help="Output directory (the generated project).")
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
        help="Accept known defects of published contracts with a warning (GraphQL: a field defined twice).",
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
DepthOption = Annotated[
    int,
    typer.Option(
        "--selection-depth",
        min=1,
        max=10,
        help="GraphQL without operation documents: how deep each made-up client operation selects.",
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


def _print_diagnostics(sink: DiagnosticSink) -> None:
    for item in sink.items:
        typer.echo(str(item), err=True)


def _fail(sink: DiagnosticSink, error: Exception, debug: bool) -> NoReturn:
    if isinstance(error, ContractError):
        known = set(sink.items)
        for item in error.diagnostics:
            if item not in known:
                sink.items.append(item)
        _print_diagnostics(sink)
        raise typer.Exit(EXIT_BAD_INPUT)
    if isinstance(error, (ManifestError, UnsafePathError, UnsafeValueError)):
        _print_diagnostics(sink)
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    _print_diagnostics(sink)
    if debug:
        traceback.print_exception(error)
    typer.echo(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
    raise typer.Exit(3)


@app.command("generate")
def generate_command(
    contracts: ContractArg,
    out: OutOption,
    target: TargetOption = None,
    package: PackageOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite generated files edited by hand.")] = False,
    strict: StrictOption = False,
    lenient: LenientOption = False,
    selection_depth: DepthOption = DEFAULT_SELECTION_DEPTH,
    proto_path: ProtoPathOption = None,
    debug: DebugOption = False,
) -> None:
    """Generate an installable project from CONTRACT into DIR; files you own are never overwritten."""
    sink = DiagnosticSink(strict=strict)
    read = ReadOptions(lenient, selection_depth, tuple(proto_path or ()))
    job = Job(tuple(contracts), out, tuple(target or ()), package, read)
    try:
        report = generate(job, sink, force=force)
    except Exception as error:  # the CLI is the one place that turns errors into exit codes
        _fail(sink, error, debug)
    _print_diagnostics(sink)
    if report.conflicts:
        typer.echo("refusing to overwrite generated files edited by hand (use --force):", err=True)
        for path in report.conflicts:
            typer.echo(f"  {path}", err=True)
        raise typer.Exit(EXIT_DRIFT)
    typer.echo(
        f"{out}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.kept)} kept (yours), {len(report.deleted)} deleted"
    )


@app.command("check")
def check_command(
    contracts: ContractArg,
    out: OutOption,
    target: TargetOption = None,
    package: PackageOption = None,
    lenient: LenientOption = False,
    selection_depth: DepthOption = DEFAULT_SELECTION_DEPTH,
    proto_path: ProtoPathOption = None,
    debug: DebugOption = False,
) -> None:
    """Exit 1 if DIR is not what `generate` would write now (stale, missing, extra or edited files)."""
    sink = DiagnosticSink()
    read = ReadOptions(lenient, selection_depth, tuple(proto_path or ()))
    job = Job(tuple(contracts), out, tuple(target or ()), package, read)
    try:
        report = check_job(job, sink)
    except Exception as error:
        _fail(sink, error, debug)
    _print_diagnostics(sink)
    problems = [
        *(f"stale: {path}" for path in report.stale),
        *(f"missing: {path}" for path in report.missing),
        *(f"extra: {path}" for path in report.extra),
        *(f"edited: {path}" for path in report.edited),
    ]
    for line in problems:
        typer.echo(line)
    if problems:
        raise typer.Exit(EXIT_DRIFT)
    typer.echo(f"{out}: up to date")


@app.command("validate")
def validate_command(
    contracts: ContractArg,
    strict: StrictOption = False,
    lenient: LenientOption = False,
    proto_path: ProtoPathOption = None,
    debug: DebugOption = False,
) -> None:
    """Validate a contract and print its problems with file and location."""
    sink = DiagnosticSink(strict=strict)
    try:
        contract = read_contract(contracts, sink, ReadOptions(lenient=lenient, proto_paths=tuple(proto_path or ())))
    except Exception as error:
        _fail(sink, error, debug)
    _print_diagnostics(sink)
    warnings = sum(1 for item in sink.items if item.severity is Severity.WARNING)
    typer.echo(f"{contracts[0]}: valid {contract.protocol} contract, {_size(contract)}, {warnings} warnings")


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
