"""No-op speed: regenerating or checking an unchanged contract must not read, render or format.

Run by hand (never from tests):
    .venv/bin/python bench/noop_regeneration.py [CONTRACT ...] [--repeat 3]
Default contracts: the bundled specs, plus GitHub's REST description when the corpus is installed.
For each: a cold `contractgen generate` into a fresh directory, then the median of `--repeat`
no-op `generate` and `check` runs through the real command line (process start included), then
a one-word edit of the contract followed by `generate` (the full path again).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTGEN = Path(sys.executable).parent / "contractgen"
GITHUB_REST = (
    Path.home()
    / ".cache/contract-corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
)
DEFAULTS = [
    ROOT / "specs/petstore.yaml",
    ROOT / "specs/showcase.yaml",
    ROOT / "specs/chat",
    ROOT / "specs/store",
]


def timed(*args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(CONTRACTGEN), *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"contractgen {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed


def touch_contract(contract: Path) -> None:
    """Append a comment-like change each format accepts, so the contract's hash changes."""
    target = contract if contract.is_file() else sorted(contract.rglob("*.*"))[0]
    marker = "\n# bench edit\n" if target.suffix in (".yaml", ".yml", ".graphql", ".gql") else "\n// bench edit\n"
    if target.suffix == ".json":
        text = target.read_text().rstrip()
        target.write_text(text + "\n")  # whitespace after the document: same JSON, new hash
        return
    target.write_text(target.read_text() + marker)


def measure(contract: Path, repeat: int, extra: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / contract.name
        if contract.is_dir():
            shutil.copytree(contract, copy)
        else:
            shutil.copy(contract, copy)
        out = Path(scratch) / "out"
        args = [str(copy), "--out", str(out), "--package", "bench_pkg", *extra]
        row = {"cold generate": timed("generate", *args)}
        row["no-op generate"] = statistics.median(timed("generate", *args) for _ in range(repeat))
        row["no-op check"] = statistics.median(timed("check", *args) for _ in range(repeat))
        touch_contract(copy)
        row["after an edit"] = timed("generate", *args)
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contracts", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parsed = parser.parse_args()
    contracts = parsed.contracts or [*DEFAULTS, *([GITHUB_REST] if GITHUB_REST.is_file() else [])]
    started = time.perf_counter()
    timed("--version")
    print(f"process start + --version: {time.perf_counter() - started:.2f}s")
    columns = ("cold generate", "no-op generate", "no-op check", "after an edit")
    print(f"{'contract':<28}" + "".join(f"{column:>16}" for column in columns))
    for contract in contracts:
        row = measure(contract, parsed.repeat, [])
        print(f"{contract.name:<28}" + "".join(f"{row[column]:>15.2f}s" for column in columns), flush=True)


if __name__ == "__main__":
    main()
