"""The shared `types.py` of GraphQL projects: defaults typed as their fields, models that load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import generate_project, project_env, tool

SDL = """
scalar DateTime
enum Kind { A B }
input Inner { k: Kind = B, n: [Int!] = 3 }
input Outer {
  inner: Inner = {k: A}
  inners: [Inner!] = [{n: [1]}]
  when: DateTime = "2024-01-01T00:00:00Z"
  kinds: [Kind!]! = [A, B]
  label: String = "it's \\"quoted\\" \\\\ {{ x }}"
}
type Query { q(o: Outer): Int }
"""


def test_input_defaults_are_typed_and_built_lazily(tmp_path: Path) -> None:
    (tmp_path / "defaults.graphql").write_text(SDL)
    project = generate_project(tmp_path / "defaults.graphql", tmp_path / "out", "dflt")
    source = (project / "src" / "dflt" / "_generated" / "types.py").read_text()
    assert "k: Kind | None = Field(default=Kind.B)" in source
    assert "n: list[int] | None = Field(default=[3])" in source, "one value coerces to a list"
    assert 'default_factory=lambda: Inner.model_validate({"k": "A"})' in source
    assert 'when: DateTime | None = Field(default="2024-01-01T00:00:00Z", validate_default=True)' in source
    assert "kinds: list[Kind] = Field(default=[Kind.A, Kind.B])" in source
    check = (
        "from dflt._generated.types import Outer, Kind, Inner\n"
        "o = Outer()\n"
        "assert o.inner == Inner(k=Kind.A, n=[3]) and o.inners == [Inner(k=Kind.B, n=[1])]\n"
        "assert o.when.year == 2024 and o.kinds == [Kind.A, Kind.B]\n"
        "assert o.label == 'it' + chr(39) + 's \"quoted\" ' + chr(92) + ' {{ x }}'\n"
    )
    result = subprocess.run([sys.executable, "-c", check], env=project_env(project), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    mypy = subprocess.run(
        [tool("mypy"), "--strict", "--no-incremental", "src"], cwd=project, capture_output=True, text=True
    )
    assert mypy.returncode == 0, mypy.stdout
