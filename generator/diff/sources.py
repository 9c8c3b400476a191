"""The two sides of a diff as files on disk: a path as given, or `git:REF:path` read from history.

A contract at a git revision may `$ref` or `import` its neighbours, so one file is not enough: every
contract-like file of the revision (by suffix) is extracted into a scratch directory, with the
repository's layout, and the path is looked up there. Reports name such files `git:REF:path`.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.diagnostics import DiagnosticSink, Location
from generator.protocols import GRAPHQL_SUFFIXES, OPENAPI_SUFFIXES, PROTO_SUFFIX

GIT_PREFIX = "git:"
_CONTRACT_SUFFIXES = (*OPENAPI_SUFFIXES, *GRAPHQL_SUFFIXES, PROTO_SUFFIX)
_GIT_TIMEOUT_SECONDS = 120
_ARCHIVE_BATCH = 500


@dataclass(frozen=True)
class ContractSide:
    """One side of a diff: what the user typed, and where its files are now."""

    label: str
    path: Path
    """The contract file or directory on disk (inside `scratch` for git revisions)."""
    scratch: Path | None = None
    """Root of the extracted revision; file names under it are shown as `git:REF:relative`."""
    revision: str = ""

    def display(self, file: str) -> str:
        """How a file of this side is named in reports."""
        if self.scratch is None:
            return file
        try:
            relative = Path(file).resolve().relative_to(self.scratch.resolve())
        except ValueError:
            return file
        return f"{GIT_PREFIX}{self.revision}:{relative.as_posix()}"


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, timeout=_GIT_TIMEOUT_SECONDS, check=False)


def _split_git_spec(spec: str) -> tuple[str, str] | None:
    """`git:REF:path` → (REF, path). REF may itself hold colons only if path is given after the last one."""
    body = spec.removeprefix(GIT_PREFIX)
    revision, separator, path = body.rpartition(":")
    if not separator or not revision or not path:
        return None
    return revision, path


def _extract_revision(revision: str, scratch: Path, sink: DiagnosticSink, spec: str) -> Path | None:
    """Every contract-like file of `revision` under `scratch`; returns the repository's top level."""
    cwd = Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        sink.error("diff.git", "not inside a git repository", Location(spec))
        return None
    if _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd).returncode != 0:
        sink.error("diff.git", f"unknown git revision {revision!r}", Location(spec))
        return None
    root = Path(top.stdout.decode().strip())
    listing = _git(["ls-tree", "-r", "-z", "--name-only", revision], root)
    names = [
        name
        for name in listing.stdout.decode("utf-8", errors="surrogateescape").split("\0")
        if name.lower().endswith(_CONTRACT_SUFFIXES)
    ]
    for start in range(0, len(names), _ARCHIVE_BATCH):
        batch = [f":(literal){name}" for name in names[start : start + _ARCHIVE_BATCH]]
        archive = _git(["archive", "--format=tar", revision, "--", *batch], root)
        if archive.returncode != 0:
            message = archive.stderr.decode(errors="replace").strip().splitlines()
            sink.error("diff.git", f"git archive failed: {message[-1] if message else 'no output'}", Location(spec))
            return None
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as bundle:
            bundle.extractall(scratch, filter="data")  # "data": no links out, no absolute paths, no devices
    return root


def resolve_side(spec: str, stack: ExitStack, sink: DiagnosticSink) -> ContractSide | None:
    """A path as given, or `git:REF:path` (path relative to the current directory, as git shows
    it) extracted into a scratch directory that `stack` removes. None after reporting an error."""
    if not spec.startswith(GIT_PREFIX):
        path = Path(spec)
        if not path.exists():
            sink.error("diff.missing", "contract not found", Location(spec))
            return None
        return ContractSide(spec, path)
    parts = _split_git_spec(spec)
    if parts is None:
        sink.error("diff.git", "expected git:REF:path, e.g. git:origin/main:api.yaml", Location(spec))
        return None
    revision, relative = parts
    scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="contractgen-diff-")))
    top = _extract_revision(revision, scratch, sink, spec)
    if top is None:
        return None
    in_repository = (Path.cwd().resolve() / relative).resolve()
    try:
        inside = PurePosixPath(in_repository.relative_to(top.resolve()).as_posix())
    except ValueError:
        sink.error("diff.git", f"{relative} is outside the repository at {top}", Location(spec))
        return None
    path = scratch / inside
    if not path.exists():
        sink.error("diff.git", f"{inside} does not exist at {revision} (or is not a contract file)", Location(spec))
        return None
    return ContractSide(spec, path, scratch, revision)
