"""Generated REST projects, run for real: linters, the app under uvicorn, its contract tests.

Each example contract is generated once per session (`rest_project`); every test here runs the
generated code rather than reading it.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.diagnostics import DiagnosticSink
from generator.pipeline import read_contract
from tests.conftest import SPECS, project_env, serve_with_uvicorn, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(command: list[str], project: Path, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=project, env=project_env(project, **env), capture_output=True, text=True, timeout=timeout
    )


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


@pytest.fixture(scope="module")
def live_server(rest_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The generated app served by uvicorn on 127.0.0.1, as `uvicorn NAME.app:app` would."""
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serve_with_uvicorn(rest_project, f"{package_of(rest_project)}.app:app", log_path) as base_url:
        yield base_url


def test_generated_code_passes_black(rest_project: Path) -> None:
    result = run([tool("black"), "--check", "src", "tests"], rest_project)
    assert result.returncode == 0, result.stderr


def test_generated_code_passes_ruff(rest_project: Path) -> None:
    result = run([tool("ruff"), "check", "--no-cache", "src", "tests"], rest_project)
    assert result.returncode == 0, result.stdout


def test_generated_code_passes_mypy_strict(rest_project: Path) -> None:
    result = run([tool("mypy"), "--strict", "--no-incremental", "src", "tests"], rest_project)
    assert result.returncode == 0, result.stdout


def test_generated_contract_tests_pass_in_process(rest_project: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract"], rest_project)
    assert result.returncode == 0, result.stdout[-5000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_serves_health_and_examples_under_uvicorn(live_server: str) -> None:
    assert httpx.get(live_server + "/healthz").json() == {"status": "ok"}
    assert httpx.get(live_server + "/readyz").json() == {"status": "ready"}
    response = httpx.get(live_server + "/openapi.json")
    assert response.status_code == 200
    assert response.headers["x-request-id"]


def test_generated_contract_tests_pass_against_live_server(rest_project: Path, live_server: str) -> None:
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract"],
        rest_project,
        CONTRACT_BASE_URL=live_server,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def _load_app(project: Path) -> Any:
    source = str(project / "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    return importlib.import_module(f"{package_of(project)}.app").app


def _contract_properties(document: dict[str, Any], schema: Any) -> set[str]:
    if isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for token in schema["$ref"][2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return _contract_properties(document, node)
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _contract_properties(document, part)
    return names


def test_openapi_json_describes_the_contract(rest_project: Path) -> None:
    spec = SPECS / f"{package_of(rest_project)}.yaml"
    contract = read_contract([spec], DiagnosticSink())
    original = json.loads(contract.document_json)
    served = _load_app(rest_project).openapi()
    ignored_headers = {"accept", "content-type", "authorization"}
    for operation in contract.services[0].operations:
        http = operation.http
        served_operation = served["paths"][http.path][http.method.lower()]
        raw_operation = original["paths"][http.path][http.method.lower()]
        if operation.operation_id:
            assert served_operation["operationId"] == operation.operation_id
        expected_params = {(param.wire_name, param.location.value, param.required) for param in http.params}
        served_params = {
            (param["name"], param["in"], param.get("required", False))
            for param in served_operation.get("parameters", [])
            if not (param["in"] == "header" and param["name"].lower() in ignored_headers)
        }
        assert served_params == expected_params, http.path
        assert set(served_operation["responses"]) == {response.status for response in http.responses}
        if http.request_body is not None:
            assert http.request_body.media_type in served_operation["requestBody"]["content"]
        if operation.requires_auth:
            served_schemes = {key for requirement in served_operation["security"] for key in requirement}
            contract_schemes = {use.scheme for requirement in operation.security for use in requirement}
            assert served_schemes == contract_schemes
        for status, raw_response in raw_operation["responses"].items():
            raw_response = _resolve(original, raw_response)
            media = raw_response.get("content", {}).get("application/json")
            if not media:
                continue
            served_media = served_operation["responses"][status]["content"]["application/json"]
            expected = _contract_properties(original, media["schema"])
            assert _served_properties(served, served_media["schema"]) == expected, (http.path, status)


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _served_properties(document: dict[str, Any], schema: Any) -> set[str]:
    schema = _resolve(document, schema)
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _served_properties(document, part)
    return names


BROKEN_SERVICE = '''
from typing import Any

from ._generated.mock import MockService
from ._generated.runtime import ApiResponse


class Service(MockService):
    """Answers every call with a body the contract does not allow."""

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name.startswith("_") or name == "ready" or not callable(attribute):
            return attribute

        async def broken(**_: Any) -> ApiResponse[Any]:
            return ApiResponse(200, {"unexpected": ["shape"]})

        return broken
'''


def test_contract_tests_fail_against_a_broken_implementation(rest_project: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(rest_project, broken)
    (broken / "src" / package_of(broken) / "service.py").write_text(BROKEN_SERVICE)
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract/test_schema.py", "-x"],
        broken,
        CONTRACT_MAX_EXAMPLES="5",
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "failed" in result.stdout
