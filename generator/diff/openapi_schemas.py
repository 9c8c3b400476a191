"""Schema comparison in a direction: narrowing a request breaks clients, widening a response does.

A request is written by the client against OLD and must still be accepted by NEW; a response is
written by the server against NEW and read by a client built for OLD. So the same edit (a smaller
`maxLength`, a new enum value, `nullable` removed) has one rule for requests and another for
responses. `readOnly` properties are not part of a request and `writeOnly` ones not part of a
response (OpenAPI 3.x, Schema Object).

Each (old schema, new schema, direction) pair is analysed once per run; every request or response
of every operation then walks the analysed pairs depth first, each pair once (which ends cycles),
and names a change by the first path that reaches it, so a changed shared schema is reported for
each operation that sends or returns it. Pairs proven equal are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from generator.diagnostics import Location
from generator.diff.model import Change
from generator.diff.openapi_constraints import (
    ADDITIONAL_TEXT,
    SIZE_BOUNDS,
    additional,
    bound,
    bound_text,
    closed,
    enum_values,
    format_covers,
    multiple_covers,
    pattern_covers,
    tighter,
    types_cover,
    types_overlap,
    types_text,
)
from generator.diff.openapi_equivalence import Equivalence
from generator.diff.openapi_node import Node, canonical, shown
from generator.diff.openapi_rules import Direction, change
from generator.diff.openapi_schema_view import SchemaView
from generator.diff.openapi_side import Side, change_location
from generator.readers.yaml_positions import split_pointer

_Value = TypeVar("_Value")


@dataclass(frozen=True)
class _Finding:
    """One change inside a schema pair, `where` relative to the pair (".name", "[]", "" for itself)."""

    rule: str
    where: str
    text: str
    location: Location


@dataclass(frozen=True)
class _Analysis:
    """What comparing one (old schema, new schema) pair in one direction found: its own changes,
    and the pairs below it (properties, items, alternatives) with their relative paths.

    It does not depend on how the pair was reached, so it is computed once per run and reused by
    every operation whose request or response contains the pair.
    """

    direction: Direction
    findings: list[_Finding] = field(default_factory=list)
    children: list[tuple[str, Node, Node]] = field(default_factory=list)

    def rule(self, request_rule: str, response_rule: str) -> str:
        return request_rule if self.direction is Direction.REQUEST else response_rule

    def reader_and_writer(self, old: _Value, new: _Value) -> tuple[_Value, _Value]:
        """(what the reader was built for, what the writer may send): NEW's server reads what
        clients built for OLD send; clients built for OLD read what NEW's server sends."""
        return (new, old) if self.direction is Direction.REQUEST else (old, new)

    def compatible(self, narrowed: bool) -> bool:
        """Whether a change that narrows (else widens) what a schema allows still lets the reader
        take all the writer sends: a server may send less, a client may be allowed to send more."""
        return narrowed if self.direction is Direction.RESPONSE else not narrowed

    def constraint_rule(self, compatible: bool, request_rule: str, response_rule: str) -> str:
        """A changed constraint: SAFE when `compatible` (a request widened, a response narrowed),
        else the direction's own rule."""
        if self.direction is Direction.REQUEST:
            return "openapi.request-constraint-widened" if compatible else request_rule
        return "openapi.response-constraint-narrowed" if compatible else response_rule


class SchemaComparison:
    """The request and response schemas of both sides, compared pair by pair (each pair once per run)."""

    def __init__(self, old: Side, new: Side, equivalent: Equivalence) -> None:
        self.old = old
        self.new = new
        self.equivalent = equivalent
        self.analyses: dict[tuple[str, str, Direction], _Analysis] = {}

    def changes(self, old: Node, new: Node, root: str, operation: str, direction: Direction) -> list[Change]:
        """Every change under one request or response schema of `operation`.

        Depth first over the pairs below the root, each pair once (which ends cycles); a change
        is named by the first path that reaches it, e.g. `response 200 body[].owner.name`.
        """
        found: list[Change] = []
        visited: set[tuple[str, str]] = set()
        pending = [(root, self.old.resolve(old), self.new.resolve(new))]
        while pending:
            where, old_node, new_node = pending.pop()
            key = (old_node.pointer, new_node.pointer)
            if key in visited:
                continue
            visited.add(key)
            analysis = self._analysed(old_node, new_node, direction)
            for finding in analysis.findings:
                message = f"{operation}: {where}{finding.where}: {finding.text}"
                found.append(change(finding.rule, message, finding.location))
            pending.extend(
                (where + suffix, child_old, child_new) for suffix, child_old, child_new in reversed(analysis.children)
            )
        return found

    def _analysed(self, old: Node, new: Node, direction: Direction) -> _Analysis:
        key = (old.pointer, new.pointer, direction)
        analysis = self.analyses.get(key)
        if analysis is None:
            analysis = self.analyses[key] = _Analysis(direction)
            if not self.equivalent(old, new):
                self._analyse(old, new, analysis)
        return analysis

    def _found(self, analysis: _Analysis, rule: str, where: str, text: str, old: Node | None, new: Node | None) -> None:
        """Located in NEW when the thing is there, else where OLD had it."""
        location = change_location(self.old, self.new, old, new)
        if location is not None:
            analysis.findings.append(_Finding(rule, where, text, location))

    def _compare_below(self, old: Node, new: Node, where: str, analysis: _Analysis) -> None:
        """A pair below the one being analysed, compared when the walk gets there."""
        analysis.children.append((where, self.old.resolve(old), self.new.resolve(new)))

    def _analyse(self, old: Node, new: Node, analysis: _Analysis) -> None:
        """The changes of one schema pair itself; the pairs below it go to `analysis.children`."""
        old_view, new_view = self.old.view(old), self.new.view(new)
        self._compare_nullable(old_view, new_view, analysis)
        if bool(old_view.alternatives) != bool(new_view.alternatives):
            # One side became (or stopped being) a choice: compare it as a choice of one.
            self._compare_alternatives(old_view, new_view, analysis)
            return
        if not self._compare_types(old_view, new_view, analysis):
            return
        self._compare_covered(old_view, new_view, analysis, "format", format_covers, _format_text)
        self._compare_enum(old_view, new_view, analysis)
        self._compare_bounds(old_view, new_view, analysis)
        self._compare_covered(old_view, new_view, analysis, "pattern", pattern_covers, _pattern_text)
        self._compare_covered(old_view, new_view, analysis, "multipleOf", multiple_covers, _multiple_of_text)
        self._compare_unique_items(old_view, new_view, analysis)
        if analysis.direction is Direction.REQUEST:
            self._compare_default(old_view, new_view, analysis)
        if old_view.alternatives:
            self._compare_alternatives(old_view, new_view, analysis)
        self._compare_discriminator(old_view, new_view, analysis)
        self._compare_properties(old_view, new_view, analysis)
        self._compare_additional_properties(old_view, new_view, analysis)
        old_items, new_items = old_view.keywords.get("items"), new_view.keywords.get("items")
        if old_items is not None and new_items is not None:
            self._compare_below(old_items, new_items, "[]", analysis)

    # --- values ---------------------------------------------------------------------------------

    def _compare_nullable(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        if old.nullable == new.nullable:
            return
        place: Node | None
        if analysis.direction is Direction.REQUEST:
            if old.nullable:
                rule, text, place = "openapi.request-nullable-removed", "no longer accepts null", new.node
            else:
                rule, text, place = "openapi.request-nullable-added", "now accepts null", new.nullable_at
        elif new.nullable:
            rule, text, place = "openapi.response-nullable-added", "may now be null", new.nullable_at
        else:
            rule, text, place = "openapi.response-nullable-removed", "is never null any more", new.node
        self._found(analysis, rule, "", text, None, place)

    def _compare_types(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> bool:
        """Report a type change; False when the types share no value (nothing below compares)."""
        old_types, new_types = old.types, new.types
        if old_types == new_types:
            return True
        text = f"type changed from {types_text(old_types)} to {types_text(new_types)}"
        if types_cover(*analysis.reader_and_writer(old_types, new_types)):
            rule = analysis.rule("openapi.request-type-widened", "openapi.response-type-narrowed")
        else:
            rule = analysis.rule("openapi.request-type-changed", "openapi.response-type-changed")
        self._found(analysis, rule, "", text, None, new.keywords.get("type") or new.node)
        return types_overlap(old_types, new_types)

    def _compare_covered(
        self,
        old: SchemaView,
        new: SchemaView,
        analysis: _Analysis,
        keyword: str,
        covers: Callable[[Any, Any], bool],
        describe: Callable[[Any, Any], str],
    ) -> None:
        """A keyword (`format`, `pattern`, `multipleOf`) whose change is compatible when the reader's
        value `covers` the writer's: every value the writer's allows, the reader's allows too."""
        old_value, new_value = old.value(keyword), new.value(keyword)
        if old_value == new_value:
            return
        stem = _RULE_STEMS[keyword]
        rule = analysis.constraint_rule(
            covers(*analysis.reader_and_writer(old_value, new_value)),
            f"openapi.request-{stem}-changed",
            f"openapi.response-{stem}-changed",
        )
        text = describe(old_value, new_value)
        self._found(analysis, rule, "", text, old.keywords.get(keyword), new.keywords.get(keyword))

    def _compare_enum(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        old_enum, new_enum = enum_values(old), enum_values(new)
        if old_enum is None and new_enum is None:
            return
        if old_enum is None:
            assert new_enum is not None
            values = ", ".join(new_enum[1])
            rule = analysis.rule("openapi.request-enum-added", "openapi.response-constraint-narrowed")
            self._found(analysis, rule, "", f"now limited to the values {values}", None, new_enum[0])
            return
        if new_enum is None:
            rule = analysis.rule("openapi.request-constraint-widened", "openapi.response-enum-removed")
            self._found(analysis, rule, "", "no longer limited to an enum", old_enum[0], None)
            return
        for value, node in old_enum[1].items():
            if value not in new_enum[1]:
                rule = analysis.rule("openapi.request-enum-value-removed", "openapi.response-enum-value-removed")
                self._found(analysis, rule, "", f"enum value {value} removed", node, None)
        for value, node in new_enum[1].items():
            if value not in old_enum[1]:
                rule = analysis.rule("openapi.request-enum-value-added", "openapi.response-enum-value-added")
                self._found(analysis, rule, "", f"enum value {value} added", None, node)

    def _compare_bounds(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        for keyword, upper, stem in SIZE_BOUNDS:
            old_found, new_found = bound(old, keyword, upper), bound(new, keyword, upper)
            old_bound = old_found[0] if old_found else None
            new_bound = new_found[0] if new_found else None
            if old_bound == new_bound:
                continue
            if old_bound is None:
                assert new_bound is not None
                text = f"{keyword} {bound_text(new_bound)} added"
            elif new_bound is None:
                text = f"{keyword} {bound_text(old_bound)} removed"
            else:
                verb = (
                    "decreased"
                    if new_bound[0] < old_bound[0]
                    else "increased"
                    if new_bound[0] > old_bound[0]
                    else "changed"
                )
                text = f"{keyword} {verb} from {bound_text(old_bound)} to {bound_text(new_bound)}"
            rule = analysis.constraint_rule(
                analysis.compatible(narrowed=tighter(new_bound, old_bound, upper)),
                f"openapi.request-{stem}-{'decreased' if upper else 'increased'}",
                f"openapi.response-{stem}-{'increased' if upper else 'decreased'}",
            )
            self._found(
                analysis, rule, "", text, old_found[1] if old_found else None, new_found[1] if new_found else None
            )

    def _compare_unique_items(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        old_unique, new_unique = old.flag("uniqueItems"), new.flag("uniqueItems")
        if old_unique == new_unique:
            return
        text = "items must now be unique" if new_unique else "items may now repeat"
        rule = analysis.constraint_rule(
            analysis.compatible(narrowed=new_unique),
            "openapi.request-unique-items-added",
            "openapi.response-unique-items-removed",
        )
        self._found(analysis, rule, "", text, old.keywords.get("uniqueItems"), new.keywords.get("uniqueItems"))

    def _compare_default(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        """What the server assumes when a client leaves the value out."""
        old_default, new_default = old.keywords.get("default"), new.keywords.get("default")
        if old_default is None:
            return
        if new_default is None:
            text = f"default {shown(old_default.value)} removed"
        elif canonical(old_default.value) != canonical(new_default.value):
            text = f"default changed from {shown(old_default.value)} to {shown(new_default.value)}"
        else:
            return
        self._found(analysis, "openapi.request-default-changed", "", text, old_default, new_default)

    # --- structure ------------------------------------------------------------------------------

    def _alternative_label(self, side: Side, node: Node, index: int) -> str:
        return _component_name(side.resolve(node).pointer) or f"#{index + 1}"

    def _compare_alternatives(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        """`oneOf`/`anyOf` choices, a plain schema counting as a choice of one."""
        old_options = list(old.alternatives) or [old.node]
        new_options = list(new.alternatives) or [new.node]
        pairs, removed, added = self._match_alternatives(old_options, new_options)
        for index in removed:
            rule = analysis.rule("openapi.request-alternative-removed", "openapi.response-alternative-removed")
            label = self._alternative_label(self.old, old_options[index], index)
            self._found(analysis, rule, "", f"alternative {label} removed", old_options[index], None)
        for index in added:
            rule = analysis.rule("openapi.request-alternative-added", "openapi.response-alternative-added")
            label = self._alternative_label(self.new, new_options[index], index)
            self._found(analysis, rule, "", f"alternative {label} added", None, new_options[index])
        for old_index, new_index in pairs:
            label = self._alternative_label(self.new, new_options[new_index], new_index)
            self._compare_below(old_options[old_index], new_options[new_index], f"<{label}>", analysis)

    def _match_alternatives(
        self, old: list[Node], new: list[Node]
    ) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """Pairs (old index, new index), then unmatched old and new indexes: by component name,
        then equal content, then equal types, then the single one left on each side."""
        old_left, new_left = list(range(len(old))), list(range(len(new)))
        pairs: list[tuple[int, int]] = []

        def same_name(old_index: int, new_index: int) -> bool:
            name = _component_name(self.old.resolve(old[old_index]).pointer)
            return name is not None and name == _component_name(self.new.resolve(new[new_index]).pointer)

        def same_types(old_index: int, new_index: int) -> bool:
            types = self.old.view(old[old_index]).types
            return bool(types) and types == self.new.view(new[new_index]).types

        predicates: list[Callable[[int, int], bool]] = [
            same_name,
            lambda old_index, new_index: self.equivalent(old[old_index], new[new_index]),
            same_types,
        ]
        for predicate in predicates:
            for old_index in list(old_left):
                match = next((new_index for new_index in new_left if predicate(old_index, new_index)), None)
                if match is not None:
                    pairs.append((old_index, match))
                    old_left.remove(old_index)
                    new_left.remove(match)
        if len(old_left) == 1 and len(new_left) == 1:
            pairs.append((old_left.pop(), new_left.pop()))
        return pairs, old_left, new_left

    def _compare_discriminator(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        old_node, new_node = old.keywords.get("discriminator"), new.keywords.get("discriminator")
        if old_node is None or new_node is None:
            return
        old_fields, new_fields = old_node.mapping(), new_node.mapping()
        if old_fields.get("propertyName") != new_fields.get("propertyName"):
            self._found(
                analysis,
                "openapi.discriminator-property-changed",
                "",
                f"discriminator property changed from {old_fields.get('propertyName')!r} "
                f"to {new_fields.get('propertyName')!r}",
                None,
                new_node,
            )
        old_mapping, new_mapping = old_node.member("mapping"), new_node.member("mapping")
        old_values = old_mapping.mapping() if old_mapping is not None else {}
        new_values = new_mapping.mapping() if new_mapping is not None else {}
        for value in old_values:
            if value not in new_values and old_mapping is not None:
                rule = analysis.rule(
                    "openapi.request-discriminator-value-removed", "openapi.response-discriminator-value-removed"
                )
                self._found(
                    analysis, rule, "", f"discriminator value {value!r} removed", old_mapping.child(value), None
                )
        for value in new_values:
            if value not in old_values and new_mapping is not None:
                rule = analysis.rule(
                    "openapi.request-discriminator-value-added", "openapi.response-discriminator-value-added"
                )
                self._found(analysis, rule, "", f"discriminator value {value!r} added", None, new_mapping.child(value))

    def _visible_properties(self, side: Side, view: SchemaView, analysis: _Analysis) -> dict[str, Node]:
        """Properties that travel in this direction: no `readOnly` in requests, no `writeOnly` in responses."""
        hidden = "readOnly" if analysis.direction is Direction.REQUEST else "writeOnly"
        return {name: node for name, node in view.properties.items() if not side.view(node).flag(hidden)}

    def _compare_properties(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        old_properties = self._visible_properties(self.old, old, analysis)
        new_properties = self._visible_properties(self.new, new, analysis)
        request = analysis.direction is Direction.REQUEST
        for name, node in old_properties.items():
            if name in new_properties:
                continue
            if request and closed(new):
                rule, text = "openapi.request-property-forbidden", "property removed and no longer accepted"
            elif request:
                rule, text = "openapi.request-property-removed", "property removed; the server ignores it"
            elif name in old.required:
                rule, text = "openapi.response-required-property-removed", "required property removed"
            else:
                rule, text = "openapi.response-optional-property-removed", "optional property removed"
            self._found(analysis, rule, f".{name}", text, node, None)
        for name, node in new_properties.items():
            place = f".{name}"
            if name not in old_properties:
                if request and name in new.required:
                    rule, text = "openapi.request-required-property-added", "required property added"
                elif request:
                    rule, text = "openapi.request-property-added", "optional property added"
                else:
                    rule, text = "openapi.response-property-added", "property added"
                self._found(analysis, rule, place, text, None, node)
                continue
            was_required, is_required = name in old.required, name in new.required
            if is_required and not was_required:
                rule = analysis.rule(
                    "openapi.request-property-became-required", "openapi.response-property-became-required"
                )
                self._found(analysis, rule, place, "became required", None, Node(new.required[name], None))
            elif was_required and not is_required:
                rule = analysis.rule(
                    "openapi.request-property-became-optional", "openapi.response-property-became-optional"
                )
                self._found(analysis, rule, place, "became optional", None, node)
            if self.new.view(node).flag("deprecated") and not self.old.view(old_properties[name]).flag("deprecated"):
                self._found(analysis, "openapi.property-deprecated", place, "deprecated", None, node)
            self._compare_below(old_properties[name], node, place, analysis)

    def _compare_additional_properties(self, old: SchemaView, new: SchemaView, analysis: _Analysis) -> None:
        old_kind, old_node = additional(self.old, old)
        new_kind, new_node = additional(self.new, new)
        if old_kind == "schema" and new_kind == "schema":
            assert old_node is not None and new_node is not None
            self._compare_below(old_node, new_node, ".*", analysis)
            return
        if old_kind == new_kind:
            return
        order = ("closed", "schema", "open")
        text = f"additional properties changed from {ADDITIONAL_TEXT[old_kind]} to {ADDITIONAL_TEXT[new_kind]}"
        rule = analysis.constraint_rule(
            analysis.compatible(narrowed=order.index(new_kind) < order.index(old_kind)),
            "openapi.request-additional-properties-narrowed",
            "openapi.response-additional-properties-allowed",
        )
        self._found(analysis, rule, "", text, old_node or old.node, new_node or new.node)


_RULE_STEMS = {"format": "format", "pattern": "pattern", "multipleOf": "multiple-of"}
"""Rule id stem of each keyword `_compare_covered` compares: `openapi.request-<stem>-changed`."""


def _format_text(old: Any, new: Any) -> str:
    return f"format changed from {old or 'none'} to {new or 'none'}"


def _pattern_text(old: Any, new: Any) -> str:
    if old is None:
        return f"pattern {new!r} added"
    if new is None:
        return f"pattern {old!r} removed"
    return f"pattern changed from {old!r} to {new!r}"


def _multiple_of_text(old: Any, new: Any) -> str:
    return f"multipleOf changed from {old} to {new}"


def _component_name(pointer: str) -> str | None:
    tokens = split_pointer(pointer)
    return tokens[2] if len(tokens) == 3 and tokens[:2] == ["components", "schemas"] else None
