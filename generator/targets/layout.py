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


def called(head: str, arguments: list[str], indent: int, tail: str = "") -> str:
    """`head(arguments)tail` as black prints a line split at this call's brackets (a `Field(...)`
    assigned to an annotated name, a `def`'s parameters): on one line when it fits; else the
    arguments on one line of their own; else one per line with a trailing comma. `head` is the
    text before the bracket from column `indent` (`name: T = Field`, `async def name`)."""
    joined = ", ".join(arguments)
    fits = indent + len(head) + len(joined) + len(tail) + 2 <= LINE_LENGTH
    if fits or not arguments or indent + len(head) + 1 > LINE_LENGTH:  # a long head: black's call
        return f"{head}({joined}){tail}"
    inner = " " * (indent + 4)
    if len(inner) + len(joined) <= LINE_LENGTH or len(arguments) == 1:
        return f"{head}(\n{inner}{joined}\n{' ' * indent}){tail}"
    return f"{head}(\n" + "".join(f"{inner}{argument},\n" for argument in arguments) + f"{' ' * indent}){tail}"


def assigned_call(target: str, callee: str, arguments: list[str], indent: int) -> str:
    """The value of `target = callee(arguments)` laid out by `called` (the text after ` = `).

    When even `target = callee(` is too long, black puts the call in parentheses of its own if
    `target = (` fits (else it parenthesises the target's annotation: left to black).
    """
    if indent + len(target) + 4 < LINE_LENGTH - len(callee) or indent + len(target) + 4 > LINE_LENGTH:
        return called(f"{target} = {callee}", arguments, indent)[len(target) + 3 :]
    inner = " " * (indent + 4)
    return f"(\n{inner}{called(callee, arguments, indent + 4)}\n{' ' * indent})"


def from_import(module: str, names: list[str]) -> str:
    """`from module import names` as black prints it: one line, else one name per line (black
    always explodes an import it has to split); "" when there is nothing to import."""
    if not names:
        return ""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"
