"""Packaging, checked in fresh virtualenvs: nothing here may lean on the checkout or the test venv.

- The contractgen wheel ships every template and generates a project when run outside the repo.
- A generated project installs with only its declared runtime dependencies and serves through
  `python -m <package>`.

Each test builds its own venv on purpose: contractgen's dependencies (pydantic through
datamodel-code-generator, openapi-schema-validator through openapi-spec-validator) would hide a
runtime dependency missing from the generated project's pyproject, which is what the second test is for.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SPECS, generate_project

pytestmark = pytest.mark.slow

TEMPLATES = ROOT / "templates"
WHEEL_TEMPLATES = "generator/templates"
PIP_TIMEOUT = 900
SERVER_START_TIMEOUT = 30.0


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that points Python at the checkout or the test venv."""
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env.update(extra)
    return env


def run(command: list[str | Path], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command and fail the test with its output if it exits non-zero."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )
    return result


def make_venv(path: Path) -> Path:
    """A fresh virtualenv with pip and nothing else; returns its python."""
    run([sys.executable, "-m", "venv", path], cwd=path.parent)
    return path / ("Scripts" if os.name == "nt" else "bin") / "python"


def pip_install(python: Path, *args: str | Path) -> None:
    run([python, "-m", "pip", "install", "--quiet", *args], cwd=python.parent, timeout=PIP_TIMEOUT)


def build_wheel(outdir: Path) -> Path:
    """Build contractgen's wheel; reuse the test venv's hatchling when present (no download)."""
    command: list[str | Path] = [sys.executable, "-m", "build", "--wheel", "--outdir", outdir]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-isolation")
    run(command, cwd=ROOT, timeout=PIP_TIMEOUT)
    wheels = sorted(outdir.glob("contractgen-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def template_files() -> set[str]:
    """Every file under the repo's templates/, as the wheel should name it."""
    return {
        f"{WHEEL_TEMPLATES}/{path.relative_to(TEMPLATES).as_posix()}"
        for path in TEMPLATES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get_json(url: str) -> tuple[int, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.loads(response.read())


def test_wheel_ships_templates_and_generates(tmp_path: Path) -> None:
    expected = template_files()
    wheel = build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert f"{WHEEL_TEMPLATES}/fastapi/static/runtime.py" in shipped
    assert not sorted(expected - shipped), f"templates missing from {wheel.name}: {sorted(expected - shipped)}"

    venv = tmp_path / "venv"
    python = make_venv(venv)
    pip_install(python, wheel)

    outside = tmp_path / "elsewhere"  # a cwd outside the repo: templates can only come from the wheel
    outside.mkdir()
    probe = run([python, "-c", "from generator.render import builtin_templates_dir as d; print(d())"], cwd=outside)
    templates_dir = Path(probe.stdout.strip()).resolve()
    assert venv.resolve() in templates_dir.parents, templates_dir
    assert ROOT not in templates_dir.parents, templates_dir

    out = tmp_path / "p"
    result = run(
        [python.parent / "contractgen", "generate", SPECS / "petstore.yaml", "--out", out, "-p", "petstore"],
        cwd=outside,
    )
    assert "written" in result.stdout, result.stdout
    assert (out / "src" / "petstore" / "_generated" / "service.py").is_file()


IMPORT_CHECK = """
import importlib, importlib.metadata, json, sys
import petstore, petstore.app
assert petstore.app.app is not None
modules = {}
for name in ("fastapi", "pydantic", "uvicorn", "openapi_schema_validator", ("python_multipart", "multipart")):
    for candidate in (name if isinstance(name, tuple) else (name,)):
        try:
            modules[candidate] = importlib.import_module(candidate).__name__
            break
        except ImportError:
            continue
    else:
        sys.exit(f"cannot import {name}")
versions = {
    dist: importlib.metadata.version(dist)
    for dist in ("fastapi", "pydantic", "uvicorn", "python-multipart", "openapi-schema-validator")
}
print(json.dumps({"package": petstore.__file__, "versions": versions}))
"""


def test_generated_project_installs_with_its_runtime_dependencies(tmp_path: Path) -> None:
    project = generate_project(SPECS / "petstore.yaml", tmp_path / "petstore", "petstore")
    python = make_venv(tmp_path / "venv")
    pip_install(python, "-e", project)  # runtime dependencies only: no [test] extra

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    report = json.loads(run([python, "-c", IMPORT_CHECK], cwd=outside).stdout)
    assert Path(report["package"]).resolve().is_relative_to((project / "src" / "petstore").resolve()), report

    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(python), "-m", "petstore"],
            cwd=outside,
            env=clean_env(HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="WARNING"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                assert server.poll() is None, f"python -m petstore exited {server.returncode}:\n{log_path.read_text()}"
                try:
                    status, health = get_json(f"{base_url}/healthz")
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert time.monotonic() < deadline, f"server did not start:\n{log_path.read_text()}"
                    time.sleep(0.2)
            assert (status, health) == (200, {"status": "ok"})

            status, pets = get_json(f"{base_url}/pets")
            assert status == 200
            assert isinstance(pets, list) and pets, pets
            assert all(isinstance(pet, dict) and {"id", "name"} <= pet.keys() for pet in pets), pets
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
