"""A protobuf/gRPC contract as frozen data, walked from protoc's FileDescriptorSet.

Messages and enums keep their full protobuf names (`google.pubsub.v1.Topic`) and say where their
generated class lives (`python_module` + `python_name`, e.g. `google.pubsub.v1.pubsub_pb2` and
`Topic.LabelsEntry`), relative to the generated package's proto root. Comments stay raw here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from generator.ir.names import PythonIdentifier


class FieldKind(enum.Enum):
    """`FieldDescriptorProto.Type` names, lower-case (`int64`, `message`...)."""

    DOUBLE = "double"
    FLOAT = "float"
    INT64 = "int64"
    UINT64 = "uint64"
    INT32 = "int32"
    FIXED64 = "fixed64"
    FIXED32 = "fixed32"
    BOOL = "bool"
    STRING = "string"
    GROUP = "group"
    MESSAGE = "message"
    BYTES = "bytes"
    UINT32 = "uint32"
    ENUM = "enum"
    SFIXED32 = "sfixed32"
    SFIXED64 = "sfixed64"
    SINT32 = "sint32"
    SINT64 = "sint64"


@dataclass(frozen=True)
class ProtoField:
    name: str
    number: int
    kind: FieldKind
    type_name: str = ""
    """Full name (no leading dot) of the message or enum type, for those kinds."""
    repeated: bool = False
    map_key: ProtoField | None = None
    map_value: ProtoField | None = None
    oneof: str = ""
    """The real (not synthetic proto3-optional) oneof this field belongs to."""
    optional: bool = False
    """Has presence: proto3 `optional`, proto2 `optional`, or a message field."""
    json_name: str = ""
    doc: str = ""
    deprecated: bool = False

    @property
    def is_map(self) -> bool:
        return self.map_key is not None


@dataclass(frozen=True)
class ProtoMessage:
    full_name: str
    python_module: str
    python_name: str
    fields: tuple[ProtoField, ...]
    oneofs: tuple[str, ...] = ()
    doc: str = ""
    file: str = ""


@dataclass(frozen=True)
class ProtoEnumValue:
    name: str
    number: int
    doc: str = ""


@dataclass(frozen=True)
class ProtoEnum:
    full_name: str
    python_module: str
    python_name: str
    values: tuple[ProtoEnumValue, ...]
    doc: str = ""
    file: str = ""


class Streaming(enum.Enum):
    UNARY_UNARY = "unary_unary"
    UNARY_STREAM = "unary_stream"
    STREAM_UNARY = "stream_unary"
    STREAM_STREAM = "stream_stream"


@dataclass(frozen=True)
class ProtoMethod:
    name: str
    python_name: PythonIdentifier
    input_type: str
    output_type: str
    client_streaming: bool
    server_streaming: bool
    doc: str = ""
    idempotency: str = ""
    """`NO_SIDE_EFFECTS`, `IDEMPOTENT` or empty (the `idempotency_level` method option)."""
    deprecated: bool = False

    @property
    def streaming(self) -> Streaming:
        return {
            (False, False): Streaming.UNARY_UNARY,
            (False, True): Streaming.UNARY_STREAM,
            (True, False): Streaming.STREAM_UNARY,
            (True, True): Streaming.STREAM_STREAM,
        }[(self.client_streaming, self.server_streaming)]


@dataclass(frozen=True)
class ProtoService:
    full_name: str
    name: str
    python_module: str
    """The `_pb2` module of the file that declares the service."""
    methods: tuple[ProtoMethod, ...]
    doc: str = ""
    file: str = ""

    def method_path(self, method: ProtoMethod) -> str:
        return f"/{self.full_name}/{method.name}"


@dataclass(frozen=True)
class ProtoFile:
    name: str
    """Path as protoc knows it (relative to its proto path): `google/pubsub/v1/pubsub.proto`."""
    package: str
    python_module: str
    """`google.pubsub.v1.pubsub_pb2`, relative to the generated proto root."""
    dependencies: tuple[str, ...]
    syntax: str
    generated: bool
    """False for files the protobuf runtime already ships (`google/protobuf/*.proto`)."""
    requested: bool
    """Named on the command line (not only imported)."""


@dataclass(frozen=True)
class ProtoContract:
    files: tuple[ProtoFile, ...]
    messages: tuple[ProtoMessage, ...]
    enums: tuple[ProtoEnum, ...]
    services: tuple[ProtoService, ...]
    descriptor_set: bytes
    """The serialized `FileDescriptorSet` (imports and source info included): protoc regenerates the
    Python modules from it, and the server's reflection serves it."""

    def message(self, full_name: str) -> ProtoMessage:
        for candidate in self.messages:
            if candidate.full_name == full_name:
                return candidate
        raise KeyError(full_name)

    def enum(self, full_name: str) -> ProtoEnum:
        for candidate in self.enums:
            if candidate.full_name == full_name:
                return candidate
        raise KeyError(full_name)

    @property
    def generated_files(self) -> tuple[ProtoFile, ...]:
        return tuple(file for file in self.files if file.generated)
