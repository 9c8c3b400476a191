"""How the generated contract tests judge an answer the contract does not declare.

An operation that declares no response for invalid input (no 400, 422, 4XX or `default`) lets any
4xx reject an invalid request; everything else stays strict. A small contract has one operation
of each kind: `GET /widgets` (200 only), `GET /widgets/{widgetId}` (200 and 404, which says what
becomes of a missing widget, not of bad input) and `POST /widgets` (201 and 400). Its generated
project passes; implementations broken in one way each must fail, and fail where expected.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.pipeline import read_contract
from generator.targets.contract_tests import declares_rejection
from tests.conftest import SPECS, generate_project, project_env

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LIST, CREATE, GET = "GET /widgets", "POST /widgets", "GET /widgets/{widgetId}"


def _json(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema, "example": example}}


WIDGET = {"$ref": "#/components/schemas/Widget"}
ERROR = {"$ref": "#/components/schemas/Error"}
CONTRACT = {
    "openapi": "3.0.3",
    "info": {"title": "Widgets", "version": "1"},
    "paths": {
        "/widgets": {
            "get": {
                "operationId": "listWidgets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10}},
                    {
                        "name": "colours",
                        "in": "query",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string", "enum": ["red", "blue"]}},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Some widgets.",
                        "content": _json({"type": "array", "items": WIDGET}, [{"id": 1, "name": "Sprocket"}]),
                    }
                },
            },
            "post": {
                "operationId": "createWidget",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewWidget"}}},
                },
                "responses": {
                    "201": {"description": "Created.", "content": _json(WIDGET, {"id": 1, "name": "Sprocket"})},
                    "400": {"description": "Invalid widget.", "content": _json(ERROR, {"message": "invalid"})},
                },
            },
        },
        "/widgets/{widgetId}": {
            "get": {
                "operationId": "getWidget",
                "parameters": [
                    {"name": "widgetId", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
                ],
                "responses": {
                    "200": {"description": "The widget.", "content": _json(WIDGET, {"id": 1, "name": "Sprocket"})},
                    "404": {"description": "No such widget.", "content": _json(ERROR, {"message": "missing"})},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "NewWidget": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 20}},
            },
            "Widget": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "Error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
        }
    },
}

REFUSING_SERVICE = '''
from typing import Any

from fastapi import HTTPException

from ._generated.mock import MockService


class Service(MockService):
    """Refuses every request that reaches it (a valid one) with a 422."""

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name.startswith("_") or name == "ready" or not callable(attribute):
            return attribute

        async def refuse(**_: Any) -> Any:
            raise HTTPException(status_code=422, detail="refused")

        return refuse
'''

APP_ANSWERING_INVALID_INPUT_WITH = """
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ._generated.application import create_app
from .service import Service

app = create_app(Service())


async def answer_invalid_input(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({{"detail": "invalid input"}}, status_code={status})


app.add_exception_handler(RequestValidationError, answer_invalid_input)
"""


@pytest.fixture(scope="module")
def widgets_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The widgets contract generated once; tests copy it before changing anything."""
    spec = tmp_path_factory.mktemp("widgets") / "widgets.json"
    spec.write_text(json.dumps(CONTRACT))
    return generate_project(spec, spec.parent / "project", "widgets")


def broken_copy(project: Path, tmp_path: Path, **files: str) -> Path:
    """A copy of `project` with some of its package's modules (`service`, `app`) replaced."""
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    for module, text in files.items():
        (broken / "src" / "widgets" / f"{module}.py").write_text(text)
    return broken


def run_schema_tests(project: Path, **env: str) -> tuple[dict[str, str], str]:
    """Each operation's outcome in `tests/contract/test_schema.py` (`PASSED`/`FAILED`), and the output."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/contract/test_schema.py"],
        cwd=project,
        env=project_env(project, **env),
        capture_output=True,
        text=True,
        timeout=600,
    )
    outcomes: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if line.startswith("tests/contract/test_schema.py::test_schema[") and "] " in line:
            label, rest = line.split("[", 1)[1].split("] ", 1)
            outcomes[label] = rest.split()[0]
    assert outcomes, result.stdout[-3000:] + result.stderr[-3000:]
    return outcomes, result.stdout


def generated_constant(project: Path, name: str) -> Any:
    """A literal module-level constant of the generated `test_schema.py`."""
    module = ast.parse((project / "tests" / "contract" / "test_schema.py").read_text())
    for statement in module.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
            and statement.value is not None
        ):
            return ast.literal_eval(statement.value)
    raise AssertionError(f"{name} is not in test_schema.py")


@pytest.mark.parametrize(
    ("statuses", "declared"),
    [
        (["200"], False),
        (["200", "404"], False),
        (["201", "401", "403", "409", "429"], False),
        (["201", "400"], True),
        (["201", "422"], True),
        (["201", "4XX"], True),
        (["201", "default"], True),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, list) else str(value),
)
def test_a_rejection_is_declared_by_400_422_4xx_or_default(tmp_path: Path, statuses: list[str], declared: bool) -> None:
    responses = {status: {"description": status} for status in statuses}
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {"/things": {"post": {"operationId": "createThing", "responses": responses}}},
            }
        )
    )
    contract = read_contract([spec], DiagnosticSink())
    (operation,) = [operation for service in contract.services for operation in service.operations]
    assert declares_rejection(operation) is declared


def test_operations_silent_on_invalid_input_are_listed_by_label(widgets_project: Path) -> None:
    assert generated_constant(widgets_project, "SILENT_ON_INVALID_INPUT") == [LIST, GET]
    assert generated_constant(widgets_project, "DELIMITED_ARRAYS") == {LIST: {"query": ["colours"]}}


def test_swagger2_contract_declaring_no_client_errors_passes(tmp_path: Path) -> None:
    project = generate_project(SPECS / "petstore-swagger2.yaml", tmp_path / "legacy", "legacy")
    outcomes, output = run_schema_tests(project)
    assert set(outcomes.values()) == {"PASSED"}, output[-5000:]
    assert len(outcomes) == 5


def test_generated_widgets_pass(widgets_project: Path) -> None:
    outcomes, output = run_schema_tests(widgets_project)
    assert outcomes == {LIST: "PASSED", CREATE: "PASSED", GET: "PASSED"}, output[-5000:]


def test_undeclared_4xx_to_a_valid_request_still_fails(widgets_project: Path, tmp_path: Path) -> None:
    broken = broken_copy(widgets_project, tmp_path, service=REFUSING_SERVICE)
    outcomes, output = run_schema_tests(broken)
    assert outcomes[LIST] == outcomes[GET] == "FAILED", output[-5000:]
    assert "Undocumented status code" in output and "Received: 422" in output


def test_server_error_to_an_invalid_request_still_fails(widgets_project: Path, tmp_path: Path) -> None:
    broken = broken_copy(widgets_project, tmp_path, app=APP_ANSWERING_INVALID_INPUT_WITH.format(status=500))
    outcomes, output = run_schema_tests(broken)
    assert outcomes == {LIST: "FAILED", CREATE: "FAILED", GET: "FAILED"}, output[-5000:]
    assert "Server error" in output


def test_undeclared_422_still_fails_where_the_contract_declares_400(widgets_project: Path, tmp_path: Path) -> None:
    broken = broken_copy(widgets_project, tmp_path, app=APP_ANSWERING_INVALID_INPUT_WITH.format(status=422))
    outcomes, output = run_schema_tests(broken)
    assert outcomes == {LIST: "PASSED", CREATE: "FAILED", GET: "PASSED"}, output[-5000:]
    assert "Undocumented status code" in output and "Documented: 201, 400" in output


def test_empty_delimited_array_is_not_counted_as_accepted_invalid_data(widgets_project: Path, tmp_path: Path) -> None:
    """`?colours=` is an empty list to the app and `[""]` to schemathesis: no proof of accepted invalid data.

    With 50 examples and seed 0, schemathesis sends it alone; without the exemption that fails.
    """
    search = {"CONTRACT_MAX_EXAMPLES": "50", "CONTRACT_SEED": "0"}
    outcomes, output = run_schema_tests(widgets_project, **search)
    assert outcomes[LIST] == "PASSED", output[-5000:]
    unexempted = broken_copy(widgets_project, tmp_path)
    test_schema = unexempted / "tests" / "contract" / "test_schema.py"
    text = test_schema.read_text()
    assert '{"GET /widgets": {"query": ["colours"]}}' in text
    test_schema.write_text(text.replace('{"GET /widgets": {"query": ["colours"]}}', "{}"))
    outcomes, output = run_schema_tests(unexempted, **search)
    assert outcomes[LIST] == "FAILED" and "colours=" in output, output[-5000:]
