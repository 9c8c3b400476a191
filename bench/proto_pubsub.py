"""Google's Pub/Sub API (google-proto-files) end to end: generate, import, serve, contract-test.

    .venv/bin/python bench/proto_pubsub.py [--api google/pubsub/v1]

Needs the corpora installed (../shared/corpora/install.sh). Every `.proto` of the API directory is
given with the package root as `--proto-path`, so its imports of `google/api/*` resolve there.
Prints one JSON object with the timings and the contract tests' summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPORA = Path(os.environ.get("CONTRACT_CORPORA", Path.home() / ".cache/contract-corpora"))
ROOT = CORPORA / "node_modules/google-proto-files"
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout + result.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="google/pubsub/v1")
    args = parser.parse_args()
    files = sorted(str(path) for path in (ROOT / args.api).glob("*.proto"))
    if not files:
        raise SystemExit(f"no .proto files under {ROOT / args.api}: install the corpora first")
    scratch = Path(tempfile.mkdtemp(prefix="contractgen-proto-"))
    out = scratch / "api"
    try:
        generate, _ = timed(
            [str(BIN / "contractgen"), "generate", *files, "-I", str(ROOT), "--out", str(out), "--package", "api"],
            Path.cwd(),
        )
        env = {**os.environ, "PYTHONPATH": str(out / "src"), "LOG_LEVEL": "WARNING"}
        imported, _ = timed([sys.executable, "-c", "import api.server, api.client"], out, env)
        tests, output = timed(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract"], out, env
        )
        python_files = sum(1 for _ in (out / "src").rglob("*.py"))
        print(
            json.dumps(
                {
                    "api": args.api,
                    "proto_files": len(files),
                    "generate_seconds": round(generate, 2),
                    "generated_python_files": python_files,
                    "import_server_and_client_seconds": round(imported, 2),
                    "contract_tests_seconds": round(tests, 2),
                    "contract_tests": output.strip().splitlines()[-1],
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
