"""The format cache: unchanged pieces skip black, output is identical, trouble only costs speed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import black
import pytest

from generator import format_cache
from generator.format import format_python
from generator.format_cache import CACHE_DIR_ENV, DISABLE_ENV, FormatCache, cache_directory
from generator.plan import FileSpec

SOURCE = "import os\n\n\nclass A( object ):\n    x=1\n\n\ndef f( a ):\n    return {'a':a}\n"


def formatted(source: str = SOURCE) -> str:
    return format_python([FileSpec("m.py", source)])[0].content


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    return tmp_path / "cache"


def forbid_black(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise AssertionError("black ran for a cached piece")

    from generator import format as format_module

    format_module._black.cache_clear()
    monkeypatch.setattr(black, "format_str", fail)


def test_second_run_formats_nothing_and_gives_the_same_text(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = formatted()
    assert first == black.format_str(SOURCE, mode=black.Mode(line_length=100))
    forbid_black(monkeypatch)
    assert formatted() == first


def test_an_edit_reformats_only_the_changed_piece(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    formatted()
    calls: list[str] = []
    original = black.format_str

    def counting(source: str, **kwargs: object) -> str:
        calls.append(source)
        return original(source, **kwargs)  # type: ignore[arg-type]

    from generator import format as format_module

    format_module._black.cache_clear()
    monkeypatch.setattr(black, "format_str", counting)
    edited = SOURCE.replace("return {'a':a}", "return {'b':a}")
    assert 'return {"b": a}' in formatted(edited)
    assert len(calls) == 1 and "def f" in calls[0]


def test_disabled_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(DISABLE_ENV, "1")
    assert cache_directory() is None
    formatted()
    assert not (tmp_path / "cache").exists()


def test_unusable_cache_location_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    assert not FormatCache(cache_directory()).enabled
    assert formatted() == black.format_str(SOURCE, mode=black.Mode(line_length=100))


def test_corrupt_cache_file_only_costs_speed(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    (cache_dir / format_cache.FILE_NAME).write_bytes(b"this is not sqlite" * 100)
    assert formatted() == black.format_str(SOURCE, mode=black.Mode(line_length=100))


def test_least_recently_used_pieces_are_dropped_past_the_limit(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(format_cache, "MAX_BYTES", 1_000)
    cache = FormatCache(cache_dir)
    cache.put_many({f"old{index}": "x" * 100 for index in range(5)})
    cache.get_many(["old4"])  # recently used: survives
    cache.put_many({f"new{index}": "y" * 100 for index in range(8)})
    cache.close()
    rows = dict(sqlite3.connect(cache_dir / format_cache.FILE_NAME).execute("SELECT key, size FROM pieces").fetchall())
    assert sum(rows.values()) <= 750
    assert "old0" not in rows and "new7" in rows


def test_model_generation_is_cached_until_the_schemas_change(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.readers import openapi_models

    document = {"openapi": "3.0.3", "components": {"schemas": {"Pet": {"type": "object", "properties": {}}}}}
    document["components"]["schemas"]["Pet"]["properties"] = {"name": {"type": "string"}}
    runs: list[str] = []
    original = openapi_models._run_generator

    def counting(document_text: str) -> tuple[str, dict[str, object]]:
        runs.append(document_text)
        return original(document_text)

    monkeypatch.setattr(openapi_models, "_run_generator", counting)
    first = openapi_models.generate_models(document)
    assert openapi_models.generate_models(document) == first
    assert len(runs) == 1
    assert "class Pet(BaseModel)" in first.source and first.class_names == (("#/components/schemas/Pet", "Pet"),)
    document["components"]["schemas"]["Pet"]["properties"]["age"] = {"type": "integer"}
    assert "age:" in openapi_models.generate_models(document).source
    assert len(runs) == 2
    monkeypatch.setenv(DISABLE_ENV, "1")
    openapi_models.generate_models(document)
    assert len(runs) == 3
