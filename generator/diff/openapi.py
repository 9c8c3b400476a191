"""`contractgen diff` for OpenAPI 3.x: what each change between two contracts does to clients.

Both sides are loaded with `load_openapi` (bundled: every `$ref` is local) and compared the way
a client sees them, not as text: `$ref`s are followed while walking, so moving or renaming a
schema in `components` changes nothing by itself; operations are matched by method and path
template with parameter names blanked (`/pets/{petId}` ≡ `/pets/{id}`).

Data is judged by who writes it. A request is written by the client against OLD and must still
be accepted by NEW, so narrowing it (a new required property, a removed enum value, a smaller
`maxLength`, a stricter type or format, `nullable` removed) breaks clients and widening it is
safe. A response is written by the server against NEW and read by a client built for OLD, so
widening it (a property that may now be missing or null, a new enum value, a looser type or
format) is what hurts, and narrowing is safe. `readOnly` properties are not part of a request
and `writeOnly` ones not part of a response (OpenAPI 3.x, Schema Object).

Schemas are compared after folding `allOf`, `$ref` siblings and a lone `null` alternative of
`oneOf`/`anyOf` into one view; `oneOf`/`anyOf` alternatives are matched by component name, then
by equality, then by type, then the one left over. Each (old schema, new schema, direction) pair
is analysed once per run; every request or response of every operation then walks the analysed
pairs depth first, each pair once (which ends cycles), and names a change by the first path that
reaches it, so a changed shared schema is reported for each operation that sends or returns it.
Pairs proven equal (a bisimulation over the resolved documents, also cached) are skipped, so
diffing a contract against itself costs one pass.

Decisions, where a reasonable tool could differ:
- a removed parameter or request property is DANGEROUS (the server ignores what clients still
  send), but a request property removed from an object with `additionalProperties: false` is
  BREAKING (`request-property-forbidden`): the server now rejects it;
- a removed *required* response property is BREAKING, a removed optional one DANGEROUS (clients
  already had to cope with its absence, but generated models lose the field);
- removing a deprecated operation (or a path whose operations were all deprecated) is DANGEROUS:
  clients were warned, and CI should not block the removal that deprecation announced;
- a new 2xx status is DANGEROUS (a client may only expect the old one), a new error status SAFE;
  a removed error status is DANGEROUS (typed error handling for it disappears);
- response constraints widened (`maxLength` up, `pattern` changed, `additionalProperties`
  allowed, new enum value or `oneOf` alternative) are DANGEROUS: wire-compatible, but clients that
  validate responses, as generated models do, reject the new values;
- a renamed path parameter and a changed `operationId` are DANGEROUS: the wire is unchanged but
  generated clients' argument and method names change;
- schemas added to or removed from `components` are SAFE: what reaches the wire is reported per
  operation; a removed and an added schema with equal content are a rename and not reported;
- a server URL that disappears is DANGEROUS: clients using the documented base URL break;
- `explode` is ignored for parameters that are single values (it only splits arrays and objects);
- descriptions and examples are reported for operations, parameters, bodies and responses, not
  for every schema an operation reaches (one edited schema description would fill the report);
- webhooks and callbacks are reported as added, removed or changed, not rule by rule.

Every rule and its level is in `RULES`; rule ids are `openapi.<kebab-case>`.
"""

from __future__ import annotations

import enum
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from generator.diagnostics import DiagnosticSink, Location
from generator.diff.model import Change, Level
from generator.readers.openapi_document import OpenAPIDocument, load_openapi
from generator.readers.yaml_positions import join_pointer, resolve_pointer, split_pointer

_BREAKING, _DANGEROUS, _SAFE = Level.BREAKING, Level.DANGEROUS, Level.SAFE

RULES: dict[str, Level] = {
    # paths and operations
    "openapi.path-removed": _BREAKING,
    "openapi.path-added": _SAFE,
    "openapi.deprecated-path-removed": _DANGEROUS,
    "openapi.operation-removed": _BREAKING,
    "openapi.operation-added": _SAFE,
    "openapi.deprecated-operation-removed": _DANGEROUS,
    "openapi.operation-id-changed": _DANGEROUS,
    "openapi.operation-deprecated": _SAFE,
    "openapi.operation-tags-changed": _SAFE,
    "openapi.description-changed": _SAFE,
    "openapi.example-changed": _SAFE,
    # parameters
    "openapi.request-required-parameter-added": _BREAKING,
    "openapi.request-parameter-became-required": _BREAKING,
    "openapi.request-parameter-location-changed": _BREAKING,
    "openapi.request-parameter-style-changed": _BREAKING,
    "openapi.request-parameter-removed": _DANGEROUS,
    "openapi.path-parameter-renamed": _DANGEROUS,
    "openapi.request-parameter-added": _SAFE,
    "openapi.request-parameter-became-optional": _SAFE,
    "openapi.request-parameter-deprecated": _SAFE,
    # request bodies
    "openapi.request-body-added-required": _BREAKING,
    "openapi.request-body-became-required": _BREAKING,
    "openapi.request-media-type-removed": _BREAKING,
    "openapi.request-body-removed": _DANGEROUS,
    "openapi.request-body-added": _SAFE,
    "openapi.request-body-became-optional": _SAFE,
    "openapi.request-media-type-added": _SAFE,
    # request data (bodies and parameter values)
    "openapi.request-required-property-added": _BREAKING,
    "openapi.request-property-became-required": _BREAKING,
    "openapi.request-property-forbidden": _BREAKING,
    "openapi.request-type-changed": _BREAKING,
    "openapi.request-format-changed": _BREAKING,
    "openapi.request-nullable-removed": _BREAKING,
    "openapi.request-enum-added": _BREAKING,
    "openapi.request-enum-value-removed": _BREAKING,
    "openapi.request-max-length-decreased": _BREAKING,
    "openapi.request-min-length-increased": _BREAKING,
    "openapi.request-maximum-decreased": _BREAKING,
    "openapi.request-minimum-increased": _BREAKING,
    "openapi.request-max-items-decreased": _BREAKING,
    "openapi.request-min-items-increased": _BREAKING,
    "openapi.request-max-properties-decreased": _BREAKING,
    "openapi.request-min-properties-increased": _BREAKING,
    "openapi.request-pattern-changed": _BREAKING,
    "openapi.request-multiple-of-changed": _BREAKING,
    "openapi.request-unique-items-added": _BREAKING,
    "openapi.request-additional-properties-narrowed": _BREAKING,
    "openapi.request-alternative-removed": _BREAKING,
    "openapi.request-discriminator-value-removed": _BREAKING,
    "openapi.request-property-removed": _DANGEROUS,
    "openapi.request-default-changed": _DANGEROUS,
    "openapi.request-property-added": _SAFE,
    "openapi.request-property-became-optional": _SAFE,
    "openapi.request-type-widened": _SAFE,
    "openapi.request-nullable-added": _SAFE,
    "openapi.request-enum-value-added": _SAFE,
    "openapi.request-constraint-widened": _SAFE,
    "openapi.request-alternative-added": _SAFE,
    "openapi.request-discriminator-value-added": _SAFE,
    # responses
    "openapi.response-success-status-removed": _BREAKING,
    "openapi.response-media-type-removed": _BREAKING,
    "openapi.response-required-header-removed": _BREAKING,
    "openapi.response-header-became-optional": _BREAKING,
    "openapi.response-status-removed": _DANGEROUS,
    "openapi.response-success-status-added": _DANGEROUS,
    "openapi.response-header-removed": _DANGEROUS,
    "openapi.response-status-added": _SAFE,
    "openapi.response-media-type-added": _SAFE,
    "openapi.response-header-added": _SAFE,
    # response data (bodies and headers)
    "openapi.response-required-property-removed": _BREAKING,
    "openapi.response-property-became-optional": _BREAKING,
    "openapi.response-nullable-added": _BREAKING,
    "openapi.response-type-changed": _BREAKING,
    "openapi.response-format-changed": _BREAKING,
    "openapi.response-optional-property-removed": _DANGEROUS,
    "openapi.response-enum-value-added": _DANGEROUS,
    "openapi.response-enum-removed": _DANGEROUS,
    "openapi.response-max-length-increased": _DANGEROUS,
    "openapi.response-min-length-decreased": _DANGEROUS,
    "openapi.response-maximum-increased": _DANGEROUS,
    "openapi.response-minimum-decreased": _DANGEROUS,
    "openapi.response-max-items-increased": _DANGEROUS,
    "openapi.response-min-items-decreased": _DANGEROUS,
    "openapi.response-max-properties-increased": _DANGEROUS,
    "openapi.response-min-properties-decreased": _DANGEROUS,
    "openapi.response-pattern-changed": _DANGEROUS,
    "openapi.response-multiple-of-changed": _DANGEROUS,
    "openapi.response-unique-items-removed": _DANGEROUS,
    "openapi.response-additional-properties-allowed": _DANGEROUS,
    "openapi.response-alternative-added": _DANGEROUS,
    "openapi.response-discriminator-value-added": _DANGEROUS,
    "openapi.response-property-added": _SAFE,
    "openapi.response-property-became-required": _SAFE,
    "openapi.response-nullable-removed": _SAFE,
    "openapi.response-type-narrowed": _SAFE,
    "openapi.response-enum-value-removed": _SAFE,
    "openapi.response-constraint-narrowed": _SAFE,
    "openapi.response-alternative-removed": _SAFE,
    "openapi.response-discriminator-value-removed": _SAFE,
    # both directions
    "openapi.discriminator-property-changed": _BREAKING,
    "openapi.property-deprecated": _SAFE,
    # security
    "openapi.security-added": _BREAKING,
    "openapi.security-scope-added": _BREAKING,
    "openapi.security-requirement-changed": _BREAKING,
    "openapi.security-scheme-removed": _BREAKING,
    "openapi.security-scheme-changed": _BREAKING,
    "openapi.security-removed": _SAFE,
    "openapi.security-alternative-added": _SAFE,
    "openapi.security-scheme-added": _SAFE,
    # servers, components, webhooks and callbacks
    "openapi.server-url-changed": _DANGEROUS,
    "openapi.server-removed": _DANGEROUS,
    "openapi.server-added": _SAFE,
    "openapi.schema-added": _SAFE,
    "openapi.schema-removed": _SAFE,
    "openapi.webhook-removed": _DANGEROUS,
    "openapi.webhook-changed": _DANGEROUS,
    "openapi.webhook-added": _SAFE,
    "openapi.callback-removed": _DANGEROUS,
    "openapi.callback-changed": _DANGEROUS,
    "openapi.callback-added": _SAFE,
}
"""Every rule this module reports, with its level."""

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REF_ANNOTATIONS = frozenset({"description", "summary"})
"""Members a Reference Object may carry next to `$ref` (3.1) without changing what it means."""
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
_SIZE_BOUNDS = (
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
_DEFAULT_STYLES = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}
_PATH_PARAMETER = re.compile(r"\{([^}]*)\}")


def diff_openapi(old: Path, new: Path, sink: DiagnosticSink) -> list[Change]:
    """The changes from the contract at `old` to the one at `new`; [] when either cannot be read
    (the problems are in `sink`, and the caller raises)."""
    old_document = load_openapi(old, sink)
    new_document = load_openapi(new, sink)
    if old_document is None or new_document is None or sink.has_errors:
        return []
    comparison = _Comparison(_Side(old_document), _Side(new_document))
    try:
        return comparison.run()
    except RecursionError:
        sink.error("openapi.too-deep", "the contracts nest schemas too deeply to compare", Location(str(new)))
        return []


class _Direction(enum.Enum):
    """Who writes the data: the client (a request) or the server (a response)."""

    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True)
class _Node:
    """A value of one side's bundled document and the pointer it is at."""

    pointer: str
    value: Any

    def child(self, key: str | int) -> _Node:
        value: Any = None
        if isinstance(self.value, dict):
            value = self.value.get(key)
        elif isinstance(self.value, list) and isinstance(key, int):
            value = self.value[key]
        return _Node(join_pointer(self.pointer, key), value)

    def member(self, key: str) -> _Node | None:
        if isinstance(self.value, dict) and key in self.value:
            return self.child(key)
        return None

    def mapping(self) -> dict[str, Any]:
        return self.value if isinstance(self.value, dict) else {}


@dataclass(frozen=True)
class _SchemaView:
    """One schema with `$ref` siblings, `allOf` members and a lone `null` alternative folded in.

    `keywords` and `properties` keep the first definition (the schema's own, then `$ref`, then
    `allOf` in order); `required` maps each required name to the `required` list naming it.
    """

    node: _Node
    keywords: dict[str, _Node]
    properties: dict[str, _Node]
    required: dict[str, str]
    alternatives: tuple[_Node, ...]
    """The `oneOf`/`anyOf` entries other than `null`, where they are written (maybe `$ref`s)."""
    nullable_at: _Node | None
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


@dataclass(frozen=True)
class _Side:
    """One contract: its document, where things are in its files, and its schema views."""

    document: OpenAPIDocument
    views: dict[str, _SchemaView] = field(default_factory=dict)
    targets: dict[str, _Node | None] = field(default_factory=dict)

    @property
    def root(self) -> _Node:
        return _Node("", self.document.document)

    def locate(self, pointer: str) -> Location:
        return self.document.locate(pointer)

    def target(self, ref: Any) -> _Node | None:
        """What a local `$ref` points at, or None."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        if ref not in self.targets:
            pointer = urllib.parse.unquote(ref[1:])
            found, value = resolve_pointer(self.document.document, pointer)
            self.targets[ref] = _Node(pointer, value) if found else None
        return self.targets[ref]

    def resolve(self, node: _Node) -> _Node:
        """Follow `$ref`s that stand for their target alone (at most annotations beside them)."""
        seen: set[str] = set()
        while isinstance(node.value, dict) and _is_plain_ref(node.value) and node.pointer not in seen:
            seen.add(node.pointer)
            target = self.target(node.value["$ref"])
            if target is None:
                break
            node = target
        return node

    def view(self, node: _Node) -> _SchemaView:
        node = self.resolve(node)
        cached = self.views.get(node.pointer)
        if cached is None:
            cached = self.views[node.pointer] = self._build_view(node)
        return cached

    def _build_view(self, node: _Node) -> _SchemaView:
        keywords: dict[str, _Node] = {}
        properties: dict[str, _Node] = {}
        required: dict[str, str] = {}
        seen: set[str] = set()
        self._collect(node, keywords, properties, required, seen)
        nullable_at: _Node | None = None
        alternatives: tuple[_Node, ...] = ()
        for keyword in ("oneOf", "anyOf"):
            choice = keywords.get(keyword)
            if choice is None or not isinstance(choice.value, list):
                continue
            options = [choice.child(index) for index in range(len(choice.value))]
            others = tuple(option for option in options if not _is_null_schema(self.resolve(option).value))
            del keywords[keyword]
            if len(others) < len(options):
                nullable_at = choice
            if len(others) == 1 and nullable_at is not None:
                self._collect(others[0], keywords, properties, required, seen)
            else:
                alternatives = others
            break
        declared, flagged = keywords.get("type"), keywords.get("nullable")
        if flagged is not None and flagged.value is True:
            nullable_at = flagged
        elif declared is not None and isinstance(declared.value, list) and "null" in declared.value:
            nullable_at = declared
        return _SchemaView(node, keywords, properties, required, alternatives, nullable_at)

    def _collect(
        self,
        node: _Node,
        keywords: dict[str, _Node],
        properties: dict[str, _Node],
        required: dict[str, str],
        seen: set[str],
    ) -> None:
        node = self.resolve(node)
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
        target = self.target(node.value.get("$ref"))
        if target is not None:
            self._collect(target, keywords, properties, required, seen)
        members = node.member("allOf")
        if members is not None and isinstance(members.value, list):
            for index in range(len(members.value)):
                self._collect(members.child(index), keywords, properties, required, seen)


def _is_plain_ref(value: dict[str, Any]) -> bool:
    return isinstance(value.get("$ref"), str) and all(key == "$ref" or key in _REF_ANNOTATIONS for key in value)


def _is_null_schema(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    declared = value.get("type")
    return declared == "null" or declared == ["null"] or value.get("enum") == [None]


def _same_literal(old: Any, new: Any) -> bool:
    return bool(old == new) and isinstance(old, bool) == isinstance(new, bool)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _shown(value: Any) -> str:
    text = _canonical(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _component_name(pointer: str) -> str | None:
    tokens = split_pointer(pointer)
    return tokens[2] if len(tokens) == 3 and tokens[:2] == ["components", "schemas"] else None


def _normalised_path(template: str) -> str:
    return _PATH_PARAMETER.sub("{}", template)


def _media_key(media_type: str) -> str:
    return media_type.split(";")[0].strip().lower()


def _is_success(status: str) -> bool:
    return status.startswith("2")


def _types_text(types: frozenset[str]) -> str:
    return " or ".join(sorted(types)) if types else "any type"


def _types_cover(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of a type in `narrow` is a value of a type in `wide` (integers are numbers)."""
    if not wide:
        return True
    if not narrow:
        return False
    return all(kind in wide or (kind == "integer" and "number" in wide) for kind in narrow)


def _types_overlap(first: frozenset[str], second: frozenset[str]) -> bool:
    if not first or not second or first & second:
        return True
    numeric = {"integer", "number"}
    return bool(first & numeric) and bool(second & numeric)


def _format_covers(wide: Any, narrow: Any) -> bool:
    return wide is None or wide == narrow or (narrow, wide) in _WIDER_FORMATS


def _multiple_covers(wide: Any, narrow: Any) -> bool:
    """Every multiple of `narrow` is a multiple of `wide`."""
    if not _is_number(wide) or wide == 0:
        return True
    if not _is_number(narrow):
        return False
    return Fraction(str(narrow)) % Fraction(str(wide)) == 0


_Bound = tuple[float, bool]
"""A limit and whether it is exclusive."""


def _tighter(first: _Bound | None, second: _Bound | None, upper: bool) -> bool:
    """`first` excludes values `second` allows (None: no bound)."""
    if first is None:
        return False
    if second is None:
        return True
    if first[0] != second[0]:
        return first[0] < second[0] if upper else first[0] > second[0]
    return first[1] and not second[1]


def _bound(view: _SchemaView, keyword: str, upper: bool) -> tuple[_Bound, _Node] | None:
    """The effective bound of `keyword`, with 3.0 boolean and 3.1 numeric `exclusive*` folded in."""
    plain = view.keywords.get(keyword)
    candidates: list[tuple[_Bound, _Node]] = []
    if keyword in ("maximum", "minimum"):
        exclusive = view.keywords.get("exclusiveMaximum" if upper else "exclusiveMinimum")
        if plain is not None and _is_number(plain.value):
            candidates.append(((plain.value, exclusive is not None and exclusive.value is True), plain))
        if exclusive is not None and _is_number(exclusive.value):
            candidates.append(((exclusive.value, True), exclusive))
    elif plain is not None and _is_number(plain.value):
        candidates.append(((plain.value, False), plain))
    best: tuple[_Bound, _Node] | None = None
    for candidate in candidates:
        if best is None or _tighter(candidate[0], best[0], upper):
            best = candidate
    return best


def _bound_text(bound: _Bound) -> str:
    return f"{bound[0]} (exclusive)" if bound[1] else f"{bound[0]}"


@dataclass(frozen=True)
class _Finding:
    """One change inside a schema pair, `where` relative to the pair (".name", "[]", "" for itself)."""

    rule: str
    where: str
    text: str
    location: Location


@dataclass(frozen=True)
class _Walk:
    """What comparing one (old schema, new schema) pair in one direction found: its own changes,
    and the pairs below it (properties, items, alternatives) with their relative paths.

    It does not depend on how the pair was reached, so it is computed once per run and reused by
    every operation whose request or response contains the pair.
    """

    direction: _Direction
    findings: list[_Finding] = field(default_factory=list)
    children: list[tuple[str, _Node, _Node]] = field(default_factory=list)


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    node: _Node
    path_item: _Node

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    @property
    def deprecated(self) -> bool:
        return self.node.mapping().get("deprecated") is True


@dataclass(frozen=True)
class _Located:
    """A (possibly referenced) object: where it is used, and the object itself."""

    site: str
    node: _Node


_Requirement = dict[str, frozenset[str]]
"""One Security Requirement Object: scheme name → scopes; all of them are needed together."""


class _Comparison:
    """The two sides, the changes found so far, and which schema pairs are known to be equal."""

    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.equal: dict[tuple[str, str], bool] = {}
        self.walks: dict[tuple[str, str, _Direction], _Walk] = {}

    def run(self) -> list[Change]:
        old_root, new_root = self.old.root, self.new.root
        self._compare_servers(old_root.member("servers"), new_root.member("servers"), "")
        self._compare_paths()
        self._compare_named(old_root.member("webhooks"), new_root.member("webhooks"), "webhook", "openapi.webhook")
        self._compare_security_schemes()
        self._compare_component_schemas()
        return self.changes

    def _report(self, rule: str, message: str, side: _Side, pointer: str) -> None:
        self.changes.append(Change(RULES[rule], rule, message, side.locate(pointer)))

    def _report_at(self, rule: str, message: str, old: _Node | None, new: _Node | None) -> None:
        """Located in NEW when the thing is there, else where OLD had it."""
        if new is not None:
            self._report(rule, message, self.new, new.pointer)
        elif old is not None:
            self._report(rule, message, self.old, old.pointer)

    # --- equality -------------------------------------------------------------------------

    def _equivalent(self, old: _Node, new: _Node) -> bool:
        """Equal once `$ref`s are followed, so the names of components do not matter.

        A bisimulation check with a worklist (no recursion, so long `$ref` chains are fine): each
        pair of objects is assumed equal when first met, which ends cycles; if no difference turns
        up, every pair met was equal and is remembered for the rest of the run.
        """
        top = (self.old.resolve(old).pointer, self.new.resolve(new).pointer)
        known = self.equal.get(top)
        if known is not None:
            return known
        assumed: set[tuple[str, str]] = set()
        pending = [(old, new)]
        while pending:
            old_node, new_node = pending.pop()
            old_node, new_node = self.old.resolve(old_node), self.new.resolve(new_node)
            old_value, new_value = old_node.value, new_node.value
            if not (isinstance(old_value, (dict, list)) and type(old_value) is type(new_value)):
                if _same_literal(old_value, new_value):
                    continue
                self.equal[top] = False
                return False
            key = (old_node.pointer, new_node.pointer)
            if key in assumed or self.equal.get(key) is True:
                continue
            if self.equal.get(key) is False or len(old_value) != len(new_value):
                self.equal[top] = False
                return False
            assumed.add(key)
            if isinstance(old_value, list):
                pending.extend((old_node.child(index), new_node.child(index)) for index in range(len(old_value)))
                continue
            if not isinstance(new_value, dict) or old_value.keys() != new_value.keys():
                self.equal[top] = self.equal[key] = False
                return False
            for member in old_value:
                old_target = self.old.target(old_value[member]) if member == "$ref" else None
                new_target = self.new.target(new_value[member]) if member == "$ref" else None
                if old_target is not None and new_target is not None:
                    pending.append((old_target, new_target))
                else:
                    pending.append((old_node.child(member), new_node.child(member)))
        for key in assumed:
            self.equal[key] = True
        return True

    # --- servers ----------------------------------------------------------------------------

    def _compare_servers(self, old: _Node | None, new: _Node | None, scope: str) -> None:
        old_urls, new_urls = _server_urls(old), _server_urls(new)
        removed = [url for url in old_urls if url not in new_urls]
        added = [url for url in new_urls if url not in old_urls]
        for old_url, new_url in zip(removed, added, strict=False):
            self._report(
                "openapi.server-url-changed",
                f"{scope}server URL changed from {old_url} to {new_url}; clients using the old base URL break",
                self.new,
                new_urls[new_url],
            )
        for url in removed[len(added) :]:
            self._report("openapi.server-removed", f"{scope}server {url} removed", self.old, old_urls[url])
        for url in added[len(removed) :]:
            self._report("openapi.server-added", f"{scope}server {url} added", self.new, new_urls[url])

    # --- paths and operations ---------------------------------------------------------------

    def _path_items(self, side: _Side) -> dict[str, tuple[str, _Node]]:
        """Normalised template → (template as written, path item)."""
        found: dict[str, tuple[str, _Node]] = {}
        paths = side.root.member("paths")
        if paths is None:
            return found
        for template in paths.mapping():
            if not template.startswith("x-"):
                found.setdefault(_normalised_path(template), (template, side.resolve(paths.child(template))))
        return found

    def _compare_paths(self) -> None:
        old_paths, new_paths = self._path_items(self.old), self._path_items(self.new)
        for key, (template, item) in old_paths.items():
            if key in new_paths:
                continue
            operations = list(_operations(template, item))
            if operations and all(operation.deprecated for operation in operations):
                rule, note = "openapi.deprecated-path-removed", " (all its operations were deprecated)"
            else:
                rule, note = "openapi.path-removed", ""
            self._report(rule, f"path {template} removed{note}", self.old, item.pointer)
        for key, (template, item) in new_paths.items():
            if key not in old_paths:
                self._report("openapi.path-added", f"path {template} added", self.new, item.pointer)
        for key, (old_template, old_item) in old_paths.items():
            if key in new_paths:
                new_template, new_item = new_paths[key]
                self._compare_path_item(
                    {op.method: op for op in _operations(old_template, old_item)},
                    {op.method: op for op in _operations(new_template, new_item)},
                )

    def _compare_path_item(self, old: dict[str, _Operation], new: dict[str, _Operation]) -> None:
        for method, operation in old.items():
            if method in new:
                self._compare_operation(operation, new[method])
            elif operation.deprecated:
                self._report(
                    "openapi.deprecated-operation-removed",
                    f"{operation.label}: deprecated operation removed",
                    self.old,
                    operation.node.pointer,
                )
            else:
                self._report(
                    "openapi.operation-removed",
                    f"{operation.label}: operation removed",
                    self.old,
                    operation.node.pointer,
                )
        for method, operation in new.items():
            if method not in old:
                self._report(
                    "openapi.operation-added", f"{operation.label}: operation added", self.new, operation.node.pointer
                )

    def _compare_operation(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_fields, new_fields = old.node.mapping(), new.node.mapping()
        if old_fields.get("operationId") != new_fields.get("operationId"):
            self._report_at(
                "openapi.operation-id-changed",
                f"{label}: operationId changed from {old_fields.get('operationId')!r} to "
                f"{new_fields.get('operationId')!r}; generated clients rename the method",
                old.node.member("operationId"),
                new.node.member("operationId") or new.node,
            )
        if new.deprecated and not old.deprecated:
            self._report("openapi.operation-deprecated", f"{label}: deprecated", self.new, new.node.pointer)
        if old_fields.get("tags") != new_fields.get("tags"):
            self._report_at(
                "openapi.operation-tags-changed",
                f"{label}: tags changed from {old_fields.get('tags')} to {new_fields.get('tags')}",
                old.node.member("tags"),
                new.node.member("tags") or new.node,
            )
        self._compare_documentation(old.node, new.node, label)
        self._compare_parameters(old, new)
        self._compare_request_body(old, new)
        self._compare_responses(old, new)
        self._compare_security(old, new)
        if any(operation.node.member("servers") or operation.path_item.member("servers") for operation in (old, new)):
            self._compare_servers(_servers_of(self.old, old), _servers_of(self.new, new), f"{label}: ")
        self._compare_named(
            old.node.member("callbacks"), new.node.member("callbacks"), f"{label}: callback", "openapi.callback"
        )

    def _compare_documentation(self, old: _Node, new: _Node, label: str) -> None:
        for key in ("summary", "description"):
            old_text, new_text = old.mapping().get(key), new.mapping().get(key)
            if old_text != new_text:
                self._report_at(
                    "openapi.description-changed", f"{label}: {key} changed", old.member(key), new.member(key)
                )

    def _compare_examples(self, old: _Node, new: _Node, label: str) -> None:
        for key in ("example", "examples"):
            old_example, new_example = old.member(key), new.member(key)
            if old_example is None and new_example is None:
                continue
            if old_example is None or new_example is None or not self._equivalent(old_example, new_example):
                self._report_at("openapi.example-changed", f"{label}: {key} changed", old_example, new_example or new)
                return

    def _compare_named(self, old: _Node | None, new: _Node | None, kind: str, rule: str) -> None:
        """Webhooks or callbacks: matched by name, compared as a whole."""
        old_items, new_items = _named_members(old), _named_members(new)
        for name, item in old_items.items():
            if name not in new_items:
                self._report(f"{rule}-removed", f"{kind} {name} removed", self.old, item.pointer)
            elif not self._equivalent(item, new_items[name]):
                self._report(
                    f"{rule}-changed",
                    f"{kind} {name} changed (its requests are not compared rule by rule)",
                    self.new,
                    new_items[name].pointer,
                )
        for name, item in new_items.items():
            if name not in old_items:
                self._report(f"{rule}-added", f"{kind} {name} added", self.new, item.pointer)

    # --- parameters -------------------------------------------------------------------------

    def _parameters(self, side: _Side, operation: _Operation) -> dict[tuple[str, str], _Located]:
        """Path-item parameters overridden by the operation's, keyed by location and name; path
        parameters by their place in the template, so renaming one is not removing it."""
        merged: dict[tuple[str, str], _Located] = {}
        for container in (operation.path_item, operation.node):
            listed = container.member("parameters")
            if listed is None or not isinstance(listed.value, list):
                continue
            for index in range(len(listed.value)):
                site = listed.child(index)
                resolved = side.resolve(site)
                fields = resolved.mapping()
                if isinstance(fields.get("name"), str) and isinstance(fields.get("in"), str):
                    merged[(fields["in"], fields["name"])] = _Located(site.pointer, resolved)
        template_names = _PATH_PARAMETER.findall(operation.template)
        keyed: dict[tuple[str, str], _Located] = {}
        for (location, name), parameter in merged.items():
            if location == "path" and name in template_names:
                keyed[("path", str(template_names.index(name)))] = parameter
            elif location == "header":
                keyed[("header", name.lower())] = parameter
            else:
                keyed[(location, name)] = parameter
        return keyed

    def _compare_parameters(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_parameters, new_parameters = self._parameters(self.old, old), self._parameters(self.new, new)
        removed = [key for key in old_parameters if key not in new_parameters]
        added = [key for key in new_parameters if key not in old_parameters]
        for key in list(removed):
            moved = next(
                (
                    other
                    for other in added
                    if "path" not in (key[0], other[0]) and other[0] != key[0] and other[1].lower() == key[1].lower()
                ),
                None,
            )
            if moved is not None:
                removed.remove(key)
                added.remove(moved)
                self._report(
                    "openapi.request-parameter-location-changed",
                    f"{label}: parameter {_parameter_name(new_parameters[moved])} moved from {key[0]} to {moved[0]}",
                    self.new,
                    new_parameters[moved].site,
                )
        for key in removed:
            parameter = old_parameters[key]
            self._report(
                "openapi.request-parameter-removed",
                f"{label}: {_parameter_label(parameter)} removed; the server ignores it if clients still send it",
                self.old,
                parameter.site,
            )
        for key in added:
            parameter = new_parameters[key]
            if _parameter_required(parameter):
                self._report(
                    "openapi.request-required-parameter-added",
                    f"{label}: required {_parameter_label(parameter)} added",
                    self.new,
                    parameter.site,
                )
            else:
                self._report(
                    "openapi.request-parameter-added",
                    f"{label}: optional {_parameter_label(parameter)} added",
                    self.new,
                    parameter.site,
                )
        for key, parameter in new_parameters.items():
            if key in old_parameters:
                self._compare_parameter(label, old_parameters[key], parameter)

    def _compare_parameter(self, label: str, old: _Located, new: _Located) -> None:
        old_fields, new_fields = old.node.mapping(), new.node.mapping()
        where = _parameter_label(new)
        if old_fields.get("in") == "path" and old_fields.get("name") != new_fields.get("name"):
            self._report(
                "openapi.path-parameter-renamed",
                f"{label}: path parameter {old_fields.get('name')} renamed to {new_fields.get('name')}; "
                "generated clients rename the argument",
                self.new,
                new.site,
            )
        old_required, new_required = _parameter_required(old), _parameter_required(new)
        if new_required and not old_required:
            self._report(
                "openapi.request-parameter-became-required", f"{label}: {where} became required", self.new, new.site
            )
        elif old_required and not new_required:
            self._report(
                "openapi.request-parameter-became-optional", f"{label}: {where} became optional", self.new, new.site
            )
        old_style, new_style = _serialisation(old_fields), _serialisation(new_fields)
        if _single_value(self.old, old) and _single_value(self.new, new):
            old_style, new_style = (old_style[0], True), (new_style[0], True)  # explode only splits lists and objects
        if old_style != new_style:
            self._report(
                "openapi.request-parameter-style-changed",
                f"{label}: {where} serialisation changed from style={old_style[0]}, explode={_canonical(old_style[1])} "
                f"to style={new_style[0]}, explode={_canonical(new_style[1])}",
                self.new,
                new.site,
            )
        if new_fields.get("deprecated") is True and old_fields.get("deprecated") is not True:
            self._report("openapi.request-parameter-deprecated", f"{label}: {where} deprecated", self.new, new.site)
        if old_fields.get("description") != new_fields.get("description"):
            self._report_at(
                "openapi.description-changed",
                f"{label}: {where} description changed",
                old.node.member("description"),
                new.node.member("description"),
            )
        self._compare_examples(old.node, new.node, f"{label}: {where}")
        old_schema, new_schema = _parameter_schema(old.node), _parameter_schema(new.node)
        if old_schema is not None and new_schema is not None:
            self._walk_schemas(old_schema, new_schema, where, label, _Direction.REQUEST)

    # --- request bodies ---------------------------------------------------------------------

    def _compare_request_body(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_site, new_site = old.node.member("requestBody"), new.node.member("requestBody")
        if old_site is None and new_site is None:
            return
        if old_site is None:
            assert new_site is not None
            if self.new.resolve(new_site).mapping().get("required") is True:
                self._report(
                    "openapi.request-body-added-required",
                    f"{label}: required request body added",
                    self.new,
                    new_site.pointer,
                )
            else:
                self._report(
                    "openapi.request-body-added", f"{label}: optional request body added", self.new, new_site.pointer
                )
            return
        if new_site is None:
            self._report(
                "openapi.request-body-removed",
                f"{label}: request body removed; clients still sending one are ignored or rejected",
                self.old,
                old_site.pointer,
            )
            return
        old_body, new_body = self.old.resolve(old_site), self.new.resolve(new_site)
        old_required = old_body.mapping().get("required") is True
        new_required = new_body.mapping().get("required") is True
        if new_required and not old_required:
            self._report(
                "openapi.request-body-became-required",
                f"{label}: request body became required",
                self.new,
                new_site.pointer,
            )
        elif old_required and not new_required:
            self._report(
                "openapi.request-body-became-optional",
                f"{label}: request body became optional",
                self.new,
                new_site.pointer,
            )
        if old_body.mapping().get("description") != new_body.mapping().get("description"):
            self._report_at(
                "openapi.description-changed",
                f"{label}: request body description changed",
                old_body.member("description"),
                new_body.member("description"),
            )
        self._compare_content(label, old_body, new_body, _Direction.REQUEST, "")

    def _compare_content(self, label: str, old: _Node, new: _Node, direction: _Direction, prefix: str) -> None:
        """The media types of a request body or response, and the schema of each."""
        old_media, new_media = _media_types(old), _media_types(new)
        kind = direction.value
        for key, media in old_media.items():
            if key not in new_media:
                self._report(
                    f"openapi.{kind}-media-type-removed",
                    f"{label}: {prefix}media type {split_pointer(media.pointer)[-1]} removed",
                    self.old,
                    media.pointer,
                )
        for key, media in new_media.items():
            if key not in old_media:
                self._report(
                    f"openapi.{kind}-media-type-added",
                    f"{label}: {prefix}media type {split_pointer(media.pointer)[-1]} added",
                    self.new,
                    media.pointer,
                )
                continue
            where = f"{prefix}body" if key == "application/json" else f"{prefix}{key} body"
            self._compare_examples(old_media[key], media, f"{label}: {where}")
            old_schema, new_schema = old_media[key].member("schema"), media.member("schema")
            if old_schema is not None and new_schema is not None:
                self._walk_schemas(old_schema, new_schema, where, label, direction)

    # --- responses --------------------------------------------------------------------------

    def _compare_responses(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        old_responses, new_responses = _responses(old.node), _responses(new.node)
        for status, site in old_responses.items():
            if status in new_responses:
                continue
            if _is_success(status):
                self._report(
                    "openapi.response-success-status-removed",
                    f"{label}: response {status} removed",
                    self.old,
                    site.pointer,
                )
            else:
                self._report(
                    "openapi.response-status-removed", f"{label}: response {status} removed", self.old, site.pointer
                )
        for status, site in new_responses.items():
            if status not in old_responses:
                if _is_success(status):
                    self._report(
                        "openapi.response-success-status-added",
                        f"{label}: success response {status} added; clients may expect only the others",
                        self.new,
                        site.pointer,
                    )
                else:
                    self._report(
                        "openapi.response-status-added", f"{label}: response {status} added", self.new, site.pointer
                    )
                continue
            old_response, new_response = self.old.resolve(old_responses[status]), self.new.resolve(site)
            if old_response.mapping().get("description") != new_response.mapping().get("description"):
                self._report_at(
                    "openapi.description-changed",
                    f"{label}: response {status} description changed",
                    old_response.member("description"),
                    new_response.member("description"),
                )
            self._compare_headers(label, status, old_response, new_response)
            self._compare_content(label, old_response, new_response, _Direction.RESPONSE, f"response {status} ")

    def _compare_headers(self, label: str, status: str, old: _Node, new: _Node) -> None:
        old_headers, new_headers = _headers(self.old, old), _headers(self.new, new)
        for key, header in old_headers.items():
            if key in new_headers:
                continue
            name = split_pointer(header.site)[-1]
            if header.node.mapping().get("required") is True:
                self._report(
                    "openapi.response-required-header-removed",
                    f"{label}: response {status} required header {name} removed",
                    self.old,
                    header.site,
                )
            else:
                self._report(
                    "openapi.response-header-removed",
                    f"{label}: response {status} header {name} removed",
                    self.old,
                    header.site,
                )
        for key, header in new_headers.items():
            name = split_pointer(header.site)[-1]
            if key not in old_headers:
                self._report(
                    "openapi.response-header-added",
                    f"{label}: response {status} header {name} added",
                    self.new,
                    header.site,
                )
                continue
            old_header = old_headers[key]
            if old_header.node.mapping().get("required") is True and header.node.mapping().get("required") is not True:
                self._report(
                    "openapi.response-header-became-optional",
                    f"{label}: response {status} header {name} became optional",
                    self.new,
                    header.site,
                )
            old_schema, new_schema = _parameter_schema(old_header.node), _parameter_schema(header.node)
            if old_schema is not None and new_schema is not None:
                where = f"response {status} header {name}"
                self._walk_schemas(old_schema, new_schema, where, label, _Direction.RESPONSE)

    # --- security ---------------------------------------------------------------------------

    def _security(self, side: _Side, operation: _Operation) -> tuple[_Node | None, list[_Requirement]]:
        """The operation's own `security`, else the document's (OpenAPI 3.x, 4.8.10)."""
        node = operation.node.member("security") or side.root.member("security")
        if node is None or not isinstance(node.value, list):
            return node, []
        requirements = [
            {
                str(scheme): frozenset(str(scope) for scope in scopes) if isinstance(scopes, list) else frozenset()
                for scheme, scopes in requirement.items()
            }
            for requirement in node.value
            if isinstance(requirement, dict)
        ]
        return node, requirements

    def _compare_security(self, old: _Operation, new: _Operation) -> None:
        label = new.label
        _, old_requirements = self._security(self.old, old)
        new_node, new_requirements = self._security(self.new, new)
        old_open = not old_requirements or any(not requirement for requirement in old_requirements)
        new_open = not new_requirements or any(not requirement for requirement in new_requirements)
        if old_open and new_open:
            return
        new_place = new_node.pointer if new_node is not None else new.node.pointer
        if old_open:
            self._report(
                "openapi.security-added",
                f"{label}: now requires authentication ({_requirements_text(new_requirements)})",
                self.new,
                new_place,
            )
            return
        if new_open:
            self._report("openapi.security-removed", f"{label}: no longer requires authentication", self.new, new_place)
            return
        for requirement in old_requirements:
            if any(_satisfies(requirement, candidate) for candidate in new_requirements):
                continue
            if any(candidate.keys() == requirement.keys() for candidate in new_requirements):
                self._report(
                    "openapi.security-scope-added",
                    f"{label}: clients with {_requirement_text(requirement)} now need more scopes",
                    self.new,
                    new_place,
                )
            else:
                self._report(
                    "openapi.security-requirement-changed",
                    f"{label}: clients authenticating with {_requirement_text(requirement)} are no longer accepted "
                    f"(now {_requirements_text(new_requirements)})",
                    self.new,
                    new_place,
                )
        for requirement in new_requirements:
            if not any(_satisfies(requirement, candidate) for candidate in old_requirements):
                self._report(
                    "openapi.security-alternative-added",
                    f"{label}: clients may now authenticate with {_requirement_text(requirement)}",
                    self.new,
                    new_place,
                )

    def _compare_security_schemes(self) -> None:
        old_schemes = _named_members(_components(self.old, "securitySchemes"))
        new_schemes = _named_members(_components(self.new, "securitySchemes"))
        for name, scheme in old_schemes.items():
            if name not in new_schemes:
                self._report(
                    "openapi.security-scheme-removed", f"security scheme {name} removed", self.old, scheme.pointer
                )
                continue
            differences = _scheme_differences(
                self.old.resolve(scheme).mapping(), self.new.resolve(new_schemes[name]).mapping()
            )
            if differences:
                self._report(
                    "openapi.security-scheme-changed",
                    f"security scheme {name} changed: {'; '.join(differences)}",
                    self.new,
                    new_schemes[name].pointer,
                )
        for name, scheme in new_schemes.items():
            if name not in old_schemes:
                self._report("openapi.security-scheme-added", f"security scheme {name} added", self.new, scheme.pointer)

    # --- components -------------------------------------------------------------------------

    def _compare_component_schemas(self) -> None:
        """Added and removed schemas; a removed one whose content reappears under a new name was
        renamed, which clients never see."""
        old_schemas = _named_members(_components(self.old, "schemas"))
        new_schemas = _named_members(_components(self.new, "schemas"))
        added = {name: node for name, node in new_schemas.items() if name not in old_schemas}
        for name, node in old_schemas.items():
            if name in new_schemas:
                continue
            renamed = next((other for other, candidate in added.items() if self._equivalent(node, candidate)), None)
            if renamed is not None:
                del added[renamed]
                continue
            self._report("openapi.schema-removed", f"schema {name} removed from components", self.old, node.pointer)
        for name, node in added.items():
            self._report("openapi.schema-added", f"schema {name} added to components", self.new, node.pointer)

    # --- schemas ----------------------------------------------------------------------------

    def _walk_schemas(self, old: _Node, new: _Node, root: str, operation: str, direction: _Direction) -> None:
        """Report every change under one request or response schema of `operation`.

        Depth first over the pairs below the root, each pair once (which ends cycles); a change
        is named by the first path that reaches it, e.g. `response 200 body[].owner.name`.
        """
        visited: set[tuple[str, str]] = set()
        pending = [(root, self.old.resolve(old), self.new.resolve(new))]
        while pending:
            where, old_node, new_node = pending.pop()
            key = (old_node.pointer, new_node.pointer)
            if key in visited:
                continue
            visited.add(key)
            walk = self._analysed(old_node, new_node, direction)
            for finding in walk.findings:
                message = f"{operation}: {where}{finding.where}: {finding.text}"
                self.changes.append(Change(RULES[finding.rule], finding.rule, message, finding.location))
            pending.extend(
                (where + suffix, child_old, child_new) for suffix, child_old, child_new in reversed(walk.children)
            )

    def _analysed(self, old: _Node, new: _Node, direction: _Direction) -> _Walk:
        key = (old.pointer, new.pointer, direction)
        walk = self.walks.get(key)
        if walk is None:
            walk = self.walks[key] = _Walk(direction)
            if not self._equivalent(old, new):
                self._analyse(old, new, walk)
        return walk

    def _schema_report(
        self, walk: _Walk, rule: str, where: str, text: str, old: _Node | None, new: _Node | None
    ) -> None:
        """Located in NEW when the thing is there, else where OLD had it."""
        if new is not None:
            location = self.new.locate(new.pointer)
        elif old is not None:
            location = self.old.locate(old.pointer)
        else:
            return
        walk.findings.append(_Finding(rule, where, text, location))

    def _by_direction(self, walk: _Walk, request_rule: str, response_rule: str) -> str:
        return request_rule if walk.direction is _Direction.REQUEST else response_rule

    def _compare_below(self, old: _Node, new: _Node, where: str, walk: _Walk) -> None:
        """A pair below the one being analysed, compared when the walk gets there."""
        walk.children.append((where, self.old.resolve(old), self.new.resolve(new)))

    def _analyse(self, old: _Node, new: _Node, walk: _Walk) -> None:
        """The changes of one schema pair itself; the pairs below it go to `walk.children`."""
        where = ""
        old_view, new_view = self.old.view(old), self.new.view(new)
        self._compare_nullable(old_view, new_view, where, walk)
        if bool(old_view.alternatives) != bool(new_view.alternatives):
            # One side became (or stopped being) a choice: compare it as a choice of one.
            self._compare_alternatives(old_view, new_view, where, walk)
            return
        if not self._compare_types(old_view, new_view, where, walk):
            return
        self._compare_format(old_view, new_view, where, walk)
        self._compare_enum(old_view, new_view, where, walk)
        self._compare_bounds(old_view, new_view, where, walk)
        self._compare_pattern(old_view, new_view, where, walk)
        self._compare_multiple_of(old_view, new_view, where, walk)
        self._compare_unique_items(old_view, new_view, where, walk)
        if walk.direction is _Direction.REQUEST:
            self._compare_default(old_view, new_view, where, walk)
        if old_view.alternatives:
            self._compare_alternatives(old_view, new_view, where, walk)
        self._compare_discriminator(old_view, new_view, where, walk)
        self._compare_properties(old_view, new_view, where, walk)
        self._compare_additional_properties(old_view, new_view, where, walk)
        old_items, new_items = old_view.keywords.get("items"), new_view.keywords.get("items")
        if old_items is not None and new_items is not None:
            self._compare_below(old_items, new_items, f"{where}[]", walk)

    def _compare_nullable(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        if old.nullable == new.nullable:
            return
        if walk.direction is _Direction.REQUEST:
            if old.nullable:
                self._schema_report(
                    walk, "openapi.request-nullable-removed", where, "no longer accepts null", None, new.node
                )
            else:
                self._schema_report(
                    walk, "openapi.request-nullable-added", where, "now accepts null", None, new.nullable_at
                )
        elif new.nullable:
            self._schema_report(
                walk, "openapi.response-nullable-added", where, "may now be null", None, new.nullable_at
            )
        else:
            self._schema_report(
                walk, "openapi.response-nullable-removed", where, "is never null any more", None, new.node
            )

    def _compare_types(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> bool:
        """Report a type change; False when the types share no value (nothing below compares)."""
        old_types, new_types = old.types, new.types
        if old_types == new_types:
            return True
        text = f"type changed from {_types_text(old_types)} to {_types_text(new_types)}"
        place = new.keywords.get("type") or new.node
        if walk.direction is _Direction.REQUEST:
            compatible = _types_cover(new_types, old_types)
            rule = "openapi.request-type-widened" if compatible else "openapi.request-type-changed"
        else:
            compatible = _types_cover(old_types, new_types)
            rule = "openapi.response-type-narrowed" if compatible else "openapi.response-type-changed"
        self._schema_report(walk, rule, where, text, None, place)
        return _types_overlap(old_types, new_types)

    def _compare_format(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_format, new_format = old.value("format"), new.value("format")
        if old_format == new_format:
            return
        text = f"format changed from {old_format or 'none'} to {new_format or 'none'}"
        if walk.direction is _Direction.REQUEST:
            compatible = _format_covers(new_format, old_format)
            rule = "openapi.request-constraint-widened" if compatible else "openapi.request-format-changed"
        else:
            compatible = _format_covers(old_format, new_format)
            rule = "openapi.response-constraint-narrowed" if compatible else "openapi.response-format-changed"
        self._schema_report(walk, rule, where, text, old.keywords.get("format"), new.keywords.get("format"))

    def _enum(self, view: _SchemaView) -> tuple[_Node, dict[str, _Node]] | None:
        """The allowed values (`enum`, or `const` as an enum of one) by canonical JSON text."""
        listed = view.keywords.get("enum")
        if listed is not None and isinstance(listed.value, list):
            return listed, {_canonical(value): listed.child(index) for index, value in enumerate(listed.value)}
        constant = view.keywords.get("const")
        if constant is not None:
            return constant, {_canonical(constant.value): constant}
        return None

    def _compare_enum(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_enum, new_enum = self._enum(old), self._enum(new)
        request = walk.direction is _Direction.REQUEST
        if old_enum is None and new_enum is None:
            return
        if old_enum is None:
            assert new_enum is not None
            values = ", ".join(new_enum[1])
            rule = "openapi.request-enum-added" if request else "openapi.response-constraint-narrowed"
            self._schema_report(walk, rule, where, f"now limited to the values {values}", None, new_enum[0])
            return
        if new_enum is None:
            rule = "openapi.request-constraint-widened" if request else "openapi.response-enum-removed"
            self._schema_report(walk, rule, where, "no longer limited to an enum", old_enum[0], None)
            return
        for value, node in old_enum[1].items():
            if value not in new_enum[1]:
                rule = self._by_direction(
                    walk, "openapi.request-enum-value-removed", "openapi.response-enum-value-removed"
                )
                self._schema_report(walk, rule, where, f"enum value {value} removed", node, None)
        for value, node in new_enum[1].items():
            if value not in old_enum[1]:
                rule = self._by_direction(walk, "openapi.request-enum-value-added", "openapi.response-enum-value-added")
                self._schema_report(walk, rule, where, f"enum value {value} added", None, node)

    def _compare_bounds(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        for keyword, upper, stem in _SIZE_BOUNDS:
            old_found, new_found = _bound(old, keyword, upper), _bound(new, keyword, upper)
            old_bound = old_found[0] if old_found else None
            new_bound = new_found[0] if new_found else None
            if old_bound == new_bound:
                continue
            if old_bound is None:
                assert new_bound is not None
                text = f"{keyword} {_bound_text(new_bound)} added"
            elif new_bound is None:
                text = f"{keyword} {_bound_text(old_bound)} removed"
            else:
                verb = (
                    "decreased"
                    if new_bound[0] < old_bound[0]
                    else "increased"
                    if new_bound[0] > old_bound[0]
                    else "changed"
                )
                text = f"{keyword} {verb} from {_bound_text(old_bound)} to {_bound_text(new_bound)}"
            narrowed = _tighter(new_bound, old_bound, upper)
            if walk.direction is _Direction.REQUEST:
                rule = f"openapi.request-{stem}-{'decreased' if upper else 'increased'}" if narrowed else ""
                rule = rule or "openapi.request-constraint-widened"
            else:
                rule = "openapi.response-constraint-narrowed" if narrowed else ""
                rule = rule or f"openapi.response-{stem}-{'increased' if upper else 'decreased'}"
            self._schema_report(
                walk, rule, where, text, old_found[1] if old_found else None, new_found[1] if new_found else None
            )

    def _compare_pattern(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_pattern, new_pattern = old.value("pattern"), new.value("pattern")
        if old_pattern == new_pattern:
            return
        if old_pattern is None:
            text = f"pattern {new_pattern!r} added"
        elif new_pattern is None:
            text = f"pattern {old_pattern!r} removed"
        else:
            text = f"pattern changed from {old_pattern!r} to {new_pattern!r}"
        if walk.direction is _Direction.REQUEST:
            rule = "openapi.request-constraint-widened" if new_pattern is None else "openapi.request-pattern-changed"
        else:
            rule = "openapi.response-constraint-narrowed" if old_pattern is None else "openapi.response-pattern-changed"
        self._schema_report(walk, rule, where, text, old.keywords.get("pattern"), new.keywords.get("pattern"))

    def _compare_multiple_of(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_step, new_step = old.value("multipleOf"), new.value("multipleOf")
        if old_step == new_step:
            return
        text = f"multipleOf changed from {old_step} to {new_step}"
        if walk.direction is _Direction.REQUEST:
            widened = _multiple_covers(new_step, old_step)
            rule = "openapi.request-constraint-widened" if widened else "openapi.request-multiple-of-changed"
        else:
            narrowed = _multiple_covers(old_step, new_step)
            rule = "openapi.response-constraint-narrowed" if narrowed else "openapi.response-multiple-of-changed"
        self._schema_report(walk, rule, where, text, old.keywords.get("multipleOf"), new.keywords.get("multipleOf"))

    def _compare_unique_items(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_unique, new_unique = old.flag("uniqueItems"), new.flag("uniqueItems")
        if old_unique == new_unique:
            return
        text = "items must now be unique" if new_unique else "items may now repeat"
        if walk.direction is _Direction.REQUEST:
            rule = "openapi.request-unique-items-added" if new_unique else "openapi.request-constraint-widened"
        else:
            rule = "openapi.response-constraint-narrowed" if new_unique else "openapi.response-unique-items-removed"
        self._schema_report(walk, rule, where, text, old.keywords.get("uniqueItems"), new.keywords.get("uniqueItems"))

    def _compare_default(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        """What the server assumes when a client leaves the value out."""
        old_default, new_default = old.keywords.get("default"), new.keywords.get("default")
        if old_default is None:
            return
        if new_default is None:
            text = f"default {_shown(old_default.value)} removed"
        elif _canonical(old_default.value) != _canonical(new_default.value):
            text = f"default changed from {_shown(old_default.value)} to {_shown(new_default.value)}"
        else:
            return
        self._schema_report(walk, "openapi.request-default-changed", where, text, old_default, new_default)

    def _alternative_label(self, side: _Side, node: _Node, index: int) -> str:
        return _component_name(side.resolve(node).pointer) or f"#{index + 1}"

    def _compare_alternatives(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        """`oneOf`/`anyOf` choices, a plain schema counting as a choice of one."""
        old_options = list(old.alternatives) or [old.node]
        new_options = list(new.alternatives) or [new.node]
        pairs, removed, added = self._match_alternatives(old_options, new_options)
        for index in removed:
            rule = self._by_direction(
                walk, "openapi.request-alternative-removed", "openapi.response-alternative-removed"
            )
            label = self._alternative_label(self.old, old_options[index], index)
            self._schema_report(walk, rule, where, f"alternative {label} removed", old_options[index], None)
        for index in added:
            rule = self._by_direction(walk, "openapi.request-alternative-added", "openapi.response-alternative-added")
            label = self._alternative_label(self.new, new_options[index], index)
            self._schema_report(walk, rule, where, f"alternative {label} added", None, new_options[index])
        for old_index, new_index in pairs:
            label = self._alternative_label(self.new, new_options[new_index], new_index)
            self._compare_below(old_options[old_index], new_options[new_index], f"{where}<{label}>", walk)

    def _match_alternatives(
        self, old: list[_Node], new: list[_Node]
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
            lambda old_index, new_index: self._equivalent(old[old_index], new[new_index]),
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

    def _compare_discriminator(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_node, new_node = old.keywords.get("discriminator"), new.keywords.get("discriminator")
        if old_node is None or new_node is None:
            return
        old_fields, new_fields = old_node.mapping(), new_node.mapping()
        if old_fields.get("propertyName") != new_fields.get("propertyName"):
            self._schema_report(
                walk,
                "openapi.discriminator-property-changed",
                where,
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
                rule = self._by_direction(
                    walk, "openapi.request-discriminator-value-removed", "openapi.response-discriminator-value-removed"
                )
                self._schema_report(
                    walk, rule, where, f"discriminator value {value!r} removed", old_mapping.child(value), None
                )
        for value in new_values:
            if value not in old_values and new_mapping is not None:
                rule = self._by_direction(
                    walk, "openapi.request-discriminator-value-added", "openapi.response-discriminator-value-added"
                )
                self._schema_report(
                    walk, rule, where, f"discriminator value {value!r} added", None, new_mapping.child(value)
                )

    def _visible_properties(self, side: _Side, view: _SchemaView, walk: _Walk) -> dict[str, _Node]:
        """Properties that travel in this direction: no `readOnly` in requests, no `writeOnly` in responses."""
        hidden = "readOnly" if walk.direction is _Direction.REQUEST else "writeOnly"
        return {name: node for name, node in view.properties.items() if not side.view(node).flag(hidden)}

    def _compare_properties(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_properties = self._visible_properties(self.old, old, walk)
        new_properties = self._visible_properties(self.new, new, walk)
        request = walk.direction is _Direction.REQUEST
        for name, node in old_properties.items():
            if name in new_properties:
                continue
            place = f"{where}.{name}"
            if request and _closed(new):
                self._schema_report(
                    walk,
                    "openapi.request-property-forbidden",
                    place,
                    "property removed and no longer accepted",
                    node,
                    None,
                )
            elif request:
                self._schema_report(
                    walk,
                    "openapi.request-property-removed",
                    place,
                    "property removed; the server ignores it",
                    node,
                    None,
                )
            elif name in old.required:
                self._schema_report(
                    walk, "openapi.response-required-property-removed", place, "required property removed", node, None
                )
            else:
                self._schema_report(
                    walk, "openapi.response-optional-property-removed", place, "optional property removed", node, None
                )
        for name, node in new_properties.items():
            place = f"{where}.{name}"
            if name not in old_properties:
                if request and name in new.required:
                    self._schema_report(
                        walk, "openapi.request-required-property-added", place, "required property added", None, node
                    )
                elif request:
                    self._schema_report(
                        walk, "openapi.request-property-added", place, "optional property added", None, node
                    )
                else:
                    self._schema_report(walk, "openapi.response-property-added", place, "property added", None, node)
                continue
            was_required, is_required = name in old.required, name in new.required
            required_list = _Node(new.required[name], None) if is_required else None
            if is_required and not was_required:
                rule = self._by_direction(
                    walk, "openapi.request-property-became-required", "openapi.response-property-became-required"
                )
                self._schema_report(walk, rule, place, "became required", None, required_list)
            elif was_required and not is_required:
                rule = self._by_direction(
                    walk, "openapi.request-property-became-optional", "openapi.response-property-became-optional"
                )
                self._schema_report(walk, rule, place, "became optional", None, node)
            if self.new.view(node).flag("deprecated") and not self.old.view(old_properties[name]).flag("deprecated"):
                self._schema_report(walk, "openapi.property-deprecated", place, "deprecated", None, node)
            self._compare_below(old_properties[name], node, place, walk)

    def _compare_additional_properties(self, old: _SchemaView, new: _SchemaView, where: str, walk: _Walk) -> None:
        old_kind, old_node = _additional(self.old, old)
        new_kind, new_node = _additional(self.new, new)
        if old_kind == "schema" and new_kind == "schema":
            assert old_node is not None and new_node is not None
            self._compare_below(old_node, new_node, f"{where}.*", walk)
            return
        order = ("closed", "schema", "open")
        if old_kind == new_kind:
            return
        narrowed = order.index(new_kind) < order.index(old_kind)
        text = f"additional properties changed from {_ADDITIONAL_TEXT[old_kind]} to {_ADDITIONAL_TEXT[new_kind]}"
        if walk.direction is _Direction.REQUEST:
            rule = (
                "openapi.request-additional-properties-narrowed" if narrowed else "openapi.request-constraint-widened"
            )
        else:
            rule = (
                "openapi.response-constraint-narrowed" if narrowed else "openapi.response-additional-properties-allowed"
            )
        self._schema_report(walk, rule, where, text, old_node or old.node, new_node or new.node)


_ADDITIONAL_TEXT = {"open": "any", "schema": "values of a schema", "closed": "none"}


def _additional(side: _Side, view: _SchemaView) -> tuple[str, _Node | None]:
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


def _closed(view: _SchemaView) -> bool:
    """The object rejects members it does not declare."""
    additional = view.keywords.get("additionalProperties")
    unevaluated = view.keywords.get("unevaluatedProperties")
    return (additional is not None and additional.value is False) or (
        additional is None and unevaluated is not None and unevaluated.value is False
    )


def _operations(template: str, path_item: _Node) -> Iterator[_Operation]:
    for method in _HTTP_METHODS:
        node = path_item.member(method)
        if node is not None and isinstance(node.value, dict):
            yield _Operation(method, template, node, path_item)


def _server_urls(servers: _Node | None) -> dict[str, str]:
    """Server URL (without a trailing slash) → pointer of its Server Object."""
    urls: dict[str, str] = {}
    if servers is None or not isinstance(servers.value, list):
        return urls
    for index, server in enumerate(servers.value):
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            urls.setdefault(server["url"].rstrip("/") or "/", join_pointer(servers.pointer, index))
    return urls


def _servers_of(side: _Side, operation: _Operation) -> _Node | None:
    return operation.node.member("servers") or operation.path_item.member("servers") or side.root.member("servers")


def _components(side: _Side, section: str) -> _Node | None:
    components = side.root.member("components")
    return components.member(section) if components is not None else None


def _named_members(node: _Node | None) -> dict[str, _Node]:
    if node is None:
        return {}
    return {name: node.child(name) for name in node.mapping() if not name.startswith("x-")}


def _parameter_required(parameter: _Located) -> bool:
    fields = parameter.node.mapping()
    return fields.get("in") == "path" or fields.get("required") is True


def _parameter_name(parameter: _Located) -> str:
    return str(parameter.node.mapping().get("name"))


def _parameter_label(parameter: _Located) -> str:
    fields = parameter.node.mapping()
    return f"{fields.get('in')} parameter {fields.get('name')}"


def _serialisation(fields: dict[str, Any]) -> tuple[str, bool]:
    """Effective (style, explode) of a parameter (OpenAPI 3.x, Parameter Object, defaults)."""
    style = fields.get("style") or _DEFAULT_STYLES.get(str(fields.get("in")), "form")
    explode = fields.get("explode")
    return str(style), explode if isinstance(explode, bool) else style == "form"


def _single_value(side: _Side, parameter: _Located) -> bool:
    """A parameter whose schema allows neither arrays nor objects: `explode` cannot change it."""
    schema = parameter.node.member("schema")
    if schema is None:
        return False
    types = side.view(schema).types
    return bool(types) and not types & {"array", "object"}


def _parameter_schema(parameter: _Node) -> _Node | None:
    """A parameter's or header's `schema`, or the schema of its single `content` entry."""
    schema = parameter.member("schema")
    if schema is not None:
        return schema
    content = parameter.member("content")
    if content is None:
        return None
    for media_type in content.mapping():
        return content.child(media_type).member("schema")
    return None


def _media_types(body: _Node) -> dict[str, _Node]:
    content = body.member("content")
    if content is None:
        return {}
    return {_media_key(media_type): content.child(media_type) for media_type in content.mapping()}


def _responses(operation: _Node) -> dict[str, _Node]:
    responses = operation.member("responses")
    if responses is None:
        return {}
    return {
        _status_key(str(status)): responses.child(status)
        for status in responses.mapping()
        if not str(status).startswith("x-")
    }


def _status_key(status: str) -> str:
    """`2xx` and `2XX` are one range (OpenAPI 3.x, Responses Object); `default` stays as written."""
    return "default" if status.lower() == "default" else status.upper()


def _headers(side: _Side, response: _Node) -> dict[str, _Located]:
    headers = response.member("headers")
    if headers is None:
        return {}
    return {
        name.lower(): _Located(headers.child(name).pointer, side.resolve(headers.child(name)))
        for name in headers.mapping()
        if name.lower() != "content-type"  # ignored in a Response Object's headers (4.8.17.1)
    }


def _satisfies(credentials: _Requirement, requirement: _Requirement) -> bool:
    """A client holding `credentials` meets `requirement`."""
    return all(scheme in credentials and scopes <= credentials[scheme] for scheme, scopes in requirement.items())


def _requirement_text(requirement: _Requirement) -> str:
    return " + ".join(
        f"{scheme}[{', '.join(sorted(scopes))}]" if scopes else scheme for scheme, scopes in sorted(requirement.items())
    )


def _requirements_text(requirements: list[_Requirement]) -> str:
    return " or ".join(_requirement_text(requirement) or "none" for requirement in requirements)


def _scheme_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed in a Security Scheme Object that a client relies on to authenticate."""
    differences = [
        f"{key} changed from {old.get(key)!r} to {new.get(key)!r}"
        for key in ("type", "in", "name", "openIdConnectUrl")
        if old.get(key) != new.get(key)
    ]
    if str(old.get("scheme", "")).lower() != str(new.get("scheme", "")).lower():
        differences.append(f"scheme changed from {old.get('scheme')!r} to {new.get('scheme')!r}")
    old_flows = old.get("flows") if isinstance(old.get("flows"), dict) else {}
    new_flows = new.get("flows") if isinstance(new.get("flows"), dict) else {}
    assert isinstance(old_flows, dict) and isinstance(new_flows, dict)
    for flow, settings in old_flows.items():
        if flow not in new_flows:
            differences.append(f"flow {flow} removed")
            continue
        new_settings = new_flows[flow] if isinstance(new_flows[flow], dict) else {}
        old_settings = settings if isinstance(settings, dict) else {}
        for key in ("authorizationUrl", "tokenUrl"):
            if old_settings.get(key) != new_settings.get(key):
                differences.append(f"{flow} {key} changed from {old_settings.get(key)!r} to {new_settings.get(key)!r}")
        old_scopes = old_settings.get("scopes") if isinstance(old_settings.get("scopes"), dict) else {}
        new_scopes = new_settings.get("scopes") if isinstance(new_settings.get("scopes"), dict) else {}
        gone = sorted(set(old_scopes or {}) - set(new_scopes or {}))
        if gone:
            differences.append(f"{flow} scopes removed: {', '.join(gone)}")
    return differences
