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
    messages = []
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line:
            continue
        located = _LOCATED.match(line)
        if located:
            messages.append(
                ProtocMessage(located["message"], located["file"], int(located["line"]), int(located["column"]))
            )
        else:
            messages.append(ProtocMessage(line))
    return messages


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
