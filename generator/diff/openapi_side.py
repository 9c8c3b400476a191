"""One side of an OpenAPI diff: its bundled document, where things are in its files, `$ref`s followed.

Both sides are bundled by `load_openapi`, so every `$ref` is local (`#/…`) and a pointer is enough
to find a value; `locate` turns the pointer back into the file and line it was written at.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Location
from generator.diff.openapi_node import Node
from generator.diff.openapi_schema_view import SchemaView, build_schema_view
from generator.readers.openapi_document import OpenAPIDocument
from generator.readers.yaml_positions import resolve_pointer

_REF_ANNOTATIONS = frozenset({"description", "summary"})
"""Members a Reference Object may carry next to `$ref` (3.1) without changing what it means."""


@dataclass(frozen=True)
class Side:
    """One contract: its document, where things are in its files, and its schema views."""

    document: OpenAPIDocument
    views: dict[str, SchemaView] = field(default_factory=dict)
    targets: dict[str, Node | None] = field(default_factory=dict)

    @property
    def root(self) -> Node:
        return Node("", self.document.document)

    def locate(self, pointer: str) -> Location:
        return self.document.locate(pointer)

    def target(self, ref: Any) -> Node | None:
        """What a local `$ref` points at, or None."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        if ref not in self.targets:
            pointer = urllib.parse.unquote(ref[1:])
            found, value = resolve_pointer(self.document.document, pointer)
            self.targets[ref] = Node(pointer, value) if found else None
        return self.targets[ref]

    def resolve(self, node: Node) -> Node:
        """Follow `$ref`s that stand for their target alone (at most annotations beside them)."""
        seen: set[str] = set()
        while isinstance(node.value, dict) and _is_plain_ref(node.value) and node.pointer not in seen:
            seen.add(node.pointer)
            target = self.target(node.value["$ref"])
            if target is None:
                break
            node = target
        return node

    def view(self, node: Node) -> SchemaView:
        """The schema at `node` as the comparison sees it, built once per schema."""
        node = self.resolve(node)
        cached = self.views.get(node.pointer)
        if cached is None:
            cached = self.views[node.pointer] = build_schema_view(node, self)
        return cached

    def components(self, section: str) -> Node | None:
        """`components/<section>` (`schemas`, `securitySchemes`…), if the document has it."""
        components = self.root.member("components")
        return components.member(section) if components is not None else None


def _is_plain_ref(value: dict[str, Any]) -> bool:
    return isinstance(value.get("$ref"), str) and all(key == "$ref" or key in _REF_ANNOTATIONS for key in value)


def change_location(old: Side, new: Side, old_node: Node | None, new_node: Node | None) -> Location | None:
    """Where a change is shown: in NEW when the thing is there, else where OLD had it."""
    if new_node is not None:
        return new.locate(new_node.pointer)
    if old_node is not None:
        return old.locate(old_node.pointer)
    return None
