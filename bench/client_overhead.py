"""Per-call overhead of the generated httpx client against raw httpx, same endpoint, same server.

Run by hand:  .venv/bin/python bench/client_overhead.py [--calls 2000]
Generates petstore with the `httpx-client` target into a temp dir, serves its mock under uvicorn on
127.0.0.1, then times GET /pets/{id} through (a) raw `httpx.Client` + `json()` and (b) the
generated `Client.get_pet` (which also validates into `models.Pet`). Prints both and the ratio
(goal: <= 1.10). Raw calls are given the same pydantic parsing, so the ratio shows the client's
own overhead, not the cost of typed results.
"""

from __future__ import annotations

import argparse
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, generate

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def best_of(rounds: int, calls: int, call: object) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            call()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) / calls)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "petstore_bench"
        job = Job((ROOT / "specs" / "petstore.yaml",), project, ("fastapi", "httpx-client"), "petstore_bench")
        generate(job, DiagnosticSink())
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(project / "src"), "LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "uvicorn", "petstore_bench.app:app", "--port", str(port), "--no-access-log"]
        server = subprocess.Popen([*command, "--log-level", "warning"], env=env, cwd=project)
        base_url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    httpx.get(base_url + "/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            sys.path.insert(0, str(project / "src"))
            client_module = importlib.import_module("petstore_bench.client")
            pet = client_module.models.Pet
            with httpx.Client(base_url=base_url) as raw, client_module.Client(base_url) as client:
                raw_call = lambda: pet.model_validate(raw.get("/pets/1").json())  # noqa: E731
                client_call = lambda: client.get_pet(pet_id=1)  # noqa: E731
                for warm in (raw_call, client_call):
                    best_of(1, 100, warm)
                raw_time = best_of(arguments.rounds, arguments.calls, raw_call)
                client_time = best_of(arguments.rounds, arguments.calls, client_call)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"raw httpx + model_validate: {raw_time * 1e6:8.1f} us/call")
    print(f"generated Client.get_pet:   {client_time * 1e6:8.1f} us/call")
    print(f"ratio: {client_time / raw_time:.3f} (goal <= 1.10)")


if __name__ == "__main__":
    main()
