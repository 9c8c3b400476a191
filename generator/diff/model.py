"""The one report format of `contractgen diff`, whatever the protocol.

Each change has a level, a stable rule id (for allow-lists and CI annotations), where it is (a file
with line/column and, for OpenAPI, the JSON pointer in the *new* contract, or in the old one when
the thing was removed) and a one-line explanation that says what a client or server would feel.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.diagnostics import Location


class Level(enum.IntEnum):
    """Ordered, so `--fail-on dangerous` also fails on breaking changes."""

    SAFE = 0
    """Compatible for every client and server (additions, documentation, deprecations)."""
    DANGEROUS = 1
    """Compatible on the wire, but can change behaviour or break some generated code or clients."""
    BREAKING = 2
    """Existing clients or servers built against OLD fail against NEW."""

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Change:
    level: Level
    rule: str
    """Stable id, `<protocol>.<kebab-case-rule>` (e.g. `openapi.request-property-required`)."""
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location is not None else ""
        return f"{where}{self.level.label}[{self.rule}]: {self.message}"


@dataclass(frozen=True)
class DiffReport:
    protocol: str
    old: str
    new: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def count(self, level: Level) -> int:
        return sum(1 for change in self.changes if change.level is level)

    def worst(self) -> Level | None:
        return max((change.level for change in self.changes), default=None)

    def summary(self) -> str:
        if not self.changes:
            return f"{self.old} → {self.new}: no changes"
        counts = ", ".join(f"{self.count(level)} {level.label}" for level in sorted(Level, reverse=True))
        return f"{self.old} → {self.new}: {len(self.changes)} changes ({counts})"


def sorted_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Worst first, then by place, then by rule: a stable order for reports and snapshot tests."""

    def key(change: Change) -> tuple[int, str, int, int, str, str]:
        location = change.location
        return (
            -int(change.level),
            location.file if location else "",
            location.line or 0 if location else 0,
            location.column or 0 if location else 0,
            change.rule,
            change.message,
        )

    return tuple(sorted(dict.fromkeys(changes), key=key))
