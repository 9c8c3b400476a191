"""A value of a bundled OpenAPI document together with its JSON pointer.

The comparison keeps the pointer next to every value it looks at, so each change can be located
in the file (and line) the value came from, in NEW, or in OLD when the thing was removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.readers.yaml_positions import join_pointer


@dataclass(frozen=True)
class Node:
    """A value of one side's bundled document and the pointer it is at."""

    pointer: str
    value: Any

    def child(self, key: str | int) -> Node:
        value: Any = None
        if isinstance(self.value, dict):
            value = self.value.get(key)
        elif isinstance(self.value, list) and isinstance(key, int):
            value = self.value[key]
        return Node(join_pointer(self.pointer, key), value)

    def member(self, key: str) -> Node | None:
        if isinstance(self.value, dict) and key in self.value:
            return self.child(key)
        return None

    def mapping(self) -> dict[str, Any]:
        return self.value if isinstance(self.value, dict) else {}


@dataclass(frozen=True)
class Located:
    """A (possibly referenced) object: where it is used, and the object itself."""

    site: str
    node: Node


def named_members(node: Node | None) -> dict[str, Node]:
    """The members of a map of named objects (schemas, webhooks…), without `x-` extensions."""
    if node is None:
        return {}
    return {name: node.child(name) for name in node.mapping() if not name.startswith("x-")}


def canonical(value: Any) -> str:
    """JSON text that is equal for equal values (keys sorted): an identity, and how values are shown."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def shown(value: Any) -> str:
    """`canonical`, cut to fit in a one-line message."""
    text = canonical(value)
    return text if len(text) <= 60 else text[:59] + "…"
