"""Placeholder: the proto comparison is being written."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import DiagnosticSink
from generator.diff.model import Change


def diff_proto(old: Path, new: Path, sink: DiagnosticSink) -> list[Change]:
    raise NotImplementedError
