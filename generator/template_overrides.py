"""Which template files exist, and which of them a user's `--templates` directories replace.

An override directory mirrors the built-in `templates/` layout, file by file:
`DIR/fastapi/app.py.jinja` replaces `templates/fastapi/app.py.jinja`, `DIR/fastapi/static/runtime.py`
replaces the runtime file shipped verbatim, and every file not in DIR stays built-in. Override
directories are read once, validated and kept in memory (`OverrideSet`), so what was checked and
fingerprinted is exactly what gets rendered. Rendering with them is `generator.render`'s job.

`export_templates()` writes every built-in file out as the starting point for overrides. Keeping
exported files you did not change is harmless (an unchanged copy renders exactly like the built-in),
but deleting them means later contractgen releases' template fixes reach you.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.diagnostics import Location


class TemplateOverrideError(ValueError):
    """A `--templates` directory or file that cannot be used, named by path (and line, when known)."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        super().__init__(f"{self.location}: {reason}")

    @property
    def location(self) -> Location:
        return Location(str(self.path), self.line)


class TemplateExportError(TemplateOverrideError):
    """Exporting the built-in templates would overwrite a file that differs (and `force` was not given)."""


@dataclass(frozen=True)
class OverrideFile:
    name: str
    """Template name: the path relative to the templates root, POSIX style (`fastapi/app.py.jinja`)."""
    path: Path
    """Where the override was read from, as the user spelled the directory (for error messages)."""
    text: str


@dataclass(frozen=True)
class OverrideSet:
    """The effective overrides of one run: the first directory that has a file wins."""

    directories: tuple[Path, ...] = ()
    files: tuple[OverrideFile, ...] = ()
    """Sorted by name; hashable, so environments can be cached per override set."""

    def before(self, other: OverrideSet) -> OverrideSet:
        """These overrides first, then `other`'s for the files these do not replace."""
        if not other.files:
            return self
        names = {file.name for file in self.files}
        files = self.files + tuple(file for file in other.files if file.name not in names)
        return OverrideSet(self.directories + other.directories, tuple(sorted(files, key=lambda file: file.name)))

    def get(self, name: str) -> OverrideFile | None:
        for file in self.files:
            if file.name == name:
                return file
        return None


NO_OVERRIDES = OverrideSet()


@lru_cache(maxsize=1)
def builtin_templates_dir() -> Path:
    """Templates ship inside the wheel as `generator/templates`; in a checkout they sit beside it."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "templates", package_dir.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("contractgen's templates directory is missing from the installation")


def _is_junk(relative: Path) -> bool:
    """Files that are never templates: bytecode (pip compiles the static `.py` files on install),
    hidden files (`.DS_Store`, editor swap files) and editor backups (`name~`)."""
    return (
        any(part == "__pycache__" or part.startswith(".") for part in relative.parts)
        or relative.suffix in (".pyc", ".pyo")
        or relative.name.endswith("~")
    )


def _template_files(root: Path) -> list[tuple[str, Path]]:
    """(template name, path) of every non-junk file under root, sorted by name."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if not _is_junk(relative) and path.is_file():
            found.append((relative.as_posix(), path))
    return sorted(found)


@lru_cache(maxsize=1)
def builtin_template_names() -> tuple[str, ...]:
    """Every built-in template and static file, by template name, sorted."""
    return tuple(name for name, _ in _template_files(builtin_templates_dir()))


def _digest(files: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def builtin_templates_digest() -> str:
    """sha256 over (template name, content) of every built-in file: changes with any template edit."""
    return _digest((name, path.read_bytes()) for name, path in _template_files(builtin_templates_dir()))


def _unknown_name_reason(name: str) -> str:
    close = difflib.get_close_matches(name, builtin_template_names(), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else "export the built-in templates to see every name"
    return f"no built-in template or static file is called {name} ({hint})"


def _read_text(path: Path) -> str:
    try:
        content = path.read_bytes()
    except OSError as error:
        raise TemplateOverrideError(path, f"cannot be read ({error.strerror or error})") from error
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start]
        raise TemplateOverrideError(path, f"is not UTF-8 (byte 0x{byte:02x})", line) from error
    # As `Path.read_text` reads the built-in files: universal newlines, so overrides edited on
    # Windows render the same as the built-ins.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_overrides(directories: Sequence[Path]) -> OverrideSet:
    """Read and check every override directory; raises `TemplateOverrideError` naming the first problem.

    Every file must carry the name of a built-in template or static file: an unknown name is
    almost always a typo, and a silently ignored override is worse than an error.
    """
    if not directories:
        return NO_OVERRIDES
    known = set(builtin_template_names())
    chosen: dict[str, OverrideFile] = {}
    for directory in directories:
        if not directory.exists():
            raise TemplateOverrideError(directory, "template override directory does not exist")
        if not directory.is_dir():
            raise TemplateOverrideError(directory, "template override path is not a directory")
        for name, path in _template_files(directory):
            if name not in known:
                raise TemplateOverrideError(path, _unknown_name_reason(name))
            text = _read_text(path)
            chosen.setdefault(name, OverrideFile(name, path, text))
    return OverrideSet(
        directories=tuple(directory.resolve() for directory in directories),
        files=tuple(chosen[name] for name in sorted(chosen)),
    )


def override_digest(directories: Sequence[Path]) -> str:
    """sha256 over (template name, content) of the effective override files, sorted by name.

    Changes exactly when what the overrides render changes (an edit, a new or removed file, or a
    reordering of directories that both hold a file); raises `TemplateOverrideError` like `load_overrides`.
    """
    return _digest((file.name, file.text.encode("utf-8")) for file in load_overrides(directories).files)


def export_templates(destination: Path, *, force: bool = False) -> list[str]:
    """Copy every built-in template and static file into `destination`, layout preserved.

    The starting point for overrides: copy, edit the few files you want to change, delete the rest
    (or keep them: an unchanged copy renders exactly like the built-in). Files already identical are
    left alone. Any existing file that differs is refused with `TemplateExportError` before anything
    is written, unless `force`. Returns the template names written, sorted.
    """
    if destination.exists() and not destination.is_dir():
        raise TemplateExportError(destination, "export destination is not a directory")
    sources = _template_files(builtin_templates_dir())
    pending: list[tuple[str, Path, bytes]] = []
    differing: list[Path] = []
    for name, source in sources:
        target = destination / name
        for parent in reversed(target.relative_to(destination).parents[:-1]):
            if (destination / parent).exists() and not (destination / parent).is_dir():
                raise TemplateExportError(destination / parent, "is in the way of the exported templates")
        content = source.read_bytes()
        if target.is_dir():
            raise TemplateExportError(target, f"is a directory where the built-in {name} goes")
        if target.exists():
            if target.read_bytes() == content:
                continue
            differing.append(target)
        pending.append((name, target, content))
    if differing and not force:
        more = f" (and {len(differing) - 1} more)" if len(differing) > 1 else ""
        raise TemplateExportError(
            differing[0], f"exists and differs from the built-in template{more}; nothing was written (force overwrites)"
        )
    for _, target, content in pending:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return [name for name, _, _ in pending]
