"""Placeholder: the graphql comparison is being written."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import DiagnosticSink
from generator.diff.model import Change


def diff_graphql(old: Path, new: Path, sink: DiagnosticSink, *, lenient: bool = False) -> list[Change]:
    raise NotImplementedError
