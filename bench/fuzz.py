"""Long fuzzing runs of the hostile-contract properties, beyond what CI can afford.

Run by hand (never from tests):

    .venv/bin/python bench/fuzz.py [--examples 500] [--only openapi,graphql,proto] [--jobs 2] [--json FILE]

The suite's hypothesis tests (`tests/test_hostile_contracts.py`, `tests/test_graphql_hostile.py`,
`tests/test_grpc_hostile.py`) check a few derandomized cases each; with CONTRACTGEN_FUZZ_EXAMPLES set
they draw that many fresh random cases instead. This script runs each property that way in its own
pytest process (so protocols fuzz in parallel), then prints per property the cases tried, cases
failed (hypothesis stops at the first failure and shrinks it; the shrunk case is printed), the
outcome counts (exit 0 generated, exit 2 refused with one located error) and the wall time.
Each property: generate a hostile contract, compile every file, import it, serve it, check values.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROPERTIES = {
    "openapi": [
        "tests/test_hostile_contracts.py::test_random_names_give_code_that_parses",
        "tests/test_hostile_contracts.py::test_random_names_give_code_that_imports_and_serves_them",
    ],
    "graphql": [
        "tests/test_graphql_hostile.py::test_hostile_schema_gives_code_that_compiles_imports_serves_and_keeps_values"
    ],
    "proto": [
        "tests/test_grpc_hostile.py::test_hostile_proto_gives_code_that_compiles_imports_serves_and_keeps_comments"
    ],
}
_COUNTS = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid test cases")
_EVENT = re.compile(r"\*\s+([\d.]+)%, (exit \d+)")


@dataclass
class PropertyRun:
    """What one fuzzed property did."""

    test: str
    tried: int = 0
    failed: int = 0
    invalid: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    failure: str = ""


def fuzz(test: str, examples: int) -> PropertyRun:
    environment = {**os.environ, "CONTRACTGEN_FUZZ_EXAMPLES": str(examples), "PYTHONHASHSEED": "random"}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    run = PropertyRun(test, seconds=round(time.perf_counter() - started, 1))
    output = completed.stdout + completed.stderr
    for match in _COUNTS.finditer(output):
        passing, failing, invalid = map(int, match.groups())
        run.tried += passing + failing
        run.failed += failing
        run.invalid += invalid
    run.outcomes = {outcome: f"{share}%" for share, outcome in _EVENT.findall(output)}
    if completed.returncode != 0:
        run.failed = max(run.failed, 1)
        errors = [line for line in output.splitlines() if line.startswith(("E ", "FAILED", "Falsifying", "proto ="))]
        run.failure = "\n".join(errors[:40]) or output[-4000:]
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="random cases per property (default 500)")
    parser.add_argument("--only", default=",".join(PROPERTIES), help="protocols, comma-separated")
    parser.add_argument("--jobs", type=int, default=2, help="properties fuzzed at once (default 2)")
    parser.add_argument("--json", type=Path, help="write the results here")
    arguments = parser.parse_args()
    tests = [test for protocol in arguments.only.split(",") for test in PROPERTIES[protocol.strip()]]
    print(f"fuzzing {len(tests)} properties, {arguments.examples} random cases each, {arguments.jobs} at a time")
    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.jobs) as pool:
        runs = list(pool.map(lambda test: fuzz(test, arguments.examples), tests))
    for run in runs:
        outcomes = ", ".join(f"{outcome} {share}" for outcome, share in sorted(run.outcomes.items()))
        print(f"{run.test.split('::')[-1]}")
        print(f"    tried {run.tried}, failed {run.failed}, invalid {run.invalid}, {run.seconds}s  [{outcomes}]")
        if run.failure:
            print("    " + run.failure.replace("\n", "\n    "))
    total_tried = sum(run.tried for run in runs)
    total_failed = sum(run.failed for run in runs)
    print(f"total: {total_tried} cases tried, {total_failed} failed, {time.perf_counter() - started:.0f}s wall")
    if arguments.json:
        arguments.json.write_text(json.dumps([asdict(run) for run in runs], indent=2) + "\n", encoding="utf-8")
    return 1 if total_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
