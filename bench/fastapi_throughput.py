"""Throughput of the generated FastAPI service against a hand-written FastAPI app (goal: within 5%).

Run by hand (never from tests):

    .venv/bin/python bench/fastapi_throughput.py [--seconds 10] [--rounds 3] [--connections 16]

Both serve specs/petstore.yaml's GET endpoints (`/pets`, `/pets/1`, `/store/inventory`) with the
same answers: the generated project (fresh from the current contractgen, its mock as the service)
and `bench/handwritten/petstore_app.py`. Each runs in one uvicorn worker on 127.0.0.1 with its
production defaults (the generated one validates requests and replies against the contract and
logs one JSON line per request; the hand-written one has uvicorn's access log), output discarded.
The load comes from `wrk` when it is installed (one thread, Lua script cycling the three paths),
else from the generated load test (async httpx, which saturates sooner). Rounds alternate the two
apps so drift in the machine's speed hits both; the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("/pets", "/pets/1", "/store/inventory")
_WRK_SCRIPT = """
local paths = {"/pets", "/pets/1", "/store/inventory"}
local index = 0
request = function()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: str, cwd: Path, pythonpath: Path, extra_arguments: list[str]) -> Iterator[str]:
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(pythonpath), "LOG_LEVEL": "INFO"}
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *extra_arguments]
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{app} did not start") from None
                time.sleep(0.1)
        for path in PATHS:  # warm up, and make sure both answer the same
            with urllib.request.urlopen(base_url + path, timeout=5) as response:
                assert response.status == 200, (app, path, response.status)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(base_url: str, seconds: float, connections: int, project: Path, package: str) -> float:
    """Requests per second over `seconds`, by wrk if installed, else the generated load test."""
    wrk = shutil.which("wrk")
    if wrk:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_WRK_SCRIPT)
        command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", script.name, base_url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non_2xx:
            raise SystemExit(f"{base_url}: {non_2xx.group(1)} error answers under load")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    environment = {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "LOADTEST_BASE_URL": base_url,
        "LOADTEST_REQUESTS": "1000000",
        "LOADTEST_SECONDS": str(seconds),
        "LOADTEST_CONCURRENCY": str(connections),
        "LOADTEST_MAX_P99_MS": "100000",
    }
    completed = subprocess.run(
        [sys.executable, "-m", f"{package}.loadtest"], env=environment, capture_output=True, text=True, check=True
    )
    return float(json.loads(completed.stdout.strip().splitlines()[-1])["rps"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="load per measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    arguments = parser.parse_args()
    package = "benchpets"
    with tempfile.TemporaryDirectory(prefix="contractgen-throughput-") as scratch:
        project = Path(scratch) / "pets"
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", str(ROOT / "specs/petstore.yaml"), "--out", str(project),
             "-p", package, "-t", "fastapi"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        apps = {
            "generated": (f"{package}.app:app", project, project / "src", ["--no-access-log"]),
            "hand-written": ("petstore_app:app", ROOT / "bench/handwritten", ROOT / "bench/handwritten", []),
        }
        driver = "wrk" if shutil.which("wrk") else "generated load test (httpx)"
        shape = f"{arguments.rounds} rounds x {arguments.seconds:g} s, {arguments.connections} connections"
        print(f"driver: {driver}; {shape}")
        results: dict[str, list[float]] = {name: [] for name in apps}
        for round_number in range(arguments.rounds):
            order = list(apps) if round_number % 2 == 0 else list(reversed(apps))
            for name in order:
                app, cwd, pythonpath, extra = apps[name]
                with serving(app, cwd, pythonpath, extra) as base_url:
                    rps = measure(base_url, arguments.seconds, arguments.connections, project, package)
                results[name].append(rps)
                print(f"  round {round_number + 1} {name:>12}: {rps:8.1f} requests/s")
    medians = {name: statistics.median(values) for name, values in results.items()}
    ratio = medians["generated"] / medians["hand-written"]
    print(f"median requests/s: generated {medians['generated']:.1f}, hand-written {medians['hand-written']:.1f}")
    print(f"ratio generated/hand-written: {ratio:.3f} (goal >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
