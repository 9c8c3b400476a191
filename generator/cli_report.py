"""What a command did to each job, as values, and the two ways to print it: text for people, JSON for CI.

Exit codes (documented in README): 0 ok; 1 generated output is stale or was edited by hand (check
failed, or generate refused to overwrite hand edits); 2 bad input (contract, config, options,
templates, manifest); 3 internal error. A run over several jobs exits with the highest code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from generator.diagnostics import Diagnostic, Severity
from generator.diff.model import DiffReport, Level
from generator.emit import CheckReport, EmitReport

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


@dataclass
class JobOutcome:
    """One job's result; exactly one of `emit`, `check`, `summary` is set unless it failed."""

    name: str
    out: Path | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None
    emit: EmitReport | None = None
    check: CheckReport | None = None
    summary: dict[str, Any] | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None or any(item.severity is Severity.ERROR for item in self.diagnostics):
            return EXIT_BAD_INPUT
        if self.emit is not None and not self.emit.ok:
            return EXIT_DRIFT
        if self.check is not None and not self.check.ok:
            return EXIT_DRIFT
        return EXIT_OK


def overall_exit_code(outcomes: list[JobOutcome]) -> int:
    return max((outcome.exit_code for outcome in outcomes), default=EXIT_OK)


def check_problems(report: CheckReport) -> list[tuple[str, str]]:
    """(kind, path) pairs; a hand-edited file is listed once, as edited, not also as stale."""
    edited = set(report.edited)
    return [
        *(("edited", path) for path in report.edited),
        *(("stale", path) for path in report.stale if path not in edited),
        *(("missing", path) for path in report.missing),
        *(("extra", path) for path in report.extra),
    ]


# --- text ---------------------------------------------------------------------------------------


def print_text(command: str, outcome: JobOutcome) -> None:
    """Diagnostics to stderr; the one-line result (and any file list) to stdout."""
    for item in outcome.diagnostics:
        typer.echo(str(item), err=True)
    if outcome.error is not None:
        typer.echo(f"error: {outcome.error}", err=True)
    if outcome.emit is not None:
        _print_emit(outcome.out, outcome.emit)
    if outcome.check is not None:
        _print_check(outcome.out, outcome.check)
    if outcome.summary is not None:
        typer.echo(str(outcome.summary["line"]))


def _print_emit(out: Path | None, report: EmitReport) -> None:
    if report.conflicts:
        typer.echo(f"{out}: refusing to overwrite generated files edited by hand (use --force):", err=True)
        for path in report.conflicts:
            typer.echo(f"  {path}", err=True)
        return
    for path in report.forced:
        typer.echo(f"{out}: overwrote hand edits in {path} (--force)", err=True)
    line = (
        f"{out}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.kept)} kept (yours), {len(report.deleted)} deleted"
    )
    typer.echo(line + (" (up to date: contract, options and contractgen unchanged)" if report.cached else ""))


def _print_check(out: Path | None, report: CheckReport) -> None:
    problems = check_problems(report)
    if not problems:
        typer.echo(f"{out}: up to date")
        return
    typer.echo(f"{out}: {len(problems)} file(s) differ from what `contractgen generate` would write:")
    for kind, path in problems:
        typer.echo(f"  {kind}: {path}")


# --- JSON ---------------------------------------------------------------------------------------


def diagnostic_json(item: Diagnostic) -> dict[str, Any]:
    location = item.location
    return {
        "severity": item.severity.value,
        "code": item.code,
        "message": item.message,
        "file": location.file if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "pointer": location.pointer if location else None,
    }


def _outcome_json(outcome: JobOutcome) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": outcome.name,
        "out": str(outcome.out) if outcome.out is not None else None,
        "exit_code": outcome.exit_code,
        "diagnostics": [diagnostic_json(item) for item in outcome.diagnostics],
        "error": outcome.error,
    }
    if outcome.emit is not None:
        report = outcome.emit
        document["generate"] = {
            "cached": report.cached,
            "written": list(report.written),
            "deleted": list(report.deleted),
            "conflicts": list(report.conflicts),
            "forced": list(report.forced),
            "unchanged": len(report.unchanged),
            "kept": len(report.kept),
        }
    if outcome.check is not None:
        document["check"] = {
            "ok": outcome.check.ok,
            "problems": [{"kind": kind, "path": path} for kind, path in check_problems(outcome.check)],
        }
    if outcome.summary is not None:
        document["validate"] = {key: value for key, value in outcome.summary.items() if key != "line"}
    return document


def print_json(command: str, outcomes: list[JobOutcome]) -> None:
    """One JSON document on stdout for the whole run (nothing else is printed with --json)."""
    exit_code = overall_exit_code(outcomes)
    document = {
        "command": command,
        "ok": exit_code == EXIT_OK,
        "exit_code": exit_code,
        "jobs": [_outcome_json(outcome) for outcome in outcomes],
    }
    typer.echo(json.dumps(document, indent=2, sort_keys=True))


def diff_json(report: DiffReport, diagnostics: list[dict[str, Any]], exit_code: int) -> str:
    """`contractgen diff --json`: every change with level, rule and location, plus counts."""
    document = {
        "command": "diff",
        "protocol": report.protocol,
        "old": report.old,
        "new": report.new,
        "exit_code": exit_code,
        "ok": exit_code == EXIT_OK,
        "counts": {level.label: report.count(level) for level in Level},
        "changes": [
            {
                "level": change.level.label,
                "rule": change.rule,
                "message": change.message,
                "file": change.location.file if change.location else None,
                "line": change.location.line if change.location else None,
                "column": change.location.column if change.location else None,
                "pointer": change.location.pointer if change.location else None,
            }
            for change in report.changes
        ],
        "diagnostics": diagnostics,
    }
    return json.dumps(document, indent=2, sort_keys=True)
