"""`--lenient` for OpenAPI: validator refusals that are slips of published contracts, and their repairs.

openapi-spec-validator refuses a contract for anything its schemas or semantic checks object to.
A survey of the OpenAPI directory found refusals a user would rather see generated with a warning:

- a `default` its own schema refuses (`default: "1"` on an integer, `default: false` on a string):
  the default is dropped (`openapi.lenient-default`);
- a `pattern` no regex engine compiles (AWS' `[a-zA-Z\\d-_/]`, a range from a class escape, which
  ECMA-262 Annex B reads as a literal `-`): the `-` is escaped when that compiles, else the
  pattern is dropped (`openapi.lenient-pattern`);
- a Schema Object keyword of the wrong shape (`required: true` on a property, `required: []`,
  `nullable: "yes"`, `pattern: 0`, the 3.1 `exclusiveMinimum: 3` in a 3.0 contract and the 3.0
  `exclusiveMinimum: true` in a 3.1 one): a numeric exclusive bound is rewritten in the version's
  spelling, anything else is dropped (`openapi.lenient-schema-keyword`);
- members an object does not have (a top-level `source`, an `example` beside a response's
  `content`, `examples` in a 3.0 schema): dropped (`openapi.lenient-unknown-member`);
- an `operationId` another operation already has: renamed with a numeric suffix
  (`openapi.lenient-operation-id`);
- a path parameter declared but missing from the path template: the declaration is dropped; a
  template variable nobody declares: declared as a required string (`openapi.lenient-path-parameter`).

Anything else stays an error with `--lenient` too: unknown `$ref`s, a document that is not
OpenAPI, missing required members, shapes outside Schema Objects. `RepairFinder` maps one
validator error to the repairs that would remove it; the document module applies them (lenient)
or mentions them in the error (strict).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.validators import validator_for  # type: ignore[import-untyped, unused-ignore]
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError, UnresolvableParameterError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from generator.readers.openapi_validators import InvalidDefaultError
from generator.readers.pattern_syntax import pattern_tokens
from generator.readers.yaml_positions import (
    ancestor_pointers,
    join_pointer,
    pointer_from_tokens,
    resolve_pointer,
    split_pointer,
)

_REMOVE: Any = object()
_OPERATION_IN_MESSAGE = re.compile(r"for '(?P<method>[a-z]+)'(?: operation)? in '(?P<path>/[^']*)'")
_PATH_PARAMETER = re.compile(r"^Path parameter '(?P<name>[^']*)' for")
_UNEXPECTED = re.compile(r"Additional properties are not allowed \((?P<names>.*) (?:was|were) unexpected\)")
_QUOTED = re.compile(r"'([^']*)'")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
_CLASS_ESCAPE_RANGE = re.compile(r"(\\[dDwWsS])-|-(?=\\[dDwWsS])")
_DEFINITIONS = {
    "3.0": {
        "components": "Components",
        "pathItem": "PathItem",
        "operation": "Operation",
        "parameter": "Parameter",
        "header": "Header",
        "requestBody": "RequestBody",
        "response": "Response",
        "mediaType": "MediaType",
        "encoding": "Encoding",
        "schema": "Schema",
    },
    "3.1": {
        "components": "components",
        "pathItem": "path-item",
        "operation": "operation",
        "parameter": "parameter",
        "header": "header",
        "requestBody": "request-body",
        "response": "response",
        "mediaType": "media-type",
        "encoding": "encoding",
    },
}
"""Object kind (of `openapi_document._objects`) → its definition in the version's OpenAPI schema."""


@dataclass(frozen=True)
class Edit:
    """Set the member at `pointer` to `value`, or delete it when `value` is `_REMOVE`."""

    pointer: str
    value: Any = _REMOVE


@dataclass(frozen=True)
class Repair:
    """One minor defect: where it is, what is wrong, what `--lenient` does about it, and how."""

    code: str
    pointer: str
    problem: str
    action: str
    edits: tuple[Edit, ...]

    @property
    def message(self) -> str:
        return f"{self.problem}; {self.action}"


def distinct_repairs(repairs: list[Repair]) -> list[Repair]:
    """Each repair once: one whose edits touch a member an earlier one edits is left out."""
    claimed: set[str] = set()
    kept: list[Repair] = []
    for repair in repairs:
        pointers = {edit.pointer for edit in repair.edits}
        if not pointers & claimed:
            claimed |= pointers
            kept.append(repair)
    return kept


def apply_repairs(document: dict[str, Any], repairs: list[Repair]) -> None:
    """Make each repair's edits in `document` (in place); an edit whose parent is gone is skipped."""
    for repair in repairs:
        for edit in repair.edits:
            parent_pointer = edit.pointer.rpartition("/")[0]
            found, parent = resolve_pointer(document, parent_pointer)
            if not found or not isinstance(parent, dict):
                continue
            key = split_pointer(edit.pointer)[-1]
            if edit.value is _REMOVE:
                parent.pop(key, None)
            else:
                parent[key] = edit.value


def regex_compiles(pattern: str) -> bool:
    """Whether some engine the generated code or its checks use compiles `pattern`.

    Python's `re` and, where installed, the Rust `regex` engine of jsonschema-rs (which
    openapi-spec-validator then uses for the document): `\\p{L}` is Rust's, look-around is Python's.
    """
    try:
        re.compile(pattern)
        return True
    except re.error:
        pass
    try:
        import jsonschema_rs
    except ImportError:
        return False
    return bool(jsonschema_rs.is_valid({"format": "regex"}, pattern, validate_formats=True))


class RepairFinder:
    """Which repairs would remove one validator error from one bundled document (not changed here)."""

    def __init__(self, document: dict[str, Any], version: str) -> None:
        from generator.readers.openapi_document import _objects, schema_objects

        self.document = document
        self.version = version
        self.schema_pointers = {id(node): pointer for pointer, node in schema_objects(document)}
        self.schemas = set(self.schema_pointers.values())
        self.operation_ids = {
            str(operation.get("operationId"))
            for path_item in (document.get("paths") or {}).values()
            if isinstance(path_item, dict)
            for operation in path_item.values()
            if isinstance(operation, dict) and "operationId" in operation
        }
        validator_class = OAS30Validator if version == "3.0" else OAS31Validator
        meta = validator_class.META_SCHEMA
        checker = oas30_format_checker if version == "3.0" else oas31_format_checker
        self.meta_validator = validator_for(meta, default=validator_class)(meta, format_checker=checker)
        self.kinds = {pointer: kind for kind, pointer, _ in _objects(document, "document", "")}
        self.specification = schema_v30 if version == "3.0" else schema_v31
        self.definitions = "definitions" if version == "3.0" else "$defs"
        self.dialect = DRAFT4 if version == "3.0" else DRAFT202012
        identifier = str(self.specification.get("id") or self.specification.get("$id"))
        self.identifier = identifier
        self.registry: Any = Registry().with_resource(
            identifier, Resource.from_contents(dict(self.specification), default_specification=self.dialect)
        )

    def repairs(self, error: Any, pointer: str) -> list[Repair]:
        """The repairs for `error` (raw, from the spec validator) found at `pointer`; [] if none is known.

        Finding a repair is best effort and must never change what validation reports: a re-check that
        cannot run (3.1's meta-schemas refer to remote dialect documents we never fetch) finds none.
        """
        try:
            return list(self._repairs(error, pointer))
        except Exception:  # a failed search for a repair is no finding about the contract
            return []

    def _repairs(self, error: Any, pointer: str) -> Iterator[Repair]:
        if isinstance(error, InvalidDefaultError):
            yield from self._default(error)
        elif isinstance(error, DuplicateOperationIDError):
            yield from self._operation_id(pointer)
        elif isinstance(error, UnresolvableParameterError):
            yield from self._path_parameter(error, pointer)
        else:
            owner = next((item for item in ancestor_pointers(pointer) if item in self.kinds), "")
            if owner in self.schemas:
                yield from self._schema_shape(owner)
            yield from self._object_shape(owner, self.kinds.get(owner, "document"))
            if owner == pointer:
                yield from self._unknown_members(str(error.message), pointer)

    def _default(self, error: InvalidDefaultError) -> Iterator[Repair]:
        owner = self.schema_pointers.get(id(error.owner))
        if owner is None or not isinstance(error.owner, dict):
            return
        shown = repr(error.owner.get("default"))
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        yield Repair(
            "openapi.lenient-default",
            join_pointer(owner, "default"),
            f"default {shown} does not satisfy its own schema ({_first_line(error.message)})",
            "the default is dropped, so the field has none",
            (Edit(join_pointer(owner, "default")),),
        )

    def _operation_id(self, pointer: str) -> Iterator[Repair]:
        found, operation = resolve_pointer(self.document, pointer)
        if not found or not isinstance(operation, dict) or not isinstance(operation.get("operationId"), str):
            return
        taken = operation["operationId"]
        suffix = 2
        while f"{taken}_{suffix}" in self.operation_ids:
            suffix += 1
        renamed = f"{taken}_{suffix}"
        self.operation_ids.add(renamed)
        yield Repair(
            "openapi.lenient-operation-id",
            join_pointer(pointer, "operationId"),
            f"operationId {taken!r} is already another operation's",
            f"this one is renamed {renamed!r}",
            (Edit(join_pointer(pointer, "operationId"), renamed),),
        )

    def _path_parameter(self, error: Any, pointer: str) -> Iterator[Repair]:
        name_match = _PATH_PARAMETER.match(str(error.message))
        operation_match = _OPERATION_IN_MESSAGE.search(str(error.message))
        if name_match is None or operation_match is None:
            return
        name, method, http_path = name_match["name"], operation_match["method"], operation_match["path"]
        path_pointer = join_pointer("/paths", http_path)
        operation_pointer = join_pointer(path_pointer, method)
        found, operation = resolve_pointer(self.document, operation_pointer)
        if not found or not isinstance(operation, dict):
            return
        in_template = name in {field for _, field, _, _ in string.Formatter().parse(http_path) if field}
        if in_template:
            declared = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            parameters = operation.get("parameters")
            listed = list(parameters) if isinstance(parameters, list) else []
            yield Repair(
                "openapi.lenient-path-parameter",
                operation_pointer,
                f"path template variable {{{name}}} is declared by no path parameter",
                f"declared as a required string path parameter {name!r}",
                (Edit(join_pointer(operation_pointer, "parameters"), [*listed, declared]),),
            )
            return
        edits: list[Edit] = []
        for owner_pointer in (path_pointer, operation_pointer):
            _, owner = resolve_pointer(self.document, owner_pointer)
            parameters = owner.get("parameters") if isinstance(owner, dict) else None
            if not isinstance(parameters, list):
                continue
            kept = [item for item in parameters if not self._is_path_parameter(item, name)]
            if len(kept) != len(parameters):
                edits.append(Edit(join_pointer(owner_pointer, "parameters"), kept))
        if edits:
            yield Repair(
                "openapi.lenient-path-parameter",
                operation_pointer,
                f"path parameter {name!r} is declared but {http_path!r} has no {{{name}}}",
                "the declaration is dropped",
                tuple(edits),
            )

    def _is_path_parameter(self, parameter: Any, name: str) -> bool:
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str) and parameter["$ref"].startswith("#"):
            _, parameter = resolve_pointer(self.document, parameter["$ref"][1:])
        return isinstance(parameter, dict) and parameter.get("in") == "path" and parameter.get("name") == name

    def _object_shape(self, pointer: str, kind: str) -> Iterator[Repair]:
        """The shape errors of the object at `pointer` against its definition in the OpenAPI schema.

        The document check (jsonschema-rs, when installed) says only "not valid under any of the
        schemas" for a Response or a Schema Object; this names the member (the deepest failures).
        """
        definition = _DEFINITIONS[self.version].get(kind)
        _, value = resolve_pointer(self.document, pointer)
        if definition is None or not isinstance(value, dict):
            return
        reference = {"$ref": f"{self.identifier}#/{self.definitions}/{definition}"}
        validator_class = validator_for(self.specification)
        validator = validator_class(reference, registry=self.registry)
        for error in _deepest(list(validator.iter_errors(value))):
            at = pointer + pointer_from_tokens(error.absolute_path)
            owner = next((item for item in ancestor_pointers(at) if item in self.kinds), pointer)
            if owner in self.schemas:
                yield from self._schema_error(error, at)
            elif owner == at and error.validator == "additionalProperties" and isinstance(error.instance, dict):
                yield from self._unexpected(at, _unexpected_names(error))

    def _schema_shape(self, schema_pointer: str) -> Iterator[Repair]:
        """Every shape error of the Schema Object at `schema_pointer` (the validator names only the first)."""
        _, schema = resolve_pointer(self.document, schema_pointer)
        if not isinstance(schema, dict):
            return
        for error in self.meta_validator.iter_errors(schema):
            yield from self._schema_error(error, schema_pointer + pointer_from_tokens(error.absolute_path))

    def _schema_error(self, error: Any, at: str) -> Iterator[Repair]:
        """The repair for one shape error at `at`, inside (or on) a Schema Object."""
        owner = next((item for item in ancestor_pointers(at) if item in self.schemas), None)
        _, owner_schema = resolve_pointer(self.document, owner or "")
        if owner is None or not isinstance(owner_schema, dict):
            return
        tokens = split_pointer(at)[len(split_pointer(owner)) :]
        if not tokens:
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                yield from self._unexpected(owner, _unexpected_names(error))
            return
        keyword = tokens[0]
        if keyword == "pattern" and isinstance(owner_schema.get("pattern"), str):
            yield from self._pattern(owner, owner_schema["pattern"])
            return
        if keyword in ("exclusiveMinimum", "exclusiveMaximum"):
            rewritten = self._exclusive_bound(owner, owner_schema, keyword)
            if rewritten is not None:
                yield rewritten
                return
        target = join_pointer(owner, keyword)
        if keyword in _SCHEMA_MAPS and len(tokens) == 2:
            target = join_pointer(target, tokens[1])  # one entry that is no schema, not the whole map
        yield Repair(
            "openapi.lenient-schema-keyword",
            target,
            f"schema keyword {split_pointer(target)[-1]!r} is malformed ({_first_line(error.message)})",
            "it is dropped, so the schema no longer constrains that",
            (Edit(target),),
        )

    def _pattern(self, owner: str, pattern: str) -> Iterator[Repair]:
        if regex_compiles(pattern):
            return  # another engine's dialect (`\\p{L}`): reported as openapi.regex-dialect, not repaired
        target = join_pointer(owner, "pattern")
        escaped = _escape_class_escape_ranges(pattern)
        if escaped != pattern and regex_compiles(escaped):
            yield Repair(
                "openapi.lenient-pattern",
                target,
                f"pattern {pattern!r} does not compile: a character class has a range from a class escape such as \\d",
                f"the '-' is read as a literal '-', as ECMA-262 (Annex B) reads it: {escaped!r}",
                (Edit(target, escaped),),
            )
            return
        yield Repair(
            "openapi.lenient-pattern",
            target,
            f"pattern {pattern!r} is no regular expression any engine compiles",
            "the pattern is dropped, so the value is not checked against it",
            (Edit(target),),
        )

    def _exclusive_bound(self, owner: str, schema: dict[str, Any], keyword: str) -> Repair | None:
        """`exclusiveMinimum: 3` in 3.0 means `minimum: 3, exclusiveMinimum: true`; the reverse in 3.1."""
        value = schema.get(keyword)
        bound = "minimum" if keyword == "exclusiveMinimum" else "maximum"
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.version == "3.0" and number and bound not in schema:
            edits = (Edit(join_pointer(owner, bound), value), Edit(join_pointer(owner, keyword), True))
            action = f"read as the 3.0 spelling '{bound}: {value}, {keyword}: true'"
        elif self.version == "3.1" and value is True and _is_number(schema.get(bound)):
            edits = (Edit(join_pointer(owner, keyword), schema[bound]), Edit(join_pointer(owner, bound)))
            action = f"read as the 3.1 spelling '{keyword}: {schema[bound]}'"
        else:
            return None
        return Repair(
            "openapi.lenient-schema-keyword",
            join_pointer(owner, keyword),
            f"'{keyword}: {value!r}' is the other OpenAPI version's spelling of an exclusive bound",
            action,
            edits,
        )

    def _unknown_members(self, message: str, pointer: str) -> Iterator[Repair]:
        match = _UNEXPECTED.search(message)
        if match is not None:
            yield from self._unexpected(pointer, _QUOTED.findall(match["names"]))

    def _unexpected(self, pointer: str, names: list[str]) -> Iterator[Repair]:
        _, owner = resolve_pointer(self.document, pointer)
        if not isinstance(owner, dict):
            return
        for name in names:
            if name in owner and not name.startswith("x-"):
                yield Repair(
                    "openapi.lenient-unknown-member",
                    join_pointer(pointer, name),
                    f"{name!r} is not a member this object may have",
                    "it is dropped (nothing reads it)",
                    (Edit(join_pointer(pointer, name)),),
                )


def _escape_class_escape_ranges(pattern: str) -> str:
    """`[a-z\\d-_]` → `[a-z\\d\\-_]`: a `-` beside a class escape inside `[...]` made literal."""
    tokens = list(pattern_tokens(pattern))
    out: list[str] = []
    for position, (token, in_class) in enumerate(tokens):
        if in_class and token == "-":
            before = "".join(out[-1:])
            after = "".join(following for following, _ in tokens[position + 1 : position + 3])[:2]
            if _CLASS_ESCAPE_RANGE.fullmatch(before + "-") or _CLASS_ESCAPE_RANGE.fullmatch("-" + after):
                out.append("\\-")
                continue
        out.append(token)
    return "".join(out)


def _deepest(errors: list[Any]) -> list[Any]:
    """The leaf failures furthest into the value ("Schema or Reference" fails for what is deep inside)."""
    leaves: list[Any] = []
    pending = list(errors)
    while pending:
        error = pending.pop(0)
        if error.context:
            pending.extend(error.context)
        else:
            leaves.append(error)
    depth = max((len(error.absolute_path) for error in leaves), default=0)
    return [error for error in leaves if len(error.absolute_path) == depth]


def _unexpected_names(error: Any) -> list[str]:
    """The members an `additionalProperties: false` failure objects to."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties") or {}
    patterns = list((schema.get("patternProperties") or {}).keys())
    return [
        str(name)
        for name in error.instance
        if name not in known and not any(re.search(pattern, str(name)) for pattern in patterns)
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _first_line(message: Any) -> str:
    text = str(message).strip().splitlines()[0] if str(message).strip() else "invalid"
    return text if len(text) <= 120 else text[:119] + "…"
