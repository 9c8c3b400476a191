"""`contractgen watch`: rerun generation whenever an input changes, until interrupted.

Every run goes through the same fingerprinted pipeline as `generate`, so a change that does not
affect a job (another job's contract, an editor's swap file) costs a hash, not a render.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import typer
import watchfiles

DEBOUNCE_MILLISECONDS = 300


def _watch_roots(paths: Sequence[Path]) -> list[Path]:
    """Directories to watch: a file's directory (editors replace files, so watching the file itself
    misses saves), a directory as itself; only ones that exist."""
    roots: set[Path] = set()
    for path in paths:
        resolved = path.resolve()
        directory = resolved if resolved.is_dir() else resolved.parent
        if directory.is_dir():
            roots.add(directory)
    return sorted(roots)


def _is_relevant(changed: Path, watched: Sequence[Path], outputs: Sequence[Path]) -> bool:
    """A change counts when it is a watched file or lies under a watched directory, and is not
    something a run itself wrote (an output directory may sit next to its contract)."""
    if any(changed == out or changed.is_relative_to(out) for out in outputs):
        return False
    return any(changed == path or (path.is_dir() and changed.is_relative_to(path)) for path in watched)


def watch_and_regenerate(run: Callable[[], list[Path]], watched_paths: Callable[[], list[Path]]) -> None:
    """Run once, then after every relevant change; `run` returns the output directories it wrote.

    The watched set is recomputed after each run, since a contract may `$ref` a new file.
    """
    outputs = [path.resolve() for path in run()]
    try:
        while True:
            watched = [path.resolve() for path in watched_paths()]
            roots = _watch_roots(watched)
            if not roots:
                typer.echo("nothing to watch: no contract file exists", err=True)
                raise typer.Exit(2)
            typer.echo(f"watching {len(watched)} path(s) for changes (Ctrl-C stops)", err=True)
            for changes in watchfiles.watch(*roots, debounce=DEBOUNCE_MILLISECONDS, raise_interrupt=True):
                changed = [Path(raw) for _, raw in changes]
                if any(_is_relevant(path.resolve(), watched, outputs) for path in changed):
                    names = ", ".join(sorted({path.name for path in changed}))
                    typer.echo(f"changed: {names}", err=True)
                    outputs = [path.resolve() for path in run()]
                    break
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
