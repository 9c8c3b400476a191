"""GitHub's public GraphQL schema end to end: generate, import, start, answer. Prints numbers.

    .venv/bin/python bench/graphql_github.py [--out DIR] [--keep]

Needs the corpora installed (../shared/corpora/install.sh): the schema comes from the npm package
@octokit/graphql-schema. Steps, each timed in a fresh process:
  1. `contractgen generate --lenient` (all GraphQL targets): wall time and peak RSS;
  2. `import PKG.app` and `import PKG.client`: import times;
  3. uvicorn on 127.0.0.1: time until /healthz answers, then a few queries against the mock.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

CORPORA = Path(os.environ.get("CONTRACT_CORPORA", Path.home() / ".cache/contract-corpora"))
SCHEMA = CORPORA / "node_modules/@octokit/graphql-schema/schema.graphql"
BIN = Path(sys.executable).parent
QUERIES = (
    '{ repository(owner: "o", name: "n") { name stargazerCount owner { login } } }',
    "{ viewer { login name } }",
    '{ search(query: "x", type: REPOSITORY, first: 1) { repositoryCount nodes { __typename } } }',
)


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of children (MiB) and combined output of one command."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, peak, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated project")
    args = parser.parse_args()
    if not SCHEMA.is_file():
        raise SystemExit(f"{SCHEMA} is missing: install the corpora first")
    out = args.out or Path(tempfile.mkdtemp(prefix="contractgen-github-")) / "github"
    shutil.rmtree(out, ignore_errors=True)
    report: dict[str, object] = {"schema_bytes": SCHEMA.stat().st_size}

    seconds, peak, output = timed(
        [str(BIN / "contractgen"), "generate", "--lenient", str(SCHEMA), "--out", str(out), "--package", "github"],
        Path.cwd(),
    )
    report.update(generate_seconds=round(seconds, 1), generate_peak_mib=peak, generate_output=output.strip()[-200:])
    lines = sum(len(path.read_text().splitlines()) for path in (out / "src").rglob("*.py"))
    report["generated_python_lines"] = lines

    env = {**os.environ, "PYTHONPATH": str(out / "src"), "LOG_LEVEL": "WARNING"}
    for module in ("github.app", "github.client"):
        seconds, _, _ = timed([sys.executable, "-c", f"import {module}"], out, env)
        report[f"import_{module}_seconds"] = round(seconds, 2)

    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "github.app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=out,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.perf_counter() - started > 120:
                raise SystemExit("the generated server did not start")
            time.sleep(0.1)
        report["server_start_seconds"] = round(time.perf_counter() - started, 2)
        answers = []
        for query in QUERIES:
            body = httpx.post(base + "/graphql", json={"query": query}, timeout=30).json()
            answers.append({"query": query, "errors": body.get("errors"), "data": body.get("data")})
        report["answers"] = answers
    finally:
        server.terminate()
        server.wait(timeout=10)
    if not args.keep and args.out is None:
        shutil.rmtree(out.parent, ignore_errors=True)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
