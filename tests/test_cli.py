"""The command line: exit codes, one-line diagnostics, nothing written on bad input, safe regeneration."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator import __version__
from generator.cli import app
from tests.conftest import SPECS, tool

runner = CliRunner()

INVALID = {
    "bad-yaml.yaml": ("bad-yaml.yaml:12:", "yaml.syntax"),
    "unknown-ref.yaml": ("unknown-ref.yaml:20:", "openapi.unresolved-ref"),
    "schema-error.yaml": ("schema-error.yaml:9:", "openapi.invalid"),
    "missing-file-ref.yaml": ("missing-file-ref.yaml:17:", "openapi.unresolved-ref"),
    "not-a-mapping.yaml": ("not-a-mapping.yaml:3:", "openapi.not-a-mapping"),
}


def snapshot(directory: Path) -> dict[str, str]:
    if not directory.exists():
        return {}
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"contractgen {__version__}"


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("generate", "validate", "check"):
        assert command in result.output


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_contract_gives_one_located_error_exit_2_and_writes_nothing(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    before = snapshot(out)
    result = runner.invoke(app, ["generate", str(SPECS / "invalid" / name), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    where, what = INVALID[name]
    assert where in lines[0] and what in lines[0]
    assert "Traceback" not in result.output
    assert snapshot(out) == before


def test_validate_reports_a_valid_contract() -> None:
    result = runner.invoke(app, ["validate", str(SPECS / "petstore.yaml")])
    assert result.exit_code == 0, result.output
    assert "valid openapi contract, 7 operations" in result.stdout


def test_missing_contract_file_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "not found" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_target_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["generate", str(SPECS / "petstore.yaml"), "--out", str(tmp_path), "--target", "nonsense"]
    )
    assert result.exit_code == 2
    assert "unknown target 'nonsense'" in result.stderr


def test_generating_twice_gives_byte_identical_output(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        result = runner.invoke(app, ["generate", str(SPECS / "showcase.yaml"), "--out", str(out), "-p", "showcase"])
        assert result.exit_code == 0, result.output
    assert snapshot(first) == snapshot(second)
    assert len(snapshot(first)) > 15


def test_second_generate_keeps_user_edit_of_service(tmp_path: Path) -> None:
    out = tmp_path / "petstore"
    args = ["generate", str(SPECS / "petstore.yaml"), "--out", str(out), "-p", "petstore"]
    assert runner.invoke(app, args).exit_code == 0
    service = out / "src" / "petstore" / "service.py"
    edited = service.read_text() + "\n# my implementation\n"
    service.write_text(edited)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert service.read_text() == edited
    assert "0 written" in result.stdout


def test_hand_edited_generated_file_is_refused_then_forced(tmp_path: Path) -> None:
    out = tmp_path / "petstore"
    args = ["generate", str(SPECS / "petstore.yaml"), "--out", str(out), "-p", "petstore"]
    assert runner.invoke(app, args).exit_code == 0
    models = out / "src" / "petstore" / "_generated" / "models.py"
    models.write_text(models.read_text() + "\n# hand edit\n")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert "_generated/models.py" in refused.stderr
    assert "# hand edit" in models.read_text()
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0
    assert "# hand edit" not in models.read_text()


def test_check_detects_drift(tmp_path: Path) -> None:
    out = tmp_path / "petstore"
    args = [str(SPECS / "petstore.yaml"), "--out", str(out), "-p", "petstore"]
    assert runner.invoke(app, ["generate", *args]).exit_code == 0
    assert runner.invoke(app, ["check", *args]).exit_code == 0
    (out / "src" / "petstore" / "_generated" / "service.py").unlink()
    result = runner.invoke(app, ["check", *args])
    assert result.exit_code == 1
    assert "missing: src/petstore/_generated/service.py" in result.stdout


def test_multifile_contract_generates(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["generate", str(SPECS / "multifile" / "openapi.yaml"), "--out", str(tmp_path / "m"), "-p", "users"]
    )
    assert result.exit_code == 0, result.output
    models = (tmp_path / "m" / "src" / "users" / "_generated" / "models.py").read_text()
    assert "class User(" in models and "class Address(" in models


def test_console_script_runs(tmp_path: Path) -> None:
    """The installed entry point, not just the Typer app object."""
    contractgen = tool("contractgen")
    if not shutil.which(contractgen):
        pytest.skip("contractgen console script is not installed in this environment")
    completed = subprocess.run(
        [contractgen, "validate", str(SPECS / "invalid" / "unknown-ref.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "unknown-ref.yaml:20:" in completed.stderr
