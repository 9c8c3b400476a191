"""The generated FastAPI service run as deployed: `python -m PACKAGE`, settings from the environment.

Each test starts the real entry point (uvicorn) on 127.0.0.1 with TLS or mutual TLS, calls it with
the generated httpx client over a client SSL context, and reads the service's JSON log lines.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.conftest import (
    SPECS,
    TlsFiles,
    free_port,
    generate_project,
    import_generated,
    project_env,
    run_docker_health_check,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PACKAGE = "tlspets"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "petstore.yaml", tmp_path_factory.mktemp("tls") / "pets", PACKAGE)


@pytest.fixture(scope="module")
def client_module(project: Path) -> ModuleType:
    (module,) = import_generated(project, f"{PACKAGE}.client")
    return module


@contextmanager
def running(project: Path, log: Path, context: ssl.SSLContext | None, **settings: str) -> Iterator[str]:
    """`python -m PACKAGE` with `settings` as environment variables; yields the base URL once healthy."""
    port = free_port()
    scheme = "https" if context is not None else "http"
    environment = project_env(project, HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="INFO", **settings)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", PACKAGE], cwd=project, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
        base_url = f"{scheme}://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base_url + "/healthz", verify=context or True, timeout=1).status_code == 200:
                        break
                except (httpx.TransportError, ssl.SSLError):
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the service did not come up:\n{log.read_text()}")
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            process.wait(timeout=10)


def json_lines(log: Path) -> list[dict[str, Any]]:
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_tls_service_answers_the_generated_client(
    project: Path, client_module: ModuleType, tls_files: TlsFiles, tmp_path: Path
) -> None:
    log = tmp_path / "service.log"
    context = tls_files.client_context(with_client_cert=False)
    tls = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    with running(project, log, context, **tls) as base_url:
        assert base_url.startswith("https://")
        with httpx.Client(base_url=base_url, verify=context) as http_client:
            pets = client_module.Client(http_client=http_client).list_pets()
        assert [pet.name for pet in pets] == ["Rex", "Tom"]
        with pytest.raises(httpx.ConnectError):
            httpx.get(base_url + "/healthz", timeout=5)  # the CA is not in the default trust store
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(base_url.replace("https://", "http://") + "/healthz", timeout=5)
        port = base_url.rsplit(":", 1)[1]
        assert run_docker_health_check(project, port, **tls).returncode == 0
        verified = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **tls)
        assert verified.returncode == 0, verified.stderr
        untrusted = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.client_cert), **tls)
        assert untrusted.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr, untrusted.stderr
    down = run_docker_health_check(project, port, **tls)
    assert down.returncode == 1, "the probe must fail once it is down"
    assert down.stderr.startswith("unhealthy: ") and "Traceback" not in down.stderr, down.stderr
    records = json_lines(log)  # every line the service wrote is one JSON object
    requests = [record for record in records if record.get("message") == "request"]
    (listed,) = [record for record in requests if record.get("path") == "/pets"]
    assert {"method": "GET", "status": 200}.items() <= listed.items()
    assert all(record["request_id"] for record in requests)
    access_lines = [record for record in records if record.get("logger") == "uvicorn.access"]
    assert access_lines == [], "one line per request: the app's own, not uvicorn's access log too"


def test_mutual_tls_refuses_clients_without_a_certificate(
    project: Path, client_module: ModuleType, tls_files: TlsFiles, tmp_path: Path
) -> None:
    log = tmp_path / "service.log"
    with_certificate = tls_files.client_context(with_client_cert=True)
    mutual = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
        "TLS_CLIENT_CA_FILE": str(tls_files.ca),
    }
    with running(project, log, with_certificate, **mutual) as base_url:
        with httpx.Client(base_url=base_url, verify=with_certificate) as http_client:
            pet = client_module.Client(http_client=http_client, retry=None).get_pet(pet_id=1)
        assert pet.name
        port = base_url.rsplit(":", 1)[1]
        refused = run_docker_health_check(project, port, **mutual)
        assert refused.returncode == 1 and "PROBE_CERT_FILE" in refused.stderr, refused.stderr
        client_pair = {"PROBE_CERT_FILE": str(tls_files.client_cert), "PROBE_KEY_FILE": str(tls_files.client_key)}
        probed = run_docker_health_check(project, port, PROBE_PATH="/readyz", **client_pair, **mutual)
        assert probed.returncode == 0, probed.stderr
        without_certificate = tls_files.client_context(with_client_cert=False)
        with httpx.Client(base_url=base_url, verify=without_certificate) as http_client:
            client = client_module.Client(http_client=http_client)
            with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, ssl.SSLError)):
                client.get_pet(pet_id=1)
    assert any(record.get("path") == "/pets/1" for record in json_lines(log))


def test_invalid_settings_stop_the_service_with_the_variable_named(project: Path, tmp_path: Path) -> None:
    environment = project_env(project, PORT="not-a-port", TLS_CERT_FILE="only-half.pem")
    completed = subprocess.run(
        [sys.executable, "-m", PACKAGE], cwd=project, env=environment, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 1
    assert "invalid settings" in completed.stderr and "port" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_empty_variables_count_as_unset(project: Path, tmp_path: Path) -> None:
    """`TLS_CERT_FILE=` (a compose file's blank entry) means no TLS, not a certificate named ''."""
    blank = {name: "" for name in ("TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_CLIENT_CA_FILE", "WORKERS", "LOG_FORMAT")}
    log = tmp_path / "blank.log"
    with running(project, log, None, **blank) as base_url:
        assert httpx.get(base_url + "/healthz").status_code == 200
    assert json_lines(log), "LOG_FORMAT= is the default, json"


def test_cors_is_off_unless_origins_are_configured(project: Path, tmp_path: Path) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
    with running(project, tmp_path / "closed.log", None) as base_url:
        closed = httpx.options(base_url + "/pets", headers=preflight)
        assert "access-control-allow-origin" not in closed.headers
    with running(project, tmp_path / "open.log", None, CORS_ALLOW_ORIGINS="https://app.example") as base_url:
        opened = httpx.options(base_url + "/pets", headers=preflight)
        assert opened.headers["access-control-allow-origin"] == "https://app.example"


def test_workers_setting_starts_that_many_worker_processes(project: Path, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    with running(project, log, None, WORKERS="2") as base_url:
        assert httpx.get(base_url + "/healthz").status_code == 200
        deadline = time.monotonic() + 20
        while log.read_text(encoding="utf-8").count("Started server process") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert log.read_text(encoding="utf-8").count("Started server process") >= 2, log.read_text()
    assert os.cpu_count()


def run_load_test(project: Path, base_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    environment = project_env(project, LOADTEST_BASE_URL=base_url, **settings)
    return subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.loadtest"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_load_test_reports_throughput_and_latency_percentiles(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "service.log", None) as base_url:
        result = run_load_test(project, base_url, LOADTEST_REQUESTS="150", LOADTEST_CONCURRENCY="4")
    assert result.returncode == 0, result.stdout + result.stderr
    summary, report_line = result.stdout.strip().splitlines()
    report = json.loads(report_line)
    assert report["requests"] == 150 and report["errors"] == 0 and report["failures"] == []
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
    assert report["rps"] > 0 and "requests/s" in summary
    logged = {record["path"] for record in json_lines(tmp_path / "service.log") if record.get("message") == "request"}
    assert {"/pets", "/pets/1", "/store/inventory"} <= logged, "every loadable operation was exercised"


def test_load_test_fails_past_its_thresholds_and_over_tls(project: Path, tls_files: TlsFiles, tmp_path: Path) -> None:
    tls = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    context = tls_files.client_context(with_client_cert=False)
    with running(project, tmp_path / "service.log", context, **tls) as base_url:
        trusted = {"LOADTEST_REQUESTS": "40", "LOADTEST_CA_FILE": str(tls_files.ca)}
        assert run_load_test(project, base_url, **trusted).returncode == 0
        too_strict = run_load_test(project, base_url, **trusted, LOADTEST_MAX_P99_MS="0.001", LOADTEST_MIN_RPS="1e9")
        assert too_strict.returncode == 1
        assert "FAIL: p99" in too_strict.stderr and "LOADTEST_MIN_RPS" in too_strict.stderr
        untrusted = run_load_test(project, base_url, LOADTEST_REQUESTS="10")  # the CA is not trusted: all fail
        assert untrusted.returncode == 1 and "error rate 1.0000" in untrusted.stderr


def test_load_test_presents_a_client_certificate_to_a_mutual_tls_service(
    project: Path, tls_files: TlsFiles, tmp_path: Path
) -> None:
    mutual = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
        "TLS_CLIENT_CA_FILE": str(tls_files.ca),
    }
    trusted = {"LOADTEST_REQUESTS": "30", "LOADTEST_CA_FILE": str(tls_files.ca)}
    client = {"LOADTEST_CERT_FILE": str(tls_files.client_cert), "LOADTEST_KEY_FILE": str(tls_files.client_key)}
    with running(project, tmp_path / "service.log", tls_files.client_context(), **mutual) as base_url:
        with_certificate = run_load_test(project, base_url, **trusted, **client)
        without_certificate = run_load_test(project, base_url, **trusted)
    assert with_certificate.returncode == 0, with_certificate.stdout + with_certificate.stderr
    assert json.loads(with_certificate.stdout.strip().splitlines()[-1])["errors"] == 0
    assert without_certificate.returncode == 1 and "error rate 1.0000" in without_certificate.stderr
    half = run_load_test(project, base_url, LOADTEST_CERT_FILE=str(tls_files.client_cert))
    assert half.returncode == 2 and "LOADTEST_KEY_FILE" in half.stderr


def test_the_probe_reports_bad_settings_and_bad_answers_on_one_line(project: Path, tmp_path: Path) -> None:
    for settings, reason in (
        ({"PORT": "70000", "PROBE_TIMEOUT_SECONDS": "abc"}, "PORT: "),
        ({"PROBE_PATH": "x"}, "PROBE_PATH"),
        ({"PROBE_PATH": "@elsewhere/"}, "PROBE_PATH"),
    ):
        reported = run_docker_health_check(project, settings.pop("PORT", "8000"), **settings)
        assert reported.returncode == 1, reported
        assert reported.stderr.count("\n") == 1 and reason in reported.stderr, reported.stderr
    with socket.socket() as listener:  # something on the port that does not speak HTTP
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def answer_garbage() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(b"garbage\r\n\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        garbled = run_docker_health_check(project, port)
        thread.join(timeout=10)
    assert garbled.returncode == 1 and garbled.stderr.startswith("unhealthy: "), garbled.stderr
    assert "Traceback" not in garbled.stderr
