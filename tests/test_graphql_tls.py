"""The generated Ariadne service run as deployed: `python -m PACKAGE`, settings from the environment.

Each test starts the real entry point (uvicorn) on 127.0.0.1, with TLS or mutual TLS where it is
about them, calls it with the generated GraphQL client over a client SSL context (an `httpx.Client`
passed as `http_client`), and reads the service's JSON log lines.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
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
PACKAGE = "tlsbooks"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(
        SPECS / "bookshop.graphql",
        tmp_path_factory.mktemp("graphql-tls") / "books",
        PACKAGE,
    )


@pytest.fixture(scope="module")
def client_module(project: Path) -> ModuleType:
    (module,) = import_generated(project, f"{PACKAGE}.client")
    return module


@contextmanager
def running(
    project: Path, log: Path, context: ssl.SSLContext | None, **settings: str
) -> Iterator[str]:
    """`python -m PACKAGE` with `settings` as environment variables; yields the base URL once healthy."""
    port = free_port()
    scheme = "https" if context is not None else "http"
    environment = project_env(
        project, HOST="127.0.0.1", PORT=str(port), LOG_LEVEL="INFO", **settings
    )
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", PACKAGE],
            cwd=project,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        base_url = f"{scheme}://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (
                        httpx.get(
                            base_url + "/healthz", verify=context or True, timeout=1
                        ).status_code
                        == 200
                    ):
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
    lines = [
        line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [json.loads(line) for line in lines]


def test_tls_service_answers_the_generated_client(
    project: Path, client_module: ModuleType, tls_files: TlsFiles, tmp_path: Path
) -> None:
    log = tmp_path / "service.log"
    context = tls_files.client_context(with_client_cert=False)
    tls = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
    }
    with running(project, log, context, **tls) as base_url:
        assert base_url.startswith("https://")
        with httpx.Client(verify=context) as http_client:
            books = client_module.Client(
                base_url + "/graphql", http_client=http_client
            ).books()
        assert books.books and all(book.title for book in books.books)
        assert httpx.get(base_url + "/readyz", verify=context).json() == {
            "status": "ready"
        }
        with pytest.raises(httpx.ConnectError):
            httpx.get(
                base_url + "/healthz", timeout=5
            )  # the CA is not in the default trust store
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(base_url.replace("https://", "http://") + "/healthz", timeout=5)
    records = json_lines(log)  # every line the service wrote is one JSON object
    requests = [record for record in records if record.get("message") == "request"]
    (answered,) = [record for record in requests if record.get("path") == "/graphql"]
    assert {
        "method": "POST",
        "status": 200,
        "operation": "Books",
    }.items() <= answered.items()
    assert all(record["request_id"] for record in requests)


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
        with httpx.Client(verify=with_certificate) as http_client:
            authors = client_module.Client(
                base_url + "/graphql", http_client=http_client
            ).authors()
        assert authors.authors
        without_certificate = tls_files.client_context(with_client_cert=False)
        with httpx.Client(verify=without_certificate) as http_client:
            client = client_module.Client(
                base_url + "/graphql", http_client=http_client
            )
            with pytest.raises(client_module.GraphQLTransportError):
                client.authors()
        port = base_url.rsplit(":", 1)[1]
        refused = run_docker_health_check(project, port, **mutual)
        assert refused.returncode == 1 and "PROBE_CERT_FILE" in refused.stderr, refused.stderr
        client_pair = {"PROBE_CERT_FILE": str(tls_files.client_cert), "PROBE_KEY_FILE": str(tls_files.client_key)}
        probed = run_docker_health_check(project, port, PROBE_CA_FILE=str(tls_files.ca), **client_pair, **mutual)
        assert probed.returncode == 0, probed.stderr
    assert run_docker_health_check(project, port, **client_pair, **mutual).returncode == 1, "down: unhealthy"
    operations = [
        record.get("operation")
        for record in json_lines(log)
        if record.get("path") == "/graphql"
    ]
    assert operations == ["Authors"]


def test_invalid_settings_stop_the_service_with_the_variable_named(
    project: Path,
) -> None:
    environment = project_env(
        project, GRAPHQL_MAX_DEPTH="deep", TLS_KEY_FILE="only-half.pem"
    )
    completed = subprocess.run(
        [sys.executable, "-m", PACKAGE],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert (
        completed.stderr.startswith("invalid settings")
        and "GRAPHQL_MAX_DEPTH" in completed.stderr
    )
    assert "Traceback" not in completed.stderr


def test_mutual_tls_without_a_server_certificate_is_invalid(project: Path) -> None:
    environment = project_env(project, TLS_CLIENT_CA_FILE="ca.pem")
    completed = subprocess.run(
        [sys.executable, "-m", PACKAGE],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert (
        "TLS_CLIENT_CA_FILE (mutual TLS) needs TLS_CERT_FILE and TLS_KEY_FILE"
        in completed.stderr
    )
    assert "Traceback" not in completed.stderr


def test_cors_is_off_unless_origins_are_configured(
    project: Path, tmp_path: Path
) -> None:
    preflight = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "POST",
    }
    with running(project, tmp_path / "closed.log", None) as base_url:
        closed = httpx.options(base_url + "/graphql", headers=preflight)
        assert "access-control-allow-origin" not in closed.headers
    with running(
        project,
        tmp_path / "open.log",
        None,
        CORS_ALLOW_ORIGINS="https://app.example, https://b.example",
    ) as base_url:
        opened = httpx.options(base_url + "/graphql", headers=preflight)
        assert opened.status_code == 200
        assert opened.headers["access-control-allow-origin"] == "https://app.example"
        answered = httpx.post(
            base_url + "/graphql",
            json={"query": "{ __typename }"},
            headers={"Origin": "https://b.example"},
        )
        assert answered.headers["access-control-allow-origin"] == "https://b.example"
        stranger = httpx.options(
            base_url + "/graphql",
            headers={**preflight, "Origin": "https://evil.example"},
        )
        assert "access-control-allow-origin" not in stranger.headers


def test_settings_read_graphql_variables_not_bare_field_names(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (runtime,) = import_generated(project, f"{PACKAGE}._generated.server_runtime")
    settings = runtime.Settings.from_env(
        {"GRAPHQL_DEBUG": "true", "max_depth": "3", "graphql_max_cost": "7"}
    )
    assert (settings.debug, settings.max_depth, settings.max_cost) == (True, 10, 7)
    assert runtime.Settings(max_depth=4, log_level="warning").max_depth == 4
    assert runtime.Settings.from_env(
        {"CORS_ALLOW_ORIGINS": " https://a.example ,"}
    ).cors_allow_origins == ("https://a.example",)
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("graphql_allow_get", "yes")
    from_process = runtime.Settings()
    assert (from_process.debug, from_process.allow_get) == (False, True)


def test_workers_setting_starts_that_many_worker_processes(project: Path, tmp_path: Path) -> None:
    log = tmp_path / "workers.log"
    with running(project, log, None, WORKERS="2") as base_url:
        assert httpx.get(base_url + "/healthz").status_code == 200
        deadline = time.monotonic() + 20
        while log.read_text(encoding="utf-8").count("Started server process") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert log.read_text(encoding="utf-8").count("Started server process") >= 2, log.read_text()
