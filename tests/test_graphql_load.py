"""The generated GraphQL load test (`python -m PACKAGE.loadtest`) run against the mock service.

The service is started as deployed (`python -m PACKAGE` on 127.0.0.1); the load test POSTs the
contract's variable-free queries to it and prints a summary line and a JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SPECS, generate_project, project_env
from tests.test_graphql_tls import running

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PACKAGE = "tlsbooks"
"""The package `tests.test_graphql_tls.running` starts."""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "bookshop.graphql", tmp_path_factory.mktemp("graphql-load") / "books", PACKAGE)


def run_load_test(project: Path, base_url: str, **settings: str) -> subprocess.CompletedProcess[str]:
    environment = project_env(project, LOADTEST_BASE_URL=base_url, **settings)
    return subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.loadtest"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_graphql_load_test_reports_throughput_and_latency_percentiles(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "service.log", None) as base_url:
        result = run_load_test(project, base_url, LOADTEST_REQUESTS="100", LOADTEST_CONCURRENCY="4")
        too_strict = run_load_test(
            project, base_url, LOADTEST_REQUESTS="20", LOADTEST_MAX_P99_MS="0.001", LOADTEST_MIN_RPS="1e9"
        )
    assert result.returncode == 0, result.stdout + result.stderr
    summary, report_line = result.stdout.strip().splitlines()
    report = json.loads(report_line)
    assert report["requests"] == 100 and report["errors"] == 0 and report["failures"] == []
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
    assert report["rps"] > 0 and "requests/s" in summary
    assert too_strict.returncode == 1, too_strict.stdout + too_strict.stderr
    assert "FAIL: p99" in too_strict.stderr and "LOADTEST_MIN_RPS" in too_strict.stderr


def test_graphql_load_test_counts_unanswered_queries_as_errors(project: Path, tmp_path: Path) -> None:
    with running(project, tmp_path / "service.log", None) as base_url:
        result = run_load_test(project, base_url + "/nowhere", LOADTEST_REQUESTS="10")
    assert result.returncode == 1
    assert json.loads(result.stdout.strip().splitlines()[-1])["errors"] == 10
    assert "error rate 1.0000" in result.stderr
