"""Formatting generated Python with black's API, so output is stable and reviewable.

black is the slowest stage (~1,500 lines/s). Modules are cut into pieces at top-level
class/function boundaries (black formats each top-level statement on its own, so the joined
result is what black makes of the whole file). Each piece is looked up in the persistent format
cache first (`format_cache.py`: after a contract edit most pieces are unchanged), and the rest are
formatted in parallel processes when there is enough work to pay for them.
"""

from __future__ import annotations

import dataclasses
import os
import re
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from importlib import metadata

import black
import black.mode
import black.parsing

from generator.format_cache import FormatCache, cache_directory, piece_key
from generator.plan import FileSpec

_MODE = black.Mode(line_length=100, target_versions={black.mode.TargetVersion.PY310})
_STUB_MODE = black.Mode(line_length=100, target_versions={black.mode.TargetVersion.PY310}, is_pyi=True)
_STUB_MARK = "\0pyi\0"
"""Prefixed to a stub's source on its way to a worker: stubs format under black's `.pyi` rules."""
_CHUNK_BOUNDARY = re.compile(r"\n\n\n(?=(?:class |def |async def |@)\S)")
"""Two blank lines before a top-level class or function (what templates emit, and black keeps)."""
_CHUNK_CHARS = 1
"""Cut before every top-level definition: the finest pieces give the most cache hits."""
_NAMESPACE = f"black {metadata.version('black')} line-length=100 py310"
_PARALLEL_CHARS = 400_000
"""Below this much source in total, worker processes cost more than they save."""


class FormattingError(Exception):
    """Generated code that black cannot parse: a bug in a target or template, never user input."""


@lru_cache(maxsize=1024)
def _black(source: str) -> str:
    """Identical sources (static runtime files, re-runs in one process) format once."""
    if source.startswith(_STUB_MARK):
        return black.format_str(source.removeprefix(_STUB_MARK), mode=_STUB_MODE)
    return black.format_str(source, mode=_MODE)


def split_top_level(source: str, chunk_chars: int | None = None) -> list[str]:
    """`source` in pieces of about `chunk_chars`, cut only before top-level definitions."""
    chunk_chars = chunk_chars or _CHUNK_CHARS
    if len(source) <= chunk_chars:
        return [source]
    pieces: list[str] = []
    start = 0
    for match in _CHUNK_BOUNDARY.finditer(source):
        if match.start() - start >= chunk_chars:
            pieces.append(source[start : match.start()] + "\n")
            start = match.end()
    pieces.append(source[start:])
    return pieces


def join_top_level(pieces: list[str]) -> str:
    """Formatted pieces back into one module, two blank lines where each cut was."""
    return "\n\n\n".join(piece.rstrip("\n") for piece in pieces) + "\n"


def format_python(files: list[FileSpec]) -> list[FileSpec]:
    """Every `.py` (and `.pyi`) file through black; `FormattingError` names a file that does not parse."""
    jobs: list[tuple[int, list[str]]] = [
        (index, split_top_level(spec.content) if spec.path.endswith(".py") else [_STUB_MARK + spec.content])
        for index, spec in enumerate(files)
        if spec.formatted and spec.path.endswith((".py", ".pyi")) and spec.content.strip()
    ]
    pieces = [piece for _, file_pieces in jobs for piece in file_pieces]
    results = _format_cached(pieces)
    formatted = list(files)
    position = 0
    for index, file_pieces in jobs:
        outcome = results[position : position + len(file_pieces)]
        position += len(file_pieces)
        errors = [result for result in outcome if isinstance(result, black.parsing.InvalidInput)]
        if errors:
            raise FormattingError(f"{files[index].path}: generated code does not parse: {errors[0]}") from errors[0]
        spec = files[index]
        formatted[index] = dataclasses.replace(spec, content=join_top_level([str(result) for result in outcome]))
    return formatted


def check_python_parses(files: list[FileSpec]) -> None:
    """Every Python file about to be written compiled once, formatted by us or not (protoc's).

    black's parser accepts some code the compiler refuses (`return` outside a function, a late
    `from __future__` import, a repeated argument); whatever a template or a contract string did,
    nothing that fails to compile reaches the disk. `compile` costs no more than `ast.parse`.
    """
    for spec in files:
        if spec.path.endswith((".py", ".pyi")):
            try:
                compile(spec.content, spec.path, "exec", dont_inherit=True)
            except SyntaxError as error:
                location = f"{spec.path}:{error.lineno}"
                raise FormattingError(f"{location}: generated code does not parse: {error.msg}") from None


def _format_cached(pieces: list[str]) -> list[str | black.parsing.InvalidInput]:
    """Cached pieces from the cache, the others through black (and into the cache)."""
    with FormatCache(cache_directory()) as cache:
        keys = [piece_key(_NAMESPACE, piece) for piece in pieces]
        known = cache.get_many(keys)
        missing = [index for index, key in enumerate(keys) if key not in known]
        fresh = _format_all([pieces[index] for index in missing])
        results: list[str | black.parsing.InvalidInput] = [known.get(key, "") for key in keys]
        new_entries: dict[str, str] = {}
        for index, result in zip(missing, fresh, strict=True):
            results[index] = result
            if isinstance(result, str):
                new_entries[keys[index]] = result
        cache.put_many(new_entries)
        return results


def _format_all(pieces: list[str]) -> list[str | black.parsing.InvalidInput]:
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and sum(map(len, pieces)) >= _PARALLEL_CHARS and len(pieces) > 1:
        # Largest first, so one huge piece handed out last cannot keep a worker busy alone.
        order = sorted(range(len(pieces)), key=lambda index: -len(pieces[index]))
        chunksize = max(1, len(pieces) // (workers * 32))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = pool.map(_format_piece, [pieces[index] for index in order], chunksize=chunksize)
            results: list[str | black.parsing.InvalidInput] = [""] * len(pieces)
            for index, result in zip(order, done, strict=True):
                results[index] = result
            return results
    return [_format_piece(piece) for piece in pieces]


def _format_piece(piece: str) -> str | black.parsing.InvalidInput:
    try:
        return _black(piece)
    except black.parsing.InvalidInput as error:
        return error
