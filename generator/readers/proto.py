""".proto files → Contract IR, through protoc's FileDescriptorSet (no home-made .proto parser).

grpcio-tools' protoc parses and checks the files (imports across files and packages, the
well-known types from grpc_tools' include directory, user `--proto-path`s); its errors come back
as located diagnostics. This module walks the descriptors: messages (nested, maps, oneofs,
optional), enums, services and their four streaming kinds, with comments as docs.
"""

from __future__ import annotations

import hashlib
import keyword
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.message import Message as ProtobufMessage

from generator.diagnostics import DiagnosticSink, Location, undecodable_location
from generator.ir.model import Contract, ModelModule, SourceFile
from generator.ir.names import NameScope
from generator.ir.proto import (
    FieldKind,
    ProtoContract,
    ProtoEnum,
    ProtoEnumValue,
    ProtoField,
    ProtoFile,
    ProtoMessage,
    ProtoMethod,
    ProtoService,
)
from generator.protoc import ProtocFailed, descriptor_set
from generator.protocols import PROTO_SUFFIX
from generator.readers.limits import size_refusal

_RUNTIME_PACKAGE_PREFIX = "google/protobuf/"
"""Files the protobuf runtime ships compiled (well-known types): imported, never generated."""
_FIELD_KINDS = {
    number: FieldKind[name.removeprefix("TYPE_")] for name, number in descriptor_pb2.FieldDescriptorProto.Type.items()
}
# SourceCodeInfo paths: field numbers of the descriptor messages that hold each kind of element.
_MESSAGE_TYPE, _ENUM_TYPE, _SERVICE = 4, 5, 6
_FIELD, _NESTED_TYPE, _NESTED_ENUM = 2, 3, 4
_ENUM_VALUE, _METHOD = 2, 2
_NAME, _ONEOF = 1, 8  # `name` of every descriptor; DescriptorProto.oneof_decl
# Names the generated servicer and client classes use for their own members.
_METHOD_NAMES_RESERVED = ("channel", "close", "metadata", "timeout", "add_to_server")


def read_proto(paths: Sequence[Path], sink: DiagnosticSink, proto_paths: Sequence[Path] = ()) -> Contract | None:
    """Compile with protoc and lower; `None` (with located errors in `sink`) if the files are broken."""
    roots = [path.resolve() for path in proto_paths] or default_roots(paths)
    spellings = _root_spellings(paths, proto_paths)
    names = list(protoc_names(paths, roots, sink))
    if sink.has_errors:
        return None
    try:
        raw = descriptor_set(names, roots)
    except ProtocFailed as failure:
        for message in dict.fromkeys(failure.messages):  # protoc repeats some errors word for word
            location = (
                Location(_display_path(message.file, roots, spellings), message.line, message.column)
                if message.file
                else None
            )
            sink.error("proto.protoc", message.message, location or Location(str(paths[0])))
        return None
    file_set = descriptor_pb2.FileDescriptorSet.FromString(raw)
    lowering = _Lowering(file_set, set(names), sink, roots, spellings)
    contract = lowering.contract(raw)
    defined = [item.file for item in contract.messages] + [item.file for item in contract.enums]
    if not set(names) & {*defined, *(service.file for service in contract.services)}:
        where = Location(str(paths[0])) if paths[0].is_dir() else Location(str(paths[0]), 1, 1)
        sink.error("proto.empty", "no message, enum or service is defined, so there is nothing to generate", where)
    if sink.has_errors:
        return None
    # Every file protoc read from the roots (imports included), so a no-op run can prove them unchanged.
    read_files = dict.fromkeys(Path(_source_path(name, roots)) for name in [*names, *(f.name for f in file_set.file)])
    sources = tuple(
        SourceFile(path=str(source), sha256=hashlib.sha256(source.read_bytes()).hexdigest())
        for source in read_files
        if source.is_absolute() and source.is_file()
    )
    return Contract(
        protocol="proto",
        title=_title(paths),
        version="",
        description="",
        sources=sources,
        services=(),
        models=ModelModule(source=""),
        proto=contract,
    )


def _title(paths: Sequence[Path]) -> str:
    first = paths[0]
    return first.name if first.is_dir() else first.stem


def default_roots(paths: Sequence[Path]) -> list[Path]:
    """Like protoc's `-I`: a directory given is a root; a file's own directory is one."""
    roots: list[Path] = []
    for path in paths:
        root = path.resolve() if path.is_dir() else path.resolve().parent
        if root not in roots:
            roots.append(root)
    return roots


def protoc_names(paths: Sequence[Path], roots: Sequence[Path], sink: DiagnosticSink) -> Iterator[str]:
    """Each contract file as protoc names it: relative to the first proto path that holds it."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(candidate for candidate in path.rglob(f"*{PROTO_SUFFIX}") if candidate.is_file()))
        else:
            files.append(path)
    if not files:
        sink.error("proto.no-files", "no .proto files found", Location(str(paths[0])))
    seen: set[str] = set()
    for file in files:
        refusal = size_refusal(file)
        if refusal is not None:
            sink.error("proto.too-large", refusal, Location(str(file)))
            continue
        if not _is_utf8(file, sink):
            continue
        resolved = file.resolve()
        root = next((root for root in roots if resolved.is_relative_to(root)), None)
        if root is None:
            sink.error(
                "proto.outside-proto-path",
                "the file is not under any --proto-path; add the directory its imports are relative to",
                Location(str(file)),
            )
            continue
        name = resolved.relative_to(root).as_posix()
        if name not in seen:
            seen.add(name)
            yield name


def _source_path(name: str, roots: Sequence[Path]) -> str:
    for root in roots:
        if (root / name).is_file():
            return str(root / name)
    return name


def _root_spellings(paths: Sequence[Path], proto_paths: Sequence[Path]) -> dict[Path, Path]:
    """Each resolved root as the user wrote it, so diagnostics name files the way the user does."""
    given = list(proto_paths) or [path if path.is_dir() else path.parent for path in paths]
    spellings: dict[Path, Path] = {}
    for root in given:
        spellings.setdefault(root.resolve(), root)
    return spellings


def _display_path(name: str, roots: Sequence[Path], spellings: Mapping[Path, Path]) -> str:
    """A file protoc names (relative to a root, or on disk) as diagnostics show it: under the root's spelling."""
    for root in roots:
        relative = Path(name).relative_to(root) if Path(name).is_relative_to(root) else Path(name)
        if not relative.is_absolute() and (root / relative).is_file():
            return str(spellings.get(root, root) / relative)
    return name


def _is_utf8(file: Path, sink: DiagnosticSink) -> bool:
    """protoc reads any bytes, but comments that are not UTF-8 cannot become docstrings."""
    raw = file.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        sink.error(
            "proto.encoding",
            f"not UTF-8 text ({error.reason} at byte {error.start}); save the file as UTF-8",
            undecodable_location(str(file), raw, error),
        )
        return False
    return True


def python_module(file_name: str) -> str:
    """protoc's Python module for a .proto file: `acme/v1/shop-api.proto` → `acme.v1.shop_api_pb2`."""
    stem = file_name.removesuffix(PROTO_SUFFIX).replace("-", "_")
    return stem.replace("/", ".") + "_pb2"


class _Lowering:
    def __init__(
        self,
        file_set: descriptor_pb2.FileDescriptorSet,
        requested: set[str],
        sink: DiagnosticSink,
        roots: Sequence[Path],
        spellings: Mapping[Path, Path],
    ) -> None:
        self.file_set = file_set
        self.requested = requested
        self.sink = sink
        self.roots = roots
        self.spellings = spellings
        self.map_entries: dict[str, descriptor_pb2.DescriptorProto] = {}
        self.messages: list[ProtoMessage] = []
        self.enums: list[ProtoEnum] = []
        self.services: list[ProtoService] = []

    def contract(self, raw: bytes) -> ProtoContract:
        files = []
        for file in self.file_set.file:
            generated = not file.name.startswith(_RUNTIME_PACKAGE_PREFIX)
            module = python_module(file.name)
            if generated:
                self._check_module(file.name, module)
                self._check_names(file)
            files.append(
                ProtoFile(
                    name=file.name,
                    package=file.package,
                    python_module=module,
                    dependencies=tuple(file.dependency),
                    syntax=file.syntax or "proto2",
                    generated=generated,
                    requested=file.name in self.requested,
                )
            )
            comments = _comments(file)
            prefix = f"{file.package}." if file.package else ""
            for message in file.message_type:
                self._collect_map_entries(message, prefix + message.name)
            for index, message in enumerate(file.message_type):
                self._message(file, module, message, prefix, "", (_MESSAGE_TYPE, index), comments)
            for index, enum in enumerate(file.enum_type):
                self._enum(file, module, enum, prefix, "", (_ENUM_TYPE, index), comments)
            for index, service in enumerate(file.service):
                self._service(file, module, service, prefix, (_SERVICE, index), comments)
        return ProtoContract(tuple(files), tuple(self.messages), tuple(self.enums), tuple(self.services), raw)

    def _check_names(self, file: descriptor_pb2.FileDescriptorProto) -> None:
        """protoc's Python output uses message, enum and service names as class names as they are."""
        spans = {tuple(location.path): location.span for location in file.source_code_info.location}

        def where(path: tuple[int, ...]) -> Location:
            """The declared name's line and column (SourceCodeInfo spans are 0-based), else the file."""
            span = spans.get((*path, _NAME)) or spans.get(path)
            display = _display_path(file.name, self.roots, self.spellings)
            return Location(display, span[0] + 1, span[1] + 1) if span else Location(display)

        def names(
            messages: Sequence[descriptor_pb2.DescriptorProto], parent: tuple[int, ...], kind: int
        ) -> Iterator[tuple[str, tuple[int, ...]]]:
            for index, message in enumerate(messages):
                path = (*parent, kind, index)
                yield message.name, path
                yield from ((enum.name, (*path, _NESTED_ENUM, i)) for i, enum in enumerate(message.enum_type))
                yield from names(message.nested_type, path, _NESTED_TYPE)

        declared = [*names(file.message_type, (), _MESSAGE_TYPE)]
        declared.extend((enum.name, (_ENUM_TYPE, index)) for index, enum in enumerate(file.enum_type))
        for index, service in enumerate(file.service):
            declared.append((service.name, (_SERVICE, index)))
            declared.extend((method.name, (_SERVICE, index, _METHOD, i)) for i, method in enumerate(service.method))
        for name, path in declared:
            if keyword.iskeyword(name):
                self.sink.error(
                    "proto.python-keyword",
                    f"{name!r} is a Python keyword, so protoc's Python code cannot use it as a class or method name",
                    where(path),
                )

        def members(
            messages: Sequence[descriptor_pb2.DescriptorProto], parent: tuple[int, ...], kind: int
        ) -> Iterator[tuple[str, str, tuple[int, ...]]]:
            for index, message in enumerate(messages):
                path = (*parent, kind, index)
                yield from ((message.name, field.name, (*path, _FIELD, i)) for i, field in enumerate(message.field))
                yield from (
                    (message.name, oneof.name, (*path, _ONEOF, i)) for i, oneof in enumerate(message.oneof_decl)
                )
                yield from members(message.nested_type, path, _NESTED_TYPE)

        for message_name, member, path in members(file.message_type, (), _MESSAGE_TYPE):
            if member in _MESSAGE_API:
                self.sink.error(
                    "proto.message-api-name",
                    f"field {member!r} of {message_name!r} has the name of a protobuf message method or "
                    "attribute; in Python the field would hide it (serializing or describing the message breaks)",
                    where(path),
                )

    def _check_module(self, file_name: str, module: str) -> None:
        bad = [part for part in module.split(".") if not part.isidentifier() or keyword.iskeyword(part)]
        if bad:
            self.sink.error(
                "proto.module-name",
                f"the Python module for this file would be {module!r}; {bad[0]!r} cannot be imported "
                "(rename the file or directory)",
                Location(_display_path(file_name, self.roots, self.spellings)),
            )

    def _collect_map_entries(self, message: descriptor_pb2.DescriptorProto, full_name: str) -> None:
        for nested in message.nested_type:
            nested_name = f"{full_name}.{nested.name}"
            if nested.options.map_entry:
                self.map_entries[nested_name] = nested
            self._collect_map_entries(nested, nested_name)

    def _message(
        self,
        file: descriptor_pb2.FileDescriptorProto,
        module: str,
        message: descriptor_pb2.DescriptorProto,
        prefix: str,
        outer: str,
        path: tuple[int, ...],
        comments: dict[tuple[int, ...], str],
    ) -> None:
        python_name = f"{outer}.{message.name}" if outer else message.name
        full_name = prefix + python_name
        if message.options.map_entry:
            return
        real_oneofs = [
            oneof.name
            for index, oneof in enumerate(message.oneof_decl)
            if not all(
                field.proto3_optional
                for field in message.field
                if field.HasField("oneof_index") and field.oneof_index == index
            )
        ]
        fields = tuple(
            self._field(field, message, comments.get((*path, _FIELD, index), ""), file.syntax or "proto2")
            for index, field in enumerate(message.field)
        )
        self.messages.append(
            ProtoMessage(
                full_name=full_name,
                python_module=module,
                python_name=python_name,
                fields=fields,
                oneofs=tuple(real_oneofs),
                doc=comments.get(path, ""),
                file=file.name,
            )
        )
        for index, nested in enumerate(message.nested_type):
            self._message(file, module, nested, prefix, python_name, (*path, _NESTED_TYPE, index), comments)
        for index, enum in enumerate(message.enum_type):
            self._enum(file, module, enum, prefix, python_name, (*path, _NESTED_ENUM, index), comments)

    def _field(
        self,
        field: descriptor_pb2.FieldDescriptorProto,
        message: descriptor_pb2.DescriptorProto,
        doc: str,
        syntax: str,
    ) -> ProtoField:
        kind = _FIELD_KINDS[field.type]
        type_name = field.type_name.lstrip(".")
        repeated = field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
        entry = self.map_entries.get(type_name) if repeated and kind is FieldKind.MESSAGE else None
        oneof = ""
        if field.HasField("oneof_index") and not field.proto3_optional:
            oneof = message.oneof_decl[field.oneof_index].name
        has_presence = (
            field.proto3_optional
            or (kind is FieldKind.MESSAGE and not repeated)
            or (syntax == "proto2" and field.label == descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
            or bool(oneof)
        )
        return ProtoField(
            name=field.name,
            number=field.number,
            kind=kind,
            type_name=type_name,
            repeated=repeated and entry is None,
            map_key=self._field(entry.field[0], entry, "", syntax) if entry is not None else None,
            map_value=self._field(entry.field[1], entry, "", syntax) if entry is not None else None,
            oneof=oneof,
            optional=has_presence,
            json_name=field.json_name,
            doc=doc,
            deprecated=field.options.deprecated,
        )

    def _enum(
        self,
        file: descriptor_pb2.FileDescriptorProto,
        module: str,
        enum: descriptor_pb2.EnumDescriptorProto,
        prefix: str,
        outer: str,
        path: tuple[int, ...],
        comments: dict[tuple[int, ...], str],
    ) -> None:
        python_name = f"{outer}.{enum.name}" if outer else enum.name
        values = tuple(
            ProtoEnumValue(value.name, value.number, comments.get((*path, _ENUM_VALUE, index), ""))
            for index, value in enumerate(enum.value)
        )
        self.enums.append(
            ProtoEnum(prefix + python_name, module, python_name, values, comments.get(path, ""), file.name)
        )

    def _service(
        self,
        file: descriptor_pb2.FileDescriptorProto,
        module: str,
        service: descriptor_pb2.ServiceDescriptorProto,
        prefix: str,
        path: tuple[int, ...],
        comments: dict[tuple[int, ...], str],
    ) -> None:
        scope = NameScope(_METHOD_NAMES_RESERVED)
        methods = []
        for index, method in enumerate(service.method):
            level = method.options.idempotency_level
            methods.append(
                ProtoMethod(
                    name=method.name,
                    python_name=scope.claim_identifier(method.name),
                    input_type=method.input_type.lstrip("."),
                    output_type=method.output_type.lstrip("."),
                    client_streaming=method.client_streaming,
                    server_streaming=method.server_streaming,
                    doc=comments.get((*path, _METHOD, index), ""),
                    idempotency="" if level == 0 else descriptor_pb2.MethodOptions.IdempotencyLevel.Name(level),
                    deprecated=method.options.deprecated,
                )
            )
        self.services.append(
            ProtoService(
                full_name=prefix + service.name,
                name=service.name,
                python_module=module,
                methods=tuple(methods),
                doc=comments.get(path, ""),
                file=file.name,
            )
        )


_MESSAGE_API = frozenset(name for name in dir(ProtobufMessage) if not name.startswith("_"))
"""`DESCRIPTOR`, `SerializeToString`, `CopyFrom`...: what every protobuf Python message has."""


def _comments(file: descriptor_pb2.FileDescriptorProto) -> dict[tuple[int, ...], str]:
    """Leading (else trailing) comment of every element, by SourceCodeInfo path."""
    found: dict[tuple[int, ...], str] = {}
    for location in file.source_code_info.location:
        text: str | bytes = location.leading_comments or location.trailing_comments
        if isinstance(text, bytes):  # protobuf hands back bytes for a comment that is not UTF-8 (an import's)
            text = text.decode("utf-8", errors="replace")
        if text.strip():
            # Lines as protoc ends them (`\n`): `splitlines` would also break at U+2028, U+0085...,
            # which are text inside a comment line, kept (escaped) in the docstrings.
            lines = text.strip(" \t\r\n").split("\n")
            found[tuple(location.path)] = "\n".join(line.strip(" \t\r") for line in lines)
    return found
