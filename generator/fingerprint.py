"""Content-hash fingerprints that let a run skip reading, rendering and formatting when nothing changed.

A job's output is a pure function of its input files, its settings and the toolchain (this package's
code and templates, plus the libraries that shape output). The manifest records a digest of all
three; when a later run computes the same digest and every recorded file on disk still has its
recorded hash, the output directory is provably what a full run would write, so `generate` and
`check` answer from hashes alone. Any doubt (a file missing, an input that cannot be read) means
"not fresh", never "fresh": a false miss costs one full run, a false hit would hide drift.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from generator import __version__
from generator.protocols import GRAPHQL_SUFFIXES, PROTO_SUFFIX

_OUTPUT_SHAPING_DISTRIBUTIONS = (
    "black",
    "datamodel-code-generator",
    "graphql-core",
    "grpcio-tools",
    "jinja2",
    "openapi-spec-validator",
    "protobuf",
    "pydantic",
    "pyyaml",
)
"""Libraries whose version can change generated text (formatting, models, protoc output)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_digest(root: Path) -> str:
    """sha256 over every file's relative path and bytes under `root`, in sorted order."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(file_sha256(path).encode("ascii") + b"\n")
    return digest.hexdigest()


def _distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def toolchain_digest() -> str:
    """What, besides the job, decides the output: our code and templates and the libraries we drive.

    Hashing our own sources (not just `__version__`) keeps a development checkout honest: a changed
    template or target invalidates every fingerprint even though the version string did not move.
    """
    from generator.render import builtin_templates_dir  # render imports jinja2; keep this module light

    package_dir = Path(__file__).resolve().parent
    templates_dir = builtin_templates_dir()
    parts = {
        "contractgen": __version__,
        "code": tree_digest(package_dir),
        "templates": tree_digest(templates_dir) if not templates_dir.is_relative_to(package_dir) else "",
        "libraries": {name: _distribution_version(name) for name in _OUTPUT_SHAPING_DISTRIBUTIONS},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def relative_key(path: Path, out_dir: Path) -> str:
    """How the manifest names an input: relative to the output directory, POSIX, so a committed
    project and its contracts can move together without invalidating anything."""
    return Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()


def _files_under(directory: Path, suffixes: Iterable[str]) -> list[Path]:
    wanted = {suffix.lower() for suffix in suffixes}
    return sorted(path for path in directory.rglob("*") if path.is_file() and path.suffix.lower() in wanted)


def declared_inputs(contracts: Sequence[Path], proto_paths: Sequence[Path]) -> list[Path]:
    """The input files knowable without reading a contract: the files given and every contract file
    in a directory given. Files reached by `$ref` or `import` are only known after a read; the
    manifest records those (and `proto_root_listing` covers files appearing under import roots)."""
    found: list[Path] = []
    for path in contracts:
        if path.is_dir():
            found.extend(_files_under(path, (*GRAPHQL_SUFFIXES, PROTO_SUFFIX)))
        else:
            found.append(path)
    return found


def proto_root_listing(contracts: Sequence[Path], proto_paths: Sequence[Path]) -> str:
    """A digest of the names (not the contents) of every `.proto` under the import roots.

    A file added, removed or renamed under a root can change what an import resolves to, so it
    makes the job stale; editing a file no import reaches does not. Hashing every file instead
    made a no-op over Google's 8,000-file tree take 3 s; listing it takes milliseconds.
    """
    if not any(path.suffix.lower() == PROTO_SUFFIX or path.is_dir() for path in contracts):
        return ""
    roots = list(proto_paths) or [path if path.is_dir() else path.parent for path in contracts]
    digest = hashlib.sha256()
    for root in roots:
        digest.update(str(root).encode("utf-8") + b"\0")
        for directory, subdirectories, files in os.walk(root):
            subdirectories.sort()
            relative = os.path.relpath(directory, root)
            for name in sorted(files):
                if name.lower().endswith(PROTO_SUFFIX):
                    digest.update(f"{relative}/{name}\0".encode())
    return digest.hexdigest()


def hash_inputs(paths: Iterable[Path], out_dir: Path) -> dict[str, str] | None:
    """{relative key: sha256} of every input, or None when one cannot be read (never fresh)."""
    hashes: dict[str, str] = {}
    for path in paths:
        try:
            hashes[relative_key(path, out_dir)] = file_sha256(path)
        except OSError:
            return None
    return dict(sorted(hashes.items()))


def job_fingerprint(inputs: Mapping[str, str], settings: Mapping[str, object]) -> str:
    """One digest of toolchain, settings and input contents; equal digests mean equal output."""
    document = {"toolchain": toolchain_digest(), "settings": settings, "inputs": dict(inputs)}
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode("utf-8")).hexdigest()
