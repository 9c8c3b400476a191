"""The syntax of contract `pattern`s (ECMA-262 regular expressions) as far as our rewrites need it."""

from __future__ import annotations

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
