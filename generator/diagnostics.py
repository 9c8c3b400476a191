"""Problems found in a contract, as values with a location.

Readers and targets never print; they add `Diagnostic`s to a `DiagnosticSink`. The CLI is the
only place that turns them into text and an exit code.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus a line/column (1-based) and/or a JSON pointer."""

    file: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in self.file)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.pointer is not None:
            text += f" ({self.pointer or '/'})" if self.line is not None else f"#{self.pointer}"
        return text


def undecodable_location(file: str, raw: bytes, error: UnicodeDecodeError) -> Location:
    """Line and column (in characters) of the first byte that is not UTF-8, for `not UTF-8` errors."""
    before = raw[: error.start].decode("utf-8", errors="replace")
    line_start = before.rfind("\n") + 1
    return Location(file, before.count("\n") + 1, len(before) - line_start + 1)


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location is not None else ""
        return f"{where}{self.severity.value}[{self.code}]: {self.message}"


@dataclass
class DiagnosticSink:
    """Collects diagnostics; `strict` turns every warning into an error."""

    strict: bool = False
    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, location: Location | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, location))

    def warning(self, code: str, message: str, location: Location | None = None) -> None:
        severity = Severity.ERROR if self.strict else Severity.WARNING
        self.items.append(Diagnostic(severity, code, message, location))

    @property
    def has_errors(self) -> bool:
        return any(item.severity is Severity.ERROR for item in self.items)

    def errors(self) -> Iterator[Diagnostic]:
        return (item for item in self.items if item.severity is Severity.ERROR)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise ContractError(list(self.errors()))


class ContractError(Exception):
    """Raised to stop the pipeline before anything is written; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(item) for item in diagnostics))
        self.diagnostics = diagnostics
