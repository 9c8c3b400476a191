"""Time each pipeline stage and peak memory for contracts given on the command line.

Run by hand (never from tests):  .venv/bin/python bench/generate_speed.py specs/*.yaml [--repeat 3]
Prints one line per contract and stage, in seconds, plus peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from generator.diagnostics import DiagnosticSink
from generator.emit import emit
from generator.format import format_python
from generator.ir.names import package_name
from generator.pipeline import read_contract, resolve_targets
from generator.targets import project
from generator.targets.options import TargetOptions
from generator.targets.registry import target_for


def measure(contract_path: Path) -> dict[str, float]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sink = DiagnosticSink()
    contract = read_contract([contract_path], sink)
    timings["read+validate+models"] = time.perf_counter() - started

    stage = time.perf_counter()
    targets = resolve_targets((), contract.protocol, sink)
    options = TargetOptions(package_name(contract.title), contract_path.name, targets)
    files = [spec for name in targets for spec in target_for(name, contract.protocol).plan(contract, options)]
    files += project.plan(contract, options, [], [])
    timings["plan+render"] = time.perf_counter() - stage

    stage = time.perf_counter()
    files = format_python(files)
    timings["format"] = time.perf_counter() - stage

    stage = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        emit(files, Path(out))
    timings["emit"] = time.perf_counter() - stage
    timings["total"] = time.perf_counter() - started
    timings["operations"] = sum(len(service.operations) for service in contract.services)
    timings["files"] = len(files)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("contracts", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    for contract_path in arguments.contracts:
        runs = [measure(contract_path) for _ in range(arguments.repeat)]
        best = {key: min(run[key] for run in runs) for key in runs[0]}
        stages = "  ".join(f"{key}={value:.2f}s" for key, value in best.items() if key not in ("operations", "files"))
        print(f"{contract_path}: {int(best['operations'])} ops, {int(best['files'])} files  {stages}")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
