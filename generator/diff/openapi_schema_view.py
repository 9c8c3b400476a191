"""One schema as the comparison sees it: `$ref` siblings, `allOf` and a lone `null` alternative folded in.

Two schemas that accept the same values may be written differently (`allOf` of a `$ref` and a few
properties, `nullable: true` or a `null` alternative, OpenAPI 3.0 or 3.1 spelling); the view is
the one shape they are compared in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from generator.diff.openapi_node import Node
from generator.readers.yaml_positions import join_pointer

_VIEW_KEYWORDS = frozenset(
    {
        "type",
        "format",
        "enum",
        "const",
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "default",
        "maxLength",
        "minLength",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "maxItems",
        "minItems",
        "maxProperties",
        "minProperties",
        "pattern",
        "multipleOf",
        "uniqueItems",
        "items",
        "additionalProperties",
        "unevaluatedProperties",
        "discriminator",
        "oneOf",
        "anyOf",
    }
)
"""Schema keywords a view keeps, first definition wins (own keywords before `$ref`/`allOf`)."""


class References(Protocol):
    """How a view follows `$ref`s of the document it is built from."""

    def resolve(self, node: Node) -> Node: ...

    def target(self, ref: Any) -> Node | None: ...


@dataclass(frozen=True)
class SchemaView:
    """One schema with `$ref` siblings, `allOf` members and a lone `null` alternative folded in.

    `keywords` and `properties` keep the first definition (the schema's own, then `$ref`, then
    `allOf` in order); `required` maps each required name to the `required` list naming it.
    """

    node: Node
    keywords: dict[str, Node]
    properties: dict[str, Node]
    required: dict[str, str]
    alternatives: tuple[Node, ...]
    """The `oneOf`/`anyOf` entries other than `null`, where they are written (maybe `$ref`s)."""
    nullable_at: Node | None
    """What allows null: `nullable: true`, a `type` list with "null", or a `null` alternative."""

    @property
    def nullable(self) -> bool:
        return self.nullable_at is not None

    @property
    def types(self) -> frozenset[str]:
        """The JSON types allowed besides null; empty for "any"."""
        declared = self.keywords.get("type")
        if declared is None:
            if self.properties or "additionalProperties" in self.keywords:
                return frozenset({"object"})
            if "items" in self.keywords:
                return frozenset({"array"})
            return frozenset()
        raw = declared.value if isinstance(declared.value, list) else [declared.value]
        return frozenset(str(item) for item in raw if item != "null")

    def flag(self, keyword: str) -> bool:
        node = self.keywords.get(keyword)
        return node is not None and node.value is True

    def value(self, keyword: str) -> Any:
        node = self.keywords.get(keyword)
        return None if node is None else node.value


def build_schema_view(node: Node, references: References) -> SchemaView:
    """The view of the schema at `node` (already resolved to what it stands for)."""
    keywords: dict[str, Node] = {}
    properties: dict[str, Node] = {}
    required: dict[str, str] = {}
    seen: set[str] = set()
    _collect(node, references, keywords, properties, required, seen)
    nullable_at: Node | None = None
    alternatives: tuple[Node, ...] = ()
    for keyword in ("oneOf", "anyOf"):
        choice = keywords.get(keyword)
        if choice is None or not isinstance(choice.value, list):
            continue
        options = [choice.child(index) for index in range(len(choice.value))]
        others = tuple(option for option in options if not _is_null_schema(references.resolve(option).value))
        del keywords[keyword]
        if len(others) < len(options):
            nullable_at = choice
        if len(others) == 1 and nullable_at is not None:
            _collect(others[0], references, keywords, properties, required, seen)
        else:
            alternatives = others
        break
    declared, flagged = keywords.get("type"), keywords.get("nullable")
    if flagged is not None and flagged.value is True:
        nullable_at = flagged
    elif declared is not None and isinstance(declared.value, list) and "null" in declared.value:
        nullable_at = declared
    return SchemaView(node, keywords, properties, required, alternatives, nullable_at)


def _collect(
    node: Node,
    references: References,
    keywords: dict[str, Node],
    properties: dict[str, Node],
    required: dict[str, str],
    seen: set[str],
) -> None:
    """Fold a schema, its `$ref` target and its `allOf` members into one set of keywords, each
    schema once (which ends cycles)."""
    node = references.resolve(node)
    if node.pointer in seen or not isinstance(node.value, dict):
        return
    seen.add(node.pointer)
    for key, value in node.value.items():
        if key in _VIEW_KEYWORDS:
            keywords.setdefault(key, node.child(key))
        elif key == "properties" and isinstance(value, dict):
            listed = node.child(key)
            for name in value:
                properties.setdefault(name, listed.child(name))
        elif key == "required" and isinstance(value, list):
            for name in value:
                if isinstance(name, str):
                    required.setdefault(name, join_pointer(node.pointer, key))
    target = references.target(node.value.get("$ref"))
    if target is not None:
        _collect(target, references, keywords, properties, required, seen)
    members = node.member("allOf")
    if members is not None and isinstance(members.value, list):
        for index in range(len(members.value)):
            _collect(members.child(index), references, keywords, properties, required, seen)


def _is_null_schema(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    declared = value.get("type")
    return declared == "null" or declared == ["null"] or value.get("enum") == [None]
