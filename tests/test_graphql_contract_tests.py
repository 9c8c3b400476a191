"""The generated GraphQL contract tests: they pass against the generated service, in process and
live, and fail against services that break the contract (drifted schema, wrong data, errors, no
depth limit)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SPECS, generate_project, project_env, serve_with_uvicorn, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CONTRACT_TESTS = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/contract"]


def run_contract_tests(project: Path, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONTRACT_TESTS, *(extra if "-v" in extra else ("-q", *extra))],
        cwd=project,
        env=project_env(project, CONTRACT_MAX_EXAMPLES="5", **env),
        capture_output=True,
        text=True,
        timeout=600,
    )


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


@pytest.fixture(scope="module")
def live_graphql(graphql_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serve_with_uvicorn(graphql_project, f"{package_of(graphql_project)}.app:app", log_path) as base_url:
        yield base_url


@pytest.mark.parametrize(
    "command",
    [
        ["black", "--check", "src", "tests"],
        ["ruff", "check", "--no-cache", "src", "tests"],
        ["mypy", "--strict", "--no-incremental", "src", "tests"],
    ],
    ids=["black", "ruff", "mypy"],
)
def test_whole_project_passes_linters(graphql_project: Path, command: list[str]) -> None:
    """Server, client, shared types and contract tests together, as `generate` writes them by default."""
    result = subprocess.run(
        [tool(command[0]), *command[1:]],
        cwd=graphql_project,
        env=project_env(graphql_project),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_contract_tests_pass_in_process(graphql_project: Path) -> None:
    result = run_contract_tests(graphql_project)
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_contract_tests_pass_against_the_live_service(graphql_project: Path, live_graphql: str) -> None:
    result = run_contract_tests(graphql_project, "-rs", CONTRACT_BASE_URL=live_graphql)
    assert result.returncode == 0, result.stdout[-5000:]
    if (graphql_project / "src" / "chat").is_dir():  # chat has a subscription: it ran over a real WebSocket
        assert (
            "test_subscription_field[messagePosted] PASSED"
            in run_contract_tests(graphql_project, "-v", "-k", "subscription", CONTRACT_BASE_URL=live_graphql).stdout
        )


@pytest.fixture(scope="module")
def bookshop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "bookshop.graphql", tmp_path_factory.mktemp("bookshop") / "bookshop", "bookshop")


def test_a_drifted_schema_fails_the_schema_check(bookshop: Path, tmp_path: Path) -> None:
    drifted_sdl = tmp_path / "bookshop.graphql"
    drifted_sdl.write_text(
        (SPECS / "bookshop.graphql")
        .read_text()
        .replace("  year: Int\n", "")
        .replace("  HISTORY\n", "  HISTORY\n  POETRY\n")
    )
    drifted = generate_project(drifted_sdl, tmp_path / "drifted", "bookshop")
    with serve_with_uvicorn(drifted, "bookshop.app:app", tmp_path / "server.log") as base_url:
        result = run_contract_tests(bookshop, "-k", "served_schema", CONTRACT_BASE_URL=base_url)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "breaking (contract → served): Field Book.year was removed." in result.stdout
    assert "breaking (served → contract): Enum value Genre.POETRY was removed." in result.stdout


BROKEN_RESOLVERS = """
from __future__ import annotations

from typing import Any

from ._generated.mock import MockMutationResolvers, MockQueryResolvers
from ._generated.resolvers import Info, Resolvers
from ._generated.types import Author, Book


class QueryResolvers(MockQueryResolvers):
    async def authors(self, info: Info) -> list[Author]:
        return [Author.model_construct(id="1", name=None, books=[])]  # name is String!


class MutationResolvers(MockMutationResolvers):
    async def add_review(self, info: Info, **arguments: Any) -> Book:
        raise RuntimeError("the database is down")


def build_resolvers() -> Resolvers:
    return Resolvers(query=QueryResolvers(), mutation=MutationResolvers())
"""


def test_wrong_data_and_errors_fail_the_field_checks(bookshop: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(bookshop, broken)
    user_module = broken / "src" / "bookshop" / "resolvers.py"
    original = user_module.read_text()
    assert "def build_resolvers() -> generated.Resolvers:" in original, "app.py serves what this builds"
    user_module.write_text(BROKEN_RESOLVERS)
    result = run_contract_tests(broken, "-v")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "test_query_field[authors] FAILED" in result.stdout
    assert "test_mutation_field[addReview] FAILED" in result.stdout
    assert "test_query_field[books] PASSED" in result.stdout
    assert "Cannot return null for non-nullable field Author.name" in result.stdout


def test_a_service_without_a_depth_limit_fails(bookshop: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with serve_with_uvicorn(
        bookshop, "bookshop.app:app", log, GRAPHQL_MAX_DEPTH="1000", GRAPHQL_MAX_COST="100000000"
    ) as url:
        result = run_contract_tests(bookshop, "-k", "over_deep", CONTRACT_BASE_URL=url)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "a query 64 levels deep was answered" in result.stdout
