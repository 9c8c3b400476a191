"""`make demo`: generate the example services, install each one, run its contract tests, summarise.

    python scripts/demo.py [NAME ...]        (default: petstore showcase bookshop chat inventory store)

For each NAME: `contractgen generate SPEC --out build/demo/NAME --package NAME`, where SPEC is
specs/NAME.yaml, specs/NAME.graphql or the directory specs/NAME (into a clean
directory), `pip install -e build/demo/NAME[test]` into this interpreter's environment, then
`python -m pytest tests/contract` inside the project. Run it with the venv contractgen is installed
in (the Makefile uses .venv/bin/python). Prints a table at the end; exits 1 if any step failed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import DiagnosticSink
from generator.ir.graphql import RootKind
from generator.pipeline import read_contract

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = Path("build") / "demo"  # relative to ROOT, so commands print short paths
DEFAULT_NAMES = ("petstore", "showcase", "bookshop", "chat", "inventory", "store")
BIN = Path(sys.executable).parent
MANIFEST = ".contractgen.json"


@dataclass
class Result:
    name: str
    operations: int | None = None
    files: int | None = None
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failed_step: str | None = None


def step(title: str, command: list[str], cwd: Path) -> bool:
    print(f"==> {title}: {' '.join(command)}", flush=True)
    return subprocess.run(command, cwd=cwd).returncode == 0


def spec_path(name: str) -> Path:
    """specs/NAME.yaml, .graphql or .proto, or the directory specs/NAME (a multi-file contract)."""
    for candidate in (Path("specs") / f"{name}{suffix}" for suffix in (".yaml", ".graphql", ".proto")):
        if (ROOT / candidate).is_file():
            return candidate
    return Path("specs") / name


def count_operations(spec: Path) -> int:
    """REST operations, GraphQL root fields or gRPC methods."""
    contract = read_contract((spec,), DiagnosticSink())
    if contract.proto is not None:
        return sum(len(service.methods) for service in contract.proto.services)
    if contract.graphql is not None:
        roots = (contract.graphql.root(kind) for kind in RootKind)
        return sum(len(root.fields) for root in roots if root is not None)
    return sum(len(service.operations) for service in contract.services)


def count_tests(junit_xml: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from pytest's JUnit report; errors count as failures."""
    root = ElementTree.parse(junit_xml).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def run_demo(name: str, reports: Path) -> Result:
    result = Result(name)
    started = time.monotonic()
    spec = spec_path(name)
    out = DEMO_DIR / name
    project = ROOT / out
    shutil.rmtree(project, ignore_errors=True)
    try:  # failed_step names the step under way until every step has passed
        result.failed_step = "read contract"
        result.operations = count_operations(ROOT / spec)
        result.failed_step = "generate"
        generate = [str(BIN / "contractgen"), "generate", str(spec), "--out", str(out), "--package", name]
        if not step(f"{name}: generate", generate, ROOT):
            return result
        result.files = len(json.loads((project / MANIFEST).read_text(encoding="utf-8"))["files"])
        result.failed_step = "install"
        install = [sys.executable, "-m", "pip", "install", "--quiet", "-e", f"{out}[test]"]
        if not step(f"{name}: install", install, ROOT):
            return result
        result.failed_step = "contract tests"
        junit_xml = reports / f"{name}.xml"
        pytest_args = ["-q", "-p", "no:cacheprovider", f"--junitxml={junit_xml}", "tests/contract"]
        tests_ok = step(f"{name}: contract tests", [sys.executable, "-m", "pytest", *pytest_args], project)
        if junit_xml.is_file():
            result.passed, result.failed, result.skipped = count_tests(junit_xml)
        if tests_ok and result.passed > 0 and result.failed == 0:
            result.failed_step = None
    except Exception as error:  # report it in the table and carry on with the next project
        print(f"error: {name}: {type(error).__name__}: {error}", file=sys.stderr)
    finally:
        result.seconds = time.monotonic() - started
    return result


def table(results: list[Result], total_seconds: float) -> str:
    def cell(value: int | None) -> str:
        return "-" if value is None else str(value)

    header = ("project", "operations", "files", "passed", "failed", "skipped", "time", "status")
    rows = [
        (
            result.name,
            cell(result.operations),
            cell(result.files),
            str(result.passed),
            str(result.failed),
            str(result.skipped),
            f"{result.seconds:.1f}s",
            "ok" if result.failed_step is None else f"FAILED ({result.failed_step})",
        )
        for result in results
    ]
    rows.append(("total", "", "", "", "", "", f"{total_seconds:.1f}s", ""))
    widths = [max(len(row[index]) for row in (header, *rows)) for index in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            text.ljust(width) if index in (0, len(row) - 1) else text.rjust(width)
            for index, (text, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join((line(header), rule, *(line(row) for row in rows[:-1]), rule, line(rows[-1])))


def main(argv: list[str]) -> int:
    names = argv or list(DEFAULT_NAMES)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="contractgen-demo-") as reports:
        results = [run_demo(name, Path(reports)) for name in names]
    print()
    print(table(results, time.monotonic() - started))
    failures = [result.name for result in results if result.failed_step is not None]
    if failures:
        print(f"\ndemo failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    print(f"\ndemo ok: generated projects are in {DEMO_DIR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
