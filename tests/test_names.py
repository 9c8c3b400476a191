"""The naming layer: every contract string becomes a clean, unique, non-escaping name."""

from __future__ import annotations

import keyword

from hypothesis import given
from hypothesis import strategies as st

from generator.ir.names import ClassName, NameScope, PythonIdentifier, module_path, snake_case


def test_keywords_get_a_trailing_underscore() -> None:
    assert PythonIdentifier("class") == "class_"
    assert PythonIdentifier("match") == "match_"
    assert snake_case("from") == "from_"


def test_leading_digits_are_prefixed() -> None:
    assert PythonIdentifier("2fa") == "n2fa"
    assert ClassName("3d model") == "N3dModel"


def test_operation_ids_become_snake_case() -> None:
    assert snake_case("listPets") == "list_pets"
    assert snake_case("getPetByID") == "get_pet_by_id"
    assert snake_case("GET /pets/{petId}/photo") == "get_pets_pet_id_photo"


def test_unicode_is_folded_to_ascii() -> None:
    assert snake_case("Ünïcode näme") == "unicode_name"
    assert ClassName("café-item") == "CafeItem"


def test_name_scope_makes_names_unique() -> None:
    scope = NameScope(["body"])
    assert scope.claim(PythonIdentifier("body")) == "body_2"
    assert scope.claim(PythonIdentifier("id")) == "id"
    assert scope.claim(PythonIdentifier("id")) == "id_2"
    assert scope.claim(ClassName("Pet")) == "Pet"
    assert scope.claim(ClassName("Pet")) == "Pet2"


def test_module_path_cannot_escape() -> None:
    assert module_path("..", "..", "etc", "passwd.py") == "value/value/etc/passwd.py"
    assert module_path("a/b", "x.json") == "a_b/x.json"
    assert module_path("src", "pkg", "__init__.py") == "src/pkg/__init__.py"


@given(st.text(max_size=40))
def test_any_text_gives_a_valid_identifier(raw: str) -> None:
    for name in (PythonIdentifier(raw), snake_case(raw), ClassName(raw)):
        assert name.isidentifier() and name.isascii()
        assert not keyword.iskeyword(name)


@given(st.lists(st.text(max_size=12), max_size=6))
def test_module_paths_stay_relative(parts: list[str]) -> None:
    path = module_path("root", *parts, "file.py")
    assert not path.startswith("/")
    assert ".." not in path.split("/")
    assert "\\" not in path


def test_unique_names_survive_recleaning_at_the_length_limit() -> None:
    long = PythonIdentifier("x" * 100)
    scope = NameScope()
    first, second = scope.claim(long), scope.claim(PythonIdentifier(long + "_detailed"))
    assert first != second
    assert PythonIdentifier(second) == second
