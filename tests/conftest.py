"""Shared fixtures: generated projects are built once per session and reused read-only."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from generator.diagnostics import DiagnosticSink
from generator.format_cache import CACHE_DIR_ENV
from generator.pipeline import Job, generate

# A format cache of the test run's own (inherited by subprocesses): hermetic, and the user's
# ~/.cache is left alone.
os.environ.setdefault(CACHE_DIR_ENV, tempfile.mkdtemp(prefix="contractgen-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
EXAMPLE_SPECS = ("petstore", "showcase")
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A console script of the test virtualenv (black, ruff, mypy, contractgen)."""
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name) or name


def generate_project(spec: Path, out_dir: Path, package: str) -> Path:
    sink = DiagnosticSink()
    report = generate(Job((spec,), out_dir, (), package), sink)
    assert report.ok, report
    return out_dir


@pytest.fixture(scope="session", params=EXAMPLE_SPECS)
def rest_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated from one example spec (petstore, showcase); do not modify it."""
    name = str(request.param)
    return generate_project(SPECS / f"{name}.yaml", tmp_path_factory.mktemp(name) / name, name)


GRAPHQL_EXAMPLE_SPECS = {"bookshop": SPECS / "bookshop.graphql", "chat": SPECS / "chat"}
PROTO_EXAMPLE_SPECS = {"inventory": SPECS / "inventory.proto", "store": SPECS / "store"}


@pytest.fixture(scope="session", params=sorted(GRAPHQL_EXAMPLE_SPECS))
def graphql_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated (all default GraphQL targets) from bookshop.graphql or chat/; do not modify it."""
    name = str(request.param)
    return generate_project(GRAPHQL_EXAMPLE_SPECS[name], tmp_path_factory.mktemp(name) / name, name)


def project_env(project: Path, **extra: str) -> dict[str, str]:
    """Environment for running a generated project's code without installing it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["LOG_LEVEL"] = "WARNING"
    env.update(extra)
    return env


def run_docker_health_check(project: Path, port: int | str, **settings: str) -> subprocess.CompletedProcess[str]:
    """The project Dockerfile's HEALTHCHECK command (exec form), run here for the service on `port`."""
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    probe = next(line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK CMD "))
    command = json.loads(probe.removeprefix("HEALTHCHECK CMD "))
    assert command[0] == "python", command
    environment = project_env(project, PORT=str(port), **settings)
    return subprocess.run(
        [sys.executable, *command[1:]], env=environment, capture_output=True, text=True, timeout=30, check=False
    )


def import_generated(project: Path, *modules: str) -> list[ModuleType]:
    """Modules of a generated project's package (`"pkg._generated.mock"`, ...), without installing it."""
    sys.path.insert(0, str(project / "src"))
    try:
        return [importlib.import_module(module) for module in modules]
    finally:
        sys.path.remove(str(project / "src"))


def run_contract_tests(project: Path, max_examples: int | None = None) -> None:
    """A generated project's contract tests, in a subprocess against its own service; they must pass."""
    extra = {} if max_examples is None else {"CONTRACT_MAX_EXAMPLES": str(max_examples)}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests" / "contract")],
        capture_output=True,
        text=True,
        env=project_env(project, **extra),
        cwd=project,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_with_uvicorn(project: Path, app: str, log_path: Path, **env: str) -> Iterator[str]:
    """Run `uvicorn APP` for a generated project on 127.0.0.1 (ephemeral port); yield its base URL."""
    port = free_port()
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)],
            cwd=project,
            env=project_env(project, **env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not come up:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def chdir_tmp(tmp_path: Path) -> Iterator[Path]:
    previous = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(previous)


@dataclass(frozen=True)
class TlsFiles:
    """A throwaway CA, and a server certificate (127.0.0.1, localhost) and a client certificate it signed."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    def client_context(self, with_client_cert: bool = True) -> ssl.SSLContext:
        """What a client trusting the CA uses, presenting its own certificate unless told not to."""
        context = ssl.create_default_context(cafile=str(self.ca))
        if with_client_cert:
            context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """Certificates made with the openssl CLI (skipped where there is none), valid for one day."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl executable to make test certificates with")
    directory = tmp_path_factory.mktemp("tls-files")
    key_options = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def openssl_run(*arguments: str) -> None:
        subprocess.run([openssl, *arguments], cwd=directory, check=True, capture_output=True, timeout=60)

    openssl_run("req", "-x509", *key_options, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=ca")
    for name, extension in (
        ("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ):
        (directory / f"{name}.ext").write_text(extension)
        openssl_run("req", *key_options, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        openssl_run(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "1", "-extfile", f"{name}.ext",
        )  # fmt: skip
    return TlsFiles(
        directory / "ca.pem",
        directory / "server.pem",
        directory / "server.key",
        directory / "client.pem",
        directory / "client.key",
    )
