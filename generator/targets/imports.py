"""Import lists computed from the code a template is about to print (templates never guess)."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable


def _names(text: str) -> set[str]:
    """Bare names in a Python fragment: not attributes (`x.name`), not inside string literals."""
    found: set[str] = set()
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME and previous != ".":
                found.add(token.string)
            previous = token.string
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def used_names(texts: Iterable[str], candidates: Iterable[str]) -> list[str]:
    """The candidates that appear as bare names in any of the texts, sorted."""
    seen: set[str] = set()
    for text in texts:
        seen |= _names(text)
    return sorted(set(candidates) & seen)


def isort_order(names: Iterable[str]) -> list[str]:
    """isort's `order_by_type`: CONSTANTS, then Classes, then functions, each alphabetical."""

    def kind(name: str) -> int:
        if name.isupper() and len(name) > 1:
            return 0
        return 1 if name[:1].isupper() else 2

    return sorted(set(names), key=lambda name: (kind(name), name.lower(), name))


_DIGITS = re.compile(r"(\d+)")


def export_order(names: Iterable[str]) -> list[str]:
    """`__all__` order as ruff's RUF022 wants it: CONSTANTS, Classes, the rest; natural order in each."""

    def key(name: str) -> tuple[int, list[tuple[int, str]]]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        parts = [(int(part), "") if part.isdigit() else (-1, part) for part in _DIGITS.split(name) if part]
        return kind, parts

    return sorted(set(names), key=key)
