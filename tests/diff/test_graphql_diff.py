"""`contractgen diff` on GraphQL: graphql-core judges, every change has a rule and a place."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import DangerousChangeType
from typer.testing import CliRunner

from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.diff.graphql import diff_graphql
from generator.diff.model import Change, Level

SPECS = Path(__file__).resolve().parents[2] / "specs"
runner = CliRunner()

BREAKING, DANGEROUS, SAFE = Level.BREAKING, Level.DANGEROUS, Level.SAFE
# Only String and Boolean in the fixtures: the built-in directives always reference them, so no
# standard scalar drops out of a schema (graphql-core would call that a removed type).
QUERY = "type Query { hello: String }\n"
NEWER_CORE = pytest.mark.skipif(
    not hasattr(DangerousChangeType, "INPUT_FIELD_DEFAULT_VALUE_CHANGE"),
    reason="graphql-core < 3.3 does not compare input field defaults or directive arguments",
)


@dataclass(frozen=True)
class Case:
    old: str
    new: str
    expected: frozenset[tuple[Level, str]]


def case(name: str, old: str, new: str, *expected: tuple[Level, str], marks: object = ()) -> object:
    rules = frozenset((level, f"graphql.{rule}") for level, rule in expected)
    return pytest.param(Case(QUERY + old, QUERY + new, rules), id=name, marks=marks)


CASES = [
    # types
    case("type-removed", "type Book { title: String }", "", (BREAKING, "type-removed")),
    case(
        "type-changed-kind",
        "type Book { title: String }",
        "interface Book { title: String }",
        (BREAKING, "type-changed-kind"),
    ),
    case("type-added", "", "type Book { title: String }", (SAFE, "type-added")),
    # object fields
    case(
        "field-removed",
        "type Book { title: String isbn: String }",
        "type Book { title: String }",
        (BREAKING, "field-removed"),
    ),
    case(
        "field-added", "type Book { title: String }", "type Book { title: String isbn: String }", (SAFE, "field-added")
    ),
    case(
        "output-field-non-null-to-nullable",
        "type Book { title: String! }",
        "type Book { title: String }",
        (BREAKING, "field-changed-kind"),
    ),
    case(
        "output-field-nullable-to-non-null",
        "type Book { title: String }",
        "type Book { title: String! }",
        (SAFE, "field-changed-kind-safe"),
    ),
    case(
        "output-field-list-to-scalar",
        "type Book { tags: [String] }",
        "type Book { tags: String }",
        (BREAKING, "field-changed-kind"),
    ),
    case(
        "output-field-list-items-non-null",
        "type Book { tags: [String] }",
        "type Book { tags: [String!]! }",
        (SAFE, "field-changed-kind-safe"),
    ),
    case(
        "output-field-named-type-changed",
        "type Book { title: String }",
        "type Book { title: Boolean }",
        (BREAKING, "field-changed-kind"),
    ),
    # arguments
    case(
        "arg-removed",
        "type Book { title(lang: String): String }",
        "type Book { title: String }",
        (BREAKING, "arg-removed"),
    ),
    case(
        "required-arg-added",
        "type Book { title: String }",
        "type Book { title(lang: String!): String }",
        (BREAKING, "required-arg-added"),
    ),
    case(
        "optional-arg-added",
        "type Book { title: String }",
        "type Book { title(lang: String): String }",
        (DANGEROUS, "optional-arg-added"),
    ),
    case(
        "arg-type-changed",
        "type Book { title(lang: String): String }",
        "type Book { title(lang: Boolean): String }",
        (BREAKING, "arg-changed-kind"),
    ),
    case(
        "arg-nullable-to-non-null",
        "type Book { title(lang: String): String }",
        "type Book { title(lang: String!): String }",
        (BREAKING, "arg-changed-kind"),
    ),
    case(
        "arg-list-to-scalar",
        "type Book { title(lang: [String]): String }",
        "type Book { title(lang: String): String }",
        (BREAKING, "arg-changed-kind"),
    ),
    case(
        "arg-non-null-to-nullable",
        "type Book { title(lang: String!): String }",
        "type Book { title(lang: String): String }",
        (SAFE, "arg-changed-kind-safe"),
    ),
    case(
        "arg-default-changed",
        'type Book { title(lang: String = "en"): String }',
        'type Book { title(lang: String = "fr"): String }',
        (DANGEROUS, "arg-default-value-change"),
    ),
    case(
        "arg-default-removed",
        'type Book { title(lang: String = "en"): String }',
        "type Book { title(lang: String): String }",
        (DANGEROUS, "arg-default-value-change"),
    ),
    case(
        "arg-default-added",
        "type Book { title(lang: String): String }",
        'type Book { title(lang: String = "en"): String }',
        (SAFE, "default-value-added"),
    ),
    # enums, unions, interfaces
    case("enum-value-removed", "enum Lang { EN FR }", "enum Lang { EN }", (BREAKING, "value-removed-from-enum")),
    case("enum-value-added", "enum Lang { EN }", "enum Lang { EN FR }", (DANGEROUS, "value-added-to-enum")),
    case(
        "union-member-removed",
        "type Book { a: String } type Film { a: String } union Item = Book | Film",
        "type Book { a: String } type Film { a: String } union Item = Book",
        (BREAKING, "type-removed-from-union"),
    ),
    case(
        "union-member-added",
        "type Book { a: String } type Film { a: String } union Item = Book",
        "type Book { a: String } type Film { a: String } union Item = Book | Film",
        (DANGEROUS, "type-added-to-union"),
    ),
    case(
        "interface-removed-from-object",
        "interface Node { id: String } type Book implements Node { id: String }",
        "interface Node { id: String } type Book { id: String }",
        (BREAKING, "implemented-interface-removed"),
    ),
    case(
        "interface-added-to-object",
        "interface Node { id: String } type Book { id: String }",
        "interface Node { id: String } type Book implements Node { id: String }",
        (DANGEROUS, "implemented-interface-added"),
    ),
    # input objects
    case(
        "required-input-field-added",
        "input Filter { title: String }",
        "input Filter { title: String author: String! }",
        (BREAKING, "required-input-field-added"),
    ),
    case(
        "optional-input-field-added",
        "input Filter { title: String }",
        "input Filter { title: String author: String }",
        (DANGEROUS, "optional-input-field-added"),
    ),
    case(
        "input-field-nullable-to-non-null",
        "input Filter { title: String }",
        "input Filter { title: String! }",
        (BREAKING, "field-changed-kind"),
    ),
    case(
        "input-field-non-null-to-nullable",
        "input Filter { title: String! }",
        "input Filter { title: String }",
        (SAFE, "field-changed-kind-safe"),
    ),
    case(
        "input-field-removed",
        "input Filter { title: String author: String }",
        "input Filter { title: String }",
        (BREAKING, "field-removed"),
    ),
    case(
        "input-field-default-changed",
        'input Filter { lang: String = "en" }',
        'input Filter { lang: String = "fr" }',
        (DANGEROUS, "input-field-default-value-change"),
        marks=NEWER_CORE,
    ),
    # directives
    case("directive-removed", "directive @cached on FIELD_DEFINITION", "", (BREAKING, "directive-removed")),
    case("directive-added", "", "directive @cached on FIELD_DEFINITION", (SAFE, "directive-added")),
    case(
        "directive-location-removed",
        "directive @cached on FIELD_DEFINITION | OBJECT",
        "directive @cached on FIELD_DEFINITION",
        (BREAKING, "directive-location-removed"),
    ),
    case(
        "directive-location-added",
        "directive @cached on FIELD_DEFINITION",
        "directive @cached on FIELD_DEFINITION | OBJECT",
        (SAFE, "directive-location-added"),
    ),
    case(
        "directive-arg-removed",
        "directive @cached(scope: String) on FIELD_DEFINITION",
        "directive @cached on FIELD_DEFINITION",
        (BREAKING, "directive-arg-removed"),
    ),
    case(
        "required-directive-arg-added",
        "directive @cached on FIELD_DEFINITION",
        "directive @cached(scope: String!) on FIELD_DEFINITION",
        (BREAKING, "required-directive-arg-added"),
    ),
    case(
        "optional-directive-arg-added",
        "directive @cached on FIELD_DEFINITION",
        "directive @cached(scope: String) on FIELD_DEFINITION",
        (SAFE, "directive-arg-added"),
    ),
    case(
        "directive-arg-type-changed",
        "directive @cached(scope: String) on FIELD_DEFINITION",
        "directive @cached(scope: Boolean) on FIELD_DEFINITION",
        (BREAKING, "arg-changed-kind"),
        marks=NEWER_CORE,
    ),
    case(
        "repeatable-removed",
        "directive @tag(name: String) repeatable on OBJECT",
        "directive @tag(name: String) on OBJECT",
        (BREAKING, "directive-repeatable-removed"),
    ),
    case(
        "repeatable-added",
        "directive @tag(name: String) on OBJECT",
        "directive @tag(name: String) repeatable on OBJECT",
        (SAFE, "directive-repeatable-added"),
    ),
    # schema roots (graphql-core does not compare them)
    case(
        "query-root-changed",
        "type Root { hello: String } schema { query: Query }",
        "type Root { hello: String } schema { query: Root }",
        (BREAKING, "root-type-changed"),
    ),
    case(
        "mutation-root-removed",
        "type Mutation { save: Boolean } schema { query: Query mutation: Mutation }",
        "type Mutation { save: Boolean } schema { query: Query }",
        (BREAKING, "root-type-removed"),
    ),
    case(
        "mutation-root-added",
        "",
        "type Mutation { save: Boolean }",
        (SAFE, "root-type-added"),
        (SAFE, "type-added"),
    ),
    # documentation
    case(
        "descriptions-changed",
        '"A book." type Book { "Its title." title("Language." lang: String): String } enum Lang { "English." EN }',
        '"A volume." type Book { "The title." title("ISO code." lang: String): String } enum Lang { "Anglais." EN }',
        (SAFE, "description-changed"),
    ),
    case(
        "deprecations-added",
        "type Book { title(lang: String): String } enum Lang { EN FR } input Filter { a: String }",
        'type Book { title(lang: String @deprecated): String @deprecated(reason: "Use name.") }'
        " enum Lang { EN FR @deprecated } input Filter { a: String @deprecated }",
        (SAFE, "deprecation-added"),
    ),
    case(
        "deprecation-removed",
        "type Book { title: String @deprecated }",
        "type Book { title: String }",
        (SAFE, "deprecation-removed"),
    ),
    case(
        "deprecation-reason-changed",
        'type Book { title: String @deprecated(reason: "Use name.") }',
        'type Book { title: String @deprecated(reason: "Use label.") }',
        (SAFE, "deprecation-reason-changed"),
    ),
    case("unchanged-but-reformatted", "type Book{title:String}", "\n\ntype Book {\n  title: String\n}\n"),
]


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def diff_texts(tmp_path: Path, old: str, new: str) -> list[Change]:
    sink = DiagnosticSink()
    changes = diff_graphql(
        write(tmp_path / "old", {"schema.graphql": old}) / "schema.graphql",
        write(tmp_path / "new", {"schema.graphql": new}) / "schema.graphql",
        sink,
    )
    assert not sink.items, sink.items
    return changes


@pytest.mark.parametrize("change_case", CASES)
def test_each_change_has_its_rule_level_and_line(tmp_path: Path, change_case: Case) -> None:
    changes = diff_texts(tmp_path, change_case.old, change_case.new)
    assert {(change.level, change.rule) for change in changes} == change_case.expected, changes
    for change in changes:
        assert change.location is not None and change.location.line is not None, change
        assert Path(change.location.file).name == "schema.graphql"
        assert change.message


def test_the_table_covers_enough_cases() -> None:
    assert len(CASES) >= 35


@pytest.mark.parametrize("contract", [SPECS / "bookshop.graphql", SPECS / "chat"], ids=["bookshop", "chat"])
def test_a_schema_diffed_with_itself_has_no_changes(contract: Path) -> None:
    sink = DiagnosticSink()
    assert diff_graphql(contract, contract, sink) == []
    assert not sink.has_errors


def test_a_type_extension_moved_to_another_file_is_no_change(tmp_path: Path) -> None:
    one_file = 'type Query { hello: String }\nextend type Query { "Hi." hi(name: String = "you"): String }\n'
    old = write(tmp_path / "old", {"schema.graphql": one_file})
    new = write(
        tmp_path / "new",
        {
            "schema.graphql": "type Query { hello: String }\n",
            "more/greetings.graphqls": 'extend type Query { "Hi." hi(name: String = "you"): String }\n',
        },
    )
    assert diff_graphql(old, new, DiagnosticSink()) == []


def test_an_addition_is_located_in_new_and_a_removal_in_old(tmp_path: Path) -> None:
    old = "type Query {\n  hello: String\n  title: String\n}\n"
    new = "type Query {\n  hello: String\n\n\n  isbn: String\n}\n"
    changes = {change.rule: change for change in diff_texts(tmp_path, old, new)}
    added, removed = changes["graphql.field-added"].location, changes["graphql.field-removed"].location
    assert added is not None and removed is not None
    assert (Path(added.file).parent.name, added.line, added.column) == ("new", 5, 3)
    assert (Path(removed.file).parent.name, removed.line, removed.column) == ("old", 3, 3)


def test_lines_are_counted_as_graphql_counts_them(tmp_path: Path) -> None:
    """CRLF and lone CR end a line too (graphql-core's `Source.get_location`)."""
    old = "type Query {\r\n  hello: String\r  title: String\r\n}\r\n"
    [change] = diff_texts(tmp_path, old, "type Query {\r\n  hello: String\r\n}\r\n")
    assert change.location is not None
    assert (change.location.line, change.location.column) == (3, 3)


def test_parts_of_a_definition_are_located_where_they_are_written(tmp_path: Path) -> None:
    """A union member, an interface and a directive location point at their own name."""
    old = (
        "type A { a: String }\ntype B { a: String }\nunion U =\n  | A\n  | B\ndirective @d on\n  | FIELD\n  | OBJECT\n"
    )
    new = "type A { a: String }\ntype B { a: String }\nunion U =\n  | A\ndirective @d on\n  | FIELD\n"
    changes = {change.rule: change for change in diff_texts(tmp_path, QUERY + old, QUERY + new)}
    member = changes["graphql.type-removed-from-union"].location
    location = changes["graphql.directive-location-removed"].location
    assert member is not None and location is not None
    assert (member.line, member.column) == (6, 5)
    assert (location.line, location.column) == (9, 5)


def test_a_directory_side_reads_every_file_and_ignores_operations(tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(SPECS / "chat", old)
    new = tmp_path / "new"
    shutil.copytree(SPECS / "chat", new)
    extensions = new / "extensions.graphql"
    text = extensions.read_text()
    assert "extend type" in text
    (new / "operations.graphql").write_text("query Broken { nothing }\n")
    (new / "late.graphql").write_text('extend type Query { "New." version: String }\n')
    changes = diff_graphql(old, new, DiagnosticSink())
    assert [(change.rule, Path(change.location.file).name if change.location else None) for change in changes] == [
        ("graphql.field-added", "late.graphql")
    ]


def test_field_added_in_an_extension_is_located_in_the_extension_file(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"a.graphql": QUERY})
    new = write(tmp_path / "new", {"a.graphql": QUERY, "b.graphql": "\nextend type Query {\n  bye: String\n}\n"})
    [change] = diff_graphql(old, new, DiagnosticSink())
    assert change.location is not None
    assert (Path(change.location.file).name, change.location.line) == ("b.graphql", 3)


def test_a_broken_side_reports_located_errors_and_no_changes(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {"schema.graphql": QUERY})
    new = write(tmp_path / "new", {"schema.graphql": "type Query {\n  hello: Missing\n}\n"})
    sink = DiagnosticSink()
    assert diff_graphql(old, new, sink) == []
    [error] = list(sink.errors())
    assert error.location is not None and error.location.line == 2


# --- the command line -----------------------------------------------------------------------


def sides(tmp_path: Path, old: str, new: str) -> list[str]:
    return [
        str(write(tmp_path / "old", {"schema.graphql": old}) / "schema.graphql"),
        str(write(tmp_path / "new", {"schema.graphql": new}) / "schema.graphql"),
    ]


BREAKING_PAIR = (QUERY + "type Book { title: String isbn: String }", QUERY + "type Book { title: String }")


def test_cli_exits_1_on_a_breaking_change(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", *sides(tmp_path, *BREAKING_PAIR)])
    assert result.exit_code == 1, result.output
    assert "breaking[graphql.field-removed]" in result.stdout
    assert "schema.graphql:2:" in result.stdout


def test_cli_fail_on_never_exits_0(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", *sides(tmp_path, *BREAKING_PAIR), "--fail-on", "never"])
    assert result.exit_code == 0, result.output


def test_cli_safe_changes_pass_by_default(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", *sides(tmp_path, QUERY, QUERY + "type Book { title: String }")])
    assert result.exit_code == 0, result.output
    assert "safe[graphql.type-added]" in result.stdout


def test_cli_json_lists_changes_with_rules(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", *sides(tmp_path, *BREAKING_PAIR), "--json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["protocol"] == "graphql"
    assert [change["rule"] for change in document["changes"]] == ["graphql.field-removed"]
    assert document["changes"][0]["line"] == 2


def test_cli_invalid_sdl_exits_2_with_a_located_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", *sides(tmp_path, QUERY, "type Query {\n  hello: String\n  oops(\n}\n")])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert errors and "schema.graphql:4:1: error[graphql.syntax]" in errors[0], result.stderr
    assert "Traceback" not in result.output
