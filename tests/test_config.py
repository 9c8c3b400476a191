"""`contractgen.yaml`: jobs read with located errors, bare `generate`/`check` run them all, `init` starts one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.config import load_config
from generator.diagnostics import DiagnosticSink
from tests.conftest import SPECS

runner = CliRunner()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def two_job_repo(root: Path) -> Path:
    shutil.copy(SPECS / "petstore.yaml", root / "petstore.yaml")
    shutil.copy(SPECS / "bookshop.graphql", root / "bookshop.graphql")
    return write(
        root / "contractgen.yaml",
        """\
version: 1
jobs:
  - name: pets
    contract: petstore.yaml
    out: out/pets
    package: pets
    targets: [httpx-client]
  - contract: bookshop.graphql
    out: out/books
    package: books
    targets: [graphql-client]
""",
    )


def test_jobs_are_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(two_job_repo(tmp_path), DiagnosticSink())
    assert config is not None
    assert [job.name for job in config.jobs] == ["pets", "books"]
    pets = config.jobs[0].job
    assert pets.contracts == (tmp_path / "petstore.yaml",)
    assert pets.out_dir == tmp_path / "out" / "pets"
    assert pets.targets == ("httpx-client",)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("jobs:\n  - contract: a.yaml\n    out: x\n    pakage: p\n", ":4:5:", "did you mean 'package'?"),
        ("jobs:\n  - contract: a.yaml\n", ":2:5:", "job needs 'out'"),
        ("jobs: []\n", ":1:1:", "at least one job"),
        ("version: 2\njobs:\n  - {contract: a.yaml, out: x}\n", ":1:1:", "unsupported version 2"),
        ("jobs:\n  - contract: a.yaml\n    out: x\n    targets: [fastapi, flask]\n", ":4:24:", "target 'flask'"),
        ("jobs:\n  - {contract: a.yaml, out: x}\n  - {contract: b.yaml, out: x/y}\n", ":3:", "overlaps job 'x'"),
        ("jobs:\n  - {contract: a, out: x, name: n}\n  - {contract: b, out: y, name: n}\n", ":3:", "used twice"),
        ("jobs:\n  - contract: a.yaml\n    out: x\n    lenient: yes please\n", ":4:5:", "expected true or false"),
        ("jobs:\n  - [not, a, mapping]\n", ":2:5:", "expected a mapping"),
        ("jobs: {\n", ":", "yaml.syntax"),
    ],
)
def test_config_mistakes_are_one_located_error_and_exit_2(tmp_path: Path, text: str, where: str, message: str) -> None:
    write(tmp_path / "contractgen.yaml", text)
    result = runner.invoke(app, ["generate", "--config", str(tmp_path / "contractgen.yaml")])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, result.stderr
    assert f"contractgen.yaml{where}" in errors[0] and message in errors[0], errors[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_bare_generate_runs_every_job_then_check_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_job_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["generate"])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "out" / "pets" / "src" / "pets" / "client.py").is_file()
    assert (tmp_path / "out" / "books" / "src" / "books" / "client.py").is_file()
    assert runner.invoke(app, ["check"]).exit_code == 0
    second = runner.invoke(app, ["generate"])
    assert second.stdout.count("up to date") == 2, second.stdout


def test_job_option_selects_one_job_and_unknown_job_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_job_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "--job", "books"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "pets").exists()
    unknown = runner.invoke(app, ["generate", "--job", "cats"])
    assert unknown.exit_code == 2
    assert "no job 'cats'" in unknown.stderr and "books, pets" in unknown.stderr


def test_bare_generate_without_config_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 2
    assert "no contractgen.yaml here" in result.stderr


def test_job_options_without_contract_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_job_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "--target", "fastapi"])
    assert result.exit_code == 2
    assert "--target describes a job" in result.stderr


def test_one_bad_job_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_job_repo(tmp_path)
    write(tmp_path / "bookshop.graphql", "type Query { book: Missing }\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["generate", "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    by_name = {job["name"]: job for job in document["jobs"]}
    assert by_name["pets"]["exit_code"] == 0
    assert by_name["books"]["exit_code"] == 2
    assert by_name["books"]["diagnostics"][0]["line"] == 1
    assert not (tmp_path / "out" / "books").exists()
    assert (tmp_path / "out" / "pets" / "src" / "pets" / "client.py").is_file()


def test_init_writes_a_project_that_regenerates_from_its_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(SPECS / "petstore.yaml", tmp_path / "petstore.yaml")
    project = tmp_path / "svc"
    result = runner.invoke(app, ["init", str(tmp_path / "petstore.yaml"), str(project), "--target", "httpx-client"])
    assert result.exit_code == 0, result.output
    config = (project / "contractgen.yaml").read_text()
    assert "contract: ../petstore.yaml" in config and "out: ." in config and "package: petstore" in config
    monkeypatch.chdir(project)
    again = runner.invoke(app, ["generate"])
    assert again.exit_code == 0 and "up to date" in again.stdout, again.output
    refused = runner.invoke(app, ["init", str(tmp_path / "petstore.yaml"), str(project)])
    assert refused.exit_code == 2 and "exists" in refused.stderr


def test_init_with_a_broken_contract_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "svc"
    result = runner.invoke(app, ["init", str(SPECS / "invalid" / "unknown-ref.yaml"), str(project)])
    assert result.exit_code == 2
    assert "unknown-ref.yaml:20:" in result.stderr
    assert not project.exists()


def test_listed_target_names_match_the_targets_themselves() -> None:
    from generator.targets.registry import BUILTIN_TARGET_NAMES, builtin_targets

    assert list(BUILTIN_TARGET_NAMES) == list(dict.fromkeys(target.name for target in builtin_targets()))
