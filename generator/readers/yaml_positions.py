"""Load YAML or JSON contract text into plain data plus a JSON-pointer → line/column map.

`yaml.safe_load` throws away where things were, so every later error ("unknown type at ...")
could only name a JSON pointer. We compose YAML into nodes (which carry marks) and build the
Python data ourselves, recording the 1-based line/column of every mapping key and sequence item
under its RFC 6901 pointer. JSON files get a small position-tracking parser: PyYAML reads YAML 1.1,
where JSON's `1e5` is a string and tab indentation is an error, so YAML is not a safe way to read
JSON.

Deliberate departures from `yaml.safe_load`, all because the text is an OpenAPI contract:
- unquoted dates (`2020-01-01`) stay strings: OpenAPI has no date type, `format: date` strings are
  what generators expect;
- mapping keys are the key's source text (`200:` is the key "200", `on:` is "on"), since OpenAPI
  keys are always strings and JSON pointers need strings;
- only the core tags are accepted (str, int, float, bool, null, map, seq and the `<<` merge key):
  a contract is data, and custom tags mean something this reader cannot know;
- duplicate keys are errors (PyYAML silently keeps the last one);
- aliases may not expand the document far beyond its written size ("billion laughs").

Diagnostic codes: `yaml.syntax`, `yaml.duplicate-key`, `yaml.unsupported-tag`, `yaml.complex-key`,
`yaml.bad-merge`, `yaml.recursive-alias`, `yaml.alias-limit`, `yaml.too-deep`, `json.syntax`,
`json.duplicate-key`, `json.too-deep`.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml  # type: ignore[import-untyped, unused-ignore]

from generator.diagnostics import DiagnosticSink, Location

Syntax = Literal["yaml", "json"]

# Aliases may add at most this many nodes, plus this factor times the number of distinct nodes,
# on top of what is written. Generous for real anchors, fatal for a billion laughs.
_ALIAS_BUDGET_BASE = 100_000
_ALIAS_BUDGET_FACTOR = 10

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR = _TAG_PREFIX + "str"
_INT = _TAG_PREFIX + "int"
_FLOAT = _TAG_PREFIX + "float"
_BOOL = _TAG_PREFIX + "bool"
_NULL = _TAG_PREFIX + "null"
_TIMESTAMP = _TAG_PREFIX + "timestamp"
_MAP = _TAG_PREFIX + "map"
_SEQ = _TAG_PREFIX + "seq"
_MERGE = _TAG_PREFIX + "merge"


class SourcePosition(NamedTuple):
    """A 1-based line and column in a contract file."""

    line: int
    column: int


@dataclass(frozen=True)
class LoadedDocument:
    """Plain data from one file and where each part of it was written.

    `positions` maps the pointer of every mapping member to its key's position, every sequence
    item to the item's position, and "" to the document's start.
    """

    data: Any
    positions: Mapping[str, SourcePosition]

    def nearest_position(self, pointer: str) -> tuple[str, SourcePosition] | None:
        """The position of `pointer`, or of its closest ancestor that has one.

        Errors often name a member that is missing (so has no position); its parent's line is the
        next best thing to show.
        """
        for candidate in ancestor_pointers(pointer):
            position = self.positions.get(candidate)
            if position is not None:
                return candidate, position
        return None


# --- JSON pointers (RFC 6901) -------------------------------------------------------------------


def escape_token(token: str) -> str:
    """Escape one reference token: `~` → `~0`, `/` → `~1` (RFC 6901 section 3)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo `escape_token`; `~1` first would turn `~01` into `/` instead of `~1` (section 4)."""
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, token: str | int) -> str:
    """The pointer to member or item `token` of the value at `pointer`."""
    return f"{pointer}/{escape_token(str(token))}"


def split_pointer(pointer: str) -> list[str]:
    """The unescaped reference tokens of `pointer`; raises ValueError if it is not a pointer."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must be empty or start with '/': {pointer!r}")
    return [unescape_token(token) for token in pointer[1:].split("/")]


def pointer_from_tokens(tokens: Iterable[str | int]) -> str:
    """Build a pointer from unescaped tokens (strings or list indices)."""
    return "".join(f"/{escape_token(str(token))}" for token in tokens)


def ancestor_pointers(pointer: str) -> Iterator[str]:
    """`pointer` itself, then each parent up to the root "" (inclusive)."""
    current = pointer
    while True:
        yield current
        if current == "":
            return
        current = current.rpartition("/")[0]


def resolve_pointer(data: Any, pointer: str) -> tuple[bool, Any]:
    """Follow `pointer` through mappings and lists: (found, value).

    List indices must be plain decimal numbers without leading zeros (RFC 6901 section 4).
    """
    try:
        tokens = split_pointer(pointer)
    except ValueError:
        return False, None
    current = data
    for token in tokens:
        if isinstance(current, dict):
            if token not in current:
                return False, None
            current = current[token]
        elif isinstance(current, list):
            if not re.fullmatch(r"0|[1-9][0-9]*", token) or int(token) >= len(current):
                return False, None
            current = current[int(token)]
        else:
            return False, None
    return True, current


# --- entry points -----------------------------------------------------------------------------


def syntax_for(path: Path) -> Syntax:
    """JSON for `.json` files, YAML for everything else (YAML is what contracts are mostly in)."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def load_document(
    text: str, file: str, sink: DiagnosticSink, *, syntax: Syntax = "yaml", lazy_positions: bool = False
) -> LoadedDocument | None:
    """Parse `text` (from `file`, used in diagnostics) into data and positions.

    Returns None after reporting at least one error to `sink`; an empty YAML file is a document
    whose data is None (the caller decides whether that is acceptable). `lazy_positions` (JSON
    only): read with `json.loads` and find a position only when it is asked for (see
    `_load_json_lazily`): the same data, positions and errors, for callers that look up a few.
    """
    if syntax == "json":
        return _load_json_lazily(text, file, sink) if lazy_positions else _load_json(text, file, sink)
    return _load_yaml(text, file, sink)


# --- YAML -------------------------------------------------------------------------------------


def _without_timestamps(
    resolvers: dict[str, list[tuple[str, Any]]],
) -> dict[str, list[tuple[str, Any]]]:
    return {
        first: [(tag, regexp) for tag, regexp in candidates if tag != _TIMESTAMP]
        for first, candidates in resolvers.items()
    }


# libyaml's parser and composer (when PyYAML was built with it) are several times faster than
# the pure-Python ones, and produce the same nodes and marks.
_SafeLoaderBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContractLoader(_SafeLoaderBase):  # type: ignore[misc, unused-ignore]
    """A safe loader whose resolver never turns a plain scalar into a timestamp.

    Only its reader, scanner, parser, composer and resolver are used; the constructor's scalar
    helpers convert core-tag scalars, and `_YamlConverter` builds the containers.
    """

    yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)


class _AliasLimitExceeded(Exception):
    """Raised to stop converting as soon as aliases have expanded too far."""


def _mark_position(mark: Any) -> SourcePosition:
    return SourcePosition(int(mark.line) + 1, int(mark.column) + 1)


class _YamlConverter:
    """Turns a composed node graph into plain data, recording positions and reporting problems.

    Aliases make the graph a DAG (or a cycle); `expanded` counts every node visit, `seen` the
    distinct nodes, so expansion beyond the budget is caught before memory runs out.
    """

    def __init__(self, loader: Any, file: str, sink: DiagnosticSink) -> None:
        self.loader = loader
        self.file = file
        self.sink = sink
        self.positions: dict[str, SourcePosition] = {}
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.expanded = 0
        self.failed = False

    def error(self, code: str, message: str, mark: Any, pointer: str | None = None) -> None:
        position = _mark_position(mark)
        self.sink.error(code, message, Location(self.file, position.line, position.column, pointer))
        self.failed = True

    def spend(self, node: Any) -> None:
        self.seen.add(id(node))
        self.expanded += 1
        if self.expanded > _ALIAS_BUDGET_BASE + _ALIAS_BUDGET_FACTOR * len(self.seen):
            raise _AliasLimitExceeded

    def convert(self, node: Any, pointer: str) -> Any:
        self.spend(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, pointer)
        if id(node) in self.active:
            self.error(
                "yaml.recursive-alias",
                "an alias refers to a node that contains it; contracts must be finite",
                node.start_mark,
                pointer,
            )
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, pointer)
            return self.sequence(node, pointer)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: Any, pointer: str) -> Any:
        tag = node.tag
        try:
            if tag in (_STR, _TIMESTAMP):
                # An explicit `!!timestamp` is kept as its text for the same reason plain dates are.
                return str(node.value)
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return self.loader.construct_yaml_bool(node)
            if tag == _INT:
                return self.loader.construct_yaml_int(node)
            if tag == _FLOAT:
                return self.loader.construct_yaml_float(node)
        except (ValueError, KeyError):
            self.error("yaml.unsupported-tag", f"{node.value!r} is not a valid {tag}", node.start_mark, pointer)
            return None
        self.unsupported_tag(node, pointer)
        return None

    def unsupported_tag(self, node: Any, pointer: str) -> None:
        self.error(
            "yaml.unsupported-tag",
            f"unsupported YAML tag {node.tag!r}; contracts may only use plain data",
            node.start_mark,
            pointer,
        )

    def sequence(self, node: Any, pointer: str) -> list[Any]:
        if node.tag != _SEQ:
            self.unsupported_tag(node, pointer)
            return []
        items: list[Any] = []
        for index, item_node in enumerate(node.value):
            item_pointer = join_pointer(pointer, index)
            self.positions[item_pointer] = _mark_position(item_node.start_mark)
            items.append(self.convert(item_node, item_pointer))
        return items

    def mapping(self, node: Any, pointer: str) -> dict[str, Any]:
        if node.tag != _MAP:
            self.unsupported_tag(node, pointer)
            return {}
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.entries(node, pointer):
            member_pointer = join_pointer(pointer, key)
            self.positions[member_pointer] = _mark_position(key_node.start_mark)
            result[key] = self.convert(value_node, member_pointer)
        return result

    def key_text(self, key_node: Any, pointer: str) -> str | None:
        """A key's source text: OpenAPI keys are strings, whatever YAML would resolve them to."""
        if not isinstance(key_node, yaml.ScalarNode):
            self.error(
                "yaml.complex-key",
                "mapping keys must be plain scalars in a contract",
                key_node.start_mark,
                pointer,
            )
            return None
        if key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP):
            self.unsupported_tag(key_node, pointer)
            return None
        return str(key_node.value)

    def entries(self, node: Any, pointer: str) -> list[tuple[str, Any, Any]]:
        """The members of a mapping node in source order, with `<<` merge keys flattened.

        Explicitly written keys win over merged ones, and earlier merge sources over later ones
        (YAML merge key spec); only explicit keys can be duplicates.
        """
        explicit: dict[str, Any] = {}
        for key_node, _value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.key_text(key_node, pointer)
            if key is None:
                continue
            if key in explicit:
                first = _mark_position(explicit[key].start_mark)
                self.error(
                    "yaml.duplicate-key",
                    f"duplicate key {key!r} (first defined on line {first.line})",
                    key_node.start_mark,
                    join_pointer(pointer, key),
                )
                continue
            explicit[key] = key_node
        result: list[tuple[str, Any, Any]] = []
        emitted: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for key, merged_key_node, merged_value_node in self.merge_sources(value_node, pointer):
                    if key not in explicit and key not in emitted:
                        emitted.add(key)
                        result.append((key, merged_key_node, merged_value_node))
                continue
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and explicit.get(key) is key_node:
                emitted.add(key)
                result.append((key, key_node, value_node))
        return result

    def merge_sources(self, value_node: Any, pointer: str) -> list[tuple[str, Any, Any]]:
        if isinstance(value_node, yaml.MappingNode):
            sources = [value_node]
        elif isinstance(value_node, yaml.SequenceNode) and all(
            isinstance(item, yaml.MappingNode) for item in value_node.value
        ):
            sources = list(value_node.value)
        else:
            self.error(
                "yaml.bad-merge",
                "a '<<' merge key needs a mapping or a list of mappings",
                value_node.start_mark,
                pointer,
            )
            return []
        merged: list[tuple[str, Any, Any]] = []
        for source in sources:
            self.spend(source)
            if id(source) in self.active:
                self.error(
                    "yaml.recursive-alias",
                    "a '<<' merge key refers to a mapping that contains it",
                    source.start_mark,
                    pointer,
                )
                continue
            self.active.add(id(source))
            try:
                merged.extend(self.entries(source, pointer))
            finally:
                self.active.discard(id(source))
        return merged


def _load_yaml(text: str, file: str, sink: DiagnosticSink) -> LoadedDocument | None:
    loader: Any = None
    try:
        try:
            # The reader checks for non-printable characters already in the constructor.
            loader = _ContractLoader(text)
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            _report_marked_error(exc, file, sink, text)
            return None
        except yaml.reader.ReaderError as exc:
            character = exc.character if isinstance(exc.character, int) else ord(exc.character)
            position = _offset_position(_line_starts(text), int(exc.position))
            sink.error(
                "yaml.syntax",
                f"unacceptable character #x{character:04x}: {exc.reason}",
                Location(file, position.line, position.column),
            )
            return None
        except yaml.YAMLError as exc:
            sink.error("yaml.syntax", str(exc), Location(file))
            return None
        except RecursionError:
            sink.error("yaml.too-deep", "the document is nested too deeply to read", Location(file))
            return None
        if root is None:
            return LoadedDocument(None, {"": SourcePosition(1, 1)})
        converter = _YamlConverter(loader, file, sink)
        converter.positions[""] = _mark_position(root.start_mark)
        try:
            data = converter.convert(root, "")
        except _AliasLimitExceeded:
            sink.error(
                "yaml.alias-limit",
                "aliases expand this document far beyond its written size; refusing to read it",
                Location(file),
            )
            return None
        except RecursionError:
            sink.error("yaml.too-deep", "the document is nested too deeply to read", Location(file))
            return None
        if converter.failed:
            return None
        return LoadedDocument(data, converter.positions)
    finally:
        if loader is not None:
            loader.dispose()


def _report_marked_error(exc: Any, file: str, sink: DiagnosticSink, text: str = "") -> None:
    """Report a scanner/parser/composer error at its problem mark (where reading stopped)."""
    mark = exc.problem_mark if exc.problem_mark is not None else exc.context_mark
    parts = [str(part) for part in (exc.context, exc.problem) if part]
    message = ", ".join(parts) or "invalid YAML"
    if mark is None:
        sink.error("yaml.syntax", message, Location(file))
        return
    lines = text.splitlines()
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    if line[mark.column : mark.column + 1] == "\t":
        message = "a tab character cannot start a YAML token; indent with spaces, never tabs"
    position = _mark_position(mark)
    sink.error("yaml.syntax", message, Location(file, position.line, position.column))


# --- JSON -------------------------------------------------------------------------------------

_JSON_WHITESPACE = re.compile(r"[ \t\n\r]*")
_JSON_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL)
_JSON_LITERALS: tuple[tuple[str, Any], ...] = (("true", True), ("false", False), ("null", None))


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


def _offset_position(line_starts: list[int], offset: int) -> SourcePosition:
    line_index = bisect.bisect_right(line_starts, offset) - 1
    return SourcePosition(line_index + 1, offset - line_starts[line_index] + 1)


class _JsonParser:
    """RFC 8259 JSON with positions: stdlib's string scanner, our own structure walk.

    `json.loads` gives no positions and silently keeps the last of duplicate keys; both matter here.
    NaN and Infinity, which `json.loads` accepts, are not JSON and are rejected.
    """

    def __init__(self, text: str, file: str, sink: DiagnosticSink) -> None:
        self.text = text
        self.file = file
        self.sink = sink
        self.index = 0
        self.line_starts = _line_starts(text)
        self.positions: dict[str, SourcePosition] = {}
        self.failed = False

    def position(self, offset: int) -> SourcePosition:
        return _offset_position(self.line_starts, offset)

    def syntax_error(self, message: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(message, self.text, self.index)

    def skip_whitespace(self) -> None:
        match = _JSON_WHITESPACE.match(self.text, self.index)
        if match is not None:
            self.index = match.end()

    def peek(self) -> str:
        return self.text[self.index] if self.index < len(self.text) else ""

    def parse(self) -> Any:
        self.skip_whitespace()
        self.positions[""] = self.position(self.index)
        value = self.value("")
        self.skip_whitespace()
        if self.index != len(self.text):
            raise self.syntax_error("Extra data")
        return value

    def string(self) -> str:
        """Decode the string literal at the cursor; json.loads does the escapes."""
        match = _JSON_STRING.match(self.text, self.index)
        if match is None:
            raise self.syntax_error("Unterminated string or invalid control character in string")
        try:
            decoded = json.loads(match.group(0))
        except json.JSONDecodeError as exc:
            raise json.JSONDecodeError(exc.msg, self.text, self.index + exc.pos) from None
        self.index = match.end()
        return str(decoded)

    def value(self, pointer: str) -> Any:
        char = self.peek()
        if char == "{":
            return self.object(pointer)
        if char == "[":
            return self.array(pointer)
        if char == '"':
            return self.string()
        number = _JSON_NUMBER.match(self.text, self.index)
        if number is not None:
            self.index = number.end()
            integer, fraction, exponent = number.groups()
            if fraction is None and exponent is None:
                try:
                    return int(integer)
                except ValueError:  # more digits than int() accepts by default
                    raise self.syntax_error("Number too long") from None
            return float(number.group(0))
        for literal, literal_value in _JSON_LITERALS:
            if self.text.startswith(literal, self.index):
                self.index += len(literal)
                return literal_value
        raise self.syntax_error("Expecting value")

    def object(self, pointer: str) -> dict[str, Any]:
        self.index += 1
        result: dict[str, Any] = {}
        self.skip_whitespace()
        if self.peek() == "}":
            self.index += 1
            return result
        while True:
            self.skip_whitespace()
            if self.peek() != '"':
                raise self.syntax_error("Expecting property name enclosed in double quotes")
            key_position = self.position(self.index)
            key = self.string()
            member_pointer = join_pointer(pointer, key)
            duplicate = key in result
            if duplicate:
                first = self.positions[member_pointer]
                self.sink.error(
                    "json.duplicate-key",
                    f"duplicate key {key!r} (first defined on line {first.line})",
                    Location(self.file, key_position.line, key_position.column, member_pointer),
                )
                self.failed = True
            else:
                self.positions[member_pointer] = key_position
            self.skip_whitespace()
            if self.peek() != ":":
                raise self.syntax_error("Expecting ':' delimiter")
            self.index += 1
            self.skip_whitespace()
            member_value = self.value(member_pointer)
            if not duplicate:
                result[key] = member_value
            self.skip_whitespace()
            if self.peek() == ",":
                self.index += 1
                continue
            if self.peek() == "}":
                self.index += 1
                return result
            raise self.syntax_error("Expecting ',' delimiter")

    def array(self, pointer: str) -> list[Any]:
        self.index += 1
        items: list[Any] = []
        self.skip_whitespace()
        if self.peek() == "]":
            self.index += 1
            return items
        while True:
            self.skip_whitespace()
            item_pointer = join_pointer(pointer, len(items))
            self.positions[item_pointer] = self.position(self.index)
            items.append(self.value(item_pointer))
            self.skip_whitespace()
            if self.peek() == ",":
                self.index += 1
                continue
            if self.peek() == "]":
                self.index += 1
                return items
            raise self.syntax_error("Expecting ',' delimiter")


def _load_json(text: str, file: str, sink: DiagnosticSink) -> LoadedDocument | None:
    parser = _JsonParser(text, file, sink)
    try:
        data = parser.parse()
    except json.JSONDecodeError as exc:
        sink.error("json.syntax", exc.msg, Location(file, exc.lineno, exc.colno))
        return None
    except RecursionError:
        sink.error("json.too-deep", "the document is nested too deeply to read", Location(file))
        return None
    if parser.failed:
        return None
    return LoadedDocument(data, parser.positions)


# --- JSON, positions on demand ----------------------------------------------------------------


class _NotPlainJson(Exception):
    """What `json.loads` accepts but `_JsonParser` refuses (a duplicate key, NaN): parse slowly."""


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _NotPlainJson
    return members


def _refuse_constant(name: str) -> Any:
    raise _NotPlainJson


def _load_json_lazily(text: str, file: str, sink: DiagnosticSink) -> LoadedDocument | None:
    """`_load_json`'s result at `json.loads` speed, for a caller that needs a few positions.

    On anything `json.loads` (with duplicate keys and NaN/Infinity refused) does not read cleanly,
    `_load_json` reads the text instead, so errors are reported exactly as it reports them. When
    the text does read, the two agree on the data: the same grammar (RFC 8259), the same string
    decoding (`_JsonParser` hands each string literal to `json.loads`), the same number rule (an
    integer without fraction or exponent is an int, else a float), members in written order.
    """
    try:
        data = json.loads(text, object_pairs_hook=_unique_members, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, _NotPlainJson):  # JSONDecodeError is a ValueError
        return _load_json(text, file, sink)
    return LoadedDocument(data, _LazyJsonPositions(text))


class _LazyJsonPositions(Mapping[str, SourcePosition]):
    """`_JsonParser.positions` for a text known to be valid JSON, worked out per lookup.

    A lookup walks from the root to the pointer, indexing each container on the way once: where
    each member's key (or each item) starts and where its value starts, found by letting the C
    decoder skip the values (`_SKIPPER`). Iterating (or asking the size) builds the whole map with
    `_JsonParser`, in its order.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._root = _after_whitespace(text, 0)
        self._line_starts: list[int] | None = None
        self._children: dict[str, dict[str, tuple[int, int]] | None] = {}
        self._full: dict[str, SourcePosition] | None = None

    def _position(self, offset: int) -> SourcePosition:
        if self._line_starts is None:
            self._line_starts = _line_starts(self._text)
        return _offset_position(self._line_starts, offset)

    def _index(self, pointer: str, offset: int) -> dict[str, tuple[int, int]] | None:
        """Token → (offset of the key or item, offset of the value) of the container at `offset`."""
        if pointer in self._children:
            return self._children[pointer]
        text = self._text
        opening = text[offset]
        children: dict[str, tuple[int, int]] | None = None
        if opening in "{[":
            children = {}
            closing = "}" if opening == "{" else "]"
            index = _after_whitespace(text, offset + 1)
            while text[index] != closing:
                start = index
                if opening == "{":
                    key = _JSON_STRING.match(text, index)
                    assert key is not None  # the text is valid JSON
                    token, index = str(json.loads(key.group(0))), key.end()
                    index = _after_whitespace(text, _after_whitespace(text, index) + 1)  # past the ':'
                else:
                    token = str(len(children))
                value = index
                _, index = _SKIPPER.raw_decode(text, value)
                children[token] = (start, value)
                index = _after_whitespace(text, index)
                if text[index] == ",":
                    index = _after_whitespace(text, index + 1)
        self._children[pointer] = children
        return children

    def __getitem__(self, pointer: str) -> SourcePosition:
        if self._full is not None:
            return self._full[pointer]
        if pointer == "":
            return self._position(self._root)
        try:
            tokens = split_pointer(pointer)
        except ValueError:
            raise KeyError(pointer) from None
        current, offset, start = "", self._root, self._root
        for token in tokens:
            children = self._index(current, offset)
            found = children.get(token) if children is not None else None
            if found is None:
                raise KeyError(pointer)
            current = join_pointer(current, token)
            start, offset = found
        if current != pointer:  # spelled differently from how the parser names it (`~2`, `/01`)
            raise KeyError(pointer)
        return self._position(start)

    def _everything(self) -> dict[str, SourcePosition]:
        if self._full is None:
            parser = _JsonParser(self._text, "", DiagnosticSink())
            parser.parse()
            self._full = parser.positions
        return self._full

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


_SKIPPER = json.JSONDecoder(object_pairs_hook=lambda pairs: None)
"""Decodes a value only to find where it ends; not building the objects makes that 3x faster."""


def _after_whitespace(text: str, index: int) -> int:
    match = _JSON_WHITESPACE.match(text, index)
    assert match is not None  # `[ \t\n\r]*` matches everywhere, if only the empty string
    return match.end()
