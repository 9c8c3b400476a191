"""Import lists computed from the code a template is about to print (templates never guess)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_TOKENS = re.compile(
    r"""(?P<string>(?:[rRbBuUfF]{1,2})?(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''"""
    r"""|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))"""
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<attribute>\.\s*[^\W\d]\w*)"
    r"|(?P<number>\d[\w.]*)"
    r"|(?P<name>[^\W\d]\w*)"
)
"""String literals, comments, `.attribute`s and numbers are matched (and skipped) before names."""


@lru_cache(maxsize=65536)
def _names(text: str) -> frozenset[str]:
    """Bare names in a Python fragment: not attributes (`x.name`), not inside string literals.

    A regular expression rather than `tokenize`: big contracts ask this of hundreds of thousands
    of fragments, and the tokenizer made it a tenth of the whole run.
    """
    return frozenset(match.group("name") for match in _TOKENS.finditer(text) if match.lastgroup == "name")


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
