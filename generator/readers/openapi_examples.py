"""Contract-valid example values, so a freshly generated mock service answers with real data.

The contract's own examples win (media-type `example`/`examples`, then schema `example`,
`examples`, `default`, `const`, `enum`); otherwise a value is synthesised from the schema's type,
format, pattern and bounds. Every example is checked against its schema the way the generated
service and its contract tests check a body (OpenAPI's JSON Schema dialect with its format checker,
see `_as_generated_code_checks`): a contract example that fails is reported through `report` with
its JSON pointer, and a synthesised value takes its place, at any depth.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
from collections.abc import Callable
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker

from generator.readers.openapi_schemas import split_nullable

_MAX_DEPTH = 4
_FORMAT_SAMPLES = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00Z",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "binary": "",
    "password": "secret",
}
_MAX_STRETCH = 256
"""Longest run a pattern's open-ended repeat is stretched to, to reach a `minLength`."""

Resolver = Callable[[dict[str, Any]], Any]
Report = Callable[[str, str], None]
"""Called with (JSON pointer of a contract example, why it does not satisfy its schema)."""


class ExampleMaker:
    """Checks and synthesises examples for schemas of one bundled document."""

    def __init__(self, document: dict[str, Any], resolve: Resolver, report: Report) -> None:
        self._resolve = resolve
        self._report = report
        is_31 = str(document.get("openapi", "")).startswith("3.1")
        validator_class = _as_generated_code_checks(OAS31Validator if is_31 else OAS30Validator)
        # One validator rooted at the document, so every check shares its `$ref` resolution.
        self._validator = validator_class(
            document, format_checker=oas31_format_checker if is_31 else oas30_format_checker
        )
        self._own_examples: dict[str, tuple[bool, Any]] = {}

    def problem(self, value: Any, schema: Any) -> str | None:
        """Why `value` does not satisfy `schema` (the first violation, located), or None if it does."""
        if not isinstance(schema, dict):
            return None
        try:
            error = next(iter(self._validator.evolve(schema=schema).iter_errors(value)), None)
        except Exception:  # a validator limit (unresolvable $ref, odd regex) is no verdict on the example
            return None
        if error is None:
            return None
        where = "".join(f"/{_escape(str(part))}" for part in error.absolute_path)
        message = " ".join(str(error.message).split())
        if len(message) > 200:
            message = message[:197] + "..."
        return f"at {where or '/'}: {message}"

    def is_valid(self, value: Any, schema: Any) -> bool:
        return self.problem(value, schema) is None

    def synthesize(self, schema: Any, pointer: str) -> Any:
        """A value for `schema` (found at `pointer`), built from its valid examples and its keywords."""
        return self._value(schema, pointer, depth=0, active=frozenset())

    def _own_example(self, schema: dict[str, Any], pointer: str) -> tuple[bool, Any]:
        """The schema's own example, default, const or enum member that satisfies it, if any.

        Checked once per schema (by pointer); each contract example that fails is reported.
        """
        if pointer in self._own_examples:
            return self._own_examples[pointer]
        found: list[tuple[str, Any]] = [
            (keyword, schema[keyword]) for keyword in ("example", "default", "const") if keyword in schema
        ]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            found.append(("examples/0", schema["examples"][0]))
        chosen: tuple[bool, Any] = (False, None)
        for keyword, value in found:
            reason = self.problem(value, schema)
            if reason is None:
                chosen = (True, value)
                break
            self._report(f"{pointer}/{keyword}", reason)
        if not chosen[0] and isinstance(schema.get("enum"), list):
            members = sorted(schema["enum"], key=lambda item: item is None)
            chosen = next(((True, value) for value in members if self.is_valid(value, schema)), chosen)
        self._own_examples[pointer] = chosen
        return chosen

    def _value(self, schema: Any, pointer: str, depth: int, active: frozenset[str]) -> Any:
        if not isinstance(schema, dict):
            return None
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in active:
                return None
            target = ref[1:] if isinstance(ref, str) and ref.startswith("#") else pointer
            return self._value(self._resolve(schema), target, depth, active | {ref})
        found, value = self._own_example(schema, pointer)
        if found:
            return value
        nullable, core = split_nullable(schema)
        if nullable and depth >= _MAX_DEPTH:
            return None
        if core is not schema and "$ref" in core:
            return self._value(core, pointer, depth, active)
        if "allOf" in core:
            return self._merged(core, pointer, depth, active)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(core.get(keyword), list) and core[keyword]:
                return self._option(core, keyword, pointer, depth, active)
        schema_type = core.get("type")
        if isinstance(schema_type, list):
            schema_type = schema_type[0] if schema_type else None
        if schema_type == "object" or "properties" in core:
            return self._object(core, pointer, depth, active)
        if schema_type == "array":
            return self._array(core, pointer, depth, active)
        if schema_type == "string":
            return _string(core)
        if schema_type in ("integer", "number"):
            return _number(core, integer=schema_type == "integer")
        if schema_type == "boolean":
            return True
        return None if nullable else {}

    def _merged(self, schema: dict[str, Any], pointer: str, depth: int, active: frozenset[str]) -> Any:
        """allOf: the parts' objects merged; parts that are scalars (an enum plus a description) win."""
        merged: dict[str, Any] = {}
        for index, part in enumerate(schema["allOf"]):
            value = self._value(part, f"{pointer}/allOf/{index}", depth, active)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None or (isinstance(part, dict) and part.get("type") == "null"):
                return value
        rest = {key: value for key, value in schema.items() if key != "allOf"}
        if "properties" in rest or "required" in rest:
            merged.update(self._object(rest, pointer, depth, active))
        return merged

    def _option(self, schema: dict[str, Any], keyword: str, pointer: str, depth: int, active: frozenset[str]) -> Any:
        """anyOf: the first option's value; oneOf: the first option's value that matches only that option."""
        options = [(index, option) for index, option in enumerate(schema[keyword]) if option != {"type": "null"}]
        first: Any = None
        for position, (index, option) in enumerate(options or [(0, {})]):
            value = self._value(option, f"{pointer}/{keyword}/{index}", depth, active)
            discriminator = schema.get("discriminator")
            if isinstance(value, dict) and isinstance(discriminator, dict):
                property_name = discriminator.get("propertyName")
                tag = _discriminator_tag(option, discriminator)
                if isinstance(property_name, str) and tag is not None:
                    value = {**value, property_name: tag}
            if position == 0:
                first = value
            if keyword == "anyOf" or len(options) == 1 or self.is_valid(value, schema):
                return value
        return first

    def _object(self, schema: dict[str, Any], pointer: str, depth: int, active: frozenset[str]) -> dict[str, Any]:
        required = [name for name in schema.get("required", []) if isinstance(name, str)]
        properties = schema.get("properties", {})
        result: dict[str, Any] = {}
        for name, prop in properties.items():
            if name not in required and (depth >= _MAX_DEPTH or _mentions(prop, active)):
                continue
            if isinstance(prop, dict) and prop.get("readOnly") is False:
                continue
            result[name] = self._value(prop, f"{pointer}/properties/{_escape(str(name))}", depth + 1, active)
        # Required names with no property schema: any value passes, unless additionalProperties says more.
        extra = schema.get("additionalProperties")
        for name in required:
            if name not in result:
                if isinstance(extra, dict):
                    result[name] = self._value(extra, f"{pointer}/additionalProperties", depth + 1, active)
                else:
                    result[name] = "string"
        limit = schema.get("maxProperties")
        if isinstance(limit, int) and len(result) > limit:
            optional = [name for name in result if name not in required]
            for name in optional[: len(result) - limit]:
                del result[name]
        return result

    def _array(self, schema: dict[str, Any], pointer: str, depth: int, active: frozenset[str]) -> list[Any]:
        items = schema.get("items", {})
        count = max(int(schema.get("minItems", 0)), 0 if depth >= _MAX_DEPTH or _mentions(items, active) else 1)
        if isinstance(schema.get("maxItems"), int):
            count = min(count, schema["maxItems"])
        return [self._value(items, f"{pointer}/items", depth + 1, active) for _ in range(count)]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _as_generated_code_checks(validator_class: Any) -> Any:
    """The validator, adjusted to what the generated service and its contract tests accept.

    Patterns Python's `re` cannot compile are skipped (the service's contract check skips them
    too), `x-python-pattern` (a pattern moved aside for the models) is still checked, and 3.0
    `nullable: true` admits null beside `anyOf`/`oneOf`/`allOf`/`enum` as well as beside `type`: the
    models make such fields optional and the contract tests read it as "or null", while the
    validator alone honours it only next to `type` (OpenAPI 3.0.3).
    """
    original_pattern = validator_class.VALIDATORS["pattern"]

    def pattern(validator: Any, expected: Any, instance: Any, schema: Any) -> Any:
        try:
            re.compile(expected)
        except (re.error, TypeError):
            return
        yield from original_pattern(validator, expected, instance, schema)

    def admitting_null(keyword: str) -> Any:
        original = validator_class.VALIDATORS[keyword]

        def check(validator: Any, expected: Any, instance: Any, schema: Any) -> Any:
            if instance is None and schema.get("nullable") is True:
                return
            yield from original(validator, expected, instance, schema)

        return check

    keywords = {keyword: admitting_null(keyword) for keyword in ("allOf", "anyOf", "oneOf", "enum")}
    jsonschema_validators: Any = importlib.import_module("jsonschema.validators")
    return jsonschema_validators.extend(validator_class, {"pattern": pattern, "x-python-pattern": pattern, **keywords})


def _mentions(schema: Any, active: frozenset[str]) -> bool:
    """Does this property lead straight back into a schema being built (recursion)?"""
    if not isinstance(schema, dict):
        return False
    if schema.get("$ref") in active:
        return True
    items = schema.get("items")
    return isinstance(items, dict) and items.get("$ref") in active


def _discriminator_tag(chosen: Any, discriminator: dict[str, Any]) -> str | None:
    ref = chosen.get("$ref") if isinstance(chosen, dict) else None
    if not isinstance(ref, str):
        return None
    for tag, target in discriminator.get("mapping", {}).items():
        if target == ref:
            return str(tag)
    return ref.rsplit("/", 1)[-1]


def _string(schema: dict[str, Any]) -> str:
    value = _FORMAT_SAMPLES.get(str(schema.get("format")), "string")
    min_length = int(schema.get("minLength", 0))
    max_length = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None
    if len(value) < min_length:
        value = value + "x" * (min_length - len(value))
    if max_length is not None and len(value) > max_length:
        value = value[:max_length]
    pattern = schema.get("pattern", schema.get("x-python-pattern"))  # moved there when only `re` runs it
    if isinstance(pattern, str) and not _matches(pattern, value):
        value = pattern_sample(pattern, min_length, max_length) or value
    return value


def _matches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def pattern_sample(pattern: str, min_length: int = 0, max_length: int | None = None) -> str | None:
    """A short string that `pattern` matches (JSON Schema's search semantics) within the length bounds.

    Walks the pattern's parse tree (Python's own regex parser): literals as written, a class's
    first member, each repeat as few times as it allows, stretched only as far as `minLength`
    needs. None when no such string is found (look-arounds, conditionals, contradictory bounds).
    """
    try:
        tree = _regex_parser().parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    previous = None
    for stretch in range(_MAX_STRETCH + 1):
        text = _Sampler(stretch).emit(tree)
        if text is None or text == previous or (max_length is not None and len(text) > max_length):
            return None
        if len(text) >= min_length and _matches(pattern, text):
            return text
        if len(text) >= min_length:
            return None
        previous = text
    return None


def _regex_parser() -> Any:
    """`re._parser` (Python 3.11+), formerly `sre_parse`: the parser `re.compile` itself uses."""
    return importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")


_CLASS_PREFERENCE = "aA0bB1xX_-. z9Z"
_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}
_CATEGORY_PATTERNS = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


class _Sampler:
    """One walk over a parsed pattern; repeats run `stretch` times past their minimum (up to their maximum)."""

    def __init__(self, stretch: int) -> None:
        self._stretch = stretch
        self._groups: dict[int, str] = {}

    def emit(self, tree: Any) -> str | None:
        parts: list[str] = []
        for opcode, argument in tree:
            part = self._node(_name(opcode), argument)
            if part is None:
                return None
            parts.append(part)
        return "".join(parts)

    def _node(self, opcode: str, argument: Any) -> str | None:
        if opcode == "LITERAL":
            return chr(argument)
        if opcode in ("AT", "ASSERT", "ASSERT_NOT"):
            return ""
        if opcode == "ANY":
            return "a"
        if opcode == "NOT_LITERAL":
            return next(char for char in _CLASS_PREFERENCE if ord(char) != argument)
        if opcode == "IN":
            return _class_member(argument)
        if opcode == "BRANCH":
            return next((text for option in argument[1] if (text := self.emit(option)) is not None), None)
        if opcode == "SUBPATTERN":
            group, body = argument[0], argument[-1]
            text = self.emit(body)
            if text is not None and isinstance(group, int):
                self._groups[group] = text
            return text
        if opcode == "ATOMIC_GROUP":
            return self.emit(argument)
        if opcode in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = argument
            count = min(int(low) + self._stretch, int(high))
            texts = [self.emit(body) for _ in range(count)]
            return None if any(text is None for text in texts) else "".join(str(text) for text in texts)
        if opcode == "GROUPREF":
            return self._groups.get(argument, "")
        return None


def _class_member(items: Any) -> str | None:
    """A character in `[...]`: the first one written, or (negated) the first preferred one outside it."""
    negated = bool(items) and _name(items[0][0]) == "NEGATE"
    members = items[1:] if negated else items
    if not negated:
        opcode, argument = _name(members[0][0]), members[0][1]
        if opcode == "LITERAL":
            return chr(argument)
        if opcode == "RANGE":
            return chr(argument[0])
        if opcode == "CATEGORY":
            return _CATEGORY_SAMPLES.get(_name(argument))
        return None
    for char in _CLASS_PREFERENCE:
        if not any(_in_class_item(_name(opcode), argument, char) for opcode, argument in members):
            return char
    return None


def _name(constant: Any) -> str:
    """An opcode's or category's name (the parser's named int constants)."""
    return str(getattr(constant, "name", constant))


def _in_class_item(opcode: str, argument: Any, char: str) -> bool:
    if opcode == "LITERAL":
        return bool(ord(char) == argument)
    if opcode == "RANGE":
        return bool(argument[0] <= ord(char) <= argument[1])
    if opcode == "CATEGORY":
        category = _CATEGORY_PATTERNS.get(_name(argument))
        return category is None or re.fullmatch(category, char) is not None
    return True


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    """The first of 1, the bounds and their midpoint (each on a `multipleOf` step) the bounds allow."""
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum", max)
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum", min)
    step = _numeric(schema.get("multipleOf"))
    step = step if step is not None and step > 0 else None
    unit = step or 1.0

    def fits(value: float) -> bool:
        if low is not None and (value < low or (low_open and value <= low)):
            return False
        if high is not None and (value > high or (high_open and value >= high)):
            return False
        if integer and value != int(value):
            return False
        return step is None or math.isclose(value / step, round(value / step))

    candidates: list[float] = [1.0, 0.0]
    if low is not None:
        candidates += [low, low + unit]
    if high is not None:
        candidates += [high, high - unit]
    if low is not None and high is not None:
        candidates.append((low + high) / 2)
    for candidate in candidates:
        for value in _snapped(candidate, step, integer):
            if fits(value):
                return int(value) if integer else value
    fallback = low if low is not None else high if high is not None else 1.0
    return int(fallback) if integer else float(fallback)


def _bound(
    schema: dict[str, Any], inclusive: str, exclusive: str, tighter: Callable[[float, float], float]
) -> tuple[float | None, bool]:
    """A bound and whether it is open, from 3.0 (`exclusiveMinimum: true`) or 3.1 (a number) keywords."""
    bound = _numeric(schema.get(inclusive))
    if schema.get(exclusive) is True:
        return bound, bound is not None
    open_bound = _numeric(schema.get(exclusive))
    if open_bound is not None and (bound is None or tighter(open_bound, bound) == open_bound):
        return open_bound, True
    return bound, False


def _numeric(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _snapped(value: float, step: float | None, integer: bool) -> list[float]:
    if step is not None:
        return [step * math.ceil(value / step), step * math.floor(value / step)]
    if integer:
        return [float(math.ceil(value)), float(math.floor(value))]
    return [value]
