"""Broken contracts fail with one clear, located line per problem, and touch nothing.

Every case under `tests/fixtures/broken/<protocol>/` is a contract with one defect: a file
(`<case>.yaml`, `.json`, `.graphql`, `.proto`) or a directory for multi-file cases (OpenAPI
directories are entered through their `openapi.yaml`; GraphQL and proto directories are given
whole, as users give them). Next to it, `<case>.expected` holds the exact diagnostic lines the
CLI prints on stderr, with paths relative to the fixture directory.

Each case is copied to a scratch directory and run through the CLI, both `contractgen generate
<case> --out out` (with `out` already holding a generated project and a few files of the user's)
and `contractgen validate <case>`: in-process through typer's runner, and a few cases also in a
real `python -m generator` process. Both commands must exit 2 without a traceback, print one
`file[:line:column]: error[code]: message` line per problem equal to the snapshot, and `generate`
must leave `out` byte for byte as it was (every file's bytes and mode, and the listing).

Update the snapshots after an intended change of wording, then review every changed line by eye
(the message must be clear to someone who has never read contractgen's source):

    CONTRACTGEN_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_broken_contracts.py
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

BROKEN = Path(__file__).parent / "fixtures" / "broken"
VALID_CONTRACT = Path(__file__).parents[1] / "specs" / "petstore.yaml"
CONTRACTGEN = [sys.executable, "-m", "generator"]
UPDATE = os.environ.get("CONTRACTGEN_UPDATE_SNAPSHOTS") == "1"
EXIT_BAD_INPUT = 2

# A diagnostic line: where, severity and code, message.
_DIAGNOSTIC = re.compile(r"^(?P<where>\S[^:]*?(?::\d+(?::\d+)?)?(?: \([^)]*\))?): (?:error|warning)\[[\w.-]+\]: \S.*$")
_LINE_COLUMN = re.compile(r":\d+:\d+(?: \(|$)")
# Problems that have no line in the file, so the file itself is the closest location.
UNLOCATED = {
    "openapi/alias-bomb.yaml",  # the expansion is refused as a whole
    "graphql/no-query-type.graphql",  # a type that is missing has no line
    "proto/module-name-not-importable",  # the file name is the problem
    "proto/only-imports",  # nothing in any file of the directory
}


# Run as real processes too (one per protocol, multi-file included).
END_TO_END = [
    "openapi/unknown-ref-other-file",
    "graphql/operation-unknown-field",
    "proto/duplicate-message-across-files",
]


@dataclass(frozen=True)
class Case:
    protocol: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.protocol}/{self.name}"

    @property
    def source(self) -> Path:
        return BROKEN / self.protocol / self.name

    @property
    def argument(self) -> str:
        """What the user types: the file, the directory, or an OpenAPI directory's root document."""
        if self.source.is_dir() and self.protocol == "openapi":
            return f"{self.name}/openapi.yaml"
        return self.name

    @property
    def snapshot(self) -> Path:
        stem = self.name if self.source.is_dir() else self.source.stem
        return self.source.parent / f"{stem}.expected"


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Outcome:
    generate: Run
    validate: Run
    out_before: dict[str, str]
    out_after: dict[str, str]


def _cases() -> list[Case]:
    return [
        Case(protocol.name, entry.name)
        for protocol in sorted(BROKEN.iterdir())
        for entry in sorted(protocol.iterdir())
        if entry.suffix != ".expected"
    ]


CASES = _cases()


def _tree_state(root: Path) -> dict[str, str]:
    """Every entry under `root`: files by mode and content hash, directories and links by mode/target."""
    state: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        mode = stat.filemode(path.lstat().st_mode)
        if path.is_symlink():
            state[relative] = f"{mode} -> {os.readlink(path)}"
        elif path.is_file():
            state[relative] = f"{mode} {hashlib.sha256(path.read_bytes()).hexdigest()}"
        else:
            state[relative] = mode
    return state


def _prefilled_output(root: Path) -> Path:
    """An output directory as users have it: a generated project, edited, with files of their own."""
    out = root / "prefilled"
    subprocess.run(
        [*CONTRACTGEN, "generate", str(VALID_CONTRACT), "--out", str(out), "--package", "petstore"],
        check=True,
        capture_output=True,
    )
    (out / "NOTES.md").write_text("my notes, not generated\n", encoding="utf-8")
    script = out / "run.sh"
    script.write_text("#!/bin/sh\nexec uvicorn petstore.app:app\n", encoding="utf-8")
    script.chmod(0o755)
    service = out / "src" / "petstore" / "service.py"
    service.write_text(service.read_text(encoding="utf-8") + "\n# implemented by hand\n", encoding="utf-8")
    (out / "data").mkdir()
    (out / "data" / "seed.bin").write_bytes(bytes(range(256)))
    return out


def _normalise(text: str, work: Path) -> str:
    for prefix in {str(work.resolve()), str(work)}:
        text = text.replace(prefix + os.sep, "").replace(prefix, ".")
    return text


def _subprocess_cli(arguments: list[str], work: Path) -> Run:
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    completed = subprocess.run(
        [*CONTRACTGEN, *arguments], cwd=work, capture_output=True, text=True, env=environment, timeout=120
    )
    return Run(completed.returncode, _normalise(completed.stdout, work), _normalise(completed.stderr, work))


def _in_process_cli(arguments: list[str], work: Path) -> Run:
    """The same command through typer's runner: no interpreter start-up, so the corpus stays fast."""
    previous = Path.cwd()
    os.chdir(work)
    try:
        result = CliRunner().invoke(app, arguments, env={"NO_COLOR": "1", "COLUMNS": "200"})
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, _normalise(result.stdout, work), _normalise(result.stderr, work))


def _run_case(case: Case, scratch: Path, prefilled: Path, cli: Callable[[list[str], Path], Run]) -> Outcome:
    work = scratch / case.id.replace("/", "-")
    work.mkdir()
    if case.source.is_dir():
        shutil.copytree(case.source, work / case.name)
    else:
        shutil.copy2(case.source, work / case.name)
    out = work / "out"
    shutil.copytree(prefilled, out, symlinks=True)
    before = _tree_state(out)
    generate = cli(["generate", case.argument, "--out", "out"], work)
    after = _tree_state(out)
    validate = cli(["validate", case.argument], work)
    return Outcome(generate, validate, before, after)


@pytest.fixture(scope="module")
def prefilled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _prefilled_output(tmp_path_factory.mktemp("prefilled"))


def test_the_corpus_covers_every_protocol() -> None:
    counts = {
        protocol: sum(case.protocol == protocol for case in CASES) for protocol in ("openapi", "graphql", "proto")
    }
    assert counts["openapi"] >= 20 and counts["graphql"] >= 12 and counts["proto"] >= 12, counts
    swagger2 = [case for case in CASES if case.name.startswith("swagger2-")]
    multi_file = [case for case in CASES if case.source.is_dir()]
    assert len(swagger2) >= 3 and len(multi_file) >= 5


def test_every_snapshot_belongs_to_a_case() -> None:
    snapshots = {case.snapshot for case in CASES}
    assert sorted(set(BROKEN.glob("*/*.expected")) - snapshots) == []


def _check(case: Case, outcome: Outcome) -> None:
    generate, validate = outcome.generate, outcome.validate
    for run in (generate, validate):
        assert "Traceback" not in run.stderr + run.stdout
        assert run.exit_code == EXIT_BAD_INPUT, run.stderr
    lines = generate.stderr.splitlines()
    assert lines, "no diagnostic printed"
    for line in lines:
        match = _DIAGNOSTIC.match(line)
        assert match, f"not a diagnostic line: {line!r}"
        assert match["where"].startswith(case.name), line
        if case.id not in UNLOCATED:
            assert _LINE_COLUMN.search(match["where"]), f"no line:column in {line!r}"
    assert any("error[" in line for line in lines)
    assert generate.stderr == case.snapshot.read_text(encoding="utf-8")
    assert validate.stderr == generate.stderr
    assert outcome.out_after == outcome.out_before


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_contract_fails_with_a_located_message_and_touches_nothing(
    case: Case, prefilled: Path, tmp_path: Path
) -> None:
    outcome = _run_case(case, tmp_path, prefilled, _in_process_cli)
    if UPDATE:
        case.snapshot.write_text(outcome.generate.stderr, encoding="utf-8")
    _check(case, outcome)


@pytest.mark.parametrize("case_id", END_TO_END, ids=END_TO_END)
def test_the_installed_command_prints_the_same(case_id: str, prefilled: Path, tmp_path: Path) -> None:
    """A few cases through a real `python -m generator` process: what users run, start-up included."""
    case = next(case for case in CASES if case.id == case_id)
    _check(case, _run_case(case, tmp_path, prefilled, _subprocess_cli))
