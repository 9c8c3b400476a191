"""grpcio-tools' bundled protoc, run as a subprocess: its diagnostics go to stderr, which we parse.

One place knows protoc's command line: descriptor sets for the reader, Python code for targets
(generated from a descriptor set, so targets never read .proto sources again).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")
# protoc's abseil log: a preamble line, then `W0000 00:00:1700000000.123456  4242 parser.cc:659] ...`.
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called"
_LOGGED = re.compile(r"^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.-]+:\d+\] (?P<message>.*)$")
_NO_SYNTAX = re.compile(r"^No edition or syntax specified for the proto file: (?P<file>.+?)\. ")
_IMPORT_FAILED = re.compile(r'^Import "(?P<name>[^"]+)" was not found or had errors\.$')
_FILE_NOT_FOUND = ": File not found."
_IMPORT_CYCLE = "File recursively imports itself: "
_NOT_DEFINED = re.compile(r'^"[^"]+" is not defined\.$')
_NO_SYNTAX_MESSAGE = (
    'no `syntax = "proto3";` statement, so protoc read the file as proto2 and refused its unlabelled fields; '
    "add the statement as the first line"
)
TIMEOUT_SECONDS = 300


@lru_cache(maxsize=1)
def well_known_types_dir() -> Path:
    """grpc_tools' copy of `google/protobuf/*.proto` (Timestamp, Duration, Struct, Any...)."""
    spec = importlib.util.find_spec("grpc_tools")
    if spec is None or spec.origin is None:
        raise RuntimeError("grpcio-tools is not installed")
    return Path(spec.origin).resolve().parent / "_proto"


@dataclass(frozen=True)
class ProtocMessage:
    """One line protoc printed: located (`file:line:col: message`) or not."""

    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None


class ProtocFailed(Exception):
    def __init__(self, messages: list[ProtocMessage]) -> None:
        super().__init__("; ".join(item.message for item in messages))
        self.messages = messages


def _run(arguments: Sequence[str]) -> None:
    command = [sys.executable, "-m", "grpc_tools.protoc", *arguments]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        raise ProtocFailed([ProtocMessage(f"protoc took longer than {TIMEOUT_SECONDS} s")]) from error
    if result.returncode != 0:
        raise ProtocFailed(parse_messages(result.stderr) or [ProtocMessage(f"protoc failed ({result.returncode})")])


def parse_messages(stderr: str) -> list[ProtocMessage]:
    """protoc's stderr as one message per problem: log noise dropped, notes joined to their error."""
    messages: list[ProtocMessage] = []
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line or line.startswith(_ABSL_PREAMBLE):
            continue
        logged = _LOGGED.match(line)
        if logged:
            message = _from_log(logged["message"])
            if message is not None:
                messages.append(message)
            continue
        located = _LOCATED.match(line)
        if not located:
            messages.append(ProtocMessage(line))
            continue
        message = ProtocMessage(located["message"], located["file"], int(located["line"]), int(located["column"]))
        previous = messages[-1] if messages else None
        if previous is not None and _where(previous) == _where(message):
            # protoc adds notes ("Suggested field numbers...", "Note that enum values...") at the same place.
            messages[-1] = ProtocMessage(f"{previous.message} {message.message}", *_where(previous))
            continue
        messages.append(message)
    return _without_import_cycle_cascade(_without_proto2_cascade(_imports_not_found(messages)))


def _without_import_cycle_cascade(messages: list[ProtocMessage]) -> list[ProtocMessage]:
    """After `File recursively imports itself`, protoc fails each import of the cycle and every type it
    would have brought: the cycle is the one problem, the rest goes away once it is broken."""
    if not any(message.message.startswith(_IMPORT_CYCLE) for message in messages):
        return messages
    return [
        message
        for message in messages
        if not (_IMPORT_FAILED.match(message.message) or _NOT_DEFINED.match(message.message))
    ]


def _without_proto2_cascade(messages: list[ProtocMessage]) -> list[ProtocMessage]:
    """A file without `syntax` is read as proto2, where every unlabelled field is an error: say the cause once."""
    unversioned = {message.file for message in messages if message.message == _NO_SYNTAX_MESSAGE}
    return [
        message
        for message in messages
        if not (
            any(message.file == name or message.file.endswith(f"/{name}") for name in unversioned)
            and message.message == 'Expected "required", "optional", or "repeated".'
        )
    ]


def _where(message: ProtocMessage) -> tuple[str, int | None, int | None]:
    return message.file, message.line, message.column


def _from_log(text: str) -> ProtocMessage | None:
    """A line of protoc's own log: the missing `syntax` warning becomes located; other log lines go."""
    missing_syntax = _NO_SYNTAX.match(text)
    if missing_syntax is None:
        return None
    return ProtocMessage(_NO_SYNTAX_MESSAGE, missing_syntax["file"], 1, 1)


def _imports_not_found(messages: list[ProtocMessage]) -> list[ProtocMessage]:
    """protoc says `x.proto: File not found.` unlocated, then `Import "x.proto" was not found or had
    errors.` at each import: one located line per import instead, which says which of the two it was."""
    imported = {match["name"] for message in messages if (match := _IMPORT_FAILED.match(message.message))}
    missing = {
        name
        for message in messages
        if not message.file and (name := message.message.removesuffix(_FILE_NOT_FOUND)) in imported
    }
    tidy: list[ProtocMessage] = []
    for message in messages:
        if not message.file and message.message.removesuffix(_FILE_NOT_FOUND) in missing:
            continue
        match = _IMPORT_FAILED.match(message.message)
        if match is not None and match["name"] in missing:
            advice = "no proto path holds it (add its root with --proto-path/-I)"
            message = ProtocMessage(f'Import "{match["name"]}" was not found: {advice}', *_where(message))
        tidy.append(message)
    return tidy


def descriptor_set(files: Sequence[str], proto_paths: Sequence[Path]) -> bytes:
    """The FileDescriptorSet of `files` (names relative to a proto path), imports and comments included."""
    with tempfile.TemporaryDirectory(prefix="contractgen-protoc-") as scratch:
        out = Path(scratch) / "set.binpb"
        includes = [f"--proto_path={path}" for path in (*proto_paths, well_known_types_dir())]
        _run([*includes, "--include_imports", "--include_source_info", f"--descriptor_set_out={out}", *files])
        return out.read_bytes()


def python_sources(descriptors: bytes, files: Sequence[str], *, grpc: bool = True) -> dict[str, str]:
    """`_pb2.py`, `_pb2.pyi` (and `_pb2_grpc.py`) for `files`, from a descriptor set: {relative path: text}."""
    with tempfile.TemporaryDirectory(prefix="contractgen-protoc-") as scratch:
        root = Path(scratch)
        (root / "set.binpb").write_bytes(descriptors)
        out = root / "out"
        out.mkdir()
        outputs = [f"--python_out={out}", f"--pyi_out={out}"]
        if grpc:
            outputs.append(f"--grpc_python_out={out}")
        _run([f"--descriptor_set_in={root / 'set.binpb'}", *outputs, *files])
        return {
            path.relative_to(out).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(out.rglob("*"))
            if path.is_file()
        }
