"""The contract-change workflow, played on a generated project the way a team and its CI meet it.

Each scenario changes one thing (the contract, a generated file, the user's code, a template) and
checks the files on disk, the exit code and the message of `generate` and `check`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from generator import pipeline
from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job
from tests.conftest import SPECS

runner = CliRunner()

USER_SERVICE = '''\
"""A hand-written implementation: every operation of the contract, no mock left."""

from __future__ import annotations

from typing import Any

from ._generated.models import NewPet, Pet
from ._generated.service import AbstractService, ApiResponse, Credentials, UploadFile


class Service(AbstractService):
    async def list_pets(self, *, limit: int, offset: int, x_request_id: str | None) -> list[Pet]:
        return []

    async def create_pet(self, *, auth: Credentials, x_request_id: str | None, body: NewPet) -> Pet:
        raise NotImplementedError

    async def get_pet(self, *, pet_id: int) -> Pet:
        raise NotImplementedError

    async def update_pet(self, *, auth: Credentials, pet_id: int, body: NewPet) -> Pet:
        raise NotImplementedError

    async def delete_pet(self, *, auth: Credentials, pet_id: int) -> ApiResponse[Any]:
        raise NotImplementedError

    async def upload_pet_photo(self, *, auth: Credentials, pet_id: int, body: UploadFile) -> ApiResponse[Any]:
        raise NotImplementedError

    async def get_inventory(self, *, auth: Credentials) -> dict[str, int]:
        return {}
'''


class Project:
    """A repository with one contract, a `contractgen.yaml` and the generated project under `svc/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.contract = root / "petstore.yaml"
        shutil.copy(SPECS / "petstore.yaml", self.contract)
        self.out = root / "svc"
        self.config = root / "contractgen.yaml"
        self.write_config()

    def write_config(self, **job: Any) -> None:
        entry = {"name": "svc", "contract": "petstore.yaml", "out": "svc", "package": "petstore", **job}
        self.config.write_text(yaml.safe_dump({"version": 1, "jobs": [entry]}))

    def spec(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load(self.contract.read_text())
        return loaded

    def save(self, spec: dict[str, Any]) -> None:
        self.contract.write_text(yaml.safe_dump(spec, sort_keys=False))

    def run(self, *args: str) -> Result:
        return runner.invoke(app, [*args, "--config", str(self.config)])

    def file(self, relative: str) -> Path:
        return self.out / relative

    def snapshot(self) -> dict[str, str]:
        return {
            path.relative_to(self.out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.out.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def project(tmp_path: Path) -> Project:
    created = Project(tmp_path)
    result = created.run("generate")
    assert result.exit_code == 0, result.output
    return created


def add_list_toys(spec: dict[str, Any]) -> None:
    spec["paths"]["/toys"] = {
        "get": {
            "operationId": "listToys",
            "summary": "List toys",
            "responses": {
                "200": {
                    "description": "The toys",
                    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}},
                }
            },
        }
    }


def test_unchanged_contract_is_a_no_op_from_hashes(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_plan(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged contract was read and rendered again")

    monkeypatch.setattr(pipeline, "plan_job", must_not_plan)
    before = project.snapshot()
    job = Job((project.contract,), project.out, (), "petstore")
    report = pipeline.generate(job, DiagnosticSink())
    assert report.cached and not report.written
    assert pipeline.check_job(job, DiagnosticSink()).ok
    assert project.snapshot() == before


def test_adding_an_operation_regenerates_and_leaves_service_py_alone(project: Project) -> None:
    service = project.file("src/petstore/service.py")
    service.write_text(USER_SERVICE)
    assert project.run("check").exit_code == 0
    spec = project.spec()
    add_list_toys(spec)
    project.save(spec)

    stale = project.run("check")
    assert stale.exit_code == 1
    assert "stale: src/petstore/_generated/service.py" in stale.stdout

    result = project.run("generate")
    assert result.exit_code == 0, result.output
    assert service.read_text() == USER_SERVICE
    assert "async def list_toys" in project.file("src/petstore/_generated/service.py").read_text()
    assert "def list_toys" in project.file("src/petstore/_generated/client.py").read_text()
    warnings = [line for line in result.stderr.splitlines() if "user.missing-method" in line]
    assert len(warnings) == 1, result.stderr
    assert "service.py" in warnings[0] and "list_toys" in warnings[0] and "Service" in warnings[0]
    assert project.run("check").exit_code == 0


def test_removing_an_operation_removes_its_code(project: Project) -> None:
    spec = project.spec()
    del spec["paths"]["/store/inventory"]
    project.save(spec)
    result = project.run("generate")
    assert result.exit_code == 0, result.output
    assert "get_inventory" not in project.file("src/petstore/_generated/service.py").read_text()
    assert "get_inventory" not in project.file("src/petstore/_generated/client.py").read_text()
    assert project.run("check").exit_code == 0


def test_dropping_a_target_deletes_its_files_but_keeps_user_files(project: Project) -> None:
    client = project.file("src/petstore/client.py")
    assert client.is_file()
    project.write_config(targets=["fastapi"])
    result = project.run("generate")
    assert result.exit_code == 0, result.output
    assert not client.exists()
    assert not project.file("src/petstore/_generated/client_runtime.py").exists()
    assert project.file("src/petstore/service.py").is_file()
    assert project.file("pyproject.toml").is_file()
    manifest = json.loads(project.file(".contractgen.json").read_text())
    assert "src/petstore/client.py" not in manifest["files"]


def test_renaming_a_schema_reports_the_users_stale_import(project: Project) -> None:
    service = project.file("src/petstore/service.py")
    service.write_text(USER_SERVICE)
    text = project.contract.read_text().replace("#/components/schemas/Pet'", "#/components/schemas/Animal'")
    spec = yaml.safe_load(text)
    spec["components"]["schemas"]["Animal"] = spec["components"]["schemas"].pop("Pet")
    project.save(spec)
    result = project.run("generate")
    assert result.exit_code == 0, result.output
    models = project.file("src/petstore/_generated/models.py").read_text()
    assert "class Animal(" in models and "class Pet(" not in models
    assert service.read_text() == USER_SERVICE
    stale_imports = [line for line in result.stderr.splitlines() if "user.stale-import" in line]
    assert len(stale_imports) == 1 and "'Pet'" in stale_imports[0], result.stderr


def test_hand_edited_generated_file_is_refused_listed_and_forced(project: Project) -> None:
    models = project.file("src/petstore/_generated/models.py")
    edited = models.read_text() + "\n# quick fix\n"
    models.write_text(edited)

    check = project.run("check")
    assert check.exit_code == 1
    assert "edited: src/petstore/_generated/models.py" in check.stdout
    assert "stale: src/petstore/_generated/models.py" not in check.stdout

    before = project.snapshot()
    refused = project.run("generate")
    assert refused.exit_code == 1
    assert "refusing to overwrite generated files edited by hand (use --force)" in refused.stderr
    assert "src/petstore/_generated/models.py" in refused.stderr
    assert project.snapshot() == before

    forced = project.run("generate", "--force")
    assert forced.exit_code == 0, forced.output
    assert "overwrote hand edits in src/petstore/_generated/models.py" in forced.stderr
    assert "# quick fix" not in models.read_text()
    assert project.run("check").exit_code == 0


def test_editing_service_py_is_never_drift(project: Project) -> None:
    service = project.file("src/petstore/service.py")
    service.write_text(USER_SERVICE)
    check = project.run("check")
    assert check.exit_code == 0 and "up to date" in check.stdout
    result = project.run("generate")
    assert result.exit_code == 0
    assert service.read_text() == USER_SERVICE


def test_deleted_generated_file_is_missing_then_restored(project: Project) -> None:
    runtime = project.file("src/petstore/_generated/runtime.py")
    runtime.unlink()
    check = project.run("check")
    assert check.exit_code == 1 and "missing: src/petstore/_generated/runtime.py" in check.stdout
    assert project.run("generate").exit_code == 0
    assert runtime.is_file()


def test_one_template_override_changes_one_file(project: Project) -> None:
    overrides = project.root / "overrides"
    assert runner.invoke(app, ["templates", "export", str(overrides)]).exit_code == 0
    readme_template = overrides / "project" / "README.md.jinja"
    keep = overrides / "fastapi" / "app.py.jinja"
    keep.write_text(keep.read_text() + "\n# reviewed by the platform team\n")
    for path in sorted(overrides.rglob("*"), reverse=True):
        if path.is_file() and path not in (keep, readme_template):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    before = project.snapshot()
    project.write_config(templates="overrides")
    assert project.run("check").exit_code == 1  # overrides are part of what the output depends on
    result = project.run("generate")
    assert result.exit_code == 0, result.output
    after = project.snapshot()
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == [".contractgen.json", "src/petstore/app.py"]
    assert "# reviewed by the platform team" in project.file("src/petstore/app.py").read_text()
    assert project.run("check").exit_code == 0

    keep.write_text(keep.read_text().replace("platform team", "security team"))
    assert project.run("check").exit_code == 1
    assert project.run("generate").exit_code == 0
    assert "# reviewed by the security team" in project.file("src/petstore/app.py").read_text()


def test_broken_contract_is_one_located_error_and_nothing_changes(project: Project) -> None:
    before = project.snapshot()
    text = project.contract.read_text().replace("#/components/schemas/NewPet'", "#/components/schemas/Nope'", 1)
    project.contract.write_text(text)
    result = project.run("generate")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "petstore.yaml:" in errors[0] and "Nope" in errors[0], result.stderr
    assert "Traceback" not in result.output
    assert project.snapshot() == before
    assert project.run("check").exit_code == 2


def test_json_output_for_ci(project: Project) -> None:
    project.file("src/petstore/_generated/runtime.py").unlink()
    result = project.run("check", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["command"] == "check" and document["exit_code"] == 1 and not document["ok"]
    (job,) = document["jobs"]
    assert job["name"] == "svc"
    assert job["check"]["problems"] == [{"kind": "missing", "path": "src/petstore/_generated/runtime.py"}]

    generated = json.loads(project.run("generate", "--json").stdout)
    assert generated["jobs"][0]["generate"]["written"] == ["src/petstore/_generated/runtime.py"]
    cached = json.loads(project.run("generate", "--json").stdout)
    assert cached["ok"] and cached["jobs"][0]["generate"]["cached"] is True


def test_validate_json_reports_diagnostics_with_locations() -> None:
    result = runner.invoke(app, ["validate", str(SPECS / "invalid" / "unknown-ref.yaml"), "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    (diagnostic,) = document["jobs"][0]["diagnostics"]
    assert diagnostic["severity"] == "error" and diagnostic["line"] == 20
    assert diagnostic["code"] == "openapi.unresolved-ref"
    ok = json.loads(runner.invoke(app, ["validate", str(SPECS / "petstore.yaml"), "--json"]).stdout)
    assert ok["ok"] and ok["jobs"][0]["validate"]["protocol"] == "openapi"


def test_verbose_prints_stage_timings(project: Project) -> None:
    spec = project.spec()
    spec["info"]["description"] = "changed"
    project.save(spec)
    result = project.run("generate", "-v")
    assert result.exit_code == 0
    timing = next(line for line in result.stderr.splitlines() if line.startswith("svc: "))
    for stage in ("read", "render", "format", "emit"):
        assert f"{stage} " in timing


def test_removing_a_proto_file_deletes_its_modules_and_flags_the_users_import(tmp_path: Path) -> None:
    root = tmp_path / "protos"
    shutil.copytree(SPECS / "store", root)
    out = tmp_path / "store"
    args = ["generate", str(root), "--out", str(out), "--package", "store"]
    assert runner.invoke(app, args).exit_code == 0
    orders = out / "src/store/_generated/proto/acme/orders/v1/orders_pb2.py"
    assert orders.is_file()
    service = out / "src/store/service.py"
    before = service.read_text()

    (root / "acme" / "orders" / "v1" / "orders.proto").unlink()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not orders.exists() and not orders.parent.exists()  # emptied directories go too
    assert service.read_text() == before
    stale = [line for line in result.stderr.splitlines() if "user.stale-import" in line]
    assert len(stale) == 1 and "MockOrdersServicer" in stale[0], result.stderr
    assert runner.invoke(app, ["check", *args[1:]]).exit_code == 0


def test_proto_import_root_edits_outside_the_imports_stay_a_no_op(tmp_path: Path) -> None:
    """Only files protoc read are hashed; a file appearing under an import root replans the job."""
    root = tmp_path / "protos"
    shutil.copytree(SPECS / "store", root)
    (root / "unrelated.proto").write_text('syntax = "proto3";\npackage unrelated;\nmessage Nothing {}\n')
    out = tmp_path / "orders"
    contract = root / "acme" / "orders" / "v1" / "orders.proto"
    args = ["generate", str(contract), "--proto-path", str(root), "--out", str(out), "--package", "orders"]
    assert runner.invoke(app, args).exit_code == 0
    recorded = json.loads((out / ".contractgen.json").read_text())["inputs"]
    assert any(key.endswith("money.proto") for key in recorded), "imports are recorded"
    assert not any(key.endswith("unrelated.proto") for key in recorded)

    (root / "unrelated.proto").write_text('syntax = "proto3";\npackage unrelated;\nmessage Other {}\n')
    assert "(up to date" in runner.invoke(app, args).output

    (root / "extra.proto").write_text('syntax = "proto3";\npackage extra;\n')
    assert "(up to date" not in runner.invoke(app, args).output

    money = root / "acme" / "common" / "v1" / "money.proto"
    money.write_text(money.read_text().replace("message Money {", "message Money {\n  string note = 99;"))
    assert runner.invoke(app, ["check", *args[1:]]).exit_code == 1
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "(up to date" not in result.output
    assert "note" in (out / "src/orders/_generated/proto/acme/common/v1/money_pb2.pyi").read_text()
