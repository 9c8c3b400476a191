"""Both sides of an OpenAPI diff, read and validated as `load_openapi` would, but faster.

`load_openapi` reads, bundles and validates; on GitHub's REST description (13 MB of JSON) the
OpenAPI validator is most of a diff (about 3 s a side), and position tracking for every one of a
million values was most of the rest, though a report locates a few dozen. So here:

- each side is read with `read_openapi(lazy_positions=True)`: `json.loads`, positions on demand;
- what validation reports (`validation_findings`: messages at document pointers) is a function of
  the bundled document and the validator, so it is kept in the persistent cache (`format_cache`,
  `CONTRACTGEN_NO_CACHE=1` turns it off) under a hash of the document's JSON text and of everything
  else the verdict depends on (`_NAMESPACE`); OLD, usually the main branch, is then validated once
  however many pull requests are compared with it, and two sides with the same content (a contract
  against itself) are validated once;
- when both sides still need validating, are big, and the platform forks cleanly (Linux, no other
  threads), NEW is validated in a forked child while this process validates OLD.

The diagnostics are those `load_openapi(OLD)` then `load_openapi(NEW)` would give, in that order,
and a side is None exactly when `load_openapi` would have returned None.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version
from pathlib import Path
from typing import Any

from generator.diagnostics import DiagnosticSink
from generator.format_cache import FormatCache, cache_directory, piece_key
from generator.readers import openapi_document, openapi_validators, yaml_positions
from generator.readers.openapi_document import (
    OpenAPIDocument,
    ValidationFinding,
    read_openapi,
    report_validation_findings,
    validation_findings,
)

_VERDICT_DISTRIBUTIONS = (
    "openapi-spec-validator",
    "openapi-schema-validator",
    "jsonschema",
    "jsonschema-path",
    "jsonschema-rs",
    "jsonschema-specifications",
    "referencing",
    "pathable",
    # jsonschema's format checkers use these when they are installed
    "rfc3339-validator",
    "rfc3986-validator",
    "rfc3987",
    "rfc3987-syntax",
    "jsonpointer",
    "uri-template",
    "isoduration",
    "fqdn",
    "idna",
    "webcolors",
)
_VALIDATOR_BACKEND_ENV = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"


def _installed(distribution: str) -> str:
    try:
        return distribution_version(distribution)
    except PackageNotFoundError:
        return "-"


@functools.cache
def _namespace() -> str:
    """What validation's findings depend on besides the document: library versions, Python (its
    `re` checks `format: regex`), the validator backend setting, and the code that words them."""
    sources = hashlib.sha256()
    for module in (openapi_document, openapi_validators, yaml_positions):
        sources.update(Path(str(module.__file__)).read_bytes())
    libraries = " ".join(f"{name}={_installed(name)}" for name in _VERDICT_DISTRIBUTIONS)
    backend = os.environ.get(_VALIDATOR_BACKEND_ENV, "")
    return f"openapi-validation {sys.version} {libraries} backend={backend} {sources.hexdigest()}"


_INCOMPLETE = "openapi.validation-incomplete"
"""The validator ran out of stack: that depends on the stack, not only the document; not cached."""
_PARALLEL_MINIMUM_CHARACTERS = 1_000_000
"""Below this much JSON, validating a side takes less time than forking for it."""


class _Side:
    """One side: its sink (diagnostics in `load_openapi` order), document, and cache key."""

    def __init__(self, path: Path, strict: bool) -> None:
        self.sink = DiagnosticSink(strict=strict)
        self.document = read_openapi(path, self.sink, lazy_positions=True)
        self.key: str | None = None
        self.size = 0
        if self.document is not None:
            self.key, self.size = _content_key(self.document.document, self.document.version)


def _content_key(document: Any, version: str) -> tuple[str | None, int]:
    """The cache key of the findings for `document`, or None when its JSON text does not say
    everything they depend on; and the text's length."""
    try:
        text = json.dumps([version, document], ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None, 0
    # The validator visits a schema object once however often it occurs (it remembers `id()`s);
    # the JSON text cannot tell one shared object (a YAML alias) from equal copies.
    if _shares_containers(document):
        return None, len(text)
    return piece_key(_namespace(), text), len(text)


def _shares_containers(document: Any) -> bool:
    seen: set[int] = set()
    pending = [document]
    while pending:
        value = pending.pop()
        if type(value) is dict:
            children: Any = value.values()
        elif type(value) is list:
            children = value
        else:
            continue
        if id(value) in seen:
            return True
        seen.add(id(value))
        pending.extend(children)
    return False


def _encode(findings: list[ValidationFinding]) -> str:
    return json.dumps([list(finding) for finding in findings])


def _decode(text: str) -> list[ValidationFinding] | None:
    try:
        return [ValidationFinding(*(str(part) for part in entry)) for entry in json.loads(text)]
    except (ValueError, TypeError):
        return None


def load_sides(old: Path, new: Path, sink: DiagnosticSink) -> tuple[OpenAPIDocument | None, OpenAPIDocument | None]:
    """`(load_openapi(old, sink), load_openapi(new, sink))`, the same documents and diagnostics."""
    sides = (_Side(old, sink.strict), _Side(new, sink.strict))
    readable = [side for side in sides if side.document is not None]
    findings: dict[str, list[ValidationFinding]] = {}
    with FormatCache(cache_directory()) as cache:
        for key, text in cache.get_many(side.key for side in readable if side.key is not None).items():
            decoded = _decode(text)
            if decoded is not None:
                findings[key] = decoded
    todo: list[_Side] = []
    for side in readable:
        if side.key is None or (side.key not in findings and all(side.key != other.key for other in todo)):
            todo.append(side)
    results = _validate_all(todo)
    fresh: dict[str, str] = {}
    by_side: dict[int, list[ValidationFinding]] = {}
    for side, result in zip(todo, results, strict=True):
        by_side[id(side)] = result
        if side.key is not None:
            findings[side.key] = result
            if all(finding.code != _INCOMPLETE for finding in result):
                fresh[side.key] = _encode(result)
    if fresh:
        with FormatCache(cache_directory()) as cache:
            cache.put_many(fresh)
    for side in readable:
        assert side.document is not None
        result = by_side[id(side)] if side.key is None else findings[side.key]
        report_validation_findings(side.document, result, side.sink)
    for side in sides:
        sink.items.extend(side.sink.items)
    old_side, new_side = (side.document if not side.sink.has_errors else None for side in sides)
    return old_side, new_side


def _validate_all(sides: list[_Side]) -> list[list[ValidationFinding]]:
    """`validation_findings` of each side's document: the second in a forked child when that pays."""
    documents = [side.document for side in sides if side.document is not None]
    if len(documents) == 2 and min(side.size for side in sides) >= _PARALLEL_MINIMUM_CHARACTERS and _can_fork():
        wait = _validate_in_child(documents[1])
        if wait is not None:
            try:
                first = validation_findings(documents[0])
            except BaseException:
                wait(cancel=True)
                raise
            second = wait(cancel=False)
            return [first, second if second is not None else validation_findings(documents[1])]
    return [validation_findings(document) for document in documents]


def _can_fork() -> bool:
    """Linux (where fork is the default and safe for a single-threaded process), more than one CPU."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return cpus > 1


def _validate_in_child(document: OpenAPIDocument) -> Callable[..., list[ValidationFinding] | None] | None:
    """Fork a child that validates `document` and writes its findings to a pipe; returns how to
    wait for them (None from that, or from this when forking fails: validate here instead)."""
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # the child must not write the parent's buffers again
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: validate, write, and leave without running any of the parent's exit code
        status = 1
        try:
            os.close(read_end)
            payload = _encode(validation_findings(document)).encode()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def wait(*, cancel: bool) -> list[ValidationFinding] | None:
        if cancel:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with os.fdopen(read_end, "rb") as pipe:
            payload = b"" if cancel else pipe.read()
        _, status = os.waitpid(pid, 0)
        if cancel or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        return _decode(payload.decode())

    return wait
