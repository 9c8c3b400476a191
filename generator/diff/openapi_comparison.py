"""What every part of one OpenAPI comparison shares: both sides, the changes found so far, the caches.

The parts (paths and operations, parameters, bodies and responses, security, servers,
components) each get this object and add the changes they find; the equality and schema caches
live here so that a schema shared by many operations is compared once per run.
"""

from __future__ import annotations

from generator.diff.model import Change
from generator.diff.openapi_equivalence import Equivalence
from generator.diff.openapi_node import Node
from generator.diff.openapi_rules import Direction, change
from generator.diff.openapi_schemas import SchemaComparison
from generator.diff.openapi_side import Side, change_location


class Comparison:
    """The two sides, the changes found so far, and what is known about their schema pairs."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.equivalent = Equivalence(old, new)
        self.schemas = SchemaComparison(old, new, self.equivalent)

    def report(self, rule: str, message: str, side: Side, pointer: str) -> None:
        self.changes.append(change(rule, message, side.locate(pointer)))

    def report_at(self, rule: str, message: str, old: Node | None, new: Node | None) -> None:
        """Located in NEW when the thing is there, else where OLD had it."""
        location = change_location(self.old, self.new, old, new)
        if location is not None:
            self.changes.append(change(rule, message, location))

    def walk_schemas(self, old: Node, new: Node, root: str, operation: str, direction: Direction) -> None:
        """Report every change under one request or response schema of `operation` (see `openapi_schemas`)."""
        self.changes.extend(self.schemas.changes(old, new, root, operation, direction))
