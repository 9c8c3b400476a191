"""Example messages computed from the contract, so a fresh gRPC project answers every RPC.

Examples are protobuf JSON (the canonical mapping of the protobuf spec, "JSON Mapping"), which
`google.protobuf.json_format.ParseDict` turns into messages at run time. Every field gets a
value: scalars by kind, enums their first non-zero value, repeated fields one element, maps one
entry, a oneof its first member that has an example, and the well-known types their JSON form
(Timestamp and Duration as strings, Struct as an object, wrappers as their bare value, an Any
packing an Empty). Message fields always have presence in proto3, so recursion is cut by
leaving a field unset: when its type is already being built (a cycle), past `MAX_DEPTH`, or once
the example holds `MAX_MESSAGES` messages.

`examples.json` holds these for the contract's messages and, per RPC path, one request and one
response (see `examples_document`).
"""

from __future__ import annotations

import base64

from generator.ir.model import JsonValue
from generator.ir.proto import FieldKind, ProtoContract, ProtoEnum, ProtoField

MAX_DEPTH = 4
"""Message fields nested deeper than this are left unset."""
MAX_MESSAGES = 64
"""Message values in one example at most; past that, message fields are left unset, so an example
stays small where every type refers to several others (the tree would grow exponentially)."""
STRING_EXAMPLE = "example"
ANY_EXAMPLE: dict[str, JsonValue] = {"@type": "type.googleapis.com/google.protobuf.Empty"}
"""An Any packs an Empty: the runtime always has its descriptor, whatever the contract imports."""

_INTEGER_KINDS = {
    FieldKind.INT32,
    FieldKind.SINT32,
    FieldKind.SFIXED32,
    FieldKind.UINT32,
    FieldKind.FIXED32,
}
_INTEGER64_KINDS = {FieldKind.INT64, FieldKind.SINT64, FieldKind.SFIXED64, FieldKind.UINT64, FieldKind.FIXED64}
"""64-bit integers are JSON strings in the protobuf mapping (JavaScript numbers lose precision)."""
_BYTES_EXAMPLE = base64.b64encode(STRING_EXAMPLE.encode()).decode()
_WRAPPERS: dict[str, JsonValue] = {
    "google.protobuf.DoubleValue": 1.5,
    "google.protobuf.FloatValue": 1.5,
    "google.protobuf.Int64Value": "1",
    "google.protobuf.UInt64Value": "1",
    "google.protobuf.Int32Value": 1,
    "google.protobuf.UInt32Value": 1,
    "google.protobuf.BoolValue": True,
    "google.protobuf.StringValue": STRING_EXAMPLE,
    "google.protobuf.BytesValue": _BYTES_EXAMPLE,
}
WELL_KNOWN_EXAMPLES: dict[str, JsonValue] = {
    **_WRAPPERS,
    "google.protobuf.Timestamp": "2024-01-31T12:00:00Z",
    "google.protobuf.Duration": "1.500s",
    "google.protobuf.Struct": {"key": STRING_EXAMPLE},
    "google.protobuf.Value": STRING_EXAMPLE,
    "google.protobuf.ListValue": [STRING_EXAMPLE],
    "google.protobuf.Any": ANY_EXAMPLE,
    "google.protobuf.FieldMask": "",
    "google.protobuf.Empty": {},
}
"""Well-known types whose JSON form is not an object of their fields (FieldMask: the empty mask)."""
_NULL_VALUE = "google.protobuf.NullValue"


class _Unset:
    """A field left out of its message's example (a cut cycle, or nothing to put there)."""


UNSET = _Unset()


def message_example(contract: ProtoContract, full_name: str) -> dict[str, JsonValue]:
    """The protobuf JSON example of one message type (a JSON object even for well-known types' fields)."""
    value = _Builder(contract).example(full_name)
    return value if isinstance(value, dict) else {}


def examples_document(contract: ProtoContract) -> dict[str, JsonValue]:
    """`{"messages": {full name: JSON}, "methods": {"/pkg.Service/Method": {...}}}`.

    `messages` holds every message of the contract's own files and every RPC's input and output
    type (even a well-known one such as `google.protobuf.Empty`). Each `methods` entry holds
    `request` and `response` (one message each, also for streams), the two type names and the two
    streaming flags, so tests can call the RPC and check what comes back.
    """
    builder = _Builder(contract)
    own_files = {file.name for file in contract.generated_files}
    wanted = [message.full_name for message in contract.messages if message.file in own_files]
    for service in contract.services:
        for method in service.methods:
            wanted.extend((method.input_type, method.output_type))
    messages = {name: builder.example(name) for name in sorted(set(wanted))}
    methods: dict[str, JsonValue] = {}
    for service in contract.services:
        for method in service.methods:
            methods[service.method_path(method)] = {
                "request": messages[method.input_type],
                "request_type": method.input_type,
                "response": messages[method.output_type],
                "response_type": method.output_type,
                "client_streaming": method.client_streaming,
                "server_streaming": method.server_streaming,
            }
    return {"messages": dict(messages), "methods": methods}


class _Builder:
    def __init__(self, contract: ProtoContract) -> None:
        self.messages = {message.full_name: message for message in contract.messages}
        self.enums = {enum.full_name: enum for enum in contract.enums}
        self.budget = MAX_MESSAGES

    def example(self, full_name: str) -> JsonValue:
        """One top-level example, with a fresh `MAX_MESSAGES` budget."""
        self.budget = MAX_MESSAGES
        return self.message(full_name, ())

    def message(self, full_name: str, stack: tuple[str, ...]) -> JsonValue:
        """The JSON of one message value; `stack` holds the message types being built around it."""
        if full_name in WELL_KNOWN_EXAMPLES:
            return WELL_KNOWN_EXAMPLES[full_name]
        message = self.messages.get(full_name)
        if message is None:
            return {}
        inner = (*stack, full_name)
        example: dict[str, JsonValue] = {}
        chosen_oneofs: set[str] = set()
        for field in message.fields:
            if field.oneof and field.oneof in chosen_oneofs:
                continue
            value = self.field(field, inner)
            if value is UNSET:
                continue
            if field.oneof:
                chosen_oneofs.add(field.oneof)
            example[_json_name(field)] = value
        return example

    def field(self, field: ProtoField, stack: tuple[str, ...]) -> JsonValue:
        if field.map_key is not None and field.map_value is not None:
            value = self.single(field.map_value, stack)
            return UNSET if value is UNSET else {_map_key(field.map_key): value}
        value = self.single(field, stack)
        if field.repeated:
            return UNSET if value is UNSET else [value]
        return value

    def single(self, field: ProtoField, stack: tuple[str, ...]) -> JsonValue:
        """One value of the field's type, ignoring `repeated`."""
        if field.kind in (FieldKind.MESSAGE, FieldKind.GROUP):
            if field.type_name in stack or len(stack) > MAX_DEPTH or self.budget <= 0:
                return UNSET
            self.budget -= 1
            return self.message(field.type_name, stack)
        if field.kind is FieldKind.ENUM:
            return _enum_example(self.enums.get(field.type_name), field.type_name)
        return scalar_example(field.kind)


def scalar_example(kind: FieldKind) -> JsonValue:
    if kind in _INTEGER_KINDS:
        return 1
    if kind in _INTEGER64_KINDS:
        return "1"
    if kind in (FieldKind.DOUBLE, FieldKind.FLOAT):
        return 1.5
    if kind is FieldKind.BOOL:
        return True
    if kind is FieldKind.BYTES:
        return _BYTES_EXAMPLE
    return STRING_EXAMPLE


def _enum_example(enum: ProtoEnum | None, full_name: str) -> JsonValue:
    """The first non-zero value (zero is the unset default), else the first; NullValue is `null`."""
    if full_name == _NULL_VALUE:
        return None
    if enum is None or not enum.values:
        return 0
    chosen = next((value for value in enum.values if value.number != 0), enum.values[0])
    return chosen.name


def _map_key(key: ProtoField) -> str:
    """Map keys are JSON object keys, so strings: `"1"`, `"true"`, `"example"`."""
    value = scalar_example(key.kind)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_name(field: ProtoField) -> str:
    return field.json_name or field.name
