"""What a schema allows, keyword by keyword, and whether one schema allows everything another does.

These answers do not depend on who writes the data; `openapi_schemas` asks them in the order the
direction needs (does NEW's server accept what OLD's clients send; does OLD's client accept what
NEW's server returns).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from generator.diff.openapi_node import Node, canonical
from generator.diff.openapi_schema_view import SchemaView
from generator.diff.openapi_side import Side

SIZE_BOUNDS = (
    ("maxLength", True, "max-length"),
    ("minLength", False, "min-length"),
    ("maximum", True, "maximum"),
    ("minimum", False, "minimum"),
    ("maxItems", True, "max-items"),
    ("minItems", False, "min-items"),
    ("maxProperties", True, "max-properties"),
    ("minProperties", False, "min-properties"),
)
"""(keyword, is an upper bound, rule stem)."""
_WIDER_FORMATS = frozenset({("int32", "int64"), ("float", "double")})
"""(narrow, wide): every value of the first format is a value of the second."""
ADDITIONAL_TEXT = {"open": "any", "schema": "values of a schema", "closed": "none"}
"""How each kind `additional` returns is named in messages."""

Bound = tuple[float, bool]
"""A limit and whether it is exclusive."""


def types_text(types: frozenset[str]) -> str:
    return " or ".join(sorted(types)) if types else "any type"


def types_cover(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of a type in `narrow` is a value of a type in `wide` (integers are numbers)."""
    if not wide:
        return True
    if not narrow:
        return False
    return all(kind in wide or (kind == "integer" and "number" in wide) for kind in narrow)


def types_overlap(first: frozenset[str], second: frozenset[str]) -> bool:
    if not first or not second or first & second:
        return True
    numeric = {"integer", "number"}
    return bool(first & numeric) and bool(second & numeric)


def format_covers(wide: Any, narrow: Any) -> bool:
    return wide is None or wide == narrow or (narrow, wide) in _WIDER_FORMATS


def multiple_covers(wide: Any, narrow: Any) -> bool:
    """Every multiple of `narrow` is a multiple of `wide`."""
    if not _is_number(wide) or wide == 0:
        return True
    if not _is_number(narrow):
        return False
    return Fraction(str(narrow)) % Fraction(str(wide)) == 0


def pattern_covers(wide: Any, narrow: Any) -> bool:
    """Only no pattern at all surely allows every string another pattern allows (patterns are not
    compared as languages)."""
    return wide is None


def tighter(first: Bound | None, second: Bound | None, upper: bool) -> bool:
    """`first` excludes values `second` allows (None: no bound)."""
    if first is None:
        return False
    if second is None:
        return True
    if first[0] != second[0]:
        return first[0] < second[0] if upper else first[0] > second[0]
    return first[1] and not second[1]


def bound(view: SchemaView, keyword: str, upper: bool) -> tuple[Bound, Node] | None:
    """The effective bound of `keyword`, with 3.0 boolean and 3.1 numeric `exclusive*` folded in."""
    plain = view.keywords.get(keyword)
    candidates: list[tuple[Bound, Node]] = []
    if keyword in ("maximum", "minimum"):
        exclusive = view.keywords.get("exclusiveMaximum" if upper else "exclusiveMinimum")
        if plain is not None and _is_number(plain.value):
            candidates.append(((plain.value, exclusive is not None and exclusive.value is True), plain))
        if exclusive is not None and _is_number(exclusive.value):
            candidates.append(((exclusive.value, True), exclusive))
    elif plain is not None and _is_number(plain.value):
        candidates.append(((plain.value, False), plain))
    best: tuple[Bound, Node] | None = None
    for candidate in candidates:
        if best is None or tighter(candidate[0], best[0], upper):
            best = candidate
    return best


def bound_text(limit: Bound) -> str:
    return f"{limit[0]} (exclusive)" if limit[1] else f"{limit[0]}"


def enum_values(view: SchemaView) -> tuple[Node, dict[str, Node]] | None:
    """The allowed values (`enum`, or `const` as an enum of one) by canonical JSON text."""
    listed = view.keywords.get("enum")
    if listed is not None and isinstance(listed.value, list):
        return listed, {canonical(value): listed.child(index) for index, value in enumerate(listed.value)}
    constant = view.keywords.get("const")
    if constant is not None:
        return constant, {canonical(constant.value): constant}
    return None


def additional(side: Side, view: SchemaView) -> tuple[str, Node | None]:
    """How an object treats undeclared members: "open", "closed" or "schema" (with its node)."""
    node = view.keywords.get("additionalProperties")
    if node is None:
        unevaluated = view.keywords.get("unevaluatedProperties")
        if unevaluated is not None and unevaluated.value is False:
            return "closed", unevaluated
        return "open", None
    resolved = side.resolve(node)
    if resolved.value is False:
        return "closed", node
    if isinstance(resolved.value, dict) and resolved.value:
        return "schema", node
    return "open", node


def closed(view: SchemaView) -> bool:
    """The object rejects members it does not declare."""
    additional_node = view.keywords.get("additionalProperties")
    unevaluated = view.keywords.get("unevaluatedProperties")
    return (additional_node is not None and additional_node.value is False) or (
        additional_node is None and unevaluated is not None and unevaluated.value is False
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
