"""`contractgen.yaml`: the jobs a repository regenerates, so CI and people run one bare command.

    version: 1
    templates: templates/overrides      # optional, for every job (string or list)
    jobs:
      - name: petstore                  # optional; default: the output directory's name
        contract: specs/petstore.yaml   # a file, a directory, or a list of them
        out: services/petstore
        package: petstore               # optional; default: from the contract's title
        targets: [fastapi, contract-tests]
        lenient: false                  # optional job options, as on the command line
        allow_remote_refs: false        # fetch http(s) $refs (OpenAPI) instead of refusing them
        strict: false
        selection_depth: 2
        proto_paths: [protos]
        templates: [more/overrides]

Relative paths are relative to the file's own directory, so the command works from anywhere.
Every mistake is one located diagnostic (`contractgen.yaml:7:5: error[config.unknown-key]: ...`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from generator.diagnostics import DiagnosticSink, Location
from generator.pipeline import Job, ReadOptions
from generator.protocols import DEFAULT_SELECTION_DEPTH
from generator.readers.yaml_positions import LoadedDocument, join_pointer, load_document
from generator.targets.registry import target_names

CONFIG_NAME = "contractgen.yaml"
CONFIG_VERSION = 1

_TOP_KEYS = ("version", "templates", "jobs")
_JOB_KEYS = (
    "name",
    "contract",
    "out",
    "package",
    "targets",
    "lenient",
    "allow_remote_refs",
    "strict",
    "selection_depth",
    "proto_paths",
    "templates",
)


@dataclass(frozen=True)
class ConfiguredJob:
    """One entry of `jobs:`; `strict` belongs to the run's diagnostics, not to the output."""

    name: str
    job: Job
    strict: bool = False


@dataclass(frozen=True)
class Config:
    path: Path
    jobs: tuple[ConfiguredJob, ...]


class _Reader:
    """Walks the loaded document, turning every surprise into a located error."""

    def __init__(self, document: LoadedDocument, path: Path, sink: DiagnosticSink) -> None:
        self.document = document
        self.path = path
        self.base = path.parent
        self.sink = sink

    def error(self, code: str, message: str, pointer: str) -> None:
        found = self.document.nearest_position(pointer)
        if found is None:
            self.sink.error(code, message, Location(str(self.path), pointer=pointer))
        else:
            self.sink.error(code, message, Location(str(self.path), found[1].line, found[1].column))

    def mapping(self, value: Any, pointer: str, allowed: tuple[str, ...]) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.error("config.type", "expected a mapping", pointer)
            return None
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(allowed)}"
                self.error("config.unknown-key", f"unknown key {key!r}{hint}", join_pointer(pointer, key))
        return value

    def string(self, value: Any, pointer: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error("config.type", "expected a non-empty string", pointer)
            return None
        return value

    def strings(self, value: Any, pointer: str) -> list[str]:
        """A string or a list of strings (one path or several)."""
        items = value if isinstance(value, list) else [value]
        result: list[str] = []
        for index, item in enumerate(items):
            text = self.string(item, join_pointer(pointer, index) if isinstance(value, list) else pointer)
            if text is not None:
                result.append(text)
        return result

    def paths(self, value: Any, pointer: str) -> tuple[Path, ...]:
        return tuple(self.base / text for text in self.strings(value, pointer))

    def boolean(self, value: Any, pointer: str) -> bool:
        if not isinstance(value, bool):
            self.error("config.type", "expected true or false", pointer)
            return False
        return value

    def job(self, raw: Any, pointer: str, shared_templates: tuple[Path, ...]) -> ConfiguredJob | None:
        entry = self.mapping(raw, pointer, _JOB_KEYS)
        if entry is None:
            return None
        for required in ("contract", "out"):
            if required not in entry:
                self.error("config.missing-key", f"job needs {required!r}", pointer)
        if "contract" not in entry or "out" not in entry:
            return None
        contracts = self.paths(entry["contract"], join_pointer(pointer, "contract"))
        out_text = self.string(entry["out"], join_pointer(pointer, "out"))
        if not contracts or out_text is None:
            return None
        out_dir = self.base / out_text
        targets = tuple(self.strings(entry.get("targets", []), join_pointer(pointer, "targets")))
        for index, name in enumerate(targets):
            if name not in target_names():
                self.error(
                    "config.unknown-target",
                    f"unknown target {name!r}; known: {', '.join(sorted(target_names()))}",
                    join_pointer(join_pointer(pointer, "targets"), index),
                )
        package = entry.get("package")
        if package is not None:
            package = self.string(package, join_pointer(pointer, "package"))
        depth = entry.get("selection_depth", DEFAULT_SELECTION_DEPTH)
        if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 10:
            self.error("config.type", "selection_depth must be a whole number from 1 to 10", pointer)
            depth = DEFAULT_SELECTION_DEPTH
        read = ReadOptions(
            lenient=self.boolean(entry.get("lenient", False), join_pointer(pointer, "lenient")),
            selection_depth=depth,
            proto_paths=self.paths(entry.get("proto_paths", []), join_pointer(pointer, "proto_paths")),
            allow_remote_refs=self.boolean(
                entry.get("allow_remote_refs", False), join_pointer(pointer, "allow_remote_refs")
            ),
        )
        templates = shared_templates + self.paths(entry.get("templates", []), join_pointer(pointer, "templates"))
        name = entry.get("name", out_dir.name)
        name = self.string(name, join_pointer(pointer, "name")) or out_dir.name
        job = Job(contracts, out_dir, targets, package, read, templates)
        strict = self.boolean(entry.get("strict", False), join_pointer(pointer, "strict"))
        return ConfiguredJob(name, job, strict)


def load_config(path: Path, sink: DiagnosticSink) -> Config | None:
    """Read and validate `path`; None after reporting at least one error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        sink.error(
            "config.missing", f"no {path.name} here (give CONTRACT and --out, or --config FILE)", Location(str(path))
        )
        return None
    except (OSError, UnicodeDecodeError) as error:
        sink.error("config.unreadable", f"cannot read: {error}", Location(str(path)))
        return None
    document = load_document(text, str(path), sink)
    if document is None:
        return None
    reader = _Reader(document, path, sink)
    top = reader.mapping(document.data, "", _TOP_KEYS)
    if top is None:
        return None
    version = top.get("version", CONFIG_VERSION)
    if version != CONFIG_VERSION:
        reader.error("config.version", f"unsupported version {version!r}; this contractgen reads version 1", "/version")
    shared_templates = reader.paths(top.get("templates", []), "/templates")
    raw_jobs = top.get("jobs")
    if not isinstance(raw_jobs, list) or not raw_jobs:
        reader.error("config.no-jobs", "expected 'jobs:' with at least one job", "/jobs")
        return None
    jobs: list[ConfiguredJob] = []
    names: dict[str, str] = {}
    outs: dict[Path, str] = {}
    for index, raw in enumerate(raw_jobs):
        pointer = f"/jobs/{index}"
        configured = reader.job(raw, pointer, shared_templates)
        if configured is None:
            continue
        if configured.name in names:
            reader.error("config.duplicate-job", f"job name {configured.name!r} is used twice", pointer)
        out = configured.job.out_dir.resolve()
        clash = next(
            (other for other in outs if other == out or out.is_relative_to(other) or other.is_relative_to(out)), None
        )
        if clash is not None:
            reader.error(
                "config.shared-out",
                f"output directory {configured.job.out_dir} overlaps job {outs[clash]!r}'s; each job needs its own",
                join_pointer(pointer, "out"),
            )
        names[configured.name] = pointer
        outs[out] = configured.name
        jobs.append(configured)
    if sink.has_errors:
        return None
    return Config(path, tuple(jobs))


def initial_job(
    contracts: Sequence[Path],
    directory: Path,
    *,
    targets: Sequence[str] = (),
    package: str | None = None,
    lenient: bool = False,
    proto_paths: Sequence[Path] = (),
) -> ConfiguredJob:
    """The one job `contractgen init` starts a project with: DIR is both its home and its output."""
    read = ReadOptions(lenient=lenient, proto_paths=tuple(proto_paths))
    name = directory.resolve().name or "project"
    return ConfiguredJob(name, Job(tuple(contracts), directory, tuple(targets), package, read))


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def write_config(path: Path, configured: ConfiguredJob) -> None:
    """Write a `contractgen.yaml` holding `configured`, paths relative to the file's directory.

    Values go through `yaml.safe_dump`, so a contract path with odd characters stays a string.
    """
    job = configured.job
    base = path.parent
    contracts = [_relative(contract, base) for contract in job.contracts]
    entry: dict[str, Any] = {
        "name": str(configured.name),
        "contract": contracts[0] if len(contracts) == 1 else contracts,
        "out": _relative(job.out_dir, base),
    }
    if job.package is not None:
        entry["package"] = str(job.package)
    if job.targets:
        entry["targets"] = list(job.targets)
    if job.read.lenient:
        entry["lenient"] = True
    if job.read.allow_remote_refs:
        entry["allow_remote_refs"] = True
    if job.read.proto_paths:
        entry["proto_paths"] = [_relative(root, base) for root in job.read.proto_paths]
    header = (
        "# contractgen jobs: `contractgen generate` regenerates them, `contractgen check` fails when\n"
        "# the generated files are stale. Paths are relative to this file.\n"
    )
    body = yaml.safe_dump({"version": CONFIG_VERSION, "jobs": [entry]}, sort_keys=False, allow_unicode=False)
    path.write_text(header + body, encoding="utf-8")
