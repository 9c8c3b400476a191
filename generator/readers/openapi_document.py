"""One OpenAPI contract, from one file or many, as a single validated document with positions.

Everything after this module sees one self-contained OpenAPI dict: every `$ref` in it is local
(`#/...`), so schema lowering and model generation never touch the disk or resolve paths.
Bundling works like `redocly bundle` / `swagger-cli bundle`:

- a relative-file `$ref` (`pet.yaml`, `../common.yaml#/components/schemas/Err`) is resolved
  against the file that contains it, and refs inside the target against the target's file;
- a target used where a reusable object goes (schema, parameter, response, request body, header,
  example, link, callback, security scheme — OpenAPI 3.x "Components Object") is copied once
  into the matching `components` section under a name taken from the target (its last pointer
  token, else the file stem), and every ref to it is rewritten to `#/components/<section>/<name>`;
  a root component that is only `$ref: other.yaml` is replaced by the target itself, so the
  contract's own name wins;
- a path item target has no components section in 3.0, so it is copied in place;
- `http(s)` refs are never fetched (a generator must be reproducible offline), absolute paths are
  refused (they tie the contract to one machine), relative paths may lead anywhere.

After bundling, local refs are checked (openapi-spec-validator crashes on dangling ones rather than
reporting them) and the document is validated against the OpenAPI 3.0 or 3.1 schema.
`OpenAPIDocument.locate` maps any pointer in the bundled document back to the file, line and column
it was written at, so every later diagnostic can point into the user's own files.

Diagnostic codes: `openapi.unreadable`, `openapi.not-a-mapping`, `openapi.swagger2-upgrade` (a warning),
`openapi.missing-version`, `openapi.unsupported-version`, `openapi.unresolved-ref`,
`openapi.remote-ref`, `openapi.absolute-ref`, `openapi.ref-cycle`, `openapi.too-deep`, `openapi.too-large`,
`openapi.invalid` (errors), `openapi.validation-incomplete` (a warning), plus the `yaml.*` and
`json.*` codes of `yaml_positions`.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NamedTuple

from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
    ValidationError,
    best_match,
)

from generator.diagnostics import DiagnosticSink, Location, Severity, undecodable_location
from generator.readers.limits import size_refusal
from generator.readers.openapi_lenient import Repair, RepairFinder, apply_repairs, distinct_repairs
from generator.readers.openapi_validators import FastOpenAPIV30SpecValidator, FastOpenAPIV31SpecValidator
from generator.readers.remote_refs import REMOTE_SCHEMES, RemoteRefError, fetch_text
from generator.readers.swagger2 import is_swagger2, upgrade_swagger2
from generator.readers.yaml_positions import (
    LoadedDocument,
    SourcePosition,
    ancestor_pointers,
    join_pointer,
    load_document,
    pointer_from_tokens,
    resolve_pointer,
    split_pointer,
    syntax_for,
)

OpenAPIVersion = Literal["3.0", "3.1"]

MAX_VALIDATION_ERRORS = 20
"""The validator's first errors are the useful ones; hundreds of follow-ups bury them."""

_MAX_MESSAGE_LENGTH = 200
_MAX_FINDINGS = 10 * MAX_VALIDATION_ERRORS
"""How many raw validator errors to read before giving up on the rest."""
_VAGUE_MESSAGE = re.compile(r"is not valid under any of|is valid under each of")
_VERSION_PATTERN = re.compile(r"3\.(?P<minor>[01])\.[0-9]+(-.+)?")


@dataclass(frozen=True)
class OpenAPIDocument:
    """A bundled, validated OpenAPI document and the files it came from.

    `document` has only local `$ref`s. `origins` maps a pointer in `document` to the file and
    pointer its subtree was copied from (the root file at ""); `positions` holds each file's
    pointer → line/column map. Both exist for `locate`.
    """

    document: dict[str, Any]
    version: OpenAPIVersion
    root_file: Path
    source_files: tuple[Path, ...]
    """The local files read (remote documents, fetched only with `allow_remote_refs`, are not here)."""
    origins: Mapping[str, tuple[Path | str, str]] = field(default_factory=dict, repr=False, compare=False)
    positions: Mapping[Path | str, Mapping[str, SourcePosition]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def locate(self, pointer: str) -> Location:
        """Where the value at `pointer` (in `document`) was written.

        For content bundled from another file this is that file, and the Location's pointer is
        the pointer inside that file. A pointer with no recorded position (a missing member, say)
        gets its closest ancestor's line.
        """
        file: Path | str = self.root_file
        source_pointer = pointer
        for prefix in ancestor_pointers(pointer):
            origin = self.origins.get(prefix)
            if origin is not None:
                file, base = origin
                source_pointer = base + pointer[len(prefix) :]
                break
        positions = self.positions.get(file, {})
        for candidate in ancestor_pointers(source_pointer):
            position = positions.get(candidate)
            if position is not None:
                return Location(str(file), position.line, position.column, source_pointer)
        return Location(str(file), pointer=source_pointer)


def load_openapi(
    path: Path, sink: DiagnosticSink, *, lenient: bool = False, allow_remote_refs: bool = False
) -> OpenAPIDocument | None:
    """Read the contract rooted at `path`, bundle its files and validate it.

    Returns None when anything was wrong; every problem is in `sink` with a location. `lenient`:
    minor defects are repaired with a warning each (`openapi_lenient`), and the document returned
    is the repaired one, which everything generated from it reads. `allow_remote_refs`: http(s)
    `$ref`s are fetched (`remote_refs`) instead of refused.
    """
    errors_before = _error_count(sink)
    loaded = read_openapi(path, sink, allow_remote_refs=allow_remote_refs)
    if loaded is not None:
        document = _validate(loaded, sink, lenient=lenient, hints=True)
        if document is not loaded.document:
            loaded = dataclasses.replace(loaded, document=document)
    return loaded if _error_count(sink) == errors_before else None


def read_openapi(
    path: Path, sink: DiagnosticSink, *, lazy_positions: bool = False, allow_remote_refs: bool = False
) -> OpenAPIDocument | None:
    """`load_openapi` up to validation: read, bundle, check local refs. The caller validates
    (`validation_findings`, `report_validation_findings`), as `contractgen diff` does for both
    sides at once. `lazy_positions`: a JSON root file's positions are found when asked for
    (`load_document`), for callers that locate a few pointers, not every one.
    """
    errors_before = _error_count(sink)
    root = _read_root(path, sink, lazy_positions=lazy_positions)
    if root is None:
        return None
    if is_swagger2(root.loaded.data):
        root = _upgraded(root, sink)
        if root is None:
            return None
    version = _check_header(root, sink)
    if version is None:
        return None
    bundler = _Bundler(root, sink, allow_remote_refs=allow_remote_refs)
    try:
        document = bundler.bundle()
    except RecursionError:
        sink.error(
            "openapi.too-deep",
            "the contract is nested too deeply to bundle",
            Location(str(root.display)),
        )
        return None
    loaded = OpenAPIDocument(
        document=document,
        version=version,
        root_file=path,
        source_files=tuple(Path(source.display) for source in bundler.read_sources() if not source.url),
        origins=dict(bundler.origins),
        positions={source.display: source.loaded.positions for source in bundler.read_sources()},
    )
    _check_local_refs(loaded, bundler.failed_refs, sink)
    return loaded if _error_count(sink) == errors_before else None


def _upgraded(root: _Source, sink: DiagnosticSink) -> _Source | None:
    """A Swagger 2.0 root as OpenAPI 3.0, positions kept (see `swagger2.py`); other 1.x/2.x refused."""
    data = root.loaded.data
    if str(data.get("swagger")) != "2.0":
        sink.error(
            "openapi.unsupported-version",
            f"unsupported Swagger version {data.get('swagger')!r}; Swagger 2.0 and OpenAPI 3.0/3.1 are supported",
            _source_location(root, "/swagger"),
        )
        return None
    upgrade = upgrade_swagger2(data)
    for note in upgrade.notes:
        sink.warning("openapi.swagger2-upgrade", note.message, _source_location(root, note.pointer))
    loaded = LoadedDocument(upgrade.document, upgrade.positions(root.loaded.positions))
    return _Source(root.path, root.display, loaded)


def _error_count(sink: DiagnosticSink) -> int:
    return sum(1 for _ in sink.errors())


# --- reading the root file and its header ----------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One parsed file: `path` is resolved (identity, base for relative refs), `display` is how
    the user would name it (root path as given, joined with the relative refs that led here)."""

    path: Path
    display: Path | str
    loaded: LoadedDocument
    url: str = ""
    """Where a fetched document came from (its `path` is then only an identity); "" for files."""


def _read_text(path: Path) -> str:
    """UTF-8 text, with a byte-order mark (common from Windows editors) dropped."""
    return path.read_text(encoding="utf-8-sig")


def _read_root(path: Path, sink: DiagnosticSink, *, lazy_positions: bool = False) -> _Source | None:
    refusal = size_refusal(path)
    if refusal is not None:
        sink.error("openapi.too-large", refusal, Location(str(path)))
        return None
    try:
        text = _read_text(path)
    except FileNotFoundError:
        sink.error("openapi.unreadable", "the contract file does not exist", Location(str(path)))
        return None
    except UnicodeDecodeError as exc:
        where = undecodable_location(str(path), bytes(exc.object), exc)
        sink.error("openapi.unreadable", f"not UTF-8 text: {exc.reason}; save the file as UTF-8", where)
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        sink.error("openapi.unreadable", f"cannot read the file: {reason}", Location(str(path)))
        return None
    loaded = load_document(text, str(path), sink, syntax=syntax_for(path), lazy_positions=lazy_positions)
    if loaded is None:
        return None
    return _Source(path.resolve(), path, loaded)


def _source_location(source: _Source, pointer: str) -> Location:
    found = source.loaded.nearest_position(pointer)
    if found is None:
        return Location(str(source.display), pointer=pointer)
    _, position = found
    return Location(str(source.display), position.line, position.column, pointer)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the document is empty)"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} value"


def _check_header(root: _Source, sink: DiagnosticSink) -> OpenAPIVersion | None:
    """The document must be a mapping naming a supported `openapi` version (3.0.x or 3.1.x)."""
    data = root.loaded.data
    if not isinstance(data, dict):
        sink.error(
            "openapi.not-a-mapping",
            f"an OpenAPI document must be a mapping at the top level, not {_describe(data)}",
            _source_location(root, ""),
        )
        return None
    if "openapi" not in data:
        sink.error(
            "openapi.missing-version",
            "missing the 'openapi' field; an OpenAPI 3 document starts with e.g. 'openapi: 3.1.0'",
            _source_location(root, ""),
        )
        return None
    declared = data["openapi"]
    match = _VERSION_PATTERN.fullmatch(declared) if isinstance(declared, str) else None
    if match is None:
        hint = (
            ' (write it as a quoted string with three parts, e.g. "3.0.3")'
            if not isinstance(declared, str) or declared.count(".") < 2
            else ""
        )
        sink.error(
            "openapi.unsupported-version",
            f"unsupported OpenAPI version {declared!r}; 3.0.x and 3.1.x are supported{hint}",
            _source_location(root, "/openapi"),
        )
        return None
    return "3.0" if match.group("minor") == "0" else "3.1"


# --- where refs can be: the OpenAPI object model, reduced to what holds refs -----------------

_COMPONENT_SECTIONS: dict[str, str] = {
    "schema": "schemas",
    "response": "responses",
    "parameter": "parameters",
    "example": "examples",
    "requestBody": "requestBodies",
    "header": "headers",
    "securityScheme": "securitySchemes",
    "link": "links",
    "callback": "callbacks",
}
"""Object kind → the Components Object section that holds reusable objects of that kind."""

_SECTION_KINDS: dict[str, str] = {
    **{section: kind for kind, section in _COMPONENT_SECTIONS.items()},
    "pathItems": "pathItem",
}

_REFERABLE_KINDS = frozenset(_COMPONENT_SECTIONS) | {"pathItem"}
"""Kinds where a `$ref` member is a reference (Reference Object, or Path Item's own `$ref`)."""

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
"""The operations a Path Item Object can hold (OpenAPI 3.x)."""
_PARAMETER_SLOTS = {"schema": "schema", "content": "map:mediaType", "examples": "map:example"}
_SCHEMA_SLOTS: dict[str, str] = {
    **dict.fromkeys(
        ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"),
        "map:schema",
    ),
    **dict.fromkeys(("allOf", "anyOf", "oneOf", "prefixItems"), "list:schema"),
    **dict.fromkeys(
        (
            "additionalProperties",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "additionalItems",
            "contentSchema",
        ),
        "schema",
    ),
    "items": "schema-or-list",
}

_SLOTS: dict[str, dict[str, str]] = {
    "document": {"paths": "mapx:pathItem", "webhooks": "mapx:pathItem", "components": "components"},
    "components": {section: f"map:{kind}" for section, kind in _SECTION_KINDS.items()},
    "pathItem": {**dict.fromkeys(HTTP_METHODS, "operation"), "parameters": "list:parameter"},
    "operation": {
        "parameters": "list:parameter",
        "requestBody": "requestBody",
        "responses": "mapx:response",
        "callbacks": "map:callback",
    },
    "parameter": _PARAMETER_SLOTS,
    "header": _PARAMETER_SLOTS,
    "requestBody": {"content": "map:mediaType"},
    "response": {"headers": "map:header", "content": "map:mediaType", "links": "map:link"},
    "mediaType": {"schema": "schema", "examples": "map:example", "encoding": "map:encoding"},
    "encoding": {"headers": "map:header"},
    "schema": _SCHEMA_SLOTS,
}
"""Object kind → member → what the member holds.

`X` is one object of kind X, `map:X` a mapping of them, `mapx:X` a mapping whose `x-` keys are
extensions, `list:X` a list of them. Members not listed hold literal data (descriptions,
examples, defaults, enums, extensions), which is copied untouched: a `$ref` key inside an example
payload is data, not a reference.
"""


def _child_kind(kind: str, key: str) -> str | None:
    """What member `key` of an object of `kind` holds, or None for literal data."""
    if kind == "callback":
        # A Callback Object maps runtime expressions to Path Items.
        return None if key.startswith("x-") or key == "$ref" else "pathItem"
    return _SLOTS.get(kind, {}).get(key)


def _looks_like_ref(value: str) -> bool:
    """Discriminator mapping values are schema names or references (OpenAPI 3.x, 4.8.25)."""
    return "#" in value or "/" in value or value.lower().endswith((".yaml", ".yml", ".json"))


def _fragment(pointer: str) -> str:
    """`#` + pointer, percent-encoding what may not appear in a URI fragment."""
    return "#" + urllib.parse.quote(pointer, safe="/~!$&'()*+,;=:@{}[]")


def _component_pointer(section: str, name: str) -> str:
    return join_pointer(join_pointer("/components", section), name)


def _component_name(target: _Target) -> str:
    """A components key for a bundled target: its last pointer token, else its file's stem.

    Component keys must match `^[a-zA-Z0-9.\\-_]+$` (OpenAPI 3.x, Components Object).
    """
    tokens = split_pointer(target.pointer)
    if tokens:
        base = tokens[-1]
        if base.isdigit() and len(tokens) > 1:
            base = f"{tokens[-2]}_{base}"
    else:
        base = PurePosixPath(urllib.parse.urlsplit(target.source.url).path).stem if target.source.url else ""
        base = base or Path(target.source.display).stem
    return re.sub(r"[^A-Za-z0-9._-]", "_", base) or "Component"


# --- bundling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What a `$ref` points at: the file, the pointer inside it, and the value there."""

    source: _Source
    pointer: str
    value: Any


class _Bundler:
    """Copies the root document, following and rewriting every file-crossing `$ref`.

    State: the files read so far, which external target became which component (so each target is
    copied once and cycles end at an already-assigned name), and `origins` for `locate`.
    """

    def __init__(self, root: _Source, sink: DiagnosticSink, *, allow_remote_refs: bool = False) -> None:
        self.root = root
        self.sink = sink
        self.allow_remote_refs = allow_remote_refs
        self.sources: dict[Path, _Source | str] = {root.path: root}
        self.assigned: dict[tuple[Path, str, str], tuple[str, str]] = {}
        """(file, pointer, components section) of a bundled target → (section, name)."""
        self.taken_names: dict[str, set[str]] = {}
        self.new_components: dict[str, dict[str, Any]] = {}
        self.pending: deque[tuple[_Target, str, str, str]] = deque()
        """Targets given a component name whose content is still to be copied."""
        self.inlining: set[tuple[Path, str]] = set()
        self.origins: dict[str, tuple[Path | str, str]] = {"": (root.display, "")}
        self.failed_refs: set[str] = set()
        """Bundled pointers of `$ref` values already reported as unresolvable."""
        components = root.loaded.data.get("components")
        if isinstance(components, dict):
            for section, entries in components.items():
                if isinstance(entries, dict):
                    self.taken_names[section] = set(entries)

    def read_sources(self) -> list[_Source]:
        """Every file read successfully, root first, in the order they were reached."""
        return [source for source in self.sources.values() if isinstance(source, _Source)]

    def error(self, code: str, message: str, source: _Source, pointer: str) -> None:
        self.sink.error(code, message, _source_location(source, pointer))

    def bundle(self) -> dict[str, Any]:
        self.adopt_root_component_refs()
        document: dict[str, Any] = self.walk(self.root.loaded.data, "document", self.root, "", "")
        while self.pending:
            target, kind, section, name = self.pending.popleft()
            home = _component_pointer(section, name)
            content = self.walk(target.value, kind, target.source, target.pointer, home)
            self.new_components[section][name] = content
        if not self.new_components:
            return document
        components = document.setdefault("components", {})
        if not isinstance(components, dict):
            self.error(
                "openapi.invalid",
                "'components' must be a mapping",
                self.root,
                "/components",
            )
            return document
        for section, entries in self.new_components.items():
            existing = components.setdefault(section, {})
            if not isinstance(existing, dict):
                self.error(
                    "openapi.invalid",
                    f"'components/{section}' must be a mapping",
                    self.root,
                    f"/components/{section}",
                )
                continue
            existing.update(entries)
        return document

    def adopt_root_component_refs(self) -> None:
        """Let `components/schemas/Pet: {$ref: pet.yaml}` give pet.yaml the name `Pet`.

        Without this the bundle would hold `Pet` as a bare alias of a second component `pet`.
        Failures are not reported here; the walk reports them at the same ref.
        """
        components = self.root.loaded.data.get("components")
        if not isinstance(components, dict):
            return
        for section, entries in components.items():
            if _SECTION_KINDS.get(section) not in _COMPONENT_SECTIONS or not isinstance(entries, dict):
                continue
            for name, entry in entries.items():
                if not isinstance(entry, dict) or not isinstance(entry.get("$ref"), str):
                    continue
                if entry["$ref"].startswith("#"):
                    continue
                pointer = join_pointer(_component_pointer(section, name), "$ref")
                target = self.resolve(entry["$ref"], self.root, pointer, report=False)
                if target is None or target.source is self.root:
                    continue
                key = (target.source.path, target.pointer, section)
                self.assigned.setdefault(key, (section, name))

    # The walk copies `node` (an object of `kind` read from `source` at `source_pointer`) to
    # `out_pointer` in the bundle; the two pointers move in step, so `origins` only needs an
    # entry where content from another file (or place) starts.

    def walk(self, node: Any, kind: str, source: _Source, source_pointer: str, out_pointer: str) -> Any:
        container, _, item_kind = kind.partition(":")
        if item_kind:
            return self.walk_container(node, container, item_kind, source, source_pointer, out_pointer)
        if kind == "schema-or-list":
            kind = "list:schema" if isinstance(node, list) else "schema"
            return self.walk(node, kind, source, source_pointer, out_pointer)
        if not isinstance(node, dict):
            return copy.deepcopy(node)
        new_ref: Any = None
        if kind in _REFERABLE_KINDS and "$ref" in node:
            inlined, value = self.follow_ref(node, kind, source, source_pointer, out_pointer)
            if inlined:
                return value
            new_ref = value
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and kind in _REFERABLE_KINDS:
                result[key] = new_ref
            else:
                result[key] = self.walk_member(kind, key, value, source, source_pointer, out_pointer)
        return result

    def walk_container(
        self,
        node: Any,
        container: str,
        item_kind: str,
        source: _Source,
        source_pointer: str,
        out_pointer: str,
    ) -> Any:
        if container in ("map", "mapx") and isinstance(node, dict):
            return {
                key: (
                    copy.deepcopy(value)
                    if container == "mapx" and key.startswith("x-")
                    else self.walk(
                        value,
                        item_kind,
                        source,
                        join_pointer(source_pointer, key),
                        join_pointer(out_pointer, key),
                    )
                )
                for key, value in node.items()
            }
        if container == "list" and isinstance(node, list):
            return [
                self.walk(
                    item,
                    item_kind,
                    source,
                    join_pointer(source_pointer, index),
                    join_pointer(out_pointer, index),
                )
                for index, item in enumerate(node)
            ]
        return copy.deepcopy(node)

    def walk_member(
        self,
        kind: str,
        key: str,
        value: Any,
        source: _Source,
        source_pointer: str,
        out_pointer: str,
    ) -> Any:
        member_source_pointer = join_pointer(source_pointer, key)
        member_out_pointer = join_pointer(out_pointer, key)
        child_kind = _child_kind(kind, key)
        if child_kind is not None:
            return self.walk(value, child_kind, source, member_source_pointer, member_out_pointer)
        if kind == "schema" and key == "discriminator":
            return self.walk_discriminator(value, source, member_source_pointer, member_out_pointer)
        return copy.deepcopy(value)

    def walk_discriminator(self, node: Any, source: _Source, source_pointer: str, out_pointer: str) -> Any:
        """Discriminator mapping values may be refs into other files; they must follow too."""
        result = copy.deepcopy(node)
        if not isinstance(node, dict) or not isinstance(node.get("mapping"), dict):
            return result
        for key, value in node["mapping"].items():
            if not isinstance(value, str) or not _looks_like_ref(value):
                continue
            if source is self.root and value.startswith("#"):
                continue
            value_pointer = join_pointer(join_pointer(source_pointer, "mapping"), key)
            target = self.resolve(value, source, value_pointer, report=True)
            if target is None:
                self.failed_refs.add(join_pointer(join_pointer(out_pointer, "mapping"), key))
            elif target.source is self.root:
                result["mapping"][key] = _fragment(target.pointer)
            else:
                result["mapping"][key] = _fragment(self.component(target, "schema"))
        return result

    def follow_ref(
        self, node: dict[str, Any], kind: str, source: _Source, source_pointer: str, out_pointer: str
    ) -> tuple[bool, Any]:
        """(False, new `$ref` value) for a reference kept as one, (True, content) if inlined."""
        raw = node["$ref"]
        if source is self.root and isinstance(raw, str) and raw.startswith("#"):
            return False, raw  # already local; `_check_local_refs` checks it in the bundle
        ref_pointer = join_pointer(source_pointer, "$ref")
        target = self.resolve(raw, source, ref_pointer, report=True)
        if target is None:
            self.failed_refs.add(join_pointer(out_pointer, "$ref"))
            return False, copy.deepcopy(raw)
        if target.source is self.root:
            return False, _fragment(target.pointer)
        if kind in _COMPONENT_SECTIONS:
            home = self.component(target, kind)
            if home != out_pointer:
                return False, _fragment(home)
            # This is the root component adopted for the target: its content lives right here.
        return self.inline(node, kind, target, source, source_pointer, out_pointer)

    def component(self, target: _Target, kind: str) -> str:
        """The bundle pointer of the component holding `target`, copying it there the first time."""
        section = _COMPONENT_SECTIONS[kind]
        key = (target.source.path, target.pointer, section)
        assigned = self.assigned.get(key)
        if assigned is not None:
            return _component_pointer(*assigned)
        name = self.claim_name(section, _component_name(target))
        # Assigned before its content is copied, so a ref back to this target (a cycle) finds it.
        self.assigned[key] = (section, name)
        home = _component_pointer(section, name)
        self.origins[home] = (target.source.display, target.pointer)
        # Copied later by `bundle`, not here: a chain of files referring to each other would
        # otherwise recurse once per file.
        self.new_components.setdefault(section, {})[name] = None
        self.pending.append((target, kind, section, name))
        return home

    def claim_name(self, section: str, base: str) -> str:
        """`base`, or `base_2`, `base_3`... if the section already has that name."""
        taken = self.taken_names.setdefault(section, set())
        name, counter = base, 1
        while name in taken:
            counter += 1
            name = f"{base}_{counter}"
        taken.add(name)
        return name

    def inline(
        self,
        node: dict[str, Any],
        kind: str,
        target: _Target,
        source: _Source,
        source_pointer: str,
        out_pointer: str,
    ) -> tuple[bool, Any]:
        """Copy the target in place of the ref; members written beside `$ref` override it."""
        key = (target.source.path, target.pointer)
        if key in self.inlining:
            self.error(
                "openapi.ref-cycle",
                f"$ref {node['$ref']!r} leads back to itself; a {kind} cannot contain itself",
                source,
                join_pointer(source_pointer, "$ref"),
            )
            self.failed_refs.add(join_pointer(out_pointer, "$ref"))
            return False, copy.deepcopy(node["$ref"])
        self.origins[out_pointer] = (target.source.display, target.pointer)
        self.inlining.add(key)
        try:
            content = self.walk(target.value, kind, target.source, target.pointer, out_pointer)
        finally:
            self.inlining.discard(key)
        if isinstance(content, dict):
            for member, value in node.items():
                if member == "$ref":
                    continue
                content[member] = self.walk_member(kind, member, value, source, source_pointer, out_pointer)
                self.origins[join_pointer(out_pointer, member)] = (
                    source.display,
                    join_pointer(source_pointer, member),
                )
        return True, content

    def resolve(self, raw: Any, source: _Source, ref_pointer: str, *, report: bool) -> _Target | None:
        """Find what `raw` (a `$ref` value in `source` at `ref_pointer`) points at."""

        def fail(code: str, reason: str) -> _Target | None:
            if report:
                self.error(code, f"cannot resolve $ref {raw!r}: {reason}", source, ref_pointer)
            return None

        if not isinstance(raw, str):
            return fail("openapi.unresolved-ref", "a $ref must be a string")
        file_part, _, fragment = raw.partition("#")
        try:
            scheme = urllib.parse.urlsplit(file_part).scheme
        except ValueError:
            return fail("openapi.unresolved-ref", "not a valid URI reference")
        # Inside a fetched document a scheme-less reference is relative to its URL: remote too.
        if scheme in REMOTE_SCHEMES or file_part.startswith("//") or (source.url and not scheme):
            if not self.allow_remote_refs:
                return fail(
                    "openapi.remote-ref",
                    "remote references are not fetched unless --allow-remote-refs is given; save the file "
                    "next to the contract and refer to it by a relative path",
                )
            target_source = source  # a fragment-only ref inside a fetched document points into it
            if file_part:
                fetched = self.load_remote(urllib.parse.urljoin(source.url, file_part))
                if isinstance(fetched, str):
                    return fail("openapi.unresolved-ref", fetched)
                target_source = fetched
            return self.target_in(target_source, raw, fragment, fail)
        path_text = urllib.parse.unquote(file_part)
        if scheme == "file" or len(scheme) == 1 or path_text.startswith(("/", "\\")):
            return fail(
                "openapi.absolute-ref",
                "absolute paths tie the contract to one machine; use a path relative to this file",
            )
        if scheme:
            return fail("openapi.unresolved-ref", f"unsupported URI scheme {scheme!r}")
        target_source = source
        if path_text:
            loaded = self.load_relative(source, path_text)
            if isinstance(loaded, str):
                return fail("openapi.unresolved-ref", loaded)
            target_source = loaded
        return self.target_in(target_source, raw, fragment, fail)

    @staticmethod
    def target_in(
        target_source: _Source, raw: str, fragment: str, fail: Callable[[str, str], _Target | None]
    ) -> _Target | None:
        """The value `fragment` points at in `target_source` (already read), or the failure."""
        pointer = urllib.parse.unquote(fragment)
        if pointer and not pointer.startswith("/"):
            return fail(
                "openapi.unresolved-ref",
                "only JSON-pointer fragments ('#/...') are supported, not anchors",
            )
        found, value = resolve_pointer(target_source.loaded.data, pointer)
        if not found:
            return fail(
                "openapi.unresolved-ref",
                f"{pointer!r} does not exist in {target_source.display}",
            )
        return _Target(target_source, pointer, value)

    def load_remote(self, url: str) -> _Source | str:
        """The document at `url`, fetched once per run; or why it can't be had."""
        url = urllib.parse.urldefrag(url).url
        identity = Path("/", "\0remote", url)  # never opened: only a key no file path can equal
        cached = self.sources.get(identity)
        if cached is not None:
            return cached
        result: _Source | str
        try:
            text = fetch_text(url)
        except RemoteRefError as error:
            result = f"cannot fetch {url}: {error}"
        else:
            syntax = syntax_for(Path(urllib.parse.urlsplit(url).path))
            loaded = load_document(text, url, self.sink, syntax=syntax)
            result = (
                f"{url} could not be read (see the errors reported for it)"
                if loaded is None
                else (_Source(identity, url, loaded, url))
            )
        self.sources[identity] = result
        return result

    def load_relative(self, source: _Source, path_text: str) -> _Source | str:
        """The file `path_text` names relative to `source`, read once; or why it can't be read."""
        path = (source.path.parent / path_text).resolve()
        cached = self.sources.get(path)
        if cached is not None:
            return cached
        display = Path(os.path.normpath(Path(source.display).parent / path_text))
        result: _Source | str
        refusal = size_refusal(path)
        if not path.is_file():
            result = f"file {display} not found"
        elif refusal is not None:
            result = f"cannot read {display}: {refusal}"
        else:
            try:
                text = _read_text(path)
            except (OSError, UnicodeDecodeError) as exc:
                result = f"cannot read {display}: {exc}"
            else:
                loaded = load_document(text, str(display), self.sink, syntax=syntax_for(path))
                if loaded is None:
                    result = f"{display} could not be read (see the errors reported for it)"
                else:
                    result = _Source(path, display, loaded)
        self.sources[path] = result
        return result


# --- checks on the bundle ---------------------------------------------------------------------


def _objects(node: Any, kind: str, pointer: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, pointer, object) for every object of the OpenAPI object model in a bundle, in document order.

    Kinds are those of `_SLOTS` (`schema`, `parameter`, `mediaType`...); literal data (examples,
    defaults, extensions) is not walked, so a `properties` key inside an example is never a schema's.
    """
    container, _, item_kind = kind.partition(":")
    if item_kind:
        if container in ("map", "mapx") and isinstance(node, dict):
            for key, value in node.items():
                if not (container == "mapx" and key.startswith("x-")):
                    yield from _objects(value, item_kind, join_pointer(pointer, key))
        elif container == "list" and isinstance(node, list):
            for index, item in enumerate(node):
                yield from _objects(item, item_kind, join_pointer(pointer, index))
        return
    if kind == "schema-or-list":
        yield from _objects(node, "list:schema" if isinstance(node, list) else "schema", pointer)
        return
    if not isinstance(node, dict):
        return
    yield kind, pointer, node
    for key, value in node.items():
        child_kind = _child_kind(kind, key)
        if child_kind is not None:
            yield from _objects(value, child_kind, join_pointer(pointer, key))


def schema_objects(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, Schema Object) for every schema written in a bundled document, in document order."""
    for kind, pointer, node in _objects(document, "document", ""):
        if kind == "schema":
            yield pointer, node


def _ref_sites(node: Any, kind: str, pointer: str) -> Iterator[tuple[str, Any]]:
    """(pointer of the `$ref` value, value) for every reference in the bundle, in document order.

    Discriminator mapping values that look like refs are included.
    """
    for object_kind, object_pointer, found in _objects(node, kind, pointer):
        if object_kind in _REFERABLE_KINDS and "$ref" in found:
            yield join_pointer(object_pointer, "$ref"), found["$ref"]
        discriminator = found.get("discriminator") if object_kind == "schema" else None
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if isinstance(mapping, dict):
            mapping_pointer = join_pointer(join_pointer(object_pointer, "discriminator"), "mapping")
            for name, target in mapping.items():
                if isinstance(target, str) and _looks_like_ref(target):
                    yield join_pointer(mapping_pointer, name), target


def _check_local_refs(loaded: OpenAPIDocument, already_reported: set[str], sink: DiagnosticSink) -> None:
    """Every local ref must point at something: the validator would crash, not report it."""
    ref_targets: dict[str, str] = {}
    for pointer, raw in _ref_sites(loaded.document, "document", ""):
        if pointer in already_reported or not isinstance(raw, str) or not raw.startswith("#"):
            continue
        fragment = urllib.parse.unquote(raw[1:])
        if fragment and not fragment.startswith("/"):
            reason = "only JSON-pointer fragments ('#/...') are supported, not anchors"
        elif not resolve_pointer(loaded.document, fragment)[0]:
            reason = f"{fragment!r} does not exist in the document"
        else:
            ref_targets[pointer.removesuffix("/$ref")] = fragment
            continue
        sink.error("openapi.unresolved-ref", f"cannot resolve $ref {raw!r}: {reason}", loaded.locate(pointer))
    for pointer in _ref_only_cycles(ref_targets):
        chain = " -> ".join(_ref_chain(ref_targets, pointer))
        sink.error(
            "openapi.ref-cycle",
            f"$ref leads back to itself without any schema in between ({chain}); nothing can satisfy it",
            loaded.locate(join_pointer(pointer, "$ref")),
        )


def _ref_only_cycles(ref_targets: dict[str, str]) -> list[str]:
    """One pointer per cycle of objects that are each a `$ref` to the next (`A: $ref B`, `B: $ref A`).

    A schema that refers to itself through a property is a recursive type and fine; one that only
    says "I am the other one" in a loop names no type at all (JSON Schema calls it an infinite loop).
    """
    state: dict[str, int] = {}  # 1: on the current chain, 2: finished
    cycles: list[str] = []
    for start in sorted(ref_targets):
        chain: list[str] = []
        node: str | None = start
        while node is not None and node in ref_targets and node not in state:
            state[node] = 1
            chain.append(node)
            node = ref_targets[node]
        if node is not None and state.get(node) == 1:
            cycles.append(min(chain[chain.index(node) :]))
        for visited in chain:
            state[visited] = 2
    return cycles


def _ref_chain(ref_targets: dict[str, str], start: str) -> list[str]:
    chain, node = [start], ref_targets[start]
    while node != start:
        chain.append(node)
        node = ref_targets[node]
    return [*chain, start]


# --- validation -------------------------------------------------------------------------------

_INSTANCE_THEN_VERDICT = re.compile(
    r"(?P<instance>[\[{].*[\]}]) (?P<verdict>(?:is|are|has|does|should|must|was|contains)\b.*)"
)
_DUPLICATE_PARAMETER = re.compile(r"^Duplicate parameter '(?P<name>[^']*)'$")
_OPERATION_IN_MESSAGE = re.compile(r"for '(?P<method>[a-z]+)'(?: operation)? in '(?P<path>/[^']*)'")


def _short_message(message: str) -> str:
    """The validator's first line, with a long echoed instance elided and a length cap."""
    lines = message.strip().splitlines()
    text = lines[0].strip() if lines else "invalid"
    match = _INSTANCE_THEN_VERDICT.fullmatch(text)
    if match is not None and len(match.group("instance")) > 40:
        instance = match.group("instance")
        text = f"{instance[0]}…{instance[-1]} {match.group('verdict')}"
    if len(text) > _MAX_MESSAGE_LENGTH:
        text = text[: _MAX_MESSAGE_LENGTH - 1] + "…"
    return text


def _all_values(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _all_values(value, join_pointer(pointer, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _all_values(item, join_pointer(pointer, index))


def _error_pointer(document: dict[str, Any], error: ValidationError) -> str:
    """The bundle pointer an error is about.

    Schema-level errors carry a path from the document root. The semantic checks validate each
    schema on its own, so their path is relative to that schema: find the first place in the
    document that ends with that path and holds the offending value. Errors without a path name
    the operation in their text.
    """
    tokens = [str(token) for token in error.absolute_path]
    pointer = pointer_from_tokens(tokens)
    found, value = resolve_pointer(document, pointer)
    if tokens and found and (error.instance is document or value == error.instance):
        return pointer
    if tokens:
        for candidate, candidate_value in _all_values(document):
            if candidate.endswith(pointer) and candidate_value == error.instance:
                return candidate
        if found:
            return pointer
    if not tokens and not isinstance(error.instance, (dict, list)):
        # A `default` checked against its own schema comes back without a path: find it by value.
        for candidate, candidate_value in _all_values(document):
            if candidate.endswith("/default") and candidate_value == error.instance:
                return candidate
    match = _OPERATION_IN_MESSAGE.search(str(error.message))
    if match is not None:
        path_pointer = join_pointer("/paths", match.group("path"))
        operation_pointer = join_pointer(path_pointer, match.group("method"))
        for candidate in (operation_pointer, path_pointer):
            if resolve_pointer(document, candidate)[0]:
                return candidate
    duplicate = _DUPLICATE_PARAMETER.match(str(error.message))
    if duplicate is not None:
        return _repeated_parameter(document, duplicate.group("name"))
    return ""


def _repeated_parameter(document: dict[str, Any], name: str) -> str:
    """The second inline parameter named `name` with the same `in` in one `parameters` list."""
    for candidate, value in _all_values(document.get("paths", {}), "/paths"):
        if not candidate.endswith("/parameters") or not isinstance(value, list):
            continue
        seen: set[str] = set()
        for index, parameter in enumerate(value):
            if isinstance(parameter, dict) and parameter.get("name") == name:
                if str(parameter.get("in")) in seen:
                    return join_pointer(candidate, index)
                seen.add(str(parameter.get("in")))
    return ""


class ValidationFinding(NamedTuple):
    """One diagnostic of `_validate`, at a pointer into the bundled document instead of a location."""

    severity: str
    """A `Severity` value."""
    code: str
    message: str
    pointer: str


def validation_findings(loaded: OpenAPIDocument) -> list[ValidationFinding]:
    """What `_validate` reports for `loaded`, in order; a function of the document and its version
    alone (and of the validator's version), so it can be cached by content."""
    sink = DiagnosticSink()
    _validate(loaded, sink, locate=lambda pointer: Location("", pointer=pointer))
    return [
        ValidationFinding(item.severity.value, item.code, item.message, (item.location and item.location.pointer) or "")
        for item in sink.items
    ]


def report_validation_findings(
    loaded: OpenAPIDocument, findings: list[ValidationFinding], sink: DiagnosticSink
) -> None:
    """Report `validation_findings(loaded)` into `sink` exactly as `_validate` would have."""
    for finding in findings:
        report = sink.error if finding.severity == Severity.ERROR.value else sink.warning
        report(finding.code, finding.message, loaded.locate(finding.pointer))


_MAX_REPAIR_ROUNDS = 10
"""`--lenient` validates again after each round of repairs (a repair can uncover the next error)."""


@dataclass
class _Round:
    """What one run of the spec validator found: errors (with the repairs that would remove them)."""

    findings: list[tuple[str, str, list[Repair]]] = field(default_factory=list)
    dialect_pointers: set[str] = field(default_factory=set)
    incomplete: bool = False

    @property
    def repairs(self) -> list[Repair]:
        return distinct_repairs([repair for _, _, repairs in self.findings for repair in repairs])


def _validation_round(document: dict[str, Any], version: OpenAPIVersion, finder: RepairFinder | None) -> _Round:
    validator_class = FastOpenAPIV30SpecValidator if version == "3.0" else FastOpenAPIV31SpecValidator
    found = _Round()
    try:
        for error in validator_class(document).iter_errors():
            if _is_regex_dialect(error):
                found.dialect_pointers.add(_error_pointer(document, error))
                continue
            chosen = _most_specific(error)
            pointer = _error_pointer(document, chosen)
            repairs = finder.repairs(error, pointer) if finder is not None else []
            # One error per value: the 3.0 schema and the semantic checks often both object.
            if pointer == "" or all(pointer != seen for seen, _, _ in found.findings):
                found.findings.append((pointer, _short_message(str(chosen.message)), repairs))
            elif repairs:
                found.findings[[seen for seen, _, _ in found.findings].index(pointer)][2].extend(repairs)
            if len(found.findings) > _MAX_FINDINGS:
                break
    except RecursionError:
        # The validator follows refs recursively; a long chain of schemas exhausts the stack.
        # That says nothing about the contract, so it is not an error.
        found.incomplete = True
    except Exception as exc:  # a validator crash on odd input must stay a diagnostic
        message = f"the OpenAPI validator failed on this document: {type(exc).__name__}: {_short_message(str(exc))}"
        found.findings.append(("", message, []))
    return found


def _validate(
    loaded: OpenAPIDocument,
    sink: DiagnosticSink,
    *,
    locate: Callable[[str], Location] | None = None,
    lenient: bool = False,
    hints: bool = False,
) -> dict[str, Any]:
    """Check the bundle against the OpenAPI schema of its version, reporting each error once.

    Every location comes from `locate` (by default `loaded.locate`), given a document pointer.
    `lenient`: the minor defects `openapi_lenient` knows are repaired in a copy of the document,
    one located warning each, and the copy is validated again; the document validated last is
    returned. `hints`: an error that `--lenient` would repair says so.
    """
    if locate is None:
        locate = loaded.locate
    document = copy.deepcopy(loaded.document) if lenient else loaded.document
    repaired: list[Repair] = []
    for _ in range(_MAX_REPAIR_ROUNDS):
        finder = RepairFinder(document, loaded.version) if lenient or hints else None
        found = _validation_round(document, loaded.version, finder)
        if not lenient or not found.repairs:
            break
        apply_repairs(document, found.repairs)
        repaired.extend(found.repairs)
    for repair in repaired:
        sink.warning(repair.code, repair.message, locate(repair.pointer))
    if found.incomplete:
        sink.warning(
            "openapi.validation-incomplete",
            "the contract nests references too deeply for the OpenAPI validator; it was only partly validated",
            locate(""),
        )
    for pointer in sorted(found.dialect_pointers)[:MAX_VALIDATION_ERRORS]:
        sink.warning(
            "openapi.regex-dialect",
            "pattern uses ECMA-262 syntax (such as \\p{L}) that Python's re cannot check here; "
            "it is passed on to the generated validators as written",
            locate(pointer),
        )
    # "not valid under any of the schemas" says less than an error found inside the same value.
    specific = [
        (pointer, message, repairs)
        for pointer, message, repairs in found.findings
        if not (
            _VAGUE_MESSAGE.search(message) and any(other.startswith(pointer + "/") for other, _, _ in found.findings)
        )
    ]
    for pointer, message, repairs in specific[:MAX_VALIDATION_ERRORS]:
        hint = _lenient_hint(pointer, repairs) if hints and not lenient else ""
        sink.error("openapi.invalid", message + hint, locate(pointer))
    if len(specific) > MAX_VALIDATION_ERRORS:
        sink.error(
            "openapi.invalid",
            f"more validation errors not shown (only the first {MAX_VALIDATION_ERRORS} are)",
            locate(""),
        )
    return document


def _lenient_hint(pointer: str, repairs: list[Repair]) -> str:
    """What `--lenient` would do about an error, for the strict-mode message; "" if it would not."""
    repairs = distinct_repairs(repairs)
    if not repairs:
        return ""
    near = [repair for repair in repairs if repair.pointer.startswith(pointer) or pointer.startswith(repair.pointer)]
    first = (near or repairs)[0]
    others = f" (and {len(repairs) - 1} more repairs)" if len(repairs) > 1 else ""
    return f" [--lenient accepts this with a warning: {first.problem}; {first.action}{others}]"


def _is_regex_dialect(error: ValidationError) -> bool:
    """A `pattern` Python's `re` rejects but JSON Schema's ECMA-262 dialect allows (`\\p{L}`).

    JSON Schema patterns are ECMA-262 regexes; the validator checks them with Python's `re`, so
    Unicode property classes look invalid. Such a failure, alone or as the cause of a
    "Schema or Reference" alternative failing, is not a contract error.
    """
    if error.validator == "format" and error.validator_value == "regex":
        return True
    pending = list(error.context or [])
    while pending:
        candidate = pending.pop()
        if candidate.validator == "format" and candidate.validator_value == "regex":
            return True
        pending.extend(candidate.context or [])
    return False


def _most_specific(error: ValidationError) -> ValidationError:
    """For a oneOf/anyOf failure, the sub-error that got furthest into the value.

    OpenAPI's schema says "a Schema Object or a Reference Object" everywhere, so the top error is
    always "not valid under any of the given schemas", and jsonschema's `best_match` prefers the
    shallow "'$ref' is a required property". The deepest failure is the actual typo.
    """
    if not error.context:
        return error
    deepest, depth = error, len(error.absolute_path)
    pending = list(error.context)
    while pending:
        candidate = pending.pop(0)
        if len(candidate.absolute_path) > depth:
            deepest, depth = candidate, len(candidate.absolute_path)
        pending.extend(candidate.context or [])
    if deepest is not error:
        return deepest
    relevant = best_match(error.context)
    return relevant if relevant is not None else error
