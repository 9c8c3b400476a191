"""Formatting generated Python with black's API, so output is stable and reviewable."""

from __future__ import annotations

from functools import lru_cache

import black
import black.mode
import black.parsing

from generator.plan import FileSpec

_MODE = black.Mode(line_length=100, target_versions={black.mode.TargetVersion.PY310})


class FormattingError(Exception):
    """Generated code that black cannot parse: a bug in a target or template, never user input."""


@lru_cache(maxsize=1024)
def _black(source: str) -> str:
    """black is the slowest stage; identical sources (static runtime files, re-runs) format once."""
    return black.format_str(source, mode=_MODE)


def format_python(files: list[FileSpec]) -> list[FileSpec]:
    formatted: list[FileSpec] = []
    for spec in files:
        if spec.path.endswith(".py") and spec.content.strip():
            try:
                content = _black(spec.content)
            except black.parsing.InvalidInput as error:
                raise FormattingError(f"{spec.path}: generated code does not parse: {error}") from error
            spec = FileSpec(spec.path, content, spec.owner)
        formatted.append(spec)
    return formatted
