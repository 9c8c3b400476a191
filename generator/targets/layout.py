"""Black-shaped layout for the long lines targets assemble in Python.

black runs a second full pass over any module its first pass changed, so text that already looks
the way black would print it halves the format stage (GitHub's REST client: most of the run).
These helpers lay out only what black's rules make predictable: a bracketed collection stays on
one line when it fits, else one item per line with a trailing comma; a long assignment's value
goes in parentheses on a line of its own. Whatever they miss, black still fixes: this is speed,
never correctness.
"""

from __future__ import annotations

import re

LINE_LENGTH = 100
"""The line length `format.py` hands black."""
_DOTTED_NAME = re.compile(r"[A-Za-z_][\w.]*")


def bracketed(opener: str, items: list[str], closer: str, indent: int) -> str:
    """`opener` + items + `closer`; continuation lines carry their own indentation (`indent` is
    the column `opener` starts at)."""
    one_line = f"{opener}{', '.join(items)}{closer}"
    if indent + len(one_line) + 1 <= LINE_LENGTH:  # + the comma or colon that follows
        return one_line
    inner = " " * (indent + 4)
    return opener + "\n" + "".join(f"{inner}{item},\n" for item in items) + " " * indent + closer


def assigned(target: str, value: str, indent: int = 0) -> str:
    """The value of `target = value` as black prints it when too long: a call split after its
    opening bracket if that first line fits (`x = f(` / `    args` / `)`), else parenthesised."""
    if indent + len(target) + 3 + len(value) <= LINE_LENGTH or "\n" in value:
        return value
    inner = " " * (indent + 4)
    callee, bracket, arguments = value.partition("(")
    head_fits = indent + len(target) + 3 + len(callee) + 1 <= LINE_LENGTH
    if (
        bracket
        and _DOTTED_NAME.fullmatch(callee)
        and value.endswith(")")
        and head_fits
        and len(inner) + len(arguments) - 1 <= LINE_LENGTH
    ):
        return f"{callee}(\n{inner}{arguments[:-1]}\n{' ' * indent})"
    return f"(\n{inner}{value}\n{' ' * indent})"
