"""Bounds on what a reader takes in, so a hostile or mistaken input fails fast instead of exhausting memory.

The largest real contracts we know are a few tens of MB (GitHub's REST description: 13 MB, its
GraphQL SDL: 1.3 MB); a file many times that size is a mistake or an attack, and is refused from
its size on disk before a byte of it is read.
"""

from __future__ import annotations

from pathlib import Path

MAX_CONTRACT_BYTES = 64 * 1024 * 1024


def size_refusal(path: Path) -> str | None:
    """Why `path` is too large to read, or `None`; a file that cannot be stat-ed is left to the reader."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= MAX_CONTRACT_BYTES:
        return None
    return f"the file is {size / 2**20:.0f} MiB, larger than the {MAX_CONTRACT_BYTES // 2**20} MiB a contract may be"
