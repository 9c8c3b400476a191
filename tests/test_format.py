"""Formatting in top-level chunks (and in parallel) gives exactly what black gives the whole file."""

from __future__ import annotations

import black
import pytest

from generator.format import FormattingError, format_python, split_top_level
from generator.plan import FileSpec

MODE = black.Mode(line_length=100, target_versions={black.mode.TargetVersion.PY310})


def _module(classes: int) -> str:
    header = '"""Doc."""\nfrom __future__ import annotations\nimport enum\nfrom typing import Any\nX = {"a":1}\n'
    body = "".join(
        f"\n\n@decorator( 'x' )\nclass Model{index}(Base):\n    '''Doc {index}.'''\n    value: int=1\n"
        f"    def method(self, a:int,b:int)->int:\n        return a+b  # comment\n"
        f"\n\ndef helper{index}( x ) :\n    return {{ 'k':[x,x] }}\n"
        for index in range(classes)
    )
    return header + body


def test_chunks_cut_only_before_top_level_definitions() -> None:
    source = black.format_str(_module(400), mode=MODE)
    pieces = split_top_level(source, chunk_chars=2_000)
    assert len(pieces) > 10
    assert all(piece.startswith(("class ", "def ", "@")) for piece in pieces[1:])


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunking and worker processes on a module small enough to format quickly."""
    monkeypatch.setattr("generator.format._CHUNK_CHARS", 2_000)
    monkeypatch.setattr("generator.format._PARALLEL_CHARS", 10_000)


@pytest.mark.usefixtures("small_thresholds")
def test_chunked_parallel_formatting_equals_whole_file_formatting() -> None:
    source = _module(150)
    [formatted] = format_python([FileSpec("pkg/big.py", source)])
    assert formatted.content == black.format_str(source, mode=MODE)


@pytest.mark.usefixtures("small_thresholds")
def test_a_piece_that_does_not_parse_names_its_file() -> None:
    broken = _module(150) + "\n\ndef broken(:\n    pass\n"
    with pytest.raises(FormattingError, match=r"pkg/broken\.py: generated code does not parse"):
        format_python([FileSpec("pkg/ok.py", "x = 1\n"), FileSpec("pkg/broken.py", broken)])


def test_non_python_files_pass_through() -> None:
    files = [FileSpec("a.graphql", "type Query { a: Int }\n"), FileSpec("b.py", "x=1\n")]
    assert [spec.content for spec in format_python(files)] == ["type Query { a: Int }\n", "x = 1\n"]
