"""A persistent cache of black's output, keyed by exactly what black was given (and of
datamodel-code-generator's models, keyed by the schemas it was given: `readers/openapi_models.py`).

black is the slowest stage (about 1,500 lines/s). After a contract edit most top-level definitions
of every module are byte-identical to last time, so their formatted text can be reused: the key is
a sha256 of black's version, the mode and the unformatted piece, the value is what black returned
for it. Output stays deterministic — a hit is by construction what black would print.

Where: `$CONTRACTGEN_CACHE_DIR`, else `$XDG_CACHE_HOME/contractgen`, else `~/.cache/contractgen`
(one SQLite file, safe for concurrent runs). `CONTRACTGEN_NO_CACHE=1` turns it off. The file is
kept under `MAX_BYTES` by dropping the least recently used entries. Any trouble with the cache
(read-only disk, a corrupt file, a lock held too long) disables it for the run: it is only speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

CACHE_DIR_ENV = "CONTRACTGEN_CACHE_DIR"
DISABLE_ENV = "CONTRACTGEN_NO_CACHE"
FILE_NAME = "format-cache.sqlite3"
MAX_BYTES = 512 * 1024 * 1024
"""Beyond this much cached text, the least recently used quarter is dropped."""
_BATCH = 500
_LOCK_TIMEOUT_SECONDS = 10.0


def cache_directory() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return None
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "contractgen"


def piece_key(namespace: str, source: str) -> str:
    return hashlib.sha256(f"{namespace}\0{source}".encode()).hexdigest()


class FormatCache:
    """Lookups and stores in batches; every method is a no-op once the cache has failed once."""

    def __init__(self, directory: Path | None) -> None:
        self._connection: sqlite3.Connection | None = None
        if directory is None:
            return
        try:
            directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(directory / FILE_NAME, timeout=_LOCK_TIMEOUT_SECONDS)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS pieces (key TEXT PRIMARY KEY, text TEXT NOT NULL, "
                "size INTEGER NOT NULL, used REAL NOT NULL)"
            )
            connection.commit()
            self._connection = connection
        except (OSError, sqlite3.Error):
            self._connection = None

    @property
    def enabled(self) -> bool:
        return self._connection is not None

    def _fail(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The cached text of every key that has one; marks them used."""
        if self._connection is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _BATCH):
                batch = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(batch))
                rows = self._connection.execute(f"SELECT key, text FROM pieces WHERE key IN ({marks})", batch)
                found.update((str(key), str(text)) for key, text in rows)
            now = time.time()
            self._connection.executemany("UPDATE pieces SET used = ? WHERE key = ?", [(now, key) for key in found])
            self._connection.commit()
        except sqlite3.Error:
            self._fail()
            return {}
        return found

    def put_many(self, entries: Mapping[str, str]) -> None:
        """Store new results, then trim the file if it grew past `MAX_BYTES`."""
        if self._connection is None or not entries:
            return
        now = time.time()
        try:
            self._connection.executemany(
                "INSERT OR REPLACE INTO pieces (key, text, size, used) VALUES (?, ?, ?, ?)",
                [(key, text, len(text), now) for key, text in entries.items()],
            )
            self._connection.commit()
            self._trim()
        except sqlite3.Error:
            self._fail()

    def _trim(self) -> None:
        assert self._connection is not None
        (total,) = self._connection.execute("SELECT COALESCE(SUM(size), 0) FROM pieces").fetchone()
        if int(total) <= MAX_BYTES:
            return
        target = MAX_BYTES * 3 // 4
        rows = self._connection.execute("SELECT key, size FROM pieces ORDER BY used ASC").fetchall()
        excess = int(total) - target
        doomed: list[str] = []
        for key, size in rows:
            if excess <= 0:
                break
            doomed.append(str(key))
            excess -= int(size)
        self._connection.executemany("DELETE FROM pieces WHERE key = ?", [(key,) for key in doomed])
        self._connection.commit()

    def __enter__(self) -> FormatCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None
