"""The only ways contract text may enter generated Python: as a literal, a docstring or a comment.

Each function returns text that Python parses back to exactly the input value (literals) or that
cannot end the construct it sits in (docstrings, comments). Identifiers come from `ir.names`.
"""

from __future__ import annotations

import keyword
import math
from typing import Any

_DOCSTRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\t": "    "}


class UnsafeValueError(ValueError):
    """A contract value that has no safe Python spelling (NaN, infinity, non-JSON types)."""


def python_literal(value: Any) -> str:
    """A Python expression that evaluates to the JSON-like `value` and does nothing else."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnsafeValueError(f"{value!r} has no JSON meaning")
        return repr(value)
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(python_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_string_literal(str(key))}: {python_literal(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    raise UnsafeValueError(f"values of type {type(value).__name__} cannot appear in generated code")


def _string_literal(text: str) -> str:
    """`repr` of a str is always a valid, inert literal; non-printables come out as escapes.

    Quoted the way black would quote it (double quotes unless that needs more escapes), so the
    module black is handed is already stable and black's costly second pass never runs.
    """
    text = str(text)
    literal = repr(text)
    if not literal.startswith("'") or text.count('"') > text.count("'"):
        return literal
    # Black's rule: double quotes unless they need more escapes than single quotes do. In a
    # single-quoted repr every ' is escaped (\\') and no " is: swap the two escapes.
    return '"' + literal[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'


def docstring_text(text: str, indent: int | None = None) -> str:
    """Text safe inside a `\"\"\"...\"\"\"` docstring: no quote can close it, no escape can run.

    With `indent` (the column of the opening quotes), lines are laid out as black lays out a
    docstring (PEP 257 indentation: common leading space removed, `indent` added, trailing space
    dropped; the closing quotes on a line of their own when the last line is too long for them),
    so black has nothing to change. Whitespace left after escaping is spaces and newlines only.
    """
    stripped = str(text).strip()
    if stripped.replace("\n", "").isprintable() and "\\" not in stripped and '"' not in stripped:
        escaped = stripped  # nothing to escape (the common case, and a hot path on large schemas)
    else:
        escaped = "".join(_docstring_char(char) for char in stripped)
    if indent is None or "\n" not in escaped:
        return escaped
    first, *rest = escaped.split("\n")
    common = min(len(line) - len(line.lstrip(" ")) for line in rest if line.strip(" "))
    margin = " " * indent
    lines = [first.rstrip(" "), *(margin + line[common:].rstrip(" ") if line.strip(" ") else "" for line in rest)]
    closing = f"\n{margin}" if len(lines[-1]) + 3 > 100 else ""
    return "\n".join(lines) + closing


def _docstring_char(char: str) -> str:
    if char in _DOCSTRING_ESCAPES:
        return _DOCSTRING_ESCAPES[char]
    if char.isprintable() or char == "\n":
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def comment_text(text: str) -> str:
    """One line of text safe after `#`: line breaks and other non-printables become spaces."""
    printable = "".join(char if char.isprintable() else " " for char in str(text))
    return " ".join(printable.split())


def checked_identifier(name: str) -> str:
    """Refuse to print anything that is not already a clean identifier (a bug in a target)."""
    if not (isinstance(name, str) and name.isidentifier() and name.isascii() and not keyword.iskeyword(name)):
        raise UnsafeValueError(f"{name!r} is not a clean Python identifier; it must come from ir.names")
    return name


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest as is."""
    escaped = "".join(
        _TOML_ESCAPES.get(char, f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in str(text)
        if not 0xD800 <= ord(char) <= 0xDFFF
    )
    return f'"{escaped}"'
