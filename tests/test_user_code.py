"""The user's scaffolded files checked against the regenerated code: missing methods, stale imports."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from generator.diagnostics import Diagnostic, DiagnosticSink, Severity
from generator.pipeline import Job, generate, plan_job
from generator.user_code import check_user_code

SPECS = Path(__file__).resolve().parent.parent / "specs"


def copy_spec(name: str, tmp_path: Path) -> Path:
    spec = tmp_path / "contract" / name
    spec.parent.mkdir(parents=True)
    shutil.copy(SPECS / name, spec)
    return spec


def regenerate(spec: Path, out_dir: Path) -> None:
    sink = DiagnosticSink()
    report = generate(Job((spec,), out_dir), sink)
    assert report.ok, report
    assert not sink.has_errors, [str(item) for item in sink.items]


def user_code_diagnostics(spec: Path, out_dir: Path) -> list[Diagnostic]:
    """Plan from the contract as it is now and check the user files on disk against it."""
    sink = DiagnosticSink()
    _, files, _ = plan_job(Job((spec,), out_dir), sink)
    check_user_code(files, out_dir, sink)
    return sink.items


def implement_abstract_class(
    user_file: Path, user_class: str, base: str, generated_file: Path, abstract_class: str, imports: str = ""
) -> None:
    """What a user does once every operation is implemented: the scaffolded class derives from the
    generated abstract class instead of the mock and defines each abstract method (bodies raise)."""
    package = generated_file.parent.parent.name
    generated = ast.parse(generated_file.read_text())
    import_lines = [imports] if imports else []
    for node in generated.body:
        if isinstance(node, ast.Import):
            import_lines.append(ast.unparse(node))
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            module = f"{package}._generated" + (f".{node.module}" if node.module else "")
            import_lines.append(ast.unparse(ast.ImportFrom(module if node.level else node.module, node.names, 0)))
    (abstract,) = (node for node in generated.body if isinstance(node, ast.ClassDef) and node.name == abstract_class)
    methods = []
    for member in abstract.body:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and member.decorator_list:
            member.decorator_list = []
            member.body = [ast.Raise(ast.Name("NotImplementedError"))]
            methods.append(textwrap.indent(ast.unparse(member), "    "))
    assert methods, f"{abstract_class} has no abstract methods"
    lines = user_file.read_text().splitlines()
    (scaffolded,) = (
        node for node in ast.parse("\n".join(lines)).body if isinstance(node, ast.ClassDef) and node.name == user_class
    )
    docstring_end = scaffolded.body[0].end_lineno
    assert docstring_end is not None
    lines[docstring_end:docstring_end] = ["", *"\n\n".join(methods).splitlines()]
    lines[scaffolded.lineno - 1] = f"class {user_class}({base}):"
    future = lines.index("from __future__ import annotations")
    lines[future + 1 : future + 1] = import_lines
    user_file.write_text("\n".join(lines) + "\n")


def add_rest_operation(spec: Path) -> None:
    """The contract gains `GET /store/stats` (operationId getStoreStats)."""
    document = yaml.safe_load(spec.read_text())
    inventory = document["paths"]["/store/inventory"]["get"]
    document["paths"]["/store/stats"] = {"get": {**inventory, "operationId": "getStoreStats", "summary": "Stats"}}
    spec.write_text(yaml.safe_dump(document, sort_keys=False))


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [item.code for item in diagnostics]


def rest_project_with_abstract_service(tmp_path: Path) -> tuple[Path, Path, Path]:
    spec = copy_spec("petstore.yaml", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    service = out_dir / "src/petstore/service.py"
    generated = out_dir / "src/petstore/_generated/service.py"
    imports = "from petstore._generated.service import AbstractService"
    implement_abstract_class(service, "Service", "AbstractService", generated, "AbstractService", imports)
    return spec, out_dir, service


def test_fresh_projects_have_no_user_code_warnings(tmp_path: Path) -> None:
    for name in ("petstore.yaml", "bookshop.graphql", "inventory.proto"):
        spec = copy_spec(name, tmp_path / name)
        regenerate(spec, tmp_path / name / "out")
        assert user_code_diagnostics(spec, tmp_path / name / "out") == []


def test_new_operation_is_reported_as_a_method_missing_from_the_abstract_service(tmp_path: Path) -> None:
    spec, out_dir, service = rest_project_with_abstract_service(tmp_path)
    assert user_code_diagnostics(spec, out_dir) == []
    implemented = service.read_bytes()

    add_rest_operation(spec)
    regenerate(spec, out_dir)

    assert service.read_bytes() == implemented
    diagnostics = user_code_diagnostics(spec, out_dir)
    assert codes(diagnostics) == ["user.missing-method"]
    (missing,) = diagnostics
    assert missing.severity is Severity.WARNING
    assert "class Service does not implement 'get_store_stats' required by AbstractService" in missing.message
    assert '"async def get_store_stats(self, ...)"' in missing.message
    assert "_generated/service.py" in missing.message
    assert missing.location is not None
    assert missing.location.file == str(service)
    assert missing.location.line == implemented.decode().splitlines().index("class Service(AbstractService):") + 1


def test_new_query_field_is_reported_as_a_method_missing_from_the_graphql_resolvers(tmp_path: Path) -> None:
    spec = copy_spec("bookshop.graphql", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    resolvers = out_dir / "src/bookshop/resolvers.py"
    generated = out_dir / "src/bookshop/_generated/resolvers.py"
    implement_abstract_class(resolvers, "QueryResolvers", "generated.QueryResolvers", generated, "QueryResolvers")
    assert user_code_diagnostics(spec, out_dir) == []
    implemented = resolvers.read_bytes()

    spec.write_text(spec.read_text().replace("type Query {", 'type Query {\n  "How many books."\n  bookCount: Int!'))
    regenerate(spec, out_dir)

    assert resolvers.read_bytes() == implemented
    diagnostics = user_code_diagnostics(spec, out_dir)
    assert codes(diagnostics) == ["user.missing-method"]
    assert "class QueryResolvers does not implement 'book_count' required by QueryResolvers" in diagnostics[0].message
    assert '"async def book_count(self, ...)"' in diagnostics[0].message


def test_new_rpc_is_reported_as_a_method_missing_from_the_grpc_servicer(tmp_path: Path) -> None:
    spec = copy_spec("inventory.proto", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    service = out_dir / "src/inventory/service.py"
    generated = out_dir / "src/inventory/_generated/servicers.py"
    imports = "from inventory._generated import servicers"
    implement_abstract_class(
        service, "InventoryService", "servicers.InventoryServicer", generated, "InventoryServicer", imports
    )
    assert user_code_diagnostics(spec, out_dir) == []
    implemented = service.read_bytes()

    rpc = "  rpc CountItems(ListItemsRequest) returns (ListItemsResponse);\n}"
    spec.write_text(spec.read_text().removesuffix("}\n") + rpc + "\n")
    regenerate(spec, out_dir)

    assert service.read_bytes() == implemented
    diagnostics = user_code_diagnostics(spec, out_dir)
    assert codes(diagnostics) == ["user.missing-method"]
    message = diagnostics[0].message
    assert "class InventoryService does not implement 'count_items' required by InventoryServicer" in message
    assert "_generated/servicers.py" in message


def test_mock_derived_classes_answer_new_operations_without_warnings(tmp_path: Path) -> None:
    spec = copy_spec("petstore.yaml", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    add_rest_operation(spec)
    regenerate(spec, out_dir)
    assert "MockService" in (out_dir / "src/petstore/service.py").read_text()
    assert user_code_diagnostics(spec, out_dir) == []


def test_renamed_schema_is_reported_as_a_stale_import(tmp_path: Path) -> None:
    spec, out_dir, service = rest_project_with_abstract_service(tmp_path)
    text = service.read_text().replace(
        "from petstore._generated.service import AbstractService",
        "from petstore._generated.service import AbstractService\nfrom ._generated.models import PhotoInfo, Pet",
    )
    service.write_text(text)
    assert user_code_diagnostics(spec, out_dir) == []

    spec.write_text(spec.read_text().replace("PhotoInfo", "PhotoDetails"))
    regenerate(spec, out_dir)

    diagnostics = user_code_diagnostics(spec, out_dir)
    stale = [item for item in diagnostics if item.code == "user.stale-import"]
    assert stale, diagnostics
    assert stale[0].message == (
        "imports 'PhotoInfo' from petstore._generated.models, which no longer defines it"
        " (renamed or removed in the contract)"
    )
    assert stale[0].location is not None
    import_line = text.splitlines().index("from ._generated.models import PhotoInfo, Pet") + 1
    assert (stale[0].location.line, stale[0].location.column) == (
        import_line,
        len("from ._generated.models import ") + 1,
    )
    assert all("'Pet'" not in item.message for item in diagnostics)
    # The method signatures copied from the old contract name it too, as `models.PhotoInfo`.
    assert all(item.message.startswith("uses 'PhotoInfo'") for item in stale[1:]), stale


def test_removed_generated_module_is_reported_as_a_stale_import(tmp_path: Path) -> None:
    spec = copy_spec("petstore.yaml", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    service = out_dir / "src/petstore/service.py"
    service.write_text(service.read_text() + "\nfrom ._generated.webhooks import AbstractWebhookHandler\n")
    assert user_code_diagnostics(spec, out_dir) == []

    document = yaml.safe_load(spec.read_text())
    del document["paths"]["/pets"]["post"]["callbacks"]
    spec.write_text(yaml.safe_dump(document, sort_keys=False))

    diagnostics = user_code_diagnostics(spec, out_dir)
    assert [item.message for item in diagnostics] == [
        "imports petstore._generated.webhooks, which is no longer generated (removed from the contract)"
    ]


def test_user_base_classes_and_mixins_count_as_implementing(tmp_path: Path) -> None:
    spec, out_dir, service = rest_project_with_abstract_service(tmp_path)
    text = service.read_text()
    # Split the implementation: a partial base of the user's own, plus a mixin providing `get_pet`.
    text = text.replace("class Service(AbstractService):", "class Partial(AbstractService):")
    text = text.replace("    async def get_pet(", "    async def get_pet_moved(")
    text += textwrap.dedent(
        """

        class GetPet:
            async def get_pet(self, *, pet_id: int) -> models.Pet:
                raise NotImplementedError


        class Service(GetPet, Partial):
            pass
        """
    )
    service.write_text(text)
    assert user_code_diagnostics(spec, out_dir) == []

    service.write_text(text.replace("class Service(GetPet, Partial):", "class Service(Partial):"))
    diagnostics = user_code_diagnostics(spec, out_dir)
    assert [item.message.split(" (")[0] for item in diagnostics] == [
        "class Service does not implement 'get_pet' required by AbstractService"
    ]


def test_unparsable_user_file_gets_one_warning_and_no_crash(tmp_path: Path) -> None:
    spec = copy_spec("petstore.yaml", tmp_path)
    out_dir = tmp_path / "out"
    regenerate(spec, out_dir)
    service = out_dir / "src/petstore/service.py"
    service.write_text(service.read_text() + "\n    def broken(self\n")
    add_rest_operation(spec)
    regenerate(spec, out_dir)

    diagnostics = user_code_diagnostics(spec, out_dir)
    assert codes(diagnostics) == ["user.unparsable"]
    assert diagnostics[0].location is not None
    assert diagnostics[0].location.file == str(service)

    service.write_bytes(b"name = '\xff is not utf-8'\n")
    assert codes(user_code_diagnostics(spec, out_dir)) == ["user.unparsable"]

    service.unlink()
    assert user_code_diagnostics(spec, out_dir) == []


def test_mypy_names_the_method_the_contract_added(tmp_path: Path) -> None:
    spec, out_dir, _ = rest_project_with_abstract_service(tmp_path)
    add_rest_operation(spec)
    regenerate(spec, out_dir)

    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src"],
        cwd=out_dir,
        env={**os.environ, "MYPYPATH": str(out_dir / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout
    assert 'Cannot instantiate abstract class "Service" with abstract attribute "get_store_stats"' in result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout
