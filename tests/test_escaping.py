"""Contract text enters generated code only as inert literals, docstrings or comments."""

from __future__ import annotations

import ast

import black
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.escaping import (
    UnsafeValueError,
    checked_identifier,
    comment_text,
    docstring_text,
    python_literal,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_literal_round_trips_any_json_value(value: object) -> None:
    assert ast.literal_eval(python_literal(value)) == value


@given(
    st.text(alphabet=st.sampled_from("ab'\"\\\n\x00\u2028é") | st.characters(blacklist_categories=("Cs",)), max_size=40)
)
def test_string_literals_are_quoted_as_black_quotes_them(text: str) -> None:
    """Already-black input makes black's second pass unnecessary (the format stage's main cost)."""
    source = f"value = {python_literal(text)}\n"
    assert black.format_str(source, mode=black.Mode(line_length=10_000)) == source


@given(st.text())
def test_docstring_cannot_be_closed_from_inside(text: str) -> None:
    source = f'def f() -> None:\n    """{docstring_text(text)}"""\n'
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1


@given(st.text())
def test_comment_stays_on_one_line(text: str) -> None:
    source = f"# {comment_text(text)}\nx = 1\n"
    assert [type(node) for node in ast.parse(source).body] == [ast.Assign]


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(UnsafeValueError):
        python_literal(float("inf"))


@pytest.mark.parametrize("name", ["class", "a b", "x;import os", "ü", ""])
def test_unclean_identifiers_are_refused(name: str) -> None:
    with pytest.raises(UnsafeValueError):
        checked_identifier(name)
