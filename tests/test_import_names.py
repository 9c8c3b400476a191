"""The regex name scanner behind generated import lists agrees with Python's tokenizer."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.targets.imports import _names, used_names

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def tokenizer_names(text: str) -> frozenset[str]:
    """The reference: bare NAME tokens not preceded by a dot."""
    found: set[str] = set()
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME and previous != ".":
            found.add(token.string)
        previous = token.string
    return frozenset(found)


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.py")), ids=lambda path: str(path.relative_to(EXAMPLES)))
def test_scanner_matches_the_tokenizer_on_every_committed_example_module(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _names(text) == tokenizer_names(text)


@pytest.mark.parametrize(
    ("fragment", "names"),
    [
        ("list[models.Pet] | None", {"list", "models", "None"}),
        ("Annotated[str, Field(pattern='^a\\'b models$')]", {"Annotated", "str", "Field", "pattern"}),
        ('"""Doc with Secret inside."""\nvalue: Model = 1.5e3', {"value", "Model"}),
        ("x = rb'bytes Inside'  # a Comment here", {"x"}),
        ("obj . attribute + other", {"obj", "other"}),
        ("f'{hidden}' + shown", {"shown"}),
    ],
)
def test_strings_comments_attributes_and_numbers_hide_their_names(fragment: str, names: set[str]) -> None:
    assert _names(fragment) == names


@given(
    st.lists(
        st.sampled_from(["name", "Other", ".", "'str'", '"s t"', "1.5", " ", "[", "]", "|", ",", "_x1", "None"]),
        max_size=20,
    )
)
def test_scanner_matches_the_tokenizer_on_made_up_fragments(parts: list[str]) -> None:
    text = " ".join(parts)
    try:
        expected = tokenizer_names(text)
    except (tokenize.TokenError, SyntaxError):
        return
    assert _names(text) == expected


def test_used_names_keeps_only_candidates_in_sorted_order() -> None:
    assert used_names(["a: Pet", "b: list[Owner]"], ["Owner", "Pet", "Unused"]) == ["Owner", "Pet"]
