"""`__all__` lists in the order ruff's RUF022 (on by default in the generated project) wants."""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = re.compile(r"(\d+)")


def export_order(names: Iterable[str]) -> list[str]:
    """CONSTANTS, then Classes, then the rest; each group in natural order (`Name2` before `Name10`)."""

    def key(name: str) -> tuple[int, list[tuple[int, str]]]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        parts = [(int(part), "") if part.isdigit() else (-1, part) for part in _DIGITS.split(name) if part]
        return kind, parts

    return sorted(set(names), key=key)
