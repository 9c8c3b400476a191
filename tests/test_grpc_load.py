"""The generated gRPC load test (`python -m PACKAGE.loadtest`) run against the mock server.

The server is started as deployed (`python -m PACKAGE.server` on 127.0.0.1); the load test calls the
contract's unary RPCs with their example requests over grpc.aio and prints a summary line and a
JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from tests.conftest import SPECS, TlsFiles, generate_project, project_env
from tests.test_grpc_tls import GET_ITEM, json_log_lines, running

PACKAGE = "tlsinventory"
"""The package `tests.test_grpc_tls.running` starts."""
LIST_ITEMS = "/inventory.v1.Inventory/ListItems"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "inventory.proto", tmp_path_factory.mktemp("grpc-load") / "inventory", PACKAGE)


def run_load_test(project: Path, target: str, **settings: str) -> subprocess.CompletedProcess[str]:
    environment = project_env(project, LOADTEST_TARGET=target, **settings)
    return subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.loadtest"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_grpc_load_test_reports_throughput_and_latency_percentiles(project: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with running(project, log, grpc.local_channel_credentials()) as (target, _):
        result = run_load_test(project, target, LOADTEST_REQUESTS="100", LOADTEST_CONCURRENCY="4")
        too_strict = run_load_test(
            project, target, LOADTEST_REQUESTS="20", LOADTEST_MAX_P99_MS="0.001", LOADTEST_MIN_RPS="1e9"
        )
        logged = {line.get("method") for line in json_log_lines(log, LIST_ITEMS)}
    assert result.returncode == 0, result.stdout + result.stderr
    summary, report_line = result.stdout.strip().splitlines()
    report = json.loads(report_line)
    assert report["requests"] == 100 and report["errors"] == 0 and report["failures"] == []
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
    assert report["rps"] > 0 and "requests/s" in summary
    assert {GET_ITEM, LIST_ITEMS} <= logged, "every unary RPC was called"
    assert too_strict.returncode == 1, too_strict.stdout + too_strict.stderr
    assert "FAIL: p99" in too_strict.stderr and "LOADTEST_MIN_RPS" in too_strict.stderr


def test_grpc_load_test_calls_over_tls_and_counts_failed_calls(
    project: Path, tls_files: TlsFiles, tmp_path: Path
) -> None:
    tls = {"TLS_CERT_FILE": str(tls_files.server_cert), "TLS_KEY_FILE": str(tls_files.server_key)}
    credentials = grpc.ssl_channel_credentials(tls_files.ca.read_bytes())
    with running(project, tmp_path / "server.log", credentials, **tls) as (target, _):
        trusted = run_load_test(project, target, LOADTEST_REQUESTS="40", LOADTEST_CA_FILE=str(tls_files.ca))
        plaintext = run_load_test(project, target, LOADTEST_REQUESTS="10", LOADTEST_TIMEOUT_SECONDS="2")
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert json.loads(trusted.stdout.strip().splitlines()[-1])["errors"] == 0
    assert plaintext.returncode == 1 and "error rate 1.0000" in plaintext.stderr


def test_grpc_load_test_presents_a_client_certificate_under_mutual_tls(
    project: Path, tls_files: TlsFiles, tmp_path: Path
) -> None:
    mutual = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
        "TLS_CLIENT_CA_FILE": str(tls_files.ca),
    }
    credentials = grpc.ssl_channel_credentials(
        tls_files.ca.read_bytes(), tls_files.client_key.read_bytes(), tls_files.client_cert.read_bytes()
    )
    trusted = {"LOADTEST_REQUESTS": "30", "LOADTEST_CA_FILE": str(tls_files.ca), "LOADTEST_TIMEOUT_SECONDS": "2"}
    client = {"LOADTEST_CERT_FILE": str(tls_files.client_cert), "LOADTEST_KEY_FILE": str(tls_files.client_key)}
    with running(project, tmp_path / "server.log", credentials, **mutual) as (target, _):
        with_certificate = run_load_test(project, target, **trusted, **client)
        without_certificate = run_load_test(project, target, **{**trusted, "LOADTEST_REQUESTS": "5"})
    assert with_certificate.returncode == 0, with_certificate.stdout + with_certificate.stderr
    assert json.loads(with_certificate.stdout.strip().splitlines()[-1])["errors"] == 0
    assert without_certificate.returncode == 1 and "error rate 1.0000" in without_certificate.stderr


def test_grpc_load_test_spreads_its_channels_over_the_workers(project: Path, tmp_path: Path) -> None:
    """LOADTEST_CHANNELS connections of their own: a WORKERS=2 service serves them from both processes."""
    log = tmp_path / "server.log"
    with running(project, log, grpc.local_channel_credentials(), WORKERS="2") as (target, _):
        result = run_load_test(project, target, LOADTEST_REQUESTS="64", LOADTEST_CHANNELS="16")
        lines = json_log_lines(log, GET_ITEM)
    assert result.returncode == 0, result.stdout + result.stderr
    serving = {line["pid"] for line in lines if line["message"] == "serving"}
    called = {line["pid"] for line in lines if line.get("method") in {GET_ITEM, LIST_ITEMS}}
    assert len(serving) == 2 and called == serving, "16 connections all landed on one worker"
