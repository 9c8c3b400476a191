"""The generated GraphQL load test (`python -m PACKAGE.loadtest`) run against the mock service.

The service is started as deployed (`python -m PACKAGE` on 127.0.0.1); the load test POSTs the
contract's queries to it, with values for their required variables computed from the schema, and
prints a summary line and a JSON report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SPECS, TlsFiles, generate_project, project_env
from tests.test_graphql_tls import json_lines, running

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
PACKAGE = "tlsbooks"
"""The package `tests.test_graphql_tls.running` starts."""


ARGUMENTS_SDL = """
scalar DateTime
scalar Email

type Query {
  shelf(id: ID!): Shelf
  search(filter: SearchFilter!): [Shelf!]!
  byGenre(genre: Genre!, first: Int = 3): [Shelf!]!
  many(ids: [ID!]!, tags: [String]!): [Shelf!]!
  since(after: DateTime!): [Shelf!]!
  nested(where: Where!): Int!
  contact(email: Email!): Shelf
  plain: Int!
}

input SearchFilter {
  text: String!
  genre: Genre!
  range: Range!
  tags: [String!]!
  note: String
  limit: Int = 5
}

input Range {
  low: Int!
  high: Float!
}

"Refers to itself through a list and a nullable field, which GraphQL allows."
input Where {
  all: [Where!]!
  any: Where
  label: String!
}

enum Genre {
  FICTION
  SCIENCE
}

type Shelf {
  id: ID!
  name: String!
  genre: Genre!
}
"""
"""Root queries taking required arguments of every input kind; `contact` needs an unknown scalar."""
LOADED_QUERIES = {"Shelf", "Search", "ByGenre", "Many", "Since", "Nested", "Plain"}


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


def test_graphql_load_test_presents_a_client_certificate_to_a_mutual_tls_service(
    project: Path, tls_files: TlsFiles, tmp_path: Path
) -> None:
    mutual = {
        "TLS_CERT_FILE": str(tls_files.server_cert),
        "TLS_KEY_FILE": str(tls_files.server_key),
        "TLS_CLIENT_CA_FILE": str(tls_files.ca),
    }
    trusting = {"LOADTEST_CA_FILE": str(tls_files.ca), "LOADTEST_TIMEOUT_SECONDS": "2"}
    client_pair = {"LOADTEST_CERT_FILE": str(tls_files.client_cert), "LOADTEST_KEY_FILE": str(tls_files.client_key)}
    context = tls_files.client_context(with_client_cert=True)
    with running(project, tmp_path / "service.log", context, **mutual) as base_url:
        certified = run_load_test(project, base_url, LOADTEST_REQUESTS="40", **trusting, **client_pair)
        anonymous = run_load_test(project, base_url, LOADTEST_REQUESTS="5", **trusting)
    assert certified.returncode == 0, certified.stdout + certified.stderr
    assert json.loads(certified.stdout.strip().splitlines()[-1])["errors"] == 0
    assert anonymous.returncode == 1 and "error rate 1.0000" in anonymous.stderr, anonymous.stderr


@pytest.fixture(scope="module")
def arguments_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("graphql-load-arguments")
    contract = work / "shelves.graphql"
    contract.write_text(ARGUMENTS_SDL, encoding="utf-8")
    return generate_project(contract, work / "shelves", PACKAGE)


def test_graphql_load_test_sends_queries_with_required_arguments_and_they_are_answered(
    arguments_project: Path, tmp_path: Path
) -> None:
    log = tmp_path / "service.log"
    with running(arguments_project, log, None) as base_url:
        result = run_load_test(arguments_project, base_url, LOADTEST_REQUESTS="70", LOADTEST_CONCURRENCY="2")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["requests"] == 70 and report["errors"] == 0 and report["failures"] == []
    requests = [line for line in json_lines(log) if line.get("path") == "/graphql"]
    assert {line["operation"] for line in requests} == LOADED_QUERIES
    assert len(requests) == 70 and {line["status"] for line in requests} == {200}
    assert "not loaded: Contact: custom scalar Email has no known valid value" in result.stderr
