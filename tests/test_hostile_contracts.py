"""Hostile contracts: contract text must never become code, paths or broken projects.

The security requirement: everything from a contract that lands in generated code (names,
descriptions, defaults, enum values, examples, paths) goes through one escaping/naming layer, so a
contract can neither inject code nor write outside the output directory; bad input gets one located
error, exit code 2, no traceback, and leaves the output directory as it was.

- One hostile OpenAPI 3.1 contract where every string that can reach code is an attack. It must
  generate, stay inside its output directory, parse, import without running any payload (a canary
  file), serve `/openapi.json` with the contract's strings intact, and pass ruff and mypy --strict.
- Contracts the validator refuses: one located error, exit 2, nothing written.
- Hypothesis: random names and texts in a tiny contract always give code that parses (and imports).
- Known generator bugs, each as the smallest contract that shows it: `xfail(strict=True)`, so each
  test flips (and fails, asking for its marker to go) once the bug is fixed.

Generated code is imported in subprocesses only (one long-lived worker for the many small projects),
never in the pytest process.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from generator.cli import app
from tests.conftest import project_env, tool

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
runner = CliRunner()

# A located diagnostic: `file:line:column (pointer): error[code]: message`.
LOCATED = re.compile(
    r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+) \((?P<pointer>[^)]*)\): error\[(?P<code>[\w.-]+)\]: "
)


# --- helpers --------------------------------------------------------------------------------


def snapshot(directory: Path) -> dict[str, str]:
    if not directory.exists():
        return {}
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def write_contract(path: Path, contract: dict[str, Any]) -> Path:
    path.write_text(json.dumps(contract, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def generate(spec: Path, out: Path, *options: str) -> Result:
    return runner.invoke(app, ["generate", str(spec), "--out", str(out), *options])


def assert_generated(result: Result) -> None:
    assert result.exit_code == 0, f"exit {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output


def assert_refused(
    result: Result, spec: Path, out: Path, before: dict[str, str], *, problems: int = 1
) -> re.Match[str]:
    """Exit 2, one `file:line:column` error per problem naming the contract, no traceback, nothing written."""
    assert result.exit_code == 2, f"exit {result.exit_code}:\n{result.output}"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= problems, lines
    for line in lines:
        located = LOCATED.match(line)
        assert located is not None, line
        assert located["file"] == str(spec), line
    located = LOCATED.match(lines[0])
    assert located is not None
    assert "Traceback" not in result.output
    assert snapshot(out) == before
    return located


def python_files(project: Path) -> list[Path]:
    return sorted(project.rglob("*.py"))


def compile_strictly(path: Path) -> ast.Module:
    """Parse and compile a generated module; any warning (say, an invalid escape) is a failure."""
    source = path.read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = ast.parse(source, filename=str(path))
        compile(source, str(path), "exec", dont_inherit=True)
    return tree


def identifiers(tree: ast.AST) -> set[str]:
    """Every name the module binds or uses as code (not the text of its strings)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.update(part for part in (node.name, node.asname or "") if part)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(node.module.split("."))
    return found


def package_of(project: Path) -> str:
    packages = [path.name for path in (project / "src").iterdir() if path.is_dir()]
    assert len(packages) == 1, packages
    return packages[0]


def run_tool(command: list[str], project: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every project of this module: only the first run pays for fastapi's stubs."""
    return tmp_path_factory.mktemp("mypy-cache")


def mypy_strict(project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return run_tool([tool("mypy"), "--strict", "--cache-dir", str(cache), "src", "tests"], project)


def ruff(project: Path) -> subprocess.CompletedProcess[str]:
    return run_tool([tool("ruff"), "check", "--no-cache", "--output-format", "concise", "src", "tests"], project)


# --- a long-lived subprocess that imports generated apps -------------------------------------

WORKER = r"""
import enum, importlib, json, os, sys, traceback, warnings

warnings.simplefilter("ignore")
replies = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # whatever generated code prints goes to stderr, not into the replies
sys.stdout = sys.stderr
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
import pydantic


def query_parameters(dependant):
    yield from dependant.query_params
    for dependency in dependant.dependencies:
        yield from query_parameters(dependency)


def literal(value):
    value = value.value if isinstance(value, enum.Enum) else value
    return value if isinstance(value, (str, int, float, bool)) else None


def values_in_code(package, app):
    # Enum values, field defaults and query defaults as the running code holds them.
    found = {"enums": {}, "field_defaults": {}, "query_defaults": {}}
    routes = list(app.routes)
    while routes:
        route = routes.pop()
        if isinstance(route, APIRoute):
            for parameter in query_parameters(route.dependant):
                found["query_defaults"][parameter.alias] = literal(parameter.field_info.default)
        elif hasattr(route, "original_router"):  # FastAPI's included router (newer releases)
            routes.extend(route.original_router.routes)
    models = importlib.import_module(package + "._generated.models")
    for name, value in vars(models).items():
        if not isinstance(value, type) or value.__module__ != models.__name__:
            continue
        if issubclass(value, enum.Enum):
            found["enums"][name] = [member.value for member in value]
        elif issubclass(value, pydantic.BaseModel):
            for field_name, field in value.model_fields.items():
                wire_name = field_name if field.alias is None else field.alias
                found["field_defaults"][name + "." + wire_name] = literal(field.default)
    return found


for line in sys.stdin:
    job = json.loads(line)
    reply = {"error": None, "openapi_status": None, "openapi": None, "responses": [], "values": None}
    sys.path.insert(0, job["src"])
    try:
        module = importlib.import_module(job["package"] + ".app")
        client = TestClient(module.app, raise_server_exceptions=False)
        served = client.get("/openapi.json")
        reply["openapi_status"] = served.status_code
        reply["openapi"] = served.json() if served.status_code == 200 else served.text[:2000]
        for method, path, headers in job["requests"]:
            response = client.request(method, path, headers=headers)
            reply["responses"].append([response.status_code, response.text[:500]])
        reply["values"] = values_in_code(job["package"], module.app)
    except BaseException as error:
        reply["error"] = "".join(traceback.format_exception_only(type(error), error)).strip()[-3000:]
    finally:
        sys.path.remove(job["src"])
        for name in [name for name in sys.modules if name.split(".")[0] == job["package"]]:
            del sys.modules[name]
    replies.write(json.dumps(reply) + "\n")
"""


@dataclass
class Served:
    """What the worker saw: an import error, or the served `/openapi.json` and request statuses."""

    error: str | None
    openapi_status: int | None
    openapi: Any
    responses: list[tuple[int, str]]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Enum values, model field defaults and query defaults read off the running code (`values_in_code`)."""

    def assert_ok(self) -> None:
        assert self.error is None, self.error
        assert self.openapi_status == 200, self.openapi


class ImportWorker:
    def __init__(self, log: Path) -> None:
        self._log = log.open("wb")
        env = dict(os.environ, LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=env,
        )
        self.log = log

    def serve(
        self, project: Path, requests: list[tuple[str, str, dict[str, str]]] | None = None, timeout: float = 60
    ) -> Served:
        assert self.process.stdin is not None and self.process.stdout is not None
        job = {"src": str(project / "src"), "package": package_of(project), "requests": requests or []}
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.close()
                pytest.fail(f"importing {project} took over {timeout}s:\n{self.log.read_text()[-3000:]}")
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"the import worker died:\n{self.log.read_text()[-3000:]}")
        reply = json.loads(line)
        return Served(
            reply["error"],
            reply["openapi_status"],
            reply["openapi"],
            [(status, text) for status, text in reply["responses"]],
            reply["values"] or {},
        )

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImportWorker]:
    started = ImportWorker(tmp_path_factory.mktemp("worker") / "worker.log")
    try:
        yield started
    finally:
        started.close()


# --- the hostile contract -------------------------------------------------------------------


def payloads(canary: str, mark: str) -> list[str]:
    """Strings that try to leave a literal, docstring, comment or template and run `open(canary)`.

    Each ends in a bare `mark` identifier: if a payload ever escapes into code, the generated module
    has a name `mark` (checked statically), and running it creates `canary` (checked by importing).
    """
    call = f"open({canary!r}, 'w'); {mark}"
    dcall = f'open("{canary}", "w"); {mark}'
    return [
        f'"; {dcall} #',
        f"'; {call} #",
        f'"""\n{dcall}\n"""',
        f"'''\n{call}\n'''",
        f'\\"; {dcall} #\\',
        f"\\'; {call} #\\",
        f"\n{call}\n",
        f"\r{call}\r",
        f'\x00"); {dcall}; ("\x00',
        f'")]\n{dcall}\n#',
        f"#}} {{% endraw %}} {{{{ cycler.__init__.__globals__.__builtins__.open({canary!r}, 'w') }}}}",
        f"{{% set x = cycler.__init__.__globals__.__builtins__.open({canary!r}, 'w') %}}{{# {mark} #}}",
        f"%s %(x)s {{0.__class__}} {{{{ {mark} }}}} {call}",
        f"*/ --> ]]> ${{{mark}}} `{call}`",
        f"\u2028{call}\u2029\x0c\x0b\x85{mark}",
        f"\\N{{{mark}}} \\x \\u12 {call} \\",
    ]


HOSTILE_DESCRIPTION = "Desc \"\"\" ''' {{ x }} {% if %} {# c #} #} \r\n\r tail \x00 \t end \\"
HOSTILE_FILE_NAME = "ev\"il '{{x}}\\ #} {% y %}\n.json"


def hostile_contract(canary: str, mark: str) -> dict[str, Any]:
    """An OpenAPI 3.1 contract in which every string that can reach generated code is hostile.

    It avoids only what the 3.1 validator refuses (see the `refused` tests) and the constructs of
    the open bugs below (each has its own xfail test), so that this contract checks everything else.
    """
    p = payloads(canary, mark)

    def text(index: int) -> str:
        return p[index % len(p)]

    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}, "example": {"name": text(2)}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": text(2) + " ünï",
            "version": text(1),
            "description": HOSTILE_DESCRIPTION + text(4),
            "summary": text(3),
            "x-hostile": text(0),
        },
        "servers": [{"url": "https://example.com/" + text(0).replace("\n", "")}],
        "tags": [
            {"name": "../../etc", "description": text(3)},
            {"name": "a/b", "description": HOSTILE_DESCRIPTION},
            {"name": "__init__"},
            {"name": "con"},
            {"name": "/abs\\olute"},
            {"name": text(5)},
        ],
        "security": [{"api-key.v1": []}],
        "paths": {
            "/pets/{petId}/it's\"q\\\\x": {
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": text(10),
                    }
                ],
                "get": {
                    "operationId": "\"; import os; os.system('x') #",
                    "tags": ["../../etc"],
                    "summary": text(6),
                    "description": HOSTILE_DESCRIPTION,
                    "parameters": [
                        {"name": "petId", "in": "query", "schema": {"type": "string", "default": text(0)}},
                        {"name": "X-\"Quote'", "in": "header", "schema": {"type": "string", "default": text(7)}},
                        {
                            "name": "class",
                            "in": "query",
                            "description": text(11),
                            "schema": {"type": "string", "enum": [text(0), "a\nb", "{{ x }}", "{% y %}"]},
                        },
                        {"name": "self", "in": "cookie", "schema": {"type": "integer", "default": 3}},
                        {"name": "x-dash-name", "in": "header", "schema": {"type": "string", "pattern": '^[^"\\\\]*$'}},
                        {
                            "name": "service",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": text(8),
                        },
                        {
                            "name": "X-Req",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                            "example": text(2),
                        },
                        {"name": "body", "in": "header", "schema": {"type": "string", "default": '"""\\\x00'}},
                    ],
                    "responses": {
                        "200": {
                            "description": text(8),
                            "headers": {"X-\"Evil'": {"description": text(9), "schema": {"type": "string"}}},
                            "content": json_body,
                        },
                        "404": {
                            "description": text(12),
                            "content": {'text/plain; charset="x\'"': {"schema": {"type": "string"}}},
                        },
                        "default": {"description": text(13)},
                    },
                },
            },
            "/a\"b/'c'/\\d/{class}": {
                "parameters": [
                    {"name": "class", "in": "path", "required": True, "schema": {"type": "string"}, "example": text(3)}
                ],
                "get": {
                    "operationId": "__import__",
                    "tags": ["a/b"],
                    "security": [{}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/import"}}},
                        }
                    },
                },
                "post": {
                    "operationId": "class",
                    "tags": ["__init__"],
                    "requestBody": {
                        "required": True,
                        "description": text(14),
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/a-bee"}}},
                    },
                    "responses": {"201": {"description": text(15)}},
                },
            },
            "/b": {
                "get": {"operationId": "123start", "tags": ["con"], "responses": {"200": {"description": "ok"}}},
                "put": {
                    "operationId": "ünï",
                    "tags": ["/abs\\olute"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/pet"}}},
                        }
                    },
                },
                "post": {
                    "operationId": "get-pet",
                    "tags": [text(5)],
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ['"""'],
                                    "properties": {
                                        '"""': {"type": "string", "description": text(1)},
                                        "self": {"type": "integer"},
                                        "body": {"type": "string"},
                                        "file\"s'": {"type": "string", "format": "binary"},
                                        "many": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/1Pet"}}},
                        }
                    },
                },
                "delete": {
                    "operationId": "get_pet",
                    "security": [{"oauth.2": ["read:\"x'", text(0)]}, {"bearer": []}],
                    "responses": {"204": {"description": "ok"}},
                },
                "patch": {
                    "operationId": "Get.Pet",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"x-y": {"type": "string"}, "x_y": {"type": "string"}},
                                }
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"text/plain": {"schema": {"type": "string"}, "example": text(4)}},
                        }
                    },
                },
                "options": {
                    "operationId": text(3),
                    "requestBody": {"content": {"application/x-\"evil'": {}}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/x-\"evil'": {"schema": {"type": "string", "format": "binary"}}},
                        }
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "api-key.v1": {"type": "apiKey", "in": "header", "name": "X-Key\"'", "description": text(9)},
                "cookie_key": {"type": "apiKey", "in": "cookie", "name": "c\"' ;=", "description": text(2)},
                "oauth.2": {
                    "type": "oauth2",
                    "description": text(10),
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://x/\"'tok",
                            "scopes": {"read:\"x'": text(1), text(0): text(3)},
                        },
                        "implicit": {"authorizationUrl": 'https://a/"', "scopes": {}},
                    },
                },
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": text(6)},
            },
            "schemas": {
                "Pet": {
                    "type": "object",
                    "description": text(2),
                    "required": ['"""', "name"],
                    "properties": {
                        "name": {"type": "string", "examples": [text(5)]},
                        '"""': {"type": "string", "description": text(3), "default": text(2), "examples": [text(4)]},
                        "'''": {"type": "string", "description": HOSTILE_DESCRIPTION, "default": "'''\\"},
                        "\\": {"type": "string", "default": "\\", "description": "ends with a backslash \\"},
                        "self": {"type": "integer"},
                        "model_config": {"type": "string", "default": text(1)},
                        "model_dump": {"type": "string"},
                        "__class__": {"type": "string", "title": text(7)},
                        "ünï": {"type": "string"},
                        "": {"type": "string", "description": "an empty property name"},
                        "0": {"type": "string", "pattern": "^(\"\"\"|'''|\\\\|\\{\\{|\\x00)*$"},
                        "{{ x }}": {"type": "string", "const": text(8)},
                        text(0): {"type": "array", "items": {"type": "string"}, "default": [text(9), "\x00"]},
                        "kind": {
                            "type": "string",
                            "description": text(11),
                            "enum": [
                                text(0),
                                text(1),
                                "new\nline",
                                "{{ a }}",
                                "{% b %}",
                                "\x00",
                                "\\",
                                "",
                                "None",
                                "mro",
                            ],
                        },
                        "extra": {
                            "type": "object",
                            "additionalProperties": True,
                            "default": {text(2): [text(3), {text(4): None}]},
                        },
                    },
                },
                "pet": {"type": "object", "properties": {"name": {"type": "string", "default": text(8)}}},
                "a-bee": {"type": "object", "properties": {"x": {"type": "string", "description": text(6)}}},
                "import": {"type": "string", "enum": ["import", "class", text(3)], "description": text(12)},
                "1Pet": {"type": "object", "properties": {"y": {"type": "integer", "default": 1}}},
                "BaseModel": {"type": "object", "properties": {"Field": {"type": "string"}}},
                "Field": {"type": "string", "enum": ["BaseModel"]},
                "None": {"type": "object", "properties": {"True": {"type": "boolean", "default": True}}},
                "annotations": {"type": "object", "properties": {"Annotated": {"type": "string"}}},
                "Mixed": {"enum": ["a", 1, None, True, 1.5, text(0)]},
                "Structured": {"enum": [text(0), {text(1): text(2)}, [text(3)]], "description": text(4)},
            },
        },
    }


@dataclass
class Hostile:
    spec: Path
    out: Path
    canary: Path
    mark: str
    contract: dict[str, Any]
    result: Result


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    base = tmp_path_factory.mktemp("hostile")
    token = uuid.uuid4().hex
    canary = Path(tempfile.gettempdir()) / f"PWNED_{token}"
    mark = f"pwned_mark_{token}"
    contract = hostile_contract(str(canary), mark)
    spec = write_contract(base / HOSTILE_FILE_NAME, contract)
    out = base / "out"
    result = generate(spec, out, "--package", "hostile")
    try:
        yield Hostile(spec, out, canary, mark, contract, result)
    finally:
        canary.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def hostile_project(hostile: Hostile) -> Path:
    assert_generated(hostile.result)
    return hostile.out


def test_hostile_contract_generates_without_running_anything(hostile: Hostile) -> None:
    assert_generated(hostile.result)
    assert not hostile.canary.exists(), "a payload ran while generating (template injection?)"


def test_every_generated_path_stays_inside_the_output_dir(hostile_project: Path) -> None:
    root = hostile_project.resolve()
    for path in hostile_project.rglob("*"):
        assert not path.is_symlink(), path
        assert path.resolve().is_relative_to(root), path
    assert {path.name for path in hostile_project.iterdir()} <= {
        ".contractgen.json",
        "Dockerfile",
        "README.md",
        "pyproject.toml",
        "src",
        "tests",
    }
    assert package_of(hostile_project) == "hostile"
    manifest = json.loads((hostile_project / ".contractgen.json").read_text(encoding="utf-8"))
    on_disk = {
        path.relative_to(hostile_project).as_posix()
        for path in hostile_project.rglob("*")
        if path.is_file() and path.name != ".contractgen.json"
    }
    assert set(manifest["files"]) == on_disk
    for listed in manifest["files"]:
        assert (hostile_project / listed).resolve().is_relative_to(root), listed
    routes = hostile_project / "src" / "hostile" / "_generated" / "routes"
    for module in routes.iterdir():
        assert re.fullmatch(r"[a-z_][a-z0-9_]*\.py", module.name), module.name
    assert (routes / "con_.py").is_file(), "the tag `con` names a Windows device; its module is renamed"


def test_every_generated_python_file_parses_compiles_and_holds_no_payload(
    hostile: Hostile, hostile_project: Path
) -> None:
    files = python_files(hostile_project)
    assert len(files) > 15
    for path in files:
        tree = compile_strictly(path)
        assert hostile.mark not in identifiers(tree), f"a payload became code in {path}"
    # The payloads did reach the code (as inert text), so the checks above are not vacuous.
    reached = {path.relative_to(hostile_project).as_posix() for path in files if hostile.mark in path.read_text()}
    generated = "src/hostile/_generated/"
    for module in ("models", "service", "security", "application", "routes/etc", "routes/default"):
        assert f"{generated}{module}.py" in reached, module
    assert "tests/contract/test_routes.py" in reached
    for path in hostile_project.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    with (hostile_project / "pyproject.toml").open("rb") as pyproject:
        tomllib.load(pyproject)


IMPORT_EVERYTHING = r"""
import importlib, json, os, pathlib, sys, traceback, warnings

warnings.simplefilter("ignore")
project = pathlib.Path(sys.argv[1])
report = {"failed": {}, "imported": [], "openapi": None, "statuses": {}}
modules = []
for root in (project / "src", project):
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        if root == project and relative.parts[0] != "tests":
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        if parts and parts[-1] != "__main__":
            modules.append(".".join(parts))
for name in modules:
    try:
        importlib.import_module(name)
        report["imported"].append(name)
    except BaseException as error:
        report["failed"][name] = "".join(traceback.format_exception_only(type(error), error)).strip()
try:
    from fastapi.testclient import TestClient

    client = TestClient(importlib.import_module(sys.argv[2] + ".app").app, raise_server_exceptions=False)
    served = client.get("/openapi.json")
    report["statuses"]["/openapi.json"] = served.status_code
    report["openapi"] = served.json()
    for path in json.loads(sys.argv[3]):
        report["statuses"][path] = client.get(path).status_code
except BaseException as error:
    report["failed"]["<app>"] = "".join(traceback.format_exception_only(type(error), error)).strip()
print("@@REPORT@@" + json.dumps(report))
"""


# Anonymous GETs of the hostile contract (its literal path segments hold quotes and a backslash).
HOSTILE_GETS = ["/healthz", "/readyz", "/a\"b/'c'/\\d/x"]


@pytest.fixture(scope="module")
def hostile_imported(hostile: Hostile, hostile_project: Path) -> dict[str, Any]:
    """Every generated module imported in a fresh interpreter (PYTHONPATH=out/src and out)."""
    env = project_env(hostile_project)
    env["PYTHONPATH"] = os.pathsep.join([str(hostile_project), env["PYTHONPATH"]])
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, str(hostile_project), "hostile", json.dumps(HOSTILE_GETS)],
        cwd=hostile_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    reports = [line for line in completed.stdout.splitlines() if line.startswith("@@REPORT@@")]
    assert reports, f"exit {completed.returncode}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(reports[-1].removeprefix("@@REPORT@@"))
    return report


def test_importing_the_generated_code_runs_no_payload(hostile: Hostile, hostile_imported: dict[str, Any]) -> None:
    assert not hostile.canary.exists(), "importing the generated project ran a payload"
    assert hostile_imported["failed"] == {}
    imported = set(hostile_imported["imported"])
    for expected in (
        "hostile.app",
        "hostile._generated.models",
        "hostile._generated.security",
        "tests.contract.conftest",
    ):
        assert expected in imported
    assert sum(name.startswith("hostile._generated.routes.") for name in imported) >= 5


def test_generated_app_serves_the_contract_strings_intact(hostile: Hostile, hostile_imported: dict[str, Any]) -> None:
    assert hostile_imported["statuses"] == {"/openapi.json": 200, **dict.fromkeys(HOSTILE_GETS, 200)}
    served = hostile_imported["openapi"]
    info = hostile.contract["info"]
    assert (served["info"]["title"], served["info"]["version"]) == (info["title"], info["version"])
    assert served["info"]["description"] == info["description"]
    expected_ids = {
        operation["operationId"]
        for path_item in hostile.contract["paths"].values()
        for method, operation in path_item.items()
        if method != "parameters"
    }
    served_ids = {
        operation["operationId"] for path_item in served["paths"].values() for operation in path_item.values()
    }
    assert served_ids == expected_ids
    assert set(served["paths"]) == set(hostile.contract["paths"])
    pet = hostile.contract["components"]["schemas"]["Pet"]
    schemas = served["components"]["schemas"]
    served_pet = schemas.get("Pet-Output", schemas.get("Pet"))  # FastAPI splits input and output models
    assert set(served_pet["properties"]) == set(pet["properties"])


def test_generated_code_passes_ruff(hostile_project: Path) -> None:
    result = ruff(hostile_project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_passes_mypy_strict(hostile_project: Path, mypy_cache: Path) -> None:
    result = mypy_strict(hostile_project, mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


# --- contracts the validator refuses ---------------------------------------------------------

REFUSED = {
    "schema-name-quote.yaml": "openapi.invalid",
    "security-key-quote.yaml": "openapi.invalid",
    "duplicate-operation-id.yaml": "openapi.invalid",
    "yaml-python-tag.yaml": "yaml.unsupported-tag",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_contract_is_refused(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = FIXTURES / name
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    before = snapshot(out)
    located = assert_refused(generate(spec, out, "-p", "refused"), spec, out, before)
    assert located["code"] == REFUSED[name]
    assert int(located["line"]) > 2, "the error should point into the contract, not at its first line"
    assert not list(tmp_path.glob("PWNED*"))


@pytest.mark.parametrize("package", ["../evil", "/tmp/evil", "a/b", "con.py", "x\ny", "", "con", "lpt1"])
def test_package_names_that_are_not_identifiers_are_refused(package: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = generate(FIXTURES / "no-security.yaml", out, "--package", package)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not (tmp_path / "evil").exists()


# --- hypothesis: random names and texts in a tiny contract -----------------------------------

_HOSTILE_BITS = st.sampled_from(
    ['"', "'", '"""', "'''", "\\", "\n", "\r", "\x00", "{{", "}}", "{%", "%}", "{#", "#}", "#", "\t", " ", "-",
     ".", "/", "..", "ü", "class", "import", "__init__", "self", "model_config", "None", "1", "\u2028", "\x85"]
)  # fmt: skip
HOSTILE_TEXT = st.lists(st.one_of(_HOSTILE_BITS, st.text(max_size=4)), max_size=6).map("".join)
COMPONENT_NAME = st.from_regex(r"[A-Za-z0-9._-]{1,10}", fullmatch=True)
PATH_SEGMENT = HOSTILE_TEXT.map(lambda text: "".join(char for char in text if char not in "{}/?#"))


@dataclass(frozen=True)
class Tiny:
    title: str
    version: str
    description: str
    operation_id: str
    tag: str
    segment: str
    parameter: str
    schema_name: str
    property_name: str
    enum: tuple[str, ...]

    def contract(self) -> dict[str, Any]:
        ref = {"$ref": "#/components/schemas/" + self.schema_name.replace("~", "~0")}
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "paths": {
                "/" + self.segment: {
                    "get": {
                        "operationId": self.operation_id,
                        "tags": [self.tag],
                        "summary": self.description,
                        "description": self.description,
                        "parameters": [
                            {
                                "name": self.parameter,
                                "in": "query",
                                "description": self.description,
                                "schema": {"type": "string", "default": self.description},
                            }
                        ],
                        "responses": {
                            "200": {"description": self.description, "content": {"application/json": {"schema": ref}}}
                        },
                    }
                }
            },
            "components": {
                "schemas": {
                    self.schema_name: {
                        "type": "object",
                        "description": self.description,
                        "properties": {
                            self.property_name: {
                                "type": "string",
                                "description": self.description,
                                "enum": list(self.enum),
                                "default": self.enum[0],
                            }
                        },
                    }
                }
            },
        }


TINY = st.builds(
    Tiny,
    title=HOSTILE_TEXT.filter(bool),  # an empty title or version is a known bug with its own test
    version=HOSTILE_TEXT.filter(bool),
    description=HOSTILE_TEXT,
    operation_id=HOSTILE_TEXT,
    tag=HOSTILE_TEXT,
    segment=PATH_SEGMENT,
    parameter=HOSTILE_TEXT.filter(bool),
    schema_name=COMPONENT_NAME,
    property_name=HOSTILE_TEXT,
    enum=st.lists(HOSTILE_TEXT, min_size=1, max_size=4, unique=True).map(tuple),
)
HYPOTHESIS = settings(
    max_examples=int(os.environ.get("CONTRACTGEN_FUZZ_EXAMPLES", "15")),  # bench/fuzz.py runs thousands
    deadline=None,
    derandomize="CONTRACTGEN_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_COUNTER = iter(range(10**6))


def generate_tiny(tiny: Tiny, base: Path) -> tuple[Path, Result]:
    work = base / f"case{next(_COUNTER)}"
    work.mkdir()
    out = work / "out"
    # Unique package names let one worker process import every project.
    result = generate(write_contract(work / "tiny.json", tiny.contract()), out, "-p", f"tiny{work.name}")
    return out, result


@HYPOTHESIS
@given(tiny=TINY)
def test_random_names_give_code_that_parses(tiny: Tiny, tmp_path_factory: pytest.TempPathFactory) -> None:
    out, result = generate_tiny(tiny, tmp_path_factory.mktemp("tiny"))
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and LOCATED.match(lines[0]), lines
        assert not out.exists()
        return
    root = out.resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(root), path
    for path in python_files(out):
        compile_strictly(path)


@HYPOTHESIS
@example(tiny=Tiny("t", "1", "d", "getThing", "tag", "things", "q", "HTTPError", "code", ("a",)))
@given(tiny=TINY)
def test_random_names_give_code_that_imports_and_serves_them(
    tiny: Tiny, tmp_path_factory: pytest.TempPathFactory, worker: ImportWorker
) -> None:
    out, result = generate_tiny(tiny, tmp_path_factory.mktemp("tiny"))
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        return
    served = worker.serve(out)
    served.assert_ok()
    assert served.openapi["info"]["title"] == tiny.title
    operations = [operation for item in served.openapi["paths"].values() for operation in item.values()]
    if tiny.operation_id:  # an empty operationId counts as none: the name comes from method and path
        assert [operation["operationId"] for operation in operations] == [tiny.operation_id]
    parameters = operations[0].get("parameters", [])
    assert [parameter["name"] for parameter in parameters] == [tiny.parameter]
    # The values themselves, as the running code holds them, equal the contract's strings exactly.
    assert list(tiny.enum) in served.values["enums"].values(), served.values["enums"]
    field_defaults = served.values["field_defaults"]
    defaults = [value for key, value in field_defaults.items() if key.endswith("." + tiny.property_name)]
    assert defaults == [tiny.enum[0]], field_defaults
    assert served.values["query_defaults"] == {tiny.parameter: tiny.description}


# --- more hostile names, in the smallest contracts that hold them ----------------------------


def generate_fixture(name: str, tmp_path: Path, package: str) -> tuple[Path, Result]:
    out = tmp_path / "out"
    return out, generate(FIXTURES / name, out, "-p", package)


def secured_pair(name: str) -> dict[str, Any]:
    """Operation `name` next to an operation `other`: both secured, both using models and dates."""

    def operation(operation_id: str) -> dict[str, Any]:
        return {
            "operationId": operation_id,
            "security": [{"key": []}],
            "parameters": [
                {"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                }
            },
        }

    return {
        "openapi": "3.1.0",
        "info": {"title": "collide", "version": "1"},
        "paths": {"/first": {"get": operation(name)}, "/second": {"get": operation("other")}},
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
        },
    }


AUTH_REQUESTS = [
    ("GET", "/first", {}),
    ("GET", "/first", {"X-Key": "k"}),
    ("GET", "/second", {}),
    ("GET", "/second", {"X-Key": "k"}),
    ("GET", "/readyz", {}),
]
EXPECTED_AUTH_STATUSES = [401, 200, 401, 200, 200]


def test_oas30_hostile_component_names_give_a_working_project(
    tmp_path: Path, worker: ImportWorker, mypy_cache: Path
) -> None:
    """OpenAPI 3.0 does not restrict component names the way 3.1 does: quotes, backslashes, slashes."""
    out, result = generate_fixture("oas30-hostile-component-names.yaml", tmp_path, "oas30_names")
    assert_generated(result)
    for path in python_files(out):
        compile_strictly(path)
    served = worker.serve(out, [("GET", "/a", {}), ("GET", "/b", {}), ("GET", "/c", {})])
    served.assert_ok()
    assert [status for status, _ in served.responses] == [200, 200, 405]
    for checked in (ruff(out), mypy_strict(out, mypy_cache)):
        assert checked.returncode == 0, checked.stdout


# Found by this module and fixed meanwhile; kept as regression tests.
@pytest.mark.parametrize("name", ["acronym-schema.yaml", "inline-enum-parameter.yaml"])
def test_model_class_names_are_used_as_generated(name: str, tmp_path: Path, worker: ImportWorker) -> None:
    """Formerly ClassName() re-cased the model generator's names (HTTPError -> HttpError, GetAQ -> GetAq)."""
    out, result = generate_fixture(name, tmp_path, "classes_" + name.split("-")[0])
    assert_generated(result)
    worker.serve(out).assert_ok()


def test_contract_without_security_passes_ruff(tmp_path: Path) -> None:
    """Formerly security.py imported Depends, satisfy... even with no secured operation (F401)."""
    out, result = generate_fixture("no-security.yaml", tmp_path, "no_security")
    assert_generated(result)
    checked = ruff(out)
    assert checked.returncode == 0, checked.stdout


def test_enum_with_object_values_passes_ruff(tmp_path: Path) -> None:
    """Formerly enums of objects/arrays became Enum members with dict/list values (RUF012)."""
    out, result = generate_fixture("enum-of-objects.yaml", tmp_path, "enum_objects")
    assert_generated(result)
    checked = ruff(out)
    assert checked.returncode == 0, checked.stdout


SHADOWED_TITLES = ["fastapi", "pydantic", "json", "typing"]


@pytest.mark.parametrize("title", SHADOWED_TITLES)
def test_title_that_names_an_imported_module(title: str, tmp_path: Path) -> None:
    """Formerly the package was named after the title as is: src/fastapi shadowed the fastapi library."""
    contract = secured_pair("first")
    contract["info"]["title"] = title
    spec = write_contract(tmp_path / "c.json", contract)
    out = tmp_path / "out"
    result = generate(spec, out)
    if result.exit_code == 2:
        assert_refused(result, spec, out, {})
        return
    assert_generated(result)
    # A fresh interpreter, as `uvicorn NAME.app:app` would run it (the worker has fastapi imported).
    completed = run_tool([sys.executable, "-c", f"import {package_of(out)}.app"], out, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]


# --- name collisions and other bugs found by hostile contracts; open ones are xfail(strict) -------


# operationId -> what goes wrong (the module-level name of generated code the operation's name takes).
COLLIDING_OPERATION_IDS = {
    "router": "routes/<tag>.py: `async def router` replaces `router = APIRouter()`; the next @router.api_route fails",
    "models": "routes/<tag>.py: `async def models` replaces `from .. import models`; later annotations fail",
    "security": "routes/<tag>.py: `async def security` replaces `from .. import security`",
    "datetime": "routes/<tag>.py: `async def datetime` replaces `import datetime`",
    "request": "routes/<tag>.py: `async def request` beside every route's own `request: Request` parameter",
    "examples": "routes/<tag>.py: constant EXAMPLES = OperationResponses(...) replaces the imported EXAMPLES dict",
    "operations": "routes/<tag>.py: the operation's constant OPERATIONS is rebound to the module's OPERATIONS "
    "dict, so the route's OPERATIONS.respond() fails (500; mypy --strict: incompatible assignment)",
    "ready": "service.py: the abstract operation `ready` replaces AbstractService.ready(); /readyz breaks",
    "satisfy": "security.py: dependency `async def satisfy` replaces runtime.satisfy; every secured call answers 500",
    "to_credential": "security.py: dependency `async def to_credential` replaces runtime.to_credential; 500s",
    "unauthorized": "security.py: dependency `async def unauthorized` replaces runtime.unauthorized; 500s",
    "str": "routes/<tag>.py: `async def str` shadows the builtin str used in later annotations (TypeError)",
}


@pytest.mark.parametrize(
    "operation_id",
    [pytest.param(name, id=name) for name in COLLIDING_OPERATION_IDS],
)
def test_operation_ids_that_name_generated_module_globals(
    operation_id: str, tmp_path: Path, worker: ImportWorker
) -> None:
    out = tmp_path / "out"
    result = generate(write_contract(tmp_path / "c.json", secured_pair(operation_id)), out, "-p", f"op_{operation_id}")
    assert_generated(result)
    served = worker.serve(out, AUTH_REQUESTS)
    served.assert_ok()
    assert [status for status, _ in served.responses] == EXPECTED_AUTH_STATUSES, served.responses
    assert served.responses[-1][1] == '{"status":"ready"}'


COLLIDING_TAGS = {
    "service": "application.py: `from .routes import service` is shadowed by create_app's `service` parameter",
    "settings": "application.py: `from .routes import settings` is shadowed by create_app's `settings` local",
    "app": "application.py: `from .routes import app` is shadowed by the FastAPI `app`; app.include_router(app.router)",
    "create_app": "application.py: `from .routes import create_app` is replaced by `def create_app`",
    "healthz": "application.py: create_app's local `async def healthz` makes `healthz.router` an unbound local",
    "readyz": "application.py: create_app's local `async def readyz` makes `readyz.router` an unbound local",
}


@pytest.mark.parametrize(
    "tag",
    [pytest.param(tag, id=tag) for tag in COLLIDING_TAGS],
)
def test_tags_that_name_application_locals(tag: str, tmp_path: Path, worker: ImportWorker) -> None:
    contract = secured_pair("first")
    for path_item in contract["paths"].values():
        path_item["get"]["tags"] = [tag]
    out = tmp_path / "out"
    assert_generated(generate(write_contract(tmp_path / "c.json", contract), out, "-p", f"tag_{tag}"))
    served = worker.serve(out, AUTH_REQUESTS)
    served.assert_ok()
    assert [status for status, _ in served.responses] == EXPECTED_AUTH_STATUSES, served.responses


def test_security_scheme_names_that_are_dependency_locals(tmp_path: Path, mypy_cache: Path) -> None:
    out, result = generate_fixture("security-scheme-local-names.yaml", tmp_path, "scheme_locals")
    assert_generated(result)
    checked = mypy_strict(out, mypy_cache)
    assert checked.returncode == 0, checked.stdout


def test_contract_cannot_choose_what_generated_code_imports(tmp_path: Path) -> None:
    canary = tmp_path / "PWNED_import"
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "contractgen_canary_module.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['CONTRACTGEN_CANARY']).write_text('imported')\n"
        "from pydantic import BaseModel\n"
        "class Base(BaseModel): pass\n"
        "TypeA = TypeB = TypeC = str\n"
    )
    spec = FIXTURES / "model-generator-extensions.yaml"
    out = tmp_path / "out"
    result = generate(spec, out, "-p", "extensions")
    if result.exit_code == 2:  # refusing the keys is a fix too
        assert_refused(result, spec, out, {}, problems=4)
        return
    assert_generated(result)
    models = out / "src" / "extensions" / "_generated" / "models.py"
    tree = compile_strictly(models)
    imported = {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    env = project_env(out, CONTRACTGEN_CANARY=str(canary))
    env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(planted)])
    subprocess.run(
        [sys.executable, "-c", "import extensions._generated.models"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert not canary.exists(), f"importing models.py imported a module the contract named: {sorted(imported)}"
    assert "contractgen_canary_module" not in imported


def test_oas30_security_scheme_key_stays_inside_the_conftest_docstring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = FIXTURES / "oas30-security-key-docstring.yaml"
    out, result = generate_fixture("oas30-security-key-docstring.yaml", tmp_path, "docstring")
    if result.exit_code == 2:  # a located refusal is a fix too
        assert_refused(result, spec, out, {})
        return
    assert_generated(result)
    for path in python_files(out):
        compile_strictly(path)
    env = project_env(out)
    env["PYTHONPATH"] = os.pathsep.join([str(out), env["PYTHONPATH"]])
    completed = subprocess.run(
        [sys.executable, "-c", "import tests.contract.conftest as c; print(c.__doc__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert 'k""" if open("PWNED_conftest", "w") else """' in completed.stdout
    assert not list(tmp_path.glob("PWNED*"))


def test_non_finite_number_is_refused_or_generated(tmp_path: Path, worker: ImportWorker) -> None:
    spec = FIXTURES / "non-finite-number.yaml"
    out = tmp_path / "out"
    result = generate(spec, out, "-p", "nan")
    if result.exit_code == 0:  # spelling it float("nan") is a fix too
        worker.serve(out).assert_ok()
        return
    located = assert_refused(result, spec, out, {})
    assert located["line"] == "13", located.group(0)


def test_contract_without_operations_generates_or_is_refused(tmp_path: Path, worker: ImportWorker) -> None:
    spec = FIXTURES / "no-operations.yaml"
    out, result = generate_fixture("no-operations.yaml", tmp_path, "no_operations")
    if result.exit_code == 2:
        assert_refused(result, spec, out, {})
        return
    assert_generated(result)
    worker.serve(out, [("GET", "/healthz", {})]).assert_ok()


def test_invalid_default_is_located_at_the_default(tmp_path: Path) -> None:
    spec = FIXTURES / "default-not-in-enum.yaml"
    out = tmp_path / "out"
    located = assert_refused(generate(spec, out, "-p", "enum"), spec, out, {})
    assert located["line"] == "13", located.group(0)


def test_lookaround_pattern_generates_an_importable_app(tmp_path: Path, worker: ImportWorker) -> None:
    spec = FIXTURES / "lookaround-pattern.yaml"
    out, result = generate_fixture("lookaround-pattern.yaml", tmp_path, "lookaround")
    if result.exit_code == 2:
        assert_refused(result, spec, out, {})
        return
    assert_generated(result)
    served = worker.serve(out, [("GET", "/a?q=admin", {}), ("GET", "/a?q=user", {})])
    served.assert_ok()
    admin, user = (status for status, _ in served.responses)
    assert user == 200, served.responses
    # Enforcing the pattern is right; not enforcing it is acceptable only when generation says so.
    assert admin in (400, 422) or "pattern" in result.stderr, (served.responses, result.output)


def test_title_outside_the_basic_plane_gives_valid_pyproject(tmp_path: Path) -> None:
    contract = secured_pair("first")
    contract["info"]["title"] = 'Pets 🐶 """ \\ \x7f'
    out = tmp_path / "out"
    assert_generated(generate(write_contract(tmp_path / "c.json", contract), out, "-p", "astral"))
    with (out / "pyproject.toml").open("rb") as pyproject:
        project = tomllib.load(pyproject)["project"]
    assert contract["info"]["title"] in project["description"]


def test_date_and_uuid_defaults_pass_mypy(tmp_path: Path, mypy_cache: Path) -> None:
    out, result = generate_fixture("formatted-defaults.yaml", tmp_path, "formatted_defaults")
    assert_generated(result)
    checked = mypy_strict(out, mypy_cache)
    assert checked.returncode == 0, checked.stdout


def test_served_openapi_keeps_path_parameter_names(tmp_path: Path, worker: ImportWorker) -> None:
    out, result = generate_fixture("dashed-path-parameter.yaml", tmp_path, "dashed")
    assert_generated(result)
    served = worker.serve(out, [("GET", "/pets/7", {})])
    served.assert_ok()
    assert served.responses[0][0] == 200
    assert list(served.openapi["paths"]) == ["/pets/{pet-id}"]
    (operation,) = served.openapi["paths"]["/pets/{pet-id}"].values()
    assert [(item["name"], item["in"]) for item in operation["parameters"]] == [("pet-id", "path")]


@pytest.mark.parametrize("field", ["title", "version"])
def test_empty_title_or_version(field: str, tmp_path: Path, worker: ImportWorker) -> None:
    contract = secured_pair("first")
    contract["info"][field] = ""
    spec = write_contract(tmp_path / "c.json", contract)
    out = tmp_path / "out"
    result = generate(spec, out, "-p", f"empty_{field}")
    if result.exit_code == 2:
        assert_refused(result, spec, out, {})
        return
    assert_generated(result)
    worker.serve(out).assert_ok()


def test_error_for_a_contract_whose_file_name_has_a_line_break_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad\nname.yaml"
    shutil.copy(FIXTURES / "schema-name-quote.yaml", spec)
    out = tmp_path / "out"
    result = generate(spec, out, "-p", "newline")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines


def test_oas30_non_ascii_schema_name(tmp_path: Path, worker: ImportWorker) -> None:
    out, result = generate_fixture("oas30-non-ascii-schema-name.yaml", tmp_path, "non_ascii")
    assert_generated(result)
    worker.serve(out).assert_ok()
    models = (out / "src" / "non_ascii" / "_generated" / "models.py").read_text(encoding="utf-8")
    assert models.isascii(), "generated identifiers are plain ASCII (ARCHITECTURE: ir/names.py)"


def test_percent_encoded_ref_finds_its_model(tmp_path: Path, worker: ImportWorker) -> None:
    out, result = generate_fixture("percent-encoded-ref.yaml", tmp_path, "encoded_ref")
    assert_generated(result)
    worker.serve(out).assert_ok()
