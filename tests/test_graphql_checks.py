"""The checking functions the generated GraphQL contract tests rely on, tested on their own.

They decide whether a service conforms, so each must be shown to fail on non-conforming input.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parent.parent
CHECKS_PATH = ROOT / "templates" / "graphql_contract_tests" / "static" / "graphql_checks.py"

SDL = """
type Query { book(id: ID!): Book  books: [Book!]!  search: [Result!]!  version: String! }
type Book { id: ID! title: String! year: Int genre: Genre! author: Author! }
type Author { name: String! books: [Book!]! }
type Magazine { title: String! issue: Int! }
union Result = Book | Magazine
enum Genre { FICTION SCIENCE }
"""


@pytest.fixture(scope="module")
def checks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("graphql_checks_under_test", CHECKS_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCHEMA = build_schema(SDL)
BOOK = {"id": "1", "title": "T", "year": None, "genre": "FICTION", "author": {"name": "A"}}
BOOK_QUERY = "{ book(id: 1) { id title year genre author { name } } }"


def test_conforming_data_passes(checks: ModuleType) -> None:
    assert checks.conformance_errors(SCHEMA, BOOK_QUERY, None, {"book": BOOK}) == []
    assert checks.conformance_errors(SCHEMA, BOOK_QUERY, None, {"book": None}) == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"book": {**BOOK, "title": None}}, "Cannot return null for non-nullable field Book.title"),
        ({"book": {**BOOK, "year": "nineteen"}}, "Int cannot represent"),
        ({"book": {**BOOK, "year": "1999"}}, "values of another JSON type"),
        ({"book": {**BOOK, "genre": "POETRY"}}, "Enum 'Genre' cannot represent value"),
        ({"book": {**BOOK, "extra": 1}}, "fields the query did not select"),
        ({"book": {**BOOK, "author": {"name": "A", "books": []}}}, "fields the query did not select"),
    ],
)
def test_non_conforming_data_is_caught(checks: ModuleType, data: dict[str, object], problem: str) -> None:
    problems = checks.conformance_errors(SCHEMA, BOOK_QUERY, None, data)
    assert any(problem in text for text in problems), problems


def test_union_members_are_checked_by_typename(checks: ModuleType) -> None:
    query = checks.with_typenames(SCHEMA, "{ search { ... on Book { title } ... on Magazine { issue } } }")
    assert "__typename" in query
    good = {"search": [{"__typename": "Book", "title": "T"}, {"__typename": "Magazine", "issue": 3}]}
    assert checks.conformance_errors(SCHEMA, query, None, good) == []
    bad = {"search": [{"__typename": "Magazine", "issue": "third"}]}
    assert checks.conformance_errors(SCHEMA, query, None, bad)
    unknown = {"search": [{"__typename": "Author"}]}
    assert checks.conformance_errors(SCHEMA, query, None, unknown)


def test_aliases_are_read_back_by_response_key(checks: ModuleType) -> None:
    query = "{ first: book(id: 1) { heading: title } version }"
    assert checks.conformance_errors(SCHEMA, query, None, {"first": {"heading": "x"}, "version": "1"}) == []
    assert checks.conformance_errors(SCHEMA, query, None, {"first": {"title": "x"}, "version": "1"})


def test_missing_data_is_a_problem(checks: ModuleType) -> None:
    assert checks.conformance_errors(SCHEMA, BOOK_QUERY, None, None) == ["the response has no data"]


def test_schema_differences_in_both_directions(checks: ModuleType) -> None:
    assert checks.schema_differences(SCHEMA, build_schema(SDL)) == []
    fewer = build_schema(SDL.replace("version: String!", ""))
    assert "breaking (contract → served): Field Query.version was removed." in checks.schema_differences(SCHEMA, fewer)
    more = build_schema(SDL.replace("enum Genre { FICTION SCIENCE }", "enum Genre { FICTION SCIENCE POETRY }"))
    assert checks.schema_differences(SCHEMA, more) == [
        "dangerous (contract → served): Enum value Genre.POETRY was added.",
        "breaking (served → contract): Enum value Genre.POETRY was removed.",
    ]


def test_over_deep_query_follows_a_cycle_and_is_valid(checks: ModuleType) -> None:
    query = checks.over_deep_query(SCHEMA, depth=40)
    assert query is not None
    assert validate(SCHEMA, parse(query)) == []
    assert query.count("{") == 41  # the operation's own braces, then 40 nested fields


def test_no_cycle_no_deep_query(checks: ModuleType) -> None:
    flat = build_schema("type Query { a: A } type A { b: String }")
    assert checks.over_deep_query(flat) is None
