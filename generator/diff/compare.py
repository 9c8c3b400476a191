"""Pick the protocol, run its comparison, and name files the way the user named the sides."""

from __future__ import annotations

from dataclasses import replace

from generator.diagnostics import Diagnostic, DiagnosticSink, Location
from generator.diff.model import Change, DiffReport, sorted_changes
from generator.diff.sources import ContractSide
from generator.protocols import protocol_of


def _relabel(location: Location | None, sides: tuple[ContractSide, ...]) -> Location | None:
    if location is None:
        return None
    file = location.file
    for side in sides:
        file = side.display(file)
    return replace(location, file=file)


def relabel_diagnostics(sink: DiagnosticSink, sides: tuple[ContractSide, ...]) -> None:
    """Errors in a contract read from git name `git:REF:path`, not the scratch directory."""
    sink.items[:] = [
        Diagnostic(item.severity, item.code, item.message, _relabel(item.location, sides)) for item in sink.items
    ]


def diff_sides(old: ContractSide, new: ContractSide, sink: DiagnosticSink, *, lenient: bool = False) -> DiffReport:
    """Compare two versions of one contract; reading errors go to `sink` (and raise on return)."""
    protocols = (protocol_of(old.path), protocol_of(new.path))
    if protocols[0] != protocols[1] or protocols[0] == "unknown":
        sink.error(
            "diff.protocols",
            f"cannot compare a {protocols[0]} contract with a {protocols[1]} one",
            Location(new.label),
        )
        sink.raise_if_errors()
    protocol = protocols[0]
    changes: list[Change]
    if protocol == "openapi":
        from generator.diff.openapi import diff_openapi

        changes = diff_openapi(old.path, new.path, sink)
    elif protocol == "graphql":
        from generator.diff.graphql import diff_graphql

        changes = diff_graphql(old.path, new.path, sink, lenient=lenient)
    else:
        from generator.diff.proto import diff_proto

        changes = diff_proto(old.path, new.path, sink)
    sides = (old, new)
    relabel_diagnostics(sink, sides)
    sink.raise_if_errors()
    relabelled = [replace(change, location=_relabel(change.location, sides)) for change in changes]
    return DiffReport(protocol, old.label, new.label, sorted_changes(relabelled))
