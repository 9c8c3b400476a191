"""Hostile GraphQL schemas: descriptions, string defaults and names built to break generated Python.

Hypothesis writes small schemas whose descriptions and string defaults hold quotes, triple quotes,
backslashes, `\\r`, NUL, Unicode line separators, Jinja delimiters and `__import__` payloads, and
whose type, field, argument and enum value names are Python keywords and generated-code locals.
Each generated project (server, client, contract tests) must compile, import without running a
payload, serve a query, and hold the contract's values exactly: the input model's defaults and the
enum members in the running code equal what graphql-core reads from the schema, byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from graphql import build_schema, coerce_input_value, parse, print_ast, value_from_ast
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import project_env

_HOSTILE_BITS = st.sampled_from(
    ['"', "'", '"""', "'''", "\\", "\n", "\r", "\r\n", "\x00", "\x85", "\u2028", "\u2029", "{{", "}}", "{%",
     "%}", "{#", "#}", "#", "\t", " ", "__import__('os').system('touch PWNED')", "\\N{BULLET}", "\\x00", "ü",
     "\U0001f600", "$", "%s", "{0}", "*/", "<!--"]
)  # fmt: skip
HOSTILE_TEXT = st.lists(st.one_of(_HOSTILE_BITS, st.text(max_size=3)), max_size=6).map("".join)
"""Any text: descriptions and defaults are GraphQL strings, which can spell every character."""
_PYTHON_HOSTILE_NAMES = [
    "class", "self", "None", "True", "import", "from", "async", "await", "lambda", "match", "type", "_", "id",
    "json", "model_config", "model_fields", "typename__", "Field", "BaseModel", "Query", "str", "int", "cls",
    "Client", "headers", "timeout", "extensions", "variables", "info", "obj", "result", "value", "name", "mro",
]  # fmt: skip
NAME = st.one_of(st.sampled_from(_PYTHON_HOSTILE_NAMES), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True))
NAMES = st.lists(NAME.filter(lambda name: not name.startswith("__")), min_size=4, max_size=4, unique=True)
"""Field, argument, input field and output field names (GraphQL reserves names starting with `__`)."""
ENUM_VALUES = st.lists(
    st.sampled_from(["None", "True", "False", "name", "value", "mro", "class", "_", "A", "b_c"]),
    min_size=1,
    max_size=4,
    unique=True,
)


def graphql_string(text: str) -> str:
    """`text` as a GraphQL string literal: JSON's escapes are GraphQL's, and ASCII-only is always valid."""
    return json.dumps(text, ensure_ascii=True)


@dataclass(frozen=True)
class HostileSchema:
    description: str
    default: str
    names: tuple[str, ...]
    enum_values: tuple[str, ...]

    def sdl(self) -> str:
        field, argument, input_field, output_field = self.names
        described = graphql_string(self.description)
        return (
            textwrap.dedent(
                f"""\
            {described}
            type Query {{
              {described}
              {field}({described} {argument}: String = {graphql_string(self.default)}, filter: Filter): Result
            }}

            {described}
            input Filter {{
              {described}
              {input_field}: String = {graphql_string(self.default)}
              kind: Kind = {self.enum_values[0]}
            }}

            {described}
            enum Kind {{
            """
            )
            + "".join(f"  {described} {value}\n" for value in self.enum_values)
            + textwrap.dedent(
                f"""\
            }}

            {described}
            type Result {{
              {described}
              {output_field}: String
              kind: Kind
            }}
            """
            )
        )


HOSTILE_SCHEMAS = st.builds(
    HostileSchema,
    description=HOSTILE_TEXT,
    default=HOSTILE_TEXT,
    names=NAMES.map(tuple),
    enum_values=ENUM_VALUES.map(tuple),
)
HYPOTHESIS = settings(
    max_examples=int(os.environ.get("CONTRACTGEN_FUZZ_EXAMPLES", "8")),
    deadline=None,
    derandomize="CONTRACTGEN_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_CHECK = textwrap.dedent(
    """
    import enum, importlib, json, sys, warnings
    warnings.simplefilter("ignore")
    package = sys.argv[1]
    from starlette.testclient import TestClient
    report = {"imported": []}
    for module in ("app", "client", "_generated.types", "_generated.client", "_generated.mock"):
        importlib.import_module(f"{package}.{module}")
        report["imported"].append(module)
    types = importlib.import_module(f"{package}._generated.types")
    report["enum"] = [member.value for member in types.Kind]
    filter_fields = types.Filter.model_fields
    report["filter_defaults"] = {
        (field.alias or name): (field.default.value if isinstance(field.default, enum.Enum) else field.default)
        for name, field in filter_fields.items()
    }
    app = importlib.import_module(f"{package}.app").app
    with TestClient(app) as client:
        query = sys.argv[2]
        response = client.post("/graphql", json={"query": query})
        report["status"] = response.status_code
        report["answer"] = response.json()
    print("@@REPORT@@" + json.dumps(report))
    """
)


def _check_project(out: Path, package: str, query: str) -> dict[str, object]:
    environment = project_env(out)
    completed = subprocess.run(
        [sys.executable, "-c", _CHECK, package, query],
        cwd=out,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    reports = [line for line in completed.stdout.splitlines() if line.startswith("@@REPORT@@")]
    assert reports, f"exit {completed.returncode}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    report: dict[str, object] = json.loads(reports[-1].removeprefix("@@REPORT@@"))
    return report


_COUNTER = iter(range(10**6))
EXPLICIT = HostileSchema(
    '"""\\\r\x00{{ x }}\u2028', "'''\\\n{% y %}", ("class", "self", "model_config", "None"), ("None",)
)


@HYPOTHESIS
@example(schema=EXPLICIT)
@given(schema=HOSTILE_SCHEMAS)
def test_hostile_schema_gives_code_that_compiles_imports_serves_and_keeps_values(
    schema: HostileSchema, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("gql")
    canary = work / "PWNED"
    contract = work / "hostile.graphql"
    contract.write_text(schema.sdl(), encoding="utf-8")
    parsed = build_schema(schema.sdl())  # what the contract says, as graphql-core reads it
    filter_type = parsed.type_map["Filter"]
    out = work / "out"
    package = f"gqlhostile{next(_COUNTER)}"
    result = CliRunner().invoke(app, ["generate", str(contract), "--out", str(out), "-p", package])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:  # a clash the naming layer refuses: one located error, nothing written
        errors = [line for line in result.output.splitlines() if "error[" in line]
        assert len(errors) == 1 and "hostile.graphql:" in errors[0], result.output
        assert not out.exists()
        return
    for path in out.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
    field = schema.names[0]
    report = _check_project(out, package, f"{{ {field} {{ kind }} }}")
    assert not canary.exists() and not list(Path.cwd().glob("PWNED*")), "a payload ran"
    assert report["status"] == 200, report
    assert report["enum"] == list(schema.enum_values)
    input_field = schema.names[2]
    defaults = report["filter_defaults"]
    assert isinstance(defaults, dict)
    contract_field = filter_type.fields[input_field]
    assert contract_field.ast_node is not None and contract_field.ast_node.default_value is not None
    contract_default = value_from_ast(contract_field.ast_node.default_value, contract_field.type)
    assert defaults[input_field] == contract_default == schema.default
    assert defaults["kind"] == schema.enum_values[0]


@dataclass(frozen=True)
class HostileLoadSchema:
    """A query whose required arguments (an input object, an enum list) carry hostile names, and
    whose operation document holds a hostile string literal, for the generated load test."""

    text: str
    names: tuple[str, ...]
    enum_values: tuple[str, ...]

    def sdl(self) -> str:
        field, argument, input_field, output_field = self.names
        described = graphql_string(self.text)
        values = "".join(f"  {described} {value}\n" for value in self.enum_values)
        return (
            textwrap.dedent(
                f"""\
            type Query {{
              {described}
              {field}({argument}: Filter!, kinds: [Kind!]!, note: String = {described}): Result
            }}

            input Filter {{
              {input_field}: String!
              kind: Kind!
              note: String = {described}
            }}

            type Result {{
              {output_field}: String
              kind: Kind
            }}

            enum Kind {{
            """
            )
            + values
            + "}\n"
        )

    def operations(self) -> str:
        field, argument, _, output_field = self.names
        return (
            f"query Hostile(${argument}: Filter!, $kinds: [Kind!]!) {{\n"
            f"  {field}({argument}: ${argument}, kinds: $kinds, note: {graphql_string(self.text)}) {{\n"
            f"    {output_field}\n"
            "    kind\n"
            "  }\n"
            "}\n"
        )


HOSTILE_LOAD_SCHEMAS = st.builds(
    HostileLoadSchema,
    text=HOSTILE_TEXT,
    names=NAMES.filter(lambda names: not {"kind", "kinds", "note"} & set(names)).map(tuple),
    enum_values=ENUM_VALUES.map(tuple),
)
_LOAD_CHECK = textwrap.dedent(
    """
    import importlib, json, sys, warnings
    warnings.simplefilter("ignore")
    package = sys.argv[1]
    from starlette.testclient import TestClient
    loadtest = importlib.import_module(f"{package}.loadtest")
    app = importlib.import_module(f"{package}.app").app
    report = {"queries": [], "skipped": list(loadtest.SKIPPED)}
    with TestClient(app) as client:
        for query in loadtest.QUERIES:
            body = {"query": query.document, "operationName": query.operation_name, "variables": query.variables}
            answer = client.post("/graphql", json=body).json()
            sent = {"name": query.operation_name, "document": query.document, "variables": query.variables}
            report["queries"].append({**sent, "answer": answer})
    print("@@REPORT@@" + json.dumps(report))
    """
)


@settings(HYPOTHESIS, max_examples=min(HYPOTHESIS.max_examples, 4))
@example(
    schema=HostileLoadSchema(
        '"""\\\r\x00{{ x }}\u2028\n")', ("class", "self", "model_config", "None"), ("None", "True")
    )
)
@given(schema=HOSTILE_LOAD_SCHEMAS)
def test_hostile_schema_gives_a_load_test_whose_variables_are_valid_and_inert(
    schema: HostileLoadSchema, tmp_path_factory: pytest.TempPathFactory
) -> None:
    work = tmp_path_factory.mktemp("gqlload")
    contract = work / "contract"
    contract.mkdir()
    (contract / "schema.graphql").write_text(schema.sdl(), encoding="utf-8")
    (contract / "operations.graphql").write_text(schema.operations(), encoding="utf-8")
    parsed = build_schema(schema.sdl())
    out = work / "out"
    package = f"gqlload{next(_COUNTER)}"
    result = CliRunner().invoke(app, ["generate", str(contract), "--out", str(out), "-p", package])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:  # a clash the naming layer refuses, as above
        return
    loadtest = next(out.rglob("loadtest.py"))
    compile(loadtest.read_text(encoding="utf-8"), str(loadtest), "exec", dont_inherit=True)
    completed = subprocess.run(
        [sys.executable, "-c", _LOAD_CHECK, package],
        cwd=out,
        env=project_env(out),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    reports = [line for line in completed.stdout.splitlines() if line.startswith("@@REPORT@@")]
    assert reports, f"exit {completed.returncode}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    report = json.loads(reports[-1].removeprefix("@@REPORT@@"))
    assert not (work / "PWNED").exists() and not list(Path.cwd().glob("PWNED*")), "a payload ran"
    assert report["skipped"] == []
    [query] = report["queries"]
    assert query["name"] == "Hostile"
    assert print_ast(parse(query["document"])) == print_ast(parse(schema.operations()))  # the literal, unchanged
    field, argument, input_field, _ = schema.names
    assert query["variables"] == {
        argument: {input_field: "example", "kind": schema.enum_values[0]},
        "kinds": [schema.enum_values[0]],
    }
    assert coerce_input_value(query["variables"][argument], parsed.type_map["Filter"]) is not None
    assert "errors" not in query["answer"] and query["answer"]["data"][field] is not None, query["answer"]
