"""`contractgen diff` speed on GitHub's REST description: against itself, and against an edited copy.

Run by hand (never from tests; needs the corpus, see ../shared/CORPORA.md):
    .venv/bin/python bench/diff_speed.py [CONTRACT] [--repeat 3] [--keep DIR]
Default contract: GitHub's REST description (`@octokit/openapi`, api.github.com.json).

The edited copy (written next to a scratch cache, or into `--keep DIR` to look at it) has three
edits a pull request could make: the first `delete` operation is removed, a required property is
added to the first inline JSON request schema, and a value is added to an enum that responses
return (in the component schema with an enum property that operations and shared responses `$ref`
most often, so one edit is reported for many operations). Each `contractgen diff --json` is a child reaped with
os.wait4 (wall time, peak RSS), through the real command line (process start included):

- "no cache": CONTRACTGEN_NO_CACHE=1, every side read and validated;
- "warm cache": a scratch CONTRACTGEN_CACHE_DIR already filled by one run of the same diff.

Prints the median of `--repeat` runs per row, the exit code and the number of changes reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CONTRACTGEN = Path(sys.executable).parent / "contractgen"
GITHUB_REST = Path.home() / ".cache/contract-corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def edit(document: dict[str, Any]) -> list[str]:
    """Apply the three edits in place; returns what was done, for the printout."""
    done: list[str] = []
    paths = document["paths"]
    for path, item in paths.items():
        if "delete" in item and sum(method in item for method in _METHODS) > 1:
            del item["delete"]
            done.append(f"removed DELETE {path}")
            break
    for path, item in paths.items():
        operations = [(method, item[method]) for method in _METHODS if method in item]
        found = False
        for method, operation in operations:
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "properties" in schema and "$ref" not in schema:
                schema["properties"]["bench_required"] = {"type": "string"}
                schema["required"] = [*schema.get("required", []), "bench_required"]
                done.append(f"required request property bench_required on {method.upper()} {path}")
                found = True
                break
        if found:
            break
    text = json.dumps([document["paths"], document.get("components", {}).get("responses", {})])
    candidates = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
        enums = [key for key, value in properties.items() if isinstance(value, dict) and "enum" in value]
        if enums:
            candidates.append((text.count(f'"#/components/schemas/{name}"'), name, enums[0]))
    if candidates:
        _, name, member = max(candidates, key=lambda candidate: candidate[0])
        document["components"]["schemas"][name]["properties"][member]["enum"].append("bench_value")
        done.append(f"enum value bench_value in components/schemas/{name}/{member}")
    return done


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB, exit code and stdout of one `contractgen` child."""
    with tempfile.TemporaryFile() as stdout:
        started = time.perf_counter()
        child = subprocess.Popen([str(CONTRACTGEN), *args], env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, stdout.read().decode(errors="replace")


def changes_in(output: str) -> str:
    try:
        return str(len(json.loads(output)["changes"]))
    except (ValueError, KeyError, TypeError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contract", nargs="?", type=Path, default=GITHUB_REST)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the edited copy here (kept after the run)")
    parsed = parser.parse_args()
    if not parsed.contract.is_file():
        sys.exit(f"{parsed.contract} not found (install the corpus, or name a JSON contract)")
    with tempfile.TemporaryDirectory(prefix="diff-speed-") as scratch:
        document = json.loads(parsed.contract.read_text(encoding="utf-8"))
        for line in edit(document):
            print(f"edit: {line}")
        directory = parsed.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        edited = directory / f"edited-{parsed.contract.name}"
        edited.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        cold = {**os.environ, "CONTRACTGEN_NO_CACHE": "1"}
        warm = {**os.environ, "CONTRACTGEN_CACHE_DIR": str(Path(scratch) / "cache")}
        warm.pop("CONTRACTGEN_NO_CACHE", None)
        rows = [
            ("self, no cache", [str(parsed.contract), str(parsed.contract)], cold, False),
            ("edited, no cache", [str(parsed.contract), str(edited)], cold, False),
            ("self, warm cache", [str(parsed.contract), str(parsed.contract)], warm, True),
            ("edited, warm cache", [str(parsed.contract), str(edited)], warm, True),
        ]
        print(f"{'diff':<20}{'wall':>10}{'peak RSS':>12}{'exit':>6}{'changes':>9}")
        for label, sides, env, warm_up in rows:
            arguments = ["diff", *sides, "--json", "--fail-on", "never"]
            if warm_up:
                run(arguments, env)
            results = [run(arguments, env) for _ in range(parsed.repeat)]
            seconds = statistics.median(result[0] for result in results)
            peak = max(result[1] for result in results)
            code, output = results[-1][2], results[-1][3]
            print(f"{label:<20}{seconds:>9.2f}s{peak:>9.0f} MB{code:>6}{changes_in(output):>9}", flush=True)


if __name__ == "__main__":
    main()
