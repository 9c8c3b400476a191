"""`.proto` contracts: what changed between two FileDescriptorSets, judged like buf's WIRE_JSON category.

Each side goes through protoc with the reader's own rules (a directory is the import root and every
`.proto` under it is compared; a file's directory is its root and only the file itself is compared,
though types that move into a neighbour it imports are followed). Files protoc found elsewhere (the
well-known types) are never compared. Elements are matched by fully-qualified name, fields and enum
values by number, RPCs by name.

- BREAKING: a client or server built from OLD misreads NEW's binary or JSON encoding, or a call it
  makes no longer exists (removed types, fields, values and RPCs; renumbered, renamed or retyped
  fields; cardinality and oneof moves; request, response and streaming changes).
- DANGEROUS: the wire is intact, but generated code or behaviour moves: file options that name
  packages and classes, files renamed or removed and types moving between files (the generated
  module to import changes), proto3 `optional` presence, integer widths, proto2 defaults, oneof
  names, reservations lifted, half-reserved deletions, idempotency levels.
- SAFE: additions, deprecations, comments, new reservations, deletions that reserve number and name.

Decisions, for JSON as well as binary (WIRE_JSON):
- A renamed field is BREAKING even with the same number and type: proto3 JSON and text format use
  the name (JSON parsers accept the `json_name` and the original name), and so does a field mask.
- int32, int64, uint32 and uint64 interchange on the wire and in JSON (proto3 JSON parsers take
  numbers and strings for every integer type), as do sint32/sint64, fixed32/sfixed32 and
  fixed64/sfixed64: DANGEROUS (`proto.field-integer-type-changed`), values outside the shared range
  are truncated or change sign in binary and are rejected in JSON. bool↔integer, enum↔integer,
  string↔bytes and message↔bytes are compatible on the wire only (JSON writes `true`, value names,
  base64): BREAKING.
- A file that disappears is DANGEROUS by itself (code generated from it is imported from elsewhere);
  what it declared is compared by name, so a type that went with it is BREAKING on its own account,
  and one that moved is DANGEROUS (`proto.type-moved-file`), reported once per file when the whole
  file was renamed (`proto.file-renamed`).
- A package that disappears or changes is BREAKING once, without one report per type it held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor

from generator.diagnostics import DiagnosticSink, Location
from generator.diff.model import Change, Level
from generator.protoc import ProtocFailed, descriptor_set
from generator.readers.proto import default_roots, protoc_names

_Proto = TypeVar("_Proto")
_Declared = TypeVar(
    "_Declared",
    descriptor_pb2.DescriptorProto,
    descriptor_pb2.EnumDescriptorProto,
    descriptor_pb2.ServiceDescriptorProto,
)
"""What `_declarations` compares: messages, enums or services."""
_Reserving = TypeVar("_Reserving", descriptor_pb2.DescriptorProto, descriptor_pb2.EnumDescriptorProto)
"""What declares `reserved` numbers and names: messages and enums."""
_FieldProto = descriptor_pb2.FieldDescriptorProto

# SourceCodeInfo paths: the field numbers of the descriptor messages that hold each element.
_FILE_PACKAGE, _FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE, _FILE_OPTIONS, _FILE_SYNTAX = 2, 4, 5, 6, 8, 12
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM, _MESSAGE_ONEOF = 2, 3, 4, 8
_ENUM_VALUE, _SERVICE_METHOD = 2, 2
_FILE_FALLBACK = ((_FILE_PACKAGE,), (_FILE_SYNTAX,))
"""Where a file-level change points when the statement itself is gone: the package, else the syntax line."""

_SCALARS = {number: name.removeprefix("TYPE_").lower() for name, number in _FieldProto.Type.items()}
_LABELS = {
    _FieldProto.LABEL_OPTIONAL: "singular",
    _FieldProto.LABEL_REQUIRED: "required",
    _FieldProto.LABEL_REPEATED: "repeated",
}
_WIRE_AND_JSON_FAMILIES = (
    frozenset({"int32", "int64", "uint32", "uint64"}),
    frozenset({"sint32", "sint64"}),
    frozenset({"fixed32", "sfixed32"}),
    frozenset({"fixed64", "sfixed64"}),
)
"""Integer types that read each other's binary and JSON values (out-of-range values aside)."""
_WIRE_ONLY_FAMILIES = (
    frozenset({"int32", "int64", "uint32", "uint64", "bool", "enum"}),
    frozenset({"string", "bytes"}),
    frozenset({"bytes", "message"}),
)
"""Types protobuf's language guide lists as reading each other's binary values (JSON writes them differently)."""
_FILE_OPTIONS_IGNORED = frozenset({"deprecated", "uninterpreted_option", "features"})


@dataclass(frozen=True)
class _Element(Generic[_Proto]):
    """A message, enum or service of one side, with where it is declared."""

    name: str
    """Fully-qualified, without the leading dot."""
    file: str
    """The file's comparison key (its protoc name, or the NEW name of a single file diffed against another)."""
    path: tuple[int, ...]
    """SourceCodeInfo path of the declaration."""
    proto: _Proto
    parent: str = ""
    """The enclosing message's full name; "" at file level."""


@dataclass
class _Contract:
    """One side, indexed: every file under its root, and which of them are compared."""

    files: dict[str, descriptor_pb2.FileDescriptorProto]
    compared: set[str]
    display: dict[str, str]
    sources: dict[str, dict[tuple[int, ...], descriptor_pb2.SourceCodeInfo.Location]]
    messages: dict[str, _Element[descriptor_pb2.DescriptorProto]] = field(default_factory=dict)
    enums: dict[str, _Element[descriptor_pb2.EnumDescriptorProto]] = field(default_factory=dict)
    services: dict[str, _Element[descriptor_pb2.ServiceDescriptorProto]] = field(default_factory=dict)

    def location(self, file: str, *paths: tuple[int, ...]) -> Location:
        """The first of `paths` protoc recorded, as 1-based line and column (protoc's spans are 0-based)."""
        spans = self.sources.get(file, {})
        for path in paths:
            found = spans.get(path)
            if found is not None:
                return Location(self.display[file], found.span[0] + 1, found.span[1] + 1)
        return Location(self.display[file])

    def part_location(self, element: _Element[_Proto], part: int, index: int) -> Location:
        """Where the `index`th field, value, RPC or oneof (`part`: its descriptor field number) of `element` is."""
        return self.location(element.file, (*element.path, part, index))

    def comment(self, file: str, path: tuple[int, ...]) -> tuple[str, str]:
        found = self.sources.get(file, {}).get(path)
        if found is None:
            return "", ""
        return found.leading_comments.strip(), found.trailing_comments.strip()

    def is_compared(self, element: _Element[_Proto] | None) -> bool:
        return element is not None and element.file in self.compared

    def package_of(self, file: str) -> str:
        return self.files[file].package


@dataclass(frozen=True)
class _Compiled:
    path: Path
    root: Path
    requested: tuple[str, ...]
    file_set: descriptor_pb2.FileDescriptorSet


def _display(path: Path, name: str) -> str:
    """A protoc file name as the user would find it on disk, under the path they gave."""
    base = path if path.is_dir() else path.parent
    return str(base / name)


def diff_proto(old: Path, new: Path, sink: DiagnosticSink) -> list[Change]:
    """Changes from OLD to NEW (each a `.proto` file or a proto root directory); [] after reporting
    located errors in `sink` when either side does not compile."""
    sides = [_compile(path, sink) for path in (old, new)]
    old_side, new_side = sides
    if old_side is None or new_side is None or sink.has_errors:
        return []
    alias: dict[str, str] = {}
    if not old.is_dir() and not new.is_dir() and old_side.requested != new_side.requested:
        # Two single files under different names are still one contract.
        alias[old_side.requested[0]] = new_side.requested[0]
    return _Differ(_index(old_side, alias), _index(new_side, {})).run()


def _compile(path: Path, sink: DiagnosticSink) -> _Compiled | None:
    roots = default_roots([path])
    local = DiagnosticSink()
    names = tuple(protoc_names([path], roots, local))
    sink.items.extend(local.items)
    if local.has_errors:
        return None
    try:
        raw = descriptor_set(names, roots)
    except ProtocFailed as failure:
        for message in failure.messages:
            location = _protoc_location(path, roots[0], message.file, message.line, message.column)
            sink.error("proto.protoc", message.message, location)
        return None
    return _Compiled(path, roots[0], names, descriptor_pb2.FileDescriptorSet.FromString(raw))


def _protoc_location(path: Path, root: Path, file: str, line: int | None, column: int | None) -> Location:
    """protoc names files relative to the root (or absolute): show them under the path the user gave."""
    if not file:
        return Location(str(path))
    name = Path(file)
    if name.is_absolute() and name.is_relative_to(root):
        name = name.relative_to(root)
    shown = _display(path, name.as_posix()) if (root / name).is_file() else file
    return Location(shown, line, column)


def _index(compiled: _Compiled, alias: Mapping[str, str]) -> _Contract:
    """Index the files protoc read from under the side's root (not the well-known types it brought in)."""
    local = [file for file in compiled.file_set.file if (compiled.root / file.name).is_file()]
    contract = _Contract(files={}, compared=set(), display={}, sources={})
    for file in local:
        key = alias.get(file.name, file.name)
        contract.files[key] = file
        contract.display[key] = _display(compiled.path, file.name)
        contract.sources[key] = {}
        for location in file.source_code_info.location:
            contract.sources[key].setdefault(tuple(location.path), location)
        if file.name in compiled.requested:
            contract.compared.add(key)
        _collect(contract, key, file)
    return contract


def _collect(contract: _Contract, key: str, file: descriptor_pb2.FileDescriptorProto) -> None:
    prefix = f"{file.package}." if file.package else ""

    def message(proto: descriptor_pb2.DescriptorProto, name: str, path: tuple[int, ...], parent: str) -> None:
        contract.messages[name] = _Element(name, key, path, proto, parent)
        for index, nested in enumerate(proto.nested_type):
            message(nested, f"{name}.{nested.name}", (*path, _MESSAGE_NESTED, index), name)
        for index, enum in enumerate(proto.enum_type):
            full_name = f"{name}.{enum.name}"
            contract.enums[full_name] = _Element(full_name, key, (*path, _MESSAGE_ENUM, index), enum, name)

    for index, proto in enumerate(file.message_type):
        message(proto, prefix + proto.name, (_FILE_MESSAGE, index), "")
    for index, enum in enumerate(file.enum_type):
        contract.enums[prefix + enum.name] = _Element(prefix + enum.name, key, (_FILE_ENUM, index), enum)
    for index, service in enumerate(file.service):
        contract.services[prefix + service.name] = _Element(prefix + service.name, key, (_FILE_SERVICE, index), service)


@dataclass(frozen=True)
class _ValueType:
    """What a field (or a map key or value) holds: a scalar by name, or an enum or message by full name."""

    kind: str
    """"scalar", "enum", "message" or "group"."""
    name: str

    def __str__(self) -> str:
        return self.name

    @property
    def wire_token(self) -> str:
        """What the wire sees: the scalar's name, or just "enum" or "message"."""
        return self.name if self.kind == "scalar" else self.kind


def _value_type(proto: descriptor_pb2.FieldDescriptorProto) -> _ValueType:
    if proto.type == _FieldProto.TYPE_ENUM:
        return _ValueType("enum", proto.type_name.lstrip("."))
    if proto.type == _FieldProto.TYPE_MESSAGE:
        return _ValueType("message", proto.type_name.lstrip("."))
    if proto.type == _FieldProto.TYPE_GROUP:
        return _ValueType("group", proto.type_name.lstrip("."))
    return _ValueType("scalar", _SCALARS[proto.type])


def _compatibility(old: _ValueType, new: _ValueType) -> str:
    """ "wire+json", "wire" or "none": what still reads the other's values after a type change."""
    if old.kind == new.kind == "scalar" and any({old.name, new.name} <= family for family in _WIRE_AND_JSON_FAMILIES):
        return "wire+json"
    if old.kind == new.kind != "scalar":
        return "none"  # another enum or message: names and fields need not line up
    if any({old.wire_token, new.wire_token} <= family for family in _WIRE_ONLY_FAMILIES):
        return "wire"
    return "none"


def _ranges(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open ranges, sorted and merged: `reserved 2, 3` and `reserved 2 to 3` are the same."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(ranges: list[tuple[int, int]], taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    left: list[tuple[int, int]] = []
    for start, end in ranges:
        pieces = [(start, end)]
        for cut_start, cut_end in taken:
            pieces = [
                piece
                for low, high in pieces
                for piece in ((low, min(high, cut_start)), (max(low, cut_end), high))
                if piece[0] < piece[1]
            ]
        left.extend(pieces)
    return left


def _range_text(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(str(start) if end == start + 1 else f"{start} to {end - 1}" for start, end in ranges)


def _streaming(method: descriptor_pb2.MethodDescriptorProto) -> str:
    kinds = {(False, False): "unary", (False, True): "server streaming", (True, False): "client streaming"}
    return kinds.get((method.client_streaming, method.server_streaming), "bidirectional streaming")


def _signature(method: descriptor_pb2.MethodDescriptorProto) -> tuple[str, str, bool, bool]:
    return method.input_type, method.output_type, method.client_streaming, method.server_streaming


def _real_oneof(message: descriptor_pb2.DescriptorProto, proto: descriptor_pb2.FieldDescriptorProto) -> str | None:
    """The oneof a field belongs to, ignoring the synthetic one protoc makes for proto3 `optional`."""
    if proto.HasField("oneof_index") and not proto.proto3_optional:
        return message.oneof_decl[proto.oneof_index].name
    return None


def _file_options(file: descriptor_pb2.FileDescriptorProto) -> dict[str, tuple[int, str]]:
    """Known file options that shape generated code: {name: (option field number, value as written)}."""
    options: dict[str, tuple[int, str]] = {}
    for option, value in file.options.ListFields():
        if option.name in _FILE_OPTIONS_IGNORED or option.is_extension:
            continue
        if option.enum_type is not None:
            text = option.enum_type.values_by_number[value].name
        elif option.type == FieldDescriptor.TYPE_BOOL:
            text = str(value).lower()
        elif option.type == FieldDescriptor.TYPE_STRING:
            text = repr(value)
        else:
            text = str(value)
        options[option.name] = (option.number, text)
    return options


class _Differ:
    """Walks both sides once; holds the changes found and what earlier findings already explain."""

    def __init__(self, old: _Contract, new: _Contract) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.covered_old: set[str] = set()
        """OLD files whose types are explained by a package removal or change."""
        self.covered_new: set[str] = set()
        self.renamed_files: dict[str, str] = {}

    def add(self, level: Level, rule: str, message: str, location: Location) -> None:
        self.changes.append(Change(level, f"proto.{rule}", message, location))

    def run(self) -> list[Change]:
        self._packages()
        self._files()
        self._declarations(
            "message", self.old.messages, self.new.messages, self._fields, lambda proto: proto.options.map_entry
        )
        self._declarations("enum", self.old.enums, self.new.enums, self._values)
        self._declarations("service", self.old.services, self.new.services, self._methods)
        return self.changes

    # Files and packages -------------------------------------------------------------------------

    def _packages(self) -> None:
        old, new = self.old, self.new
        for key in sorted(old.compared & new.compared):
            before, after = old.package_of(key), new.package_of(key)
            if before != after:
                self.add(
                    Level.BREAKING,
                    "package-changed",
                    f"package of {new.display[key]} changed from {before or '(none)'} to {after or '(none)'}: "
                    "every type it declares has a new fully-qualified name",
                    new.location(key, *_FILE_FALLBACK),
                )
                self.covered_old.add(key)
                self.covered_new.add(key)
        remaining = {new.package_of(key) for key in new.files}
        by_package: dict[str, list[str]] = {}
        for key in sorted(old.compared):
            by_package.setdefault(old.package_of(key), []).append(key)
        for package, keys in by_package.items():
            uncovered = [key for key in keys if key not in self.covered_old]
            if package in remaining or not uncovered:
                continue
            self.add(
                Level.BREAKING,
                "package-removed",
                f"package {package or '(none)'} was removed with everything it declared "
                f"({', '.join(old.display[key] for key in keys)})",
                old.location(uncovered[0], *_FILE_FALLBACK),
            )
            self.covered_old.update(keys)

    def _top_level_homes(self, key: str) -> tuple[list[str], set[str]]:
        """The top-level types of an OLD file, and the NEW files that now declare them."""
        names = [
            element.name
            for index in (self.old.messages, self.old.enums, self.old.services)
            for element in index.values()
            if element.file == key and not element.parent
        ]
        homes: set[str] = set()
        for name in names:
            found = self.new.messages.get(name) or self.new.enums.get(name) or self.new.services.get(name)
            homes.add(found.file if found is not None else "")
        return names, homes

    def _files(self) -> None:
        old, new = self.old, self.new
        added = [key for key in sorted(new.compared) if key not in old.files]
        for key in sorted(old.compared):
            if key in new.files:
                if key in new.compared:
                    self._file_changes(key)
                continue
            if key in self.covered_old:
                continue
            names, homes = self._top_level_homes(key)
            home = next(iter(homes)) if len(homes) == 1 else ""
            if names and home in added and home not in self.renamed_files.values():
                self.renamed_files[key] = home
                self.add(
                    Level.DANGEROUS,
                    "file-renamed",
                    f"{old.display[key]} was renamed to {new.display[home]}: code generated from it is "
                    "imported from a new module",
                    new.location(home, *_FILE_FALLBACK),
                )
                continue
            self.add(
                Level.DANGEROUS,
                "file-removed",
                f"{old.display[key]} was removed: code generated from it and files importing it must change",
                old.location(key, *_FILE_FALLBACK),
            )
        for key in added:
            if key not in self.renamed_files.values():
                self.add(Level.SAFE, "file-added", f"{new.display[key]} was added", new.location(key, *_FILE_FALLBACK))

    def _file_changes(self, key: str) -> None:
        before, after = self.old.files[key], self.new.files[key]
        shown = self.new.display[key]
        if (before.syntax or "proto2") != (after.syntax or "proto2"):
            self.add(
                Level.DANGEROUS,
                "file-syntax-changed",
                f"{shown} changed from {before.syntax or 'proto2'} to {after.syntax or 'proto2'}: "
                "field presence and enum openness follow the syntax",
                self.new.location(key, (_FILE_SYNTAX,), (_FILE_PACKAGE,)),
            )
        old_options, new_options = _file_options(before), _file_options(after)
        for name in sorted(old_options.keys() | new_options.keys()):
            was, now = old_options.get(name), new_options.get(name)
            if was == now:
                continue
            number = (now or was or (0, ""))[0]
            self.add(
                Level.DANGEROUS,
                "file-option-changed",
                f"option {name} of {shown} changed from {was[1] if was else '(unset)'} to "
                f"{now[1] if now else '(unset)'}: generated code moves or changes shape",
                self.new.location(key, (_FILE_OPTIONS, number), *_FILE_FALLBACK),
            )
        self._deprecation(
            f"file {shown}",
            before.options.deprecated,
            after.options.deprecated,
            self.new.location(key, *_FILE_FALLBACK),
        )

    # Presence of types ---------------------------------------------------------------------------

    def _matched(
        self,
        kind: str,
        old_index: Mapping[str, _Element[_Proto]],
        new_index: Mapping[str, _Element[_Proto]],
        skip: Callable[[_Proto], bool] = lambda _: False,
    ) -> Iterator[tuple[_Element[_Proto], _Element[_Proto]]]:
        """Report removed and added types of one kind; yield the pairs present on both sides."""
        for name, before in old_index.items():
            after = new_index.get(name)
            if skip(before.proto) or not (self.old.is_compared(before) or self.new.is_compared(after)):
                continue
            if after is None:
                if self._removal_explained(before):
                    continue
                self.add(
                    Level.BREAKING,
                    f"{kind}-removed",
                    f"{kind} {name} was removed",
                    self.old.location(before.file, before.path),
                )
                continue
            if not before.parent and before.file != after.file and self.renamed_files.get(before.file) != after.file:
                self.add(
                    Level.DANGEROUS,
                    "type-moved-file",
                    f"{kind} {name} moved from {self.old.display[before.file]} to {self.new.display[after.file]}: "
                    "generated code imports it from another module",
                    self.new.location(after.file, after.path),
                )
            yield before, after
        for name, after in new_index.items():
            if name in old_index or skip(after.proto) or not self.new.is_compared(after):
                continue
            if (after.parent and after.parent not in self.old.messages) or after.file in self.covered_new:
                continue
            self.add(Level.SAFE, f"{kind}-added", f"{kind} {name} was added", self.new.location(after.file, after.path))

    def _declarations(
        self,
        kind: str,
        old_index: Mapping[str, _Element[_Declared]],
        new_index: Mapping[str, _Element[_Declared]],
        members: Callable[[_Element[_Declared], _Element[_Declared]], None],
        skip: Callable[[_Declared], bool] = lambda _: False,
    ) -> None:
        """Messages, enums or services: removed and added ones, then for each pair its deprecation,
        its comment and its `members` (fields, values or RPCs)."""
        for before, after in self._matched(kind, old_index, new_index, skip):
            what = f"{kind} {after.name}"
            location = self.new.location(after.file, after.path)
            self._deprecation(what, before.proto.options.deprecated, after.proto.options.deprecated, location)
            self._comment(what, (before.file, before.path), (after.file, after.path))
            members(before, after)

    def _removal_explained(self, before: _Element[_Proto]) -> bool:
        """A type inside a removed message, package or changed package is reported with its container."""
        if before.parent:
            return before.parent not in self.new.messages
        return before.file in self.covered_old

    def _deprecation(self, what: str, was: bool, now: bool, location: Location) -> None:
        if was != now:
            rule = "deprecated-added" if now else "deprecated-removed"
            self.add(Level.SAFE, rule, f"{what} is {'now' if now else 'no longer'} deprecated", location)

    def _comment(self, what: str, before: tuple[str, tuple[int, ...]], after: tuple[str, tuple[int, ...]]) -> None:
        if self.old.comment(*before) != self.new.comment(*after):
            self.add(Level.SAFE, "comment-changed", f"the comment of {what} changed", self.new.location(*after))

    def _reserved(
        self,
        kind: str,
        before: _Element[_Reserving],
        after: _Element[_Reserving],
        numbers: tuple[list[tuple[int, int]], list[tuple[int, int]]],
        deleted: tuple[set[int], set[str]],
    ) -> None:
        """Reservations of a message or enum lifted (a deleted number or name may return with another
        meaning) or added; `numbers` are both sides' reserved ranges, half-open."""
        what = f"{kind} {after.name}"
        names = set(before.proto.reserved_name), set(after.proto.reserved_name)
        location = self.new.location(after.file, after.path)
        old_numbers, new_numbers = (_ranges(side) for side in numbers)
        lifted = _subtract(old_numbers, new_numbers)
        lifted_names = sorted(names[0] - names[1])
        if lifted or lifted_names:
            released = ", ".join(filter(None, [_range_text(lifted), ", ".join(lifted_names)]))
            self.add(
                Level.DANGEROUS,
                "reserved-removed",
                f"{what} no longer reserves {released}: what was deleted can come back with another meaning",
                location,
            )
        fresh = _subtract(_subtract(new_numbers, old_numbers), _ranges((number, number + 1) for number in deleted[0]))
        fresh_names = sorted(names[1] - names[0] - deleted[1])
        if fresh or fresh_names:
            reserved = ", ".join(filter(None, [_range_text(fresh), ", ".join(fresh_names)]))
            self.add(Level.SAFE, "reserved-added", f"{what} now reserves {reserved}", location)

    def _member_added(self, rule: str, what: str, after: _Element[_Proto], part: int, index: int) -> None:
        """A field, enum value or RPC that NEW's `after` declares and OLD's did not: SAFE."""
        self.add(Level.SAFE, rule, f"{what} was added to {after.name}", self.new.part_location(after, part, index))

    def _deletion(
        self,
        what: str,
        kind: str,
        number_reserved: bool,
        name_reserved: bool,
        location: Location,
    ) -> None:
        if number_reserved and name_reserved:
            self.add(
                Level.SAFE,
                f"{kind}-deleted-reserved",
                f"{what} was deleted; its number and name are reserved",
                location,
            )
        elif number_reserved or name_reserved:
            kept, missing = ("number", "name") if number_reserved else ("name", "number")
            self.add(
                Level.DANGEROUS,
                f"{kind}-deleted-partly-reserved",
                f"{what} was deleted and its {kept} reserved, but not its {missing}: "
                f"reusing the {missing} would misread old data",
                location,
            )
        else:
            self.add(
                Level.BREAKING,
                f"{kind}-deleted",
                f"{what} was deleted without reserving its number and name",
                location,
            )

    # Fields --------------------------------------------------------------------------------------

    def _fields(
        self, before: _Element[descriptor_pb2.DescriptorProto], after: _Element[descriptor_pb2.DescriptorProto]
    ) -> None:
        old_fields = {proto.number: (index, proto) for index, proto in enumerate(before.proto.field)}
        new_fields = {proto.number: (index, proto) for index, proto in enumerate(after.proto.field)}
        new_numbers_by_name = {proto.name: proto.number for proto in after.proto.field}
        old_reserved = [(item.start, item.end) for item in before.proto.reserved_range]
        new_reserved = [(item.start, item.end) for item in after.proto.reserved_range]
        renamed_oneofs = self._oneof_renames(before, after, old_fields, new_fields)
        renumbered: set[int] = set()
        deleted_numbers: set[int] = set()
        deleted_names: set[str] = set()
        for number, (index, proto) in old_fields.items():
            if number in new_fields:
                new_index, new_proto = new_fields[number]
                self._field(before, after, (index, proto), (new_index, new_proto), renamed_oneofs)
                continue
            moved_to = new_numbers_by_name.get(proto.name)
            if moved_to is not None and moved_to not in old_fields:
                renumbered.add(moved_to)
                self.add(
                    Level.BREAKING,
                    "field-number-changed",
                    f"field {number} ({proto.name}) of {after.name} is now number {moved_to}: "
                    "binary data written with either number is misread by the other side",
                    self.new.part_location(after, _MESSAGE_FIELD, new_fields[moved_to][0]),
                )
                continue
            deleted_numbers.add(number)
            deleted_names.add(proto.name)
            self._deletion(
                f"field {number} ({proto.name}) of {after.name}",
                "field",
                any(start <= number < end for start, end in new_reserved),
                proto.name in after.proto.reserved_name,
                self.old.part_location(before, _MESSAGE_FIELD, index),
            )
        for number, (index, proto) in new_fields.items():
            if number not in old_fields and number not in renumbered:
                self._member_added("field-added", f"field {number} ({proto.name})", after, _MESSAGE_FIELD, index)
        self._reserved("message", before, after, (old_reserved, new_reserved), (deleted_numbers, deleted_names))

    def _oneof_renames(
        self,
        before: _Element[descriptor_pb2.DescriptorProto],
        after: _Element[descriptor_pb2.DescriptorProto],
        old_fields: Mapping[int, tuple[int, descriptor_pb2.FieldDescriptorProto]],
        new_fields: Mapping[int, tuple[int, descriptor_pb2.FieldDescriptorProto]],
    ) -> dict[str, str]:
        """Oneofs whose kept fields all went, together and alone, to one new name: a rename, not moves."""
        common = old_fields.keys() & new_fields.keys()

        def groups(
            message: descriptor_pb2.DescriptorProto, fields: Iterable[descriptor_pb2.FieldDescriptorProto]
        ) -> dict[str, set[int]]:
            found: dict[str, set[int]] = {}
            for proto in fields:
                oneof = _real_oneof(message, proto)
                if oneof is not None and proto.number in common:
                    found.setdefault(oneof, set()).add(proto.number)
            return found

        old_groups = groups(before.proto, (proto for _, proto in old_fields.values()))
        new_groups = groups(after.proto, (proto for _, proto in new_fields.values()))
        renames: dict[str, str] = {}
        for old_name, numbers in old_groups.items():
            if old_name in new_groups:
                continue
            target = next(
                (name for name, kept in new_groups.items() if kept == numbers and name not in old_groups), None
            )
            if target is None:
                continue
            renames[old_name] = target
            index = next(index for index, oneof in enumerate(after.proto.oneof_decl) if oneof.name == target)
            self.add(
                Level.DANGEROUS,
                "oneof-renamed",
                f"oneof {old_name} of {after.name} was renamed to {target}: the wire and JSON are unchanged, "
                "generated accessors are not",
                self.new.part_location(after, _MESSAGE_ONEOF, index),
            )
        return renames

    def _field(
        self,
        before: _Element[descriptor_pb2.DescriptorProto],
        after: _Element[descriptor_pb2.DescriptorProto],
        old_field: tuple[int, descriptor_pb2.FieldDescriptorProto],
        new_field: tuple[int, descriptor_pb2.FieldDescriptorProto],
        renamed_oneofs: Mapping[str, str],
    ) -> None:
        (old_index, was), (new_index, now) = old_field, new_field
        path = (*after.path, _MESSAGE_FIELD, new_index)
        location = self.new.location(after.file, path)
        what = f"field {now.number} ({was.name}) of {after.name}"
        old_text, new_text = self._declaration(self.old, was), self._declaration(self.new, now)
        if was.name != now.name and old_text != new_text:
            self.add(
                Level.BREAKING,
                "field-number-reused",
                f"field {now.number} of {after.name} was `{old_text} {was.name}` and is now `{new_text} {now.name}`: "
                "both sides misread each other's data",
                location,
            )
            return
        if was.name != now.name:
            self.add(
                Level.BREAKING,
                "field-renamed",
                f"{what} was renamed to {now.name}: JSON, text format and field masks use the name",
                location,
            )
        elif was.json_name != now.json_name:
            self.add(
                Level.BREAKING,
                "field-json-name-changed",
                f"the JSON name of {what} changed from {was.json_name} to {now.json_name}",
                location,
            )
        self._field_type(what, was, now, location)
        old_oneof, new_oneof = _real_oneof(before.proto, was), _real_oneof(after.proto, now)
        renamed = old_oneof is not None and old_oneof in renamed_oneofs and renamed_oneofs[old_oneof] == new_oneof
        if old_oneof != new_oneof and not renamed:
            if old_oneof is None:
                moved = f"moved into oneof {new_oneof}"
            elif new_oneof is None:
                moved = f"moved out of oneof {old_oneof}"
            else:
                moved = f"moved from oneof {old_oneof} to oneof {new_oneof}"
            self.add(
                Level.BREAKING,
                "field-oneof-changed",
                f"{what} {moved}: setting a member of a oneof clears the others",
                location,
            )
        if was.proto3_optional != now.proto3_optional:
            self.add(
                Level.DANGEROUS,
                "field-presence-changed",
                f"{what} {'became' if now.proto3_optional else 'is no longer'} proto3 `optional`: "
                "whether an unset value is distinguishable from its default changes",
                location,
            )
        if was.default_value != now.default_value and _value_type(was) == _value_type(now):
            self.add(
                Level.DANGEROUS,
                "field-default-changed",
                f"the default of {what} changed from {was.default_value or '(none)'} to "
                f"{now.default_value or '(none)'}: "
                "readers on each side see a different value when it is unset",
                location,
            )
        self._deprecation(what, was.options.deprecated, now.options.deprecated, location)
        self._comment(what, (before.file, (*before.path, _MESSAGE_FIELD, old_index)), (after.file, path))

    def _map_entry(
        self, contract: _Contract, proto: descriptor_pb2.FieldDescriptorProto
    ) -> descriptor_pb2.DescriptorProto | None:
        if proto.type != _FieldProto.TYPE_MESSAGE or proto.label != _FieldProto.LABEL_REPEATED:
            return None
        entry = contract.messages.get(proto.type_name.lstrip("."))
        return entry.proto if entry is not None and entry.proto.options.map_entry else None

    def _declaration(self, contract: _Contract, proto: descriptor_pb2.FieldDescriptorProto) -> str:
        """The field's type as written: `map<string, int32>`, `repeated acme.v1.Item`, `optional int64`."""
        entry = self._map_entry(contract, proto)
        if entry is not None:
            return f"map<{_value_type(entry.field[0])}, {_value_type(entry.field[1])}>"
        label = "optional" if proto.proto3_optional else _LABELS[proto.label]
        return f"{label} {_value_type(proto)}" if label != "singular" else str(_value_type(proto))

    def _field_type(
        self,
        what: str,
        was: descriptor_pb2.FieldDescriptorProto,
        now: descriptor_pb2.FieldDescriptorProto,
        location: Location,
    ) -> None:
        old_entry, new_entry = self._map_entry(self.old, was), self._map_entry(self.new, now)
        if old_entry is not None and new_entry is not None:
            for part, index in (("key", 0), ("value", 1)):
                self._value_change(
                    f"the map {part} type of {what}",
                    f"map-{part}-type-changed",
                    _value_type(old_entry.field[index]),
                    _value_type(new_entry.field[index]),
                    location,
                )
            return
        if old_entry is not None or new_entry is not None:
            self.add(
                Level.BREAKING,
                "field-type-changed",
                f"the type of {what} changed from {self._declaration(self.old, was)} to "
                f"{self._declaration(self.new, now)}: "
                "JSON writes maps as objects and lists as arrays",
                location,
            )
            return
        if was.label != now.label:
            required = _FieldProto.LABEL_REQUIRED in (was.label, now.label)
            self.add(
                Level.BREAKING,
                "field-cardinality-changed",
                f"{what} changed from {_LABELS[was.label]} to {_LABELS[now.label]}: "
                + (
                    "a reader that requires it rejects data without it"
                    if required
                    else "JSON writes a value or an array"
                ),
                location,
            )
        self._value_change(f"the type of {what}", "field-type-changed", _value_type(was), _value_type(now), location)

    def _value_change(self, what: str, rule: str, was: _ValueType, now: _ValueType, location: Location) -> None:
        if was == now:
            return
        compatibility = _compatibility(was, now)
        if compatibility == "wire+json":
            self.add(
                Level.DANGEROUS,
                "field-integer-type-changed",
                f"{what} changed from {was} to {now}: compatible on the wire and in JSON, but values outside "
                "the range both types share are truncated or change sign (and are rejected in JSON)",
                location,
            )
        elif compatibility == "wire":
            self.add(
                Level.BREAKING,
                rule,
                f"{what} changed from {was} to {now}: compatible on the wire, not in JSON",
                location,
            )
        else:
            self.add(Level.BREAKING, rule, f"{what} changed from {was} to {now}", location)

    # Enum values ---------------------------------------------------------------------------------

    def _values(
        self, before: _Element[descriptor_pb2.EnumDescriptorProto], after: _Element[descriptor_pb2.EnumDescriptorProto]
    ) -> None:
        old_by_name = {value.name: (index, value) for index, value in enumerate(before.proto.value)}
        new_by_name = {value.name: (index, value) for index, value in enumerate(after.proto.value)}
        new_numbers: dict[int, list[str]] = {}
        for value in after.proto.value:
            new_numbers.setdefault(value.number, []).append(value.name)
        # EnumReservedRange is inclusive at both ends; DescriptorProto's is half-open.
        old_reserved = [(item.start, item.end + 1) for item in before.proto.reserved_range]
        new_reserved = [(item.start, item.end + 1) for item in after.proto.reserved_range]
        claimed: set[str] = set()
        deleted_numbers: set[int] = set()
        deleted_names: set[str] = set()
        for name, (index, value) in old_by_name.items():
            what = f"value {name} ({value.number}) of {after.name}"
            if name in new_by_name:
                new_index, new_value = new_by_name[name]
                path = (*after.path, _ENUM_VALUE, new_index)
                location = self.new.location(after.file, path)
                if new_value.number != value.number:
                    self.add(
                        Level.BREAKING,
                        "enum-value-number-changed",
                        f"{what} is now number {new_value.number}: binary data is read as another value",
                        location,
                    )
                self._deprecation(what, value.options.deprecated, new_value.options.deprecated, location)
                self._comment(what, (before.file, (*before.path, _ENUM_VALUE, index)), (after.file, path))
                continue
            successors = [
                other
                for other in new_numbers.get(value.number, [])
                if other not in old_by_name and other not in claimed
            ]
            if successors:
                claimed.add(successors[0])
                self.add(
                    Level.BREAKING,
                    "enum-value-renamed",
                    f"{what} was renamed to {successors[0]}: JSON and text format use the name",
                    self.new.part_location(after, _ENUM_VALUE, new_by_name[successors[0]][0]),
                )
                continue
            deleted_names.add(name)
            if value.number not in new_numbers:
                deleted_numbers.add(value.number)
            self._deletion(
                what,
                "enum-value",
                value.number in new_numbers or any(start <= value.number < end for start, end in new_reserved),
                name in after.proto.reserved_name,
                self.old.part_location(before, _ENUM_VALUE, index),
            )
        for name, (index, value) in new_by_name.items():
            if name not in old_by_name and name not in claimed:
                self._member_added("enum-value-added", f"value {name} ({value.number})", after, _ENUM_VALUE, index)
        self._reserved("enum", before, after, (old_reserved, new_reserved), (deleted_numbers, deleted_names))

    # RPCs ----------------------------------------------------------------------------------------

    def _methods(
        self,
        before: _Element[descriptor_pb2.ServiceDescriptorProto],
        after: _Element[descriptor_pb2.ServiceDescriptorProto],
    ) -> None:
        old_methods = {method.name: (index, method) for index, method in enumerate(before.proto.method)}
        new_methods = {method.name: (index, method) for index, method in enumerate(after.proto.method)}
        claimed: set[str] = set()
        for name, (index, method) in old_methods.items():
            what = f"RPC {name} of {after.name}"
            if name in new_methods:
                self._method(
                    what, (before.file, (*before.path, _SERVICE_METHOD, index)), after, new_methods[name], method
                )
                continue
            twins = [
                other
                for other, (_, candidate) in new_methods.items()
                if other not in old_methods and other not in claimed and _signature(candidate) == _signature(method)
            ]
            if len(twins) == 1:
                claimed.add(twins[0])
                self.add(
                    Level.BREAKING,
                    "rpc-renamed",
                    f"{what} was renamed to {twins[0]}: clients call it by its old path",
                    self.new.part_location(after, _SERVICE_METHOD, new_methods[twins[0]][0]),
                )
                continue
            self.add(
                Level.BREAKING,
                "rpc-removed",
                f"{what} was removed: clients calling it get UNIMPLEMENTED",
                self.old.part_location(before, _SERVICE_METHOD, index),
            )
        for name, (index, _) in new_methods.items():
            if name not in old_methods and name not in claimed:
                self._member_added("rpc-added", f"RPC {name}", after, _SERVICE_METHOD, index)

    def _method(
        self,
        what: str,
        old_place: tuple[str, tuple[int, ...]],
        after: _Element[descriptor_pb2.ServiceDescriptorProto],
        new_method: tuple[int, descriptor_pb2.MethodDescriptorProto],
        was: descriptor_pb2.MethodDescriptorProto,
    ) -> None:
        new_index, now = new_method
        path = (*after.path, _SERVICE_METHOD, new_index)
        location = self.new.location(after.file, path)
        for part, before_type, after_type in (
            ("request", was.input_type, now.input_type),
            ("response", was.output_type, now.output_type),
        ):
            if before_type != after_type:
                self.add(
                    Level.BREAKING,
                    f"rpc-{part}-type-changed",
                    f"the {part} type of {what} changed from {before_type.lstrip('.')} to {after_type.lstrip('.')}",
                    location,
                )
        if _streaming(was) != _streaming(now):
            self.add(
                Level.BREAKING,
                "rpc-streaming-changed",
                f"{what} changed from {_streaming(was)} to {_streaming(now)}",
                location,
            )
        levels = descriptor_pb2.MethodOptions.IdempotencyLevel
        if was.options.idempotency_level != now.options.idempotency_level:
            self.add(
                Level.DANGEROUS,
                "rpc-idempotency-changed",
                f"the idempotency level of {what} changed from {levels.Name(was.options.idempotency_level)} to "
                f"{levels.Name(now.options.idempotency_level)}: retries and GET mapping change",
                location,
            )
        self._deprecation(what, was.options.deprecated, now.options.deprecated, location)
        self._comment(what, old_place, (after.file, path))
