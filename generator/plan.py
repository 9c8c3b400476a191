"""What a target produces: files as values, before anything touches the disk."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Ownership(enum.Enum):
    """Who owns a file after it is first written.

    GENERATED files are rewritten on every run (and refused when edited by hand, unless forced);
    USER files are scaffolded once and never touched again.
    """

    GENERATED = "generated"
    USER = "user"


@dataclass(frozen=True)
class FileSpec:
    """One output file: a relative POSIX path inside the output directory and its full text."""

    path: str
    content: str
    owner: Ownership = Ownership.GENERATED
    formatted: bool = True
    """Whether black formats it. False for another tool's output shipped as it wrote it (protoc's
    modules, marked `# fmt: off`: formatting them cost ~150x protoc's own time)."""
