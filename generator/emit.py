"""Writes a file plan to disk safely and keeps the manifest that makes regeneration safe.

The manifest (`.contractgen.json`) records what contractgen last wrote: contract hashes, options,
and every planned file with its owner and sha256. That record is what lets a later run tell a file
it may rewrite (still as generated) from one edited by hand (refused unless forced), and find
generated files the contract no longer produces (deleted). See ARCHITECTURE.md section 5.

Nothing here parses contracts or renders templates: `emit` gets finished `FileSpec`s.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PureWindowsPath

from generator import __version__
from generator.ir.names import is_windows_device_name
from generator.plan import FileSpec, Ownership

MANIFEST_NAME = ".contractgen.json"
GENERATOR_NAME = "contractgen"

_TEMP_SUFFIX = ".contractgen-tmp"


class UnsafePathError(ValueError):
    """A planned (or recorded) path could write outside the output directory."""


class ManifestError(ValueError):
    """The manifest exists but cannot be trusted; names the file so the user can fix or delete it."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: invalid {GENERATOR_NAME} manifest: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class ManifestEntry:
    """What contractgen last put at one path: the content hash and who owns the file."""

    sha256: str
    owner: Ownership


@dataclass(frozen=True)
class Manifest:
    """The record of one generation run; a pure function of plan, inputs and options.

    User files are recorded with the hash of the scaffold contractgen planned (not of what is on
    disk), so editing `service.py` never changes the manifest and reruns stay byte-identical.
    """

    version: str
    inputs: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, object] = field(default_factory=dict)
    files: Mapping[str, ManifestEntry] = field(default_factory=dict)
    generator: str = GENERATOR_NAME
    fingerprint: str = ""
    """Digest of toolchain, settings and inputs (generator/fingerprint.py); "" when unknown."""

    def to_json(self) -> str:
        """Deterministic text: sorted keys, 2-space indent, trailing newline, no timestamps."""
        document = {
            "generator": self.generator,
            "version": self.version,
            "inputs": dict(self.inputs),
            "options": dict(self.options),
            "files": {path: {"sha256": entry.sha256, "owner": entry.owner.value} for path, entry in self.files.items()},
            "fingerprint": self.fingerprint,
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, source: Path) -> Manifest:
        """Parse and validate; any surprise is a `ManifestError` naming `source`."""
        try:
            document = json.loads(text)
        except ValueError as error:
            raise ManifestError(source, f"not valid JSON ({error})") from None
        if not isinstance(document, dict):
            raise ManifestError(source, "top level is not an object")
        if document.get("generator") != GENERATOR_NAME:
            raise ManifestError(source, f'"generator" is not "{GENERATOR_NAME}"')
        version = document.get("version")
        if not isinstance(version, str):
            raise ManifestError(source, '"version" is not a string')
        inputs = document.get("inputs", {})
        if not isinstance(inputs, dict) or not all(isinstance(value, str) for value in inputs.values()):
            raise ManifestError(source, '"inputs" is not an object of strings')
        options = document.get("options", {})
        if not isinstance(options, dict):
            raise ManifestError(source, '"options" is not an object')
        fingerprint = document.get("fingerprint", "")
        if not isinstance(fingerprint, str):
            raise ManifestError(source, '"fingerprint" is not a string')
        raw_files = document.get("files")
        if not isinstance(raw_files, dict):
            raise ManifestError(source, '"files" is not an object')
        files: dict[str, ManifestEntry] = {}
        for path, raw_entry in raw_files.items():
            try:
                _path_parts(path)
            except UnsafePathError as error:
                raise ManifestError(source, f"unsafe file entry: {error}") from None
            files[path] = _parse_entry(raw_entry, path, source)
        return cls(version=version, inputs=inputs, options=options, files=files, fingerprint=fingerprint)


def _parse_entry(raw_entry: object, path: str, source: Path) -> ManifestEntry:
    if not isinstance(raw_entry, dict):
        raise ManifestError(source, f"entry for {path!r} is not an object")
    sha256 = raw_entry.get("sha256")
    if not isinstance(sha256, str) or len(sha256) != 64 or set(sha256) - set("0123456789abcdef"):
        raise ManifestError(source, f"entry for {path!r} has no valid sha256")
    try:
        owner = Ownership(raw_entry.get("owner"))
    except ValueError:
        raise ManifestError(source, f"entry for {path!r} has an unknown owner") from None
    return ManifestEntry(sha256=sha256, owner=owner)


@dataclass(frozen=True)
class EmitReport:
    """What `emit` did (or, with conflicts and no force, refused to do). Paths are sorted.

    `forced` lists the conflicts that `force` overrode (also listed in written/deleted), so the
    CLI can say whose hand edits were thrown away.
    """

    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    forced: tuple[str, ...] = ()
    cached: bool = False
    """True when the fingerprint proved the directory fresh, so nothing was read or rendered."""

    @property
    def ok(self) -> bool:
        """False when nothing was written because hand edits are in the way (CLI exits 1)."""
        return not self.conflicts


@dataclass(frozen=True)
class CheckReport:
    """How the output directory differs from what the plan would produce. Paths are sorted.

    `stale`: planned generated file whose content differs; `missing`: planned file absent;
    `extra`: generated file recorded in the manifest, no longer planned, still on disk;
    `edited`: recorded generated file whose disk content no longer matches its recorded hash.
    """

    stale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when `emit` with the same plan would find nothing to do (CI passes)."""
        return not (self.stale or self.missing or self.extra or self.edited)


@dataclass(frozen=True)
class _Target:
    """A validated planned file: where it goes and the exact bytes that go there."""

    path: str
    location: Path
    data: bytes
    sha256: str
    owner: Ownership


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _path_parts(path: str) -> tuple[str, ...]:
    """Syntactic checks that need no disk: the path must name a file strictly inside out_dir.

    `.` parts are refused too, so one file cannot hide under two spellings; drive-like prefixes
    (`C:x`) are refused so committed output checks out the same on every OS.
    """
    if not path:
        raise UnsafePathError("empty path")
    if "\x00" in path:
        raise UnsafePathError(f"{path!r}: contains NUL")
    if "\\" in path:
        raise UnsafePathError(f"{path!r}: contains a backslash (paths are POSIX)")
    if path.startswith("/") or PureWindowsPath(path).drive:
        raise UnsafePathError(f"{path!r}: is absolute")
    parts = tuple(path.split("/"))
    for part in parts:
        if part == "":
            raise UnsafePathError(f"{path!r}: has an empty part")
        if part in (".", ".."):
            raise UnsafePathError(f"{path!r}: has a {part!r} part")
        if is_windows_device_name(part):  # a generated project must check out on every OS
            raise UnsafePathError(f"{path!r}: {part!r} is a device name on Windows")
        if part.endswith((".", " ")):
            raise UnsafePathError(f"{path!r}: {part!r} ends in a dot or space, which Windows drops")
    return parts


def _resolve_inside(out_dir: Path, path: str) -> Path:
    """Where `path` lives under out_dir, refusing any that symlinks lead outside (or onto it)."""
    location = out_dir.joinpath(*_path_parts(path))
    try:
        root = out_dir.resolve()
        resolved = location.resolve()
    except (OSError, RuntimeError) as error:  # symlink loop: RuntimeError before 3.13
        raise UnsafePathError(f"{path!r}: cannot be resolved ({error})") from None
    if resolved == root or not resolved.is_relative_to(root):
        raise UnsafePathError(f"{path!r}: resolves to {resolved}, outside {root}")
    return location


def _validate_plan(files: Sequence[FileSpec], out_dir: Path) -> dict[str, _Target]:
    """Check every path and encode every file before anything touches the disk."""
    parts_by_path: dict[str, tuple[str, ...]] = {}
    by_folded_path: dict[str, str] = {}
    for spec in files:
        parts = _path_parts(spec.path)
        if spec.path == MANIFEST_NAME:
            raise UnsafePathError(f"{spec.path!r}: reserved for the manifest")
        if spec.path in parts_by_path:
            raise ValueError(f"{spec.path!r}: planned more than once")
        parts_by_path[spec.path] = parts
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            known = by_folded_path.setdefault(prefix.casefold(), prefix)
            if known != prefix:
                raise UnsafePathError(
                    f"{spec.path!r}: {prefix!r} and {known!r} are one path on case-insensitive file systems"
                )
    for path, parts in parts_by_path.items():
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in parts_by_path:
                raise ValueError(f"{path!r}: {prefix!r} is planned as a file, not a directory")
    targets: dict[str, _Target] = {}
    for spec in files:
        data = spec.content.encode("utf-8")
        targets[spec.path] = _Target(
            path=spec.path,
            location=_resolve_inside(out_dir, spec.path),
            data=data,
            sha256=_sha256(data),
            owner=spec.owner,
        )
    return targets


def _read_existing(location: Path, path: str) -> bytes | None:
    """Disk content, or None when there is no file (also when a parent is not a directory)."""
    try:
        return location.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        raise ValueError(f"{path!r}: is a directory on disk, expected a file") from None


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest of the last run, or None for a directory contractgen has not written yet."""
    location = _resolve_inside(out_dir, MANIFEST_NAME)
    try:
        raw = location.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        raise ManifestError(location, "is a directory") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ManifestError(location, f"not UTF-8 ({error})") from None
    return Manifest.from_json(text, location)


@dataclass
class _Decisions:
    """The outcome of comparing plan, manifest and disk, before anything is written."""

    to_write: list[_Target] = field(default_factory=list)
    to_delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _decide(targets: Mapping[str, _Target], previous: Manifest | None, out_dir: Path, force: bool) -> _Decisions:
    """Sort every path into write/unchanged/kept/delete; a conflict still lands in write/delete
    when forced. A file may be replaced only if it is what we last wrote (hash matches manifest).
    """
    recorded = previous.files if previous is not None else {}
    decisions = _Decisions()
    for target in targets.values():
        if target.owner is Ownership.USER:
            if target.location.is_dir():
                raise ValueError(f"{target.path!r}: is a directory on disk, expected a file")
            if target.location.exists() or target.location.is_symlink():
                decisions.kept.append(target.path)
            else:
                decisions.to_write.append(target)
            continue
        on_disk = _read_existing(target.location, target.path)
        if on_disk is None:
            decisions.to_write.append(target)
        elif on_disk == target.data:
            decisions.unchanged.append(target.path)
        else:
            entry = recorded.get(target.path)
            if entry is None or entry.sha256 != _sha256(on_disk):
                decisions.conflicts.append(target.path)
                if not force:
                    continue
            decisions.to_write.append(target)
    for path, entry in recorded.items():
        if entry.owner is not Ownership.GENERATED or path in targets:
            continue
        location = _resolve_inside(out_dir, path)
        if location.is_dir():
            continue  # a directory now lives there: not the file we wrote, nothing to delete
        on_disk = _read_existing(location, path)
        if on_disk is None:
            continue
        if _sha256(on_disk) != entry.sha256:
            decisions.conflicts.append(path)
            if not force:
                continue
        decisions.to_delete.append(path)
    return decisions


def _staging_dir(target: _Target, out_dir: Path, to_delete: set[str]) -> Path:
    """The directory to stage `target` in: its own, unless a file about to be deleted occupies
    a parent path (old `a`, new `a/b`); then out_dir, and it moves across after the delete.
    """
    parts = _path_parts(target.path)
    for depth in range(1, len(parts)):
        ancestor = out_dir.joinpath(*parts[:depth])
        if ancestor.is_dir() or not (ancestor.exists() or ancestor.is_symlink()):
            continue
        prefix = "/".join(parts[:depth])
        if prefix in to_delete:
            return out_dir
        raise ValueError(f"{target.path!r}: {prefix!r} is a file on disk, not a directory")
    return target.location.parent


def _make_dirs(directory: Path) -> list[Path]:
    """mkdir -p that reports what it created (top-down), so a failed run can remove it again."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        created.mkdir()
    return list(reversed(missing))


def _new_file_mode() -> int:
    """0o666 minus the umask, as `open()` would; reading the umask means setting it briefly."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp(directory: Path, name: str, data: bytes, mode: int) -> Path:
    """A fully written, fsynced temp file next to its destination, ready for `os.replace`."""
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=_TEMP_SUFFIX, dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _remove_empty_parents(out_dir: Path, path: str) -> None:
    """Remove directories a deletion left empty, deepest first, never out_dir itself."""
    parts = _path_parts(path)
    for depth in range(len(parts) - 1, 0, -1):
        try:
            os.rmdir(out_dir.joinpath(*parts[:depth]))
        except OSError:
            return  # not empty (or not a plain directory): everything above stays too


def _write_manifest(out_dir: Path, manifest: Manifest, mode: int) -> None:
    """Atomically replace the manifest, skipping the write when the text is identical."""
    location = _resolve_inside(out_dir, MANIFEST_NAME)
    data = manifest.to_json().encode("utf-8")
    if _read_existing(location, MANIFEST_NAME) == data:
        return
    temp = _write_temp(out_dir, MANIFEST_NAME, data, mode)
    try:
        os.replace(temp, location)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def emit(
    files: Sequence[FileSpec],
    out_dir: Path,
    *,
    force: bool = False,
    inputs: Mapping[str, str] | None = None,
    options: Mapping[str, object] | None = None,
    fingerprint: str = "",
) -> EmitReport:
    """Bring out_dir in line with the plan, refusing (writing nothing) if hand edits would be lost.

    Order: validate and encode everything, decide, stage every file as a temp file beside its
    destination, then delete obsolete files, rename staged files into place, prune empty
    directories and write the manifest last. A failure before the renames leaves out_dir as it
    was; a failure during them still records what was actually committed in the manifest, so the
    next run does not mistake our own writes for hand edits.
    """
    targets = _validate_plan(files, out_dir)
    manifest = Manifest(
        version=__version__,
        inputs=dict(inputs or {}),
        options=dict(options or {}),
        files={path: ManifestEntry(t.sha256, t.owner) for path, t in sorted(targets.items())},
        fingerprint=fingerprint,
    )
    manifest.to_json()  # unserializable options fail here, before any write
    previous = read_manifest(out_dir)
    decisions = _decide(targets, previous, out_dir, force)
    if decisions.conflicts and not force:
        return EmitReport(
            unchanged=tuple(sorted(decisions.unchanged)),
            kept=tuple(sorted(decisions.kept)),
            conflicts=tuple(sorted(decisions.conflicts)),
        )

    to_delete = set(decisions.to_delete)
    mode = _new_file_mode()
    staged: list[tuple[_Target, Path]] = []
    created_dirs: list[Path] = _make_dirs(out_dir)
    try:
        for target in decisions.to_write:
            directory = _staging_dir(target, out_dir, to_delete)
            created_dirs.extend(_make_dirs(directory))
            staged.append((target, _write_temp(directory, target.location.name, target.data, mode)))
    except BaseException:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
        for directory in reversed(created_dirs):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise

    committed: dict[str, ManifestEntry | None] = {}
    for path in decisions.unchanged + decisions.kept:
        target = targets[path]
        committed[path] = ManifestEntry(target.sha256, target.owner)
    try:
        for path in sorted(to_delete):
            _resolve_inside(out_dir, path).unlink(missing_ok=True)
            committed[path] = None
        for target, temp in staged:
            _make_dirs(target.location.parent)
            os.replace(temp, target.location)
            committed[target.path] = ManifestEntry(target.sha256, target.owner)
    except BaseException:
        for target, temp in staged:
            if target.path not in committed:
                temp.unlink(missing_ok=True)
        partial = dict(previous.files) if previous is not None else {}
        for path, entry in committed.items():
            if entry is None:
                partial.pop(path, None)
            else:
                partial[path] = entry
        # The original error matters more than a failed record; the next run then reports
        # the uncommitted files as conflicts instead of overwriting them silently.
        with contextlib.suppress(OSError, ValueError):
            _write_manifest(out_dir, replace(manifest, files=partial, fingerprint=""), mode)
        raise

    for path in sorted(to_delete):
        _remove_empty_parents(out_dir, path)
    _write_manifest(out_dir, manifest, mode)
    return EmitReport(
        written=tuple(sorted(target.path for target in decisions.to_write)),
        unchanged=tuple(sorted(decisions.unchanged)),
        kept=tuple(sorted(decisions.kept)),
        deleted=tuple(sorted(to_delete)),
        forced=tuple(sorted(decisions.conflicts)),
    )


def check(files: Sequence[FileSpec], out_dir: Path) -> CheckReport:
    """Compare the plan with disk without writing, for `contractgen check` in CI.

    User files only count when missing: their content is the user's business.
    """
    targets = _validate_plan(files, out_dir)
    manifest = read_manifest(out_dir)
    recorded = manifest.files if manifest is not None else {}
    stale: list[str] = []
    missing: list[str] = []
    extra: list[str] = []
    edited: list[str] = []
    for target in targets.values():
        if target.owner is Ownership.USER:
            if not (target.location.exists() or target.location.is_symlink()):
                missing.append(target.path)
            continue
        on_disk = _read_existing(target.location, target.path)
        if on_disk is None:
            missing.append(target.path)
        elif on_disk != target.data:
            stale.append(target.path)
    for path, entry in recorded.items():
        if entry.owner is not Ownership.GENERATED:
            continue
        location = _resolve_inside(out_dir, path)
        if location.is_dir():
            continue
        on_disk = _read_existing(location, path)
        if on_disk is None:
            continue
        if path not in targets:
            extra.append(path)
        if _sha256(on_disk) != entry.sha256:
            edited.append(path)
    return CheckReport(
        stale=tuple(sorted(stale)),
        missing=tuple(sorted(missing)),
        extra=tuple(sorted(extra)),
        edited=tuple(sorted(edited)),
    )


def check_recorded(out_dir: Path, manifest: Manifest) -> CheckReport:
    """Compare disk with the manifest alone, for when the fingerprint proves the plan unchanged
    (then the plan *is* the manifest): absent files are missing, changed generated ones edited.
    """
    missing: list[str] = []
    edited: list[str] = []
    for path, entry in manifest.files.items():
        location = _resolve_inside(out_dir, path)
        if entry.owner is Ownership.USER:
            if not (location.exists() or location.is_symlink()):
                missing.append(path)
            continue
        if location.is_dir():
            edited.append(path)
            continue
        on_disk = _read_existing(location, path)
        if on_disk is None:
            missing.append(path)
        elif _sha256(on_disk) != entry.sha256:
            edited.append(path)
    return CheckReport(missing=tuple(sorted(missing)), edited=tuple(sorted(edited)))
