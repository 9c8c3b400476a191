"""Inputs built to exhaust the generator get one located error, in bounded memory, and write nothing.

Each case runs the real CLI in a child process that reports its own peak memory, so a reader
that expands an alias bomb or recurses without a limit shows up as a broken bound rather than as
a slow or killed test run. The limits are generous (a few times what refusing costs) on purpose:
they catch exhaustion, not speed, which `bench/` measures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PEAK_MEMORY_LIMIT_MB = 400
"""Refusing any of these inputs must not take more than this much memory (the CLI itself: ~70 MB)."""
HANG_GUARD_SECONDS = 120
"""Not a speed check: a child still running after this long is stuck in an unbounded loop."""

_RUNNER = textwrap.dedent(
    """
    import resource, sys
    from generator.cli import app
    try:
        app(sys.argv[2:], prog_name="contractgen")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    else:
        code = 0
    with open(sys.argv[1], "w") as report:
        report.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
    sys.exit(code)
    """
)

OPENAPI_HEAD = "openapi: 3.1.0\ninfo: {title: bounds, version: '1'}\n"
OPERATION = "paths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n"


def _alias_bomb(path: Path) -> None:
    lines = [OPENAPI_HEAD + OPERATION + "x-bomb:", '  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _recursive_alias(path: Path) -> None:
    path.write_text(OPENAPI_HEAD + OPERATION + "x-loop: &loop {self: *loop}\n", encoding="utf-8")


def _deep_yaml(path: Path) -> None:
    path.write_text(OPENAPI_HEAD + OPERATION + "x-deep: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")


def _deep_json(path: Path) -> None:
    head = '{"openapi": "3.1.0", "info": {"title": "bounds", "version": "1"}, "paths": {}, "x-deep": '
    path.write_text(head + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")


def _deep_schema(path: Path) -> None:
    nested = '{"type": "object", "properties": {"p": ' * 5_000 + '{"type": "string"}' + "}}" * 5_000
    head = '{"openapi": "3.1.0", "info": {"title": "bounds", "version": "1"}, "paths": {}, '
    path.write_text(head + '"components": {"schemas": {"Deep": ' + nested + "}}}", encoding="utf-8")


def _ref_loop(path: Path) -> None:
    schemas = (
        "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"
    )
    path.write_text(OPENAPI_HEAD + OPERATION + schemas, encoding="utf-8")


def _file_ref_loop(path: Path) -> None:
    (path.parent / "other.yaml").write_text("Loop: {$ref: 'bounds.yaml#/components/schemas/Start'}\n", "utf-8")
    schemas = "components:\n  schemas:\n    Start: {$ref: 'other.yaml#/Loop'}\n"
    path.write_text(OPENAPI_HEAD + OPERATION + schemas, encoding="utf-8")


def _huge(header: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(header.encode("utf-8"))
            handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk, reads as NUL bytes

    return write


def _deep_graphql_type(path: Path) -> None:
    path.write_text("type Query { a: " + "[" * 100_000 + "Int" + "]" * 100_000 + " }\n", encoding="utf-8")


def _deep_graphql_query(path: Path) -> None:
    path.write_text("type Query { a: Int }\nquery Q { " + "a { " * 100_000 + "}" * 100_000 + " }\n", "utf-8")


def _many_graphql_tokens(path: Path) -> None:
    path.write_text("type Query {\n" + "  a: Int\n" * 2_000_000 + "}\n", encoding="utf-8")


def _deep_proto(path: Path) -> None:
    path.write_text('syntax = "proto3";\npackage bounds;\n' + "message M { " * 3_000 + "}" * 3_000 + "\n", "utf-8")


CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "yaml-alias-bomb": ("bounds.yaml", _alias_bomb, "yaml.alias-limit"),
    "yaml-recursive-alias": ("bounds.yaml", _recursive_alias, "yaml.recursive-alias"),
    "yaml-deep-nesting": ("bounds.yaml", _deep_yaml, "yaml."),
    "json-deep-nesting": ("bounds.json", _deep_json, "json.too-deep"),
    "json-deep-schema": ("bounds.json", _deep_schema, "json.too-deep"),
    "ref-loop": ("bounds.yaml", _ref_loop, "openapi.ref-cycle"),
    "ref-loop-across-files": ("bounds.yaml", _file_ref_loop, "openapi.ref-cycle"),
    "huge-openapi": ("bounds.yaml", _huge(OPENAPI_HEAD), "openapi.too-large"),
    "huge-graphql": ("bounds.graphql", _huge("type Query { a: Int }\n"), "graphql.too-large"),
    "huge-proto": ("bounds.proto", _huge('syntax = "proto3";\n'), "proto.too-large"),
    "graphql-deep-type": ("bounds.graphql", _deep_graphql_type, "graphql.syntax"),
    "graphql-deep-query": ("bounds.graphql", _deep_graphql_query, "graphql.syntax"),
    "graphql-token-flood": ("bounds.graphql", _many_graphql_tokens, "graphql."),
    "proto-deep-nesting": ("bounds.proto", _deep_proto, "proto.protoc"),
}


def _tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_exhausting_input_is_refused_in_bounded_memory(case: str, tmp_path: Path) -> None:
    file_name, write, code = CASES[case]
    contract_dir = tmp_path / "contract"
    contract_dir.mkdir()
    contract = contract_dir / file_name
    write(contract)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n", encoding="utf-8")
    before = _tree(out)
    report = tmp_path / "peak-mb"
    environment = {**os.environ, "CONTRACTGEN_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(report), "generate", str(contract), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_SECONDS,
        env=environment,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    (job,) = json.loads(result.stdout)["jobs"]
    errors = [item for item in job["diagnostics"] if item["severity"] == "error"]
    assert errors, result.stdout + result.stderr
    assert errors[0]["code"].startswith(code), errors
    assert Path(errors[0]["file"]).name in (file_name, "other.yaml"), errors[0]
    assert len({json.dumps(item, sort_keys=True) for item in errors}) == len(errors), "an error is repeated"
    assert _tree(out) == before
    peak = int(report.read_text(encoding="utf-8"))
    assert peak < PEAK_MEMORY_LIMIT_MB, f"refusing took {peak} MB"
