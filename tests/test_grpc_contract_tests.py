"""The generated gRPC contract tests: they pass against the generated server (started by the tests
themselves, and live via CONTRACT_GRPC_TARGET), and fail against servers that break the contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import SPECS, generate_project, project_env, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
GRPC_EXAMPLES = {"inventory": SPECS / "inventory.proto", "store": SPECS / "store"}
CONTRACT_TESTS = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/contract"]


@pytest.fixture(scope="module", params=sorted(GRPC_EXAMPLES))
def grpc_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    name = str(request.param)
    return generate_project(GRPC_EXAMPLES[name], tmp_path_factory.mktemp(name) / name, name)


def run_contract_tests(project: Path, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONTRACT_TESTS, *(extra if "-v" in extra else ("-q", *extra))],
        cwd=project,
        env=project_env(project, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextmanager
def serving(project: Path, package: str) -> Iterator[str]:
    """`python -m PACKAGE.server --port 0` on 127.0.0.1; yields `host:port` from its `listening` log line."""
    process = subprocess.Popen(
        [sys.executable, "-m", f"{package}.server", "--host", "127.0.0.1", "--port", "0"],
        cwd=project,
        env=project_env(project, LOG_LEVEL="INFO", LOG_FORMAT="json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = None
        deadline = time.monotonic() + 30
        for line in process.stdout:
            if '"listening"' in line:
                port = json.loads(line)["port"]
                break
            if time.monotonic() > deadline:
                break
        if port is None:
            pytest.fail("the generated gRPC server did not start")
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.parametrize(
    "command",
    [
        ["black", "--check", "src", "tests"],
        ["ruff", "check", "--no-cache", "src", "tests"],
        ["mypy", "--strict", "--no-incremental", "src", "tests"],
    ],
    ids=["black", "ruff", "mypy"],
)
def test_whole_project_passes_linters(grpc_project: Path, command: list[str]) -> None:
    result = subprocess.run(
        [tool(command[0]), *command[1:]],
        cwd=grpc_project,
        env=project_env(grpc_project),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_contract_tests_pass_against_the_generated_server(grpc_project: Path) -> None:
    result = run_contract_tests(grpc_project)
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_contract_tests_pass_against_a_live_server(grpc_project: Path) -> None:
    with serving(grpc_project, grpc_project.name) as target:
        result = run_contract_tests(grpc_project, CONTRACT_GRPC_TARGET=target)
    assert result.returncode == 0, result.stdout[-5000:]


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_project(SPECS / "inventory.proto", tmp_path_factory.mktemp("inv") / "inventory", "inventory")


BROKEN_SERVICE = """
from __future__ import annotations

import grpc

from ._generated.mock import MockInventoryServicer
from ._generated.proto import inventory_pb2
from ._generated.server import Services


class InventoryService(MockInventoryServicer):
    async def get_item(
        self,
        request: inventory_pb2.GetItemRequest,
        context: grpc.aio.ServicerContext[inventory_pb2.GetItemRequest, inventory_pb2.Item],
    ) -> inventory_pb2.Item:
        raise RuntimeError("the database is down")

    async def list_items(
        self,
        request: inventory_pb2.ListItemsRequest,
        context: grpc.aio.ServicerContext[inventory_pb2.ListItemsRequest, inventory_pb2.ListItemsResponse],
    ) -> inventory_pb2.ListItemsResponse:
        await context.abort(grpc.StatusCode.NOT_FOUND, "no such shelf")


def build_services() -> Services:
    return Services(inventory=InventoryService())
"""


def test_a_failing_method_fails_and_a_declared_error_passes(inventory: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(inventory, broken)
    (broken / "src" / "inventory" / "service.py").write_text(BROKEN_SERVICE)
    result = run_contract_tests(broken, "-v")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "test_method_answers_its_example[/inventory.v1.Inventory/GetItem] FAILED" in result.stdout
    assert "GetItem answered UNKNOWN" in result.stdout
    assert "test_method_answers_its_example[/inventory.v1.Inventory/ListItems] PASSED" in result.stdout


def test_a_drifted_server_fails_the_descriptor_check(inventory: Path, tmp_path: Path) -> None:
    drifted_proto = tmp_path / "inventory.proto"
    drifted_proto.write_text(
        (SPECS / "inventory.proto").read_text().replace("  int64 price_cents = 4;\n", "  int64 price_cents = 5;\n")
    )
    drifted = generate_project(drifted_proto, tmp_path / "drifted", "inventory")
    with serving(drifted, "inventory") as target:
        result = run_contract_tests(inventory, "-v", CONTRACT_GRPC_TARGET=target)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "test_served_descriptors_equal_the_contract[inventory.v1.Inventory] FAILED" in result.stdout
    assert "message Item differs from the contract" in result.stdout
