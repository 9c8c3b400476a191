"""The generated gRPC service run as deployed, called by the generated client over TLS.

Each test starts `python -m PACKAGE.server` on 127.0.0.1 with TLS or mutual TLS from the
environment (the shared `tls_files` certificates), calls it with the generated `Client` and
`AsyncClient` given the CA as root certificates (and the client certificate under mutual TLS),
and reads the server's log lines, each of which is one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.conftest import (
    SPECS,
    TlsFiles,
    free_port,
    generate_project,
    import_generated,
    project_env,
    run_docker_health_check,
)

PACKAGE = "tlsinventory"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """inventory.proto with every proto target: the server, its contract tests and the client."""
    return generate_project(SPECS / "inventory.proto", tmp_path_factory.mktemp("grpc-tls") / "inventory", PACKAGE)


@pytest.fixture(scope="module")
def modules(project: Path) -> tuple[ModuleType, ModuleType]:
    """The generated client package and protoc's inventory module."""
    client, inventory_pb2 = import_generated(project, f"{PACKAGE}.client", f"{PACKAGE}._generated.proto.inventory_pb2")
    return client, inventory_pb2


def _channel_credentials(tls_files: TlsFiles, with_client_cert: bool) -> grpc.ChannelCredentials:
    if not with_client_cert:
        return grpc.ssl_channel_credentials(tls_files.ca.read_bytes())
    return grpc.ssl_channel_credentials(
        tls_files.ca.read_bytes(), tls_files.client_key.read_bytes(), tls_files.client_cert.read_bytes()
    )


@contextmanager
def running(
    project: Path, log: Path, credentials: grpc.ChannelCredentials, server_name: str | None = None, **settings: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m PACKAGE.server` with `settings` as environment variables; yields its target once SERVING."""
    port = free_port()
    target = f"127.0.0.1:{port}"
    environment = project_env(project, GRPC_HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="INFO", **settings)
    with log.open("wb") as log_file, (log.parent / f"{log.name}.stderr").open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", f"{PACKAGE}.server"], cwd=project, env=environment, stdout=log_file, stderr=errors
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
                    with grpc.secure_channel(target, credentials, options=options) as channel:
                        request = health_pb2.HealthCheckRequest()
                        answer = health_pb2_grpc.HealthStub(channel).Check(request, timeout=1)
                        if answer.status == health_pb2.HealthCheckResponse.SERVING:
                            break
                except grpc.RpcError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output = log.read_text() + (log.parent / f"{log.name}.stderr").read_text()
                    pytest.fail(f"the server did not come up:\n{output}")
                time.sleep(0.1)
            yield target, process
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def json_log_lines(log: Path, method: str) -> list[dict[str, Any]]:
    """Every line the server wrote to stdout, parsed as JSON, once the access line for `method` is in."""
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        if any(line.get("method") == method for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


GET_ITEM = "/inventory.v1.Inventory/GetItem"


def test_generated_client_calls_the_server_over_tls(
    project: Path, modules: tuple[ModuleType, ModuleType], tls_files: TlsFiles, tmp_path: Path
) -> None:
    api, inventory_pb2 = modules
    log = tmp_path / "server.log"
    environment = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    with running(project, log, _channel_credentials(tls_files, with_client_cert=False), **environment) as (target, _):
        with api.Client.connect(target, root_certificates=tls_files.ca, retry=None) as client:
            item = client.inventory.get_item(inventory_pb2.GetItemRequest(sku="A-1"), timeout=5)
        assert isinstance(item, inventory_pb2.Item)

        async def main() -> Any:
            pem = tls_files.ca.read_bytes()
            async with api.AsyncClient.connect(target, root_certificates=pem, retry=None) as client:
                return await client.inventory.get_item(inventory_pb2.GetItemRequest(sku="A-1"), timeout=5)

        assert isinstance(asyncio.run(main()), inventory_pb2.Item)
        untrusting = api.Client.connect(target, tls=True, retry=None)  # the system's roots do not know the CA
        with untrusting, pytest.raises(api.UnavailableError):
            untrusting.inventory.get_item(inventory_pb2.GetItemRequest(sku="A-1"), timeout=5)
        port = target.rsplit(":", 1)[1]
        probed = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **environment)
        assert probed.returncode == 0, probed.stderr
        trusting_itself = run_docker_health_check(project, port, **environment)  # TLS_CERT_FILE as the root
        assert trusting_itself.returncode == 0, trusting_itself.stderr
        untrusted = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.client_cert), **environment)
        assert untrusted.returncode == 1 and untrusted.stderr.startswith("unhealthy: "), untrusted.stderr
        lines = json_log_lines(log, GET_ITEM)
    down = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **environment)
    assert down.returncode == 1 and "Connection refused" in down.stderr, down.stderr
    assert {"listening", "serving"} <= {line["message"] for line in lines}
    assert any(line["message"] == "serving" and line["tls"] is True for line in lines)
    calls = [line for line in lines if line.get("method") == GET_ITEM]
    assert calls and all(call["code"] == "OK" and call["request_id"] for call in calls)


def test_generated_client_with_a_certificate_calls_the_server_under_mutual_tls(
    project: Path, modules: tuple[ModuleType, ModuleType], tls_files: TlsFiles, tmp_path: Path
) -> None:
    api, inventory_pb2 = modules
    log = tmp_path / "server.log"
    environment = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
        "TLS_CLIENT_CA_FILE": str(tls_files.ca),
    }
    request = inventory_pb2.GetItemRequest(sku="B-2")
    with running(project, log, _channel_credentials(tls_files, with_client_cert=True), **environment) as (target, _):
        certified = api.Client.connect(
            target,
            root_certificates=tls_files.ca,
            client_cert=tls_files.client_cert,
            client_key=tls_files.client_key,
            retry=None,
        )
        with certified as client:
            assert isinstance(client.inventory.get_item(request, timeout=5), inventory_pb2.Item)

        async def main() -> Any:
            async with api.AsyncClient.connect(
                target,
                root_certificates=tls_files.ca.read_bytes(),
                client_cert=tls_files.client_cert.read_bytes(),
                client_key=tls_files.client_key.read_bytes(),
                retry=None,
            ) as client:
                return await client.inventory.get_item(request, timeout=5)

        assert isinstance(asyncio.run(main()), inventory_pb2.Item)
        anonymous = api.Client.connect(target, root_certificates=tls_files.ca, retry=None)
        with anonymous, pytest.raises(api.UnavailableError):
            anonymous.inventory.get_item(request, timeout=5)
        port = target.rsplit(":", 1)[1]
        refused = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **environment)
        assert refused.returncode == 1 and "PROBE_CERT_FILE" in refused.stderr, refused.stderr
        client_pair = {"PROBE_CERT_FILE": str(tls_files.client_cert), "PROBE_KEY_FILE": str(tls_files.client_key)}
        probed = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **client_pair, **environment)
        assert probed.returncode == 0, probed.stderr
        lines = json_log_lines(log, GET_ITEM)
    calls = [line for line in lines if line.get("method") == GET_ITEM]
    assert len(calls) == 2  # the refused client never reached the servicer
    assert all(call["code"] == "OK" for call in calls)


def test_the_probe_checks_the_name_the_certificate_gives_itself(project: Path, tmp_path: Path) -> None:
    """A service certificate rarely names localhost: the probe asks gRPC to check the name it has."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl executable to make a test certificate with")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", "named.key", "-out", "named.pem", "-days", "1", "-subj", "/CN=inventory.example.com",
         "-addext", "subjectAltName=DNS:inventory.example.com"],
        cwd=tmp_path, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    named = {"TLS_CERT_FILE": str(tmp_path / "named.pem"), "TLS_KEY_FILE": str(tmp_path / "named.key")}
    credentials = grpc.ssl_channel_credentials((tmp_path / "named.pem").read_bytes())
    log = tmp_path / "server.log"
    with running(project, log, credentials, server_name="inventory.example.com", **named) as (target, _):
        port = target.rsplit(":", 1)[1]
        probed = run_docker_health_check(project, port, **named)
        assert probed.returncode == 0, probed.stderr
        misnamed = run_docker_health_check(project, port, PROBE_SERVER_NAME="other.example.com", **named)
        assert misnamed.returncode == 1 and misnamed.stderr.startswith("unhealthy: "), misnamed.stderr


def _serving_pids(log: Path, count: int) -> set[int]:
    """The process ids of the workers that logged "serving", once `count` have."""
    deadline = time.monotonic() + 30
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        pids = {line["pid"] for line in lines if line["message"] == "serving"}
        if len(pids) >= count or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_setting_serves_from_that_many_processes_on_one_port(
    project: Path, modules: tuple[ModuleType, ModuleType], tls_files: TlsFiles, tmp_path: Path
) -> None:
    api, inventory_pb2 = modules
    log = tmp_path / "workers.log"
    environment = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    credentials = _channel_credentials(tls_files, with_client_cert=False)
    with running(project, log, credentials, WORKERS="2", **environment) as (target, process):
        pids = _serving_pids(log, 2)
        assert len(pids) == 2 and process.pid not in pids
        for _ in range(20):  # a connection each: the kernel spreads them over the workers
            with api.Client.connect(target, root_certificates=tls_files.ca, retry=None) as client:
                client.inventory.get_item(inventory_pb2.GetItemRequest(sku="A-1"), timeout=5)
        process.terminate()
        assert process.wait(timeout=30) == 0
    lines = json_log_lines(log, GET_ITEM)
    assert len([line for line in lines if line.get("method") == GET_ITEM]) == 20
    assert [line["message"] for line in lines].count("stopping") == 2
    assert not any(_alive(pid) for pid in pids)


def test_a_worker_that_dies_stops_the_service(project: Path, tls_files: TlsFiles, tmp_path: Path) -> None:
    """Serving on with fewer workers than configured would hide the failure from the supervisor."""
    log = tmp_path / "dying.log"
    environment = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    credentials = _channel_credentials(tls_files, with_client_cert=False)
    with running(project, log, credentials, WORKERS="2", **environment) as (_, process):
        first, second = sorted(_serving_pids(log, 2))
        os.kill(first, signal.SIGKILL)
        assert process.wait(timeout=30) == 1
    messages = [json.loads(line)["message"] for line in log.read_text().splitlines() if line.strip()]
    assert "a worker process ended; stopping the others" in messages
    assert not _alive(second)


def test_workers_need_a_fixed_port(project: Path) -> None:
    environment = project_env(project, WORKERS="2", PORT="0")
    completed = subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.server"], cwd=project, env=environment, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "WORKERS above 1 needs a fixed PORT" in completed.stderr and "Traceback" not in completed.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_taken_port_is_one_logged_line_not_a_traceback(project: Path, workers: str) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        environment = project_env(project, GRPC_HOST="127.0.0.1", PORT=str(port), WORKERS=workers)
        completed = subprocess.run(
            [sys.executable, "-m", f"{PACKAGE}.server"], cwd=project, env=environment, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout + completed.stderr
    errors = [json.loads(line) for line in completed.stdout.splitlines() if '"ERROR"' in line]
    assert any(f"cannot listen on 127.0.0.1:{port}: the port is taken" in line["message"] for line in errors), errors
