"""The syntax of contract `pattern`s (ECMA-262 regular expressions) as far as our rewrites need it."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator


def pattern_tokens(pattern: str) -> Iterator[tuple[str, bool]]:
    """A regular expression's characters, each escape (`\\d`, `\\-`) as one token, with whether the
    token stands inside a `[...]` class: the walk every rewrite of contract patterns needs."""
    in_class = False
    index = 0
    while index < len(pattern):
        if pattern[index] == "\\" and index + 1 < len(pattern):
            yield pattern[index : index + 2], in_class
            index += 2
            continue
        char = pattern[index]
        yield char, in_class
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        index += 1


# Unicode general categories (UAX #44 §5.7.1) and the one-letter groups of them, by short name.
_CATEGORY_LETTERS = {"L": "ultmo", "M": "nce", "N": "dlo", "P": "cdseifo", "S": "mcko", "Z": "slp", "C": "cfson"}
_CATEGORIES = tuple(group + letter for group, letters in _CATEGORY_LETTERS.items() for letter in letters)
_CATEGORY_GROUPS = {
    **{category: (category,) for category in _CATEGORIES},
    **{group: tuple(c for c in _CATEGORIES if c[0] == group) for group in _CATEGORY_LETTERS},
    "LC": ("Lu", "Ll", "Lt"),
}
_SURROGATES = range(0xD800, 0xE000)
# Hypothesis builds a class's alphabet one code point at a time, for every strategy made from the
# pattern: `\\p{L}` (131,756 code points) spelled out took servicecatalog's contract tests a minute
# to collect. Larger classes stay escapes, read natively by ECMA-262, Rust and jsonschema-rs.
MAX_SPELLED_CODE_POINTS = 10_000


@functools.cache
def _category_ranges(name: str, negated: bool) -> tuple[tuple[int, int], ...]:
    """The code point ranges (surrogates left out: no engine matches them in a string) of a category."""
    categories = set(_CATEGORY_GROUPS[name])
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for code_point in range(0x110001):
        inside = (
            code_point <= 0x10FFFF
            and code_point not in _SURROGATES
            and (unicodedata.category(chr(code_point)) in categories) != negated
        )
        if inside and start is None:
            start = code_point
        elif not inside and start is not None:
            ranges.append((start, code_point - 1))
            start = None
    return tuple(ranges)


def _class_char(code_point: int) -> str:
    """One code point as every engine reads it inside `[...]`: ASCII letters and digits as they are,
    other ASCII and non-printing BMP characters as `\\xHH`/`\\uHHHH` (a `-`, `&`, `~` or `]` would mean
    something else), printable letters, numbers, punctuation and symbols (and astral characters,
    which have no escape common to ECMA-262, Python and Rust) literally."""
    char = chr(code_point)
    if char.isascii():
        return char if char.isalnum() else f"\\x{code_point:02X}"
    if code_point > 0xFFFF or (unicodedata.category(char)[0] in "LNPS" and char.isprintable()):
        return char
    return f"\\u{code_point:04X}"


@functools.cache
def _class_body(name: str, negated: bool) -> str:
    parts: list[str] = []
    for low, high in _category_ranges(name, negated):
        if low == high:
            parts.append(_class_char(low))
        elif high == low + 1:
            parts.append(_class_char(low) + _class_char(high))
        else:
            parts.append(f"{_class_char(low)}-{_class_char(high)}")
    return "".join(parts)


def spell_unicode_properties(pattern: str) -> str:
    """`\\p{Z}`, `\\p{Nd}`, `\\pP` (general categories) spelled as the explicit classes they stand for.

    ECMA-262 (with the `u` flag), pydantic's Rust engine and jsonschema-rs read Unicode property
    escapes; Python's `re` cannot compile them, and schemathesis generates from an approximation
    (`\\p{Z}` as ASCII whitespace, which is not a separator; `\\P{L}` as anything outside a few Latin
    blocks) that the generated checks then refuse. Spelled out, every engine matches the same code
    points: the ones `unicodedata` puts in the category. Categories of more than
    MAX_SPELLED_CODE_POINTS code points (`\\p{L}`, `\\p{Lo}`, `\\p{C}`, every `\\P{..}`), other
    properties (scripts, `\\p{Alpha}`) and malformed escapes stay as written: schemathesis' stand-in
    for `\\p{L}` is a subset of it, and it checks negative cases with jsonschema-rs.
    """
    if "\\p" not in pattern and "\\P" not in pattern:
        return pattern
    tokens = list(pattern_tokens(pattern))
    written: list[str] = []
    index = 0
    while index < len(tokens):
        token, in_class = tokens[index]
        name, width = _property_name(tokens, index) if token in ("\\p", "\\P") else (None, 1)
        if name is None or not _is_spelled(name, token == "\\P"):
            written.append(token)
            index += 1
            continue
        body = _class_body(name, token == "\\P")
        written.append(body if in_class else f"[{body}]")
        index += width
    return "".join(written)


def _is_spelled(name: str, negated: bool) -> bool:
    if name not in _CATEGORY_GROUPS:
        return False
    ranges = _category_ranges(name, negated)
    return sum(high - low + 1 for low, high in ranges) <= MAX_SPELLED_CODE_POINTS


def _property_name(tokens: list[tuple[str, bool]], index: int) -> tuple[str | None, int]:
    """The property a `\\p`/`\\P` token at `index` names (`{Lu}` or one letter), and its token count."""
    following = [token for token, _ in tokens[index + 1 : index + 8]]
    if following[:1] == ["{"] and "}" in following:
        close = following.index("}")
        return "".join(following[1:close]), close + 2
    if following and following[0].isalpha() and len(following[0]) == 1:
        return following[0], 2
    return None, 1
