"""Shapes of Google's published APIs (google-proto-files, google/**/v1) that the gRPC targets must
serve: each test writes a small contract with one such shape, generates the project and runs its
contract tests (or the linters) for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, ReadOptions, generate
from tests.conftest import project_env, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MESSAGES_FILE = """\
syntax = "proto3";
package acme.shelf.v1;

import "google/protobuf/any.proto";

message Book {
  string name = 1;
  // Whatever the publisher attached, packed.
  google.protobuf.Any details = 2;
  repeated google.protobuf.Any extras = 3;
}

message GetBookRequest {
  string name = 1;
  // The request carries an Any too: the contract tests parse requests from their JSON examples.
  google.protobuf.Any hint = 2;
}
"""
SERVICE_FILE = """\
syntax = "proto3";
package acme.shelf.v1;

import "acme/shelf/v1/resources.proto";

// Every message the service uses lives in resources.proto, as in google/cloud/apigateway/v1.
service Shelf {
  rpc GetBook(GetBookRequest) returns (Book);
}
"""


def generate_from(tmp_path: Path, files: dict[str, str], package: str) -> Path:
    root = tmp_path / "protos"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    out = tmp_path / package
    job = Job(tuple(root / name for name in files), out, (), package, ReadOptions(proto_paths=(root,)))
    report = generate(job, DiagnosticSink())
    assert report.ok, report
    return out


def contract_tests(project: Path, *selection: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract", *selection],
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service in a file of its own, its messages (with Any fields) in another."""
    files = {"acme/shelf/v1/resources.proto": MESSAGES_FILE, "acme/shelf/v1/shelf_service.proto": SERVICE_FILE}
    return generate_from(tmp_path_factory.mktemp("shelf"), files, "shelf")


def test_a_service_in_a_file_without_messages_is_served_by_reflection(shelf: Path) -> None:
    """Nothing imported that file's `_pb2` module, so reflection could not find the service."""
    result = contract_tests(shelf, "-k", "reflection or descriptors")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 passed" in result.stdout


def test_any_examples_parse_where_no_file_imports_empty(shelf: Path) -> None:
    """The examples pack an Empty into every Any; the contract tests' process had no Empty type."""
    result = contract_tests(shelf, "-k", "answers_its_example")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["black", "--check", "src", "tests"],
        ["ruff", "check", "--no-cache", "src", "tests"],
        ["mypy", "--strict", "--no-incremental", "src", "tests"],
    ],
    ids=["black", "ruff", "mypy"],
)
def test_google_shaped_project_passes_linters(shelf: Path, command: list[str]) -> None:
    result = subprocess.run(
        [tool(command[0]), *command[1:]], cwd=shelf, env=project_env(shelf), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_import_public_reexports_resolve_inside_the_package(tmp_path: Path) -> None:
    """protoc writes `from dep_pb2 import *` for `import public` (policytroubleshooter, spanner):
    left absolute, the module imported `google.cloud...` from outside the generated package."""
    files = {
        "acme/desk/v1/explanations.proto": (
            'syntax = "proto3";\npackage acme.desk.v1;\nmessage Note { string text = 1; }\n'
        ),
        "acme/desk/v1/checker.proto": (
            'syntax = "proto3";\npackage acme.desk.v1;\nimport public "acme/desk/v1/explanations.proto";\n'
            "message CheckRequest { Note note = 1; }\nservice Checker { rpc Check(CheckRequest) returns (Note); }\n"
        ),
    }
    project = generate_from(tmp_path, files, "desk")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import desk.server, desk.client\n"
            "from desk._generated.proto.acme.desk.v1 import checker_pb2\n"
            "assert checker_pb2.Note",
        ],
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert contract_tests(project).returncode == 0
