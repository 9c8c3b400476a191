"""Template overrides (`--templates DIR`), file by file, and exporting the built-ins (ARCHITECTURE.md §4)."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from generator import template_overrides as overrides_module
from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, generate, plan_job
from generator.render import builtin_templates_dir, make_environment, static_file, template_overrides
from generator.template_overrides import (
    TemplateExportError,
    TemplateOverrideError,
    builtin_template_names,
    builtin_templates_digest,
    export_templates,
    override_digest,
)

ROOT = Path(__file__).resolve().parent.parent
PETSTORE = ROOT / "specs" / "petstore.yaml"
MAIN_TEMPLATE = "fastapi/main.py.jinja"
MAIN_OUTPUT = "src/petstore/__main__.py"
RUNTIME_STATIC = "fastapi/static/runtime.py"
RUNTIME_OUTPUT = "src/petstore/_generated/runtime.py"
OPS_NOTE = "# Deployed by the platform team: see the runbook before changing the port."


def plan_petstore(out_dir: Path, directories: Sequence[Path] = ()) -> dict[str, str]:
    with template_overrides(directories):
        _, files, _ = plan_job(Job((PETSTORE,), out_dir), DiagnosticSink())
    return {spec.path: spec.content for spec in files}


@pytest.fixture(scope="module")
def builtin_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The petstore plan with the built-in templates alone."""
    return plan_petstore(tmp_path_factory.mktemp("builtin") / "out")


def changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    assert set(before) == set(after)
    return {path for path in before if before[path] != after[path]}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def builtin_text(name: str) -> str:
    return (builtin_templates_dir() / name).read_text(encoding="utf-8")


def with_ops_note(template: str) -> str:
    """The built-in `__main__` template with one more comment after its imports."""
    return template.replace("import uvicorn\n", f"import uvicorn\n\n{OPS_NOTE}\n", 1)


def test_overridden_template_changes_only_its_file(tmp_path: Path, builtin_output: dict[str, str]) -> None:
    overrides = tmp_path / "templates"
    write(overrides / MAIN_TEMPLATE, with_ops_note(builtin_text(MAIN_TEMPLATE)))
    output = plan_petstore(tmp_path / "out", [overrides])
    assert changed_files(builtin_output, output) == {MAIN_OUTPUT}
    assert OPS_NOTE in output[MAIN_OUTPUT]
    assert OPS_NOTE not in builtin_output[MAIN_OUTPUT]


def test_overridden_static_file_changes_only_its_copy(tmp_path: Path, builtin_output: dict[str, str]) -> None:
    overrides = tmp_path / "templates"
    write(overrides / RUNTIME_STATIC, builtin_text(RUNTIME_STATIC) + f"\n\n{OPS_NOTE}\n")
    output = plan_petstore(tmp_path / "out", [overrides])
    assert changed_files(builtin_output, output) == {RUNTIME_OUTPUT}
    assert output[RUNTIME_OUTPUT].rstrip().endswith(OPS_NOTE)


def test_overrides_end_with_the_block(tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    write(overrides / RUNTIME_STATIC, "# patched runtime\n")
    with template_overrides([overrides]):
        assert static_file(RUNTIME_STATIC) == "# patched runtime\n"
        overridden_environment = make_environment()
    assert static_file(RUNTIME_STATIC) == builtin_text(RUNTIME_STATIC)
    assert make_environment() is not overridden_environment


def test_first_directory_wins_and_nested_blocks_compose(tmp_path: Path) -> None:
    first, second, inner = tmp_path / "first", tmp_path / "second", tmp_path / "inner"
    write(first / RUNTIME_STATIC, "# first\n")
    write(second / RUNTIME_STATIC, "# second\n")
    write(second / "grpc_server/static/server_runtime.py", "# second grpc\n")
    write(inner / "grpc_server/static/server_runtime.py", "# inner grpc\n")
    with template_overrides([first, second]):
        assert static_file(RUNTIME_STATIC) == "# first\n"
        assert static_file("grpc_server/static/server_runtime.py") == "# second grpc\n"
        with template_overrides([inner]):
            assert static_file(RUNTIME_STATIC) == "# first\n"
            assert static_file("grpc_server/static/server_runtime.py") == "# inner grpc\n"
        with template_overrides([]):
            assert static_file(RUNTIME_STATIC) == "# first\n"


def test_environment_is_shared_per_override_set(tmp_path: Path) -> None:
    assert make_environment() is make_environment()
    overrides = tmp_path / "templates"
    write(overrides / MAIN_TEMPLATE, "# one\n")
    with template_overrides([overrides]):
        assert make_environment() is make_environment()
        assert make_environment().get_template(MAIN_TEMPLATE).render() == "# one\n"
    write(overrides / MAIN_TEMPLATE, "# two\n")
    with template_overrides([overrides]):
        assert make_environment().get_template(MAIN_TEMPLATE).render() == "# two\n"


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("fastapi/app.py.jnija", "fastapi/app.py.jinja"),
        ("fastapi/runtime.py", "fastapi/static/runtime.py"),
        ("project/READMe.md.jinja", "project/README.md.jinja"),
    ],
)
def test_unknown_override_name_is_refused_with_the_closest_builtin(tmp_path: Path, typo: str, suggestion: str) -> None:
    overrides = tmp_path / "templates"
    typo_path = write(overrides / typo, "# x\n")
    with pytest.raises(TemplateOverrideError) as raised, template_overrides([overrides]):
        pytest.fail("entered the block")
    assert raised.value.path == typo_path
    assert str(raised.value).startswith(f"{typo_path}: ")
    assert f"did you mean {suggestion}?" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_override_name_like_nothing_builtin_says_so(tmp_path: Path) -> None:
    write(tmp_path / "zzzz.txt", "x")
    with pytest.raises(TemplateOverrideError, match=r"no built-in template or static file is called zzzz\.txt"):
        override_digest([tmp_path])


def test_missing_or_non_directory_override_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(TemplateOverrideError, match="does not exist") as raised, template_overrides([missing]):
        pytest.fail("entered the block")
    assert raised.value.path == missing
    a_file = write(tmp_path / "file.jinja", "x")
    with pytest.raises(TemplateOverrideError, match="not a directory"), template_overrides([a_file]):
        pytest.fail("entered the block")


def test_non_utf8_override_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "templates" / MAIN_TEMPLATE
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"# fine\n# caf\xe9\n")
    with pytest.raises(TemplateOverrideError) as raised, template_overrides([tmp_path / "templates"]):
        pytest.fail("entered the block")
    assert (raised.value.path, raised.value.line) == (broken, 2)
    assert str(raised.value) == f"{broken}:2: is not UTF-8 (byte 0xe9)"


def test_jinja_syntax_error_in_override_names_file_and_line(tmp_path: Path) -> None:
    broken = write(tmp_path / "templates" / MAIN_TEMPLATE, "# one\n# two\n{% if %}\n{% endif %}\n")
    with pytest.raises(TemplateOverrideError) as raised, template_overrides([tmp_path / "templates"]):
        pytest.fail("entered the block")
    assert (raised.value.path, raised.value.line) == (broken, 3)
    assert str(raised.value).startswith(f"{broken}:3: ")
    assert str(raised.value.location) == f"{broken}:3"


def test_syntax_error_in_overridden_macros_names_the_macros_file(tmp_path: Path) -> None:
    broken = write(tmp_path / "templates" / "common/macros.jinja", "{% macro header(x) %}\n{{ x }\n{% endmacro %}\n")
    with pytest.raises(TemplateOverrideError) as raised, template_overrides([tmp_path / "templates"]):
        pytest.fail("entered the block")
    assert (raised.value.path, raised.value.line) == (broken, 2)


def test_undefined_variable_in_override_names_file_and_line(tmp_path: Path) -> None:
    template = builtin_text(MAIN_TEMPLATE).replace("import uvicorn\n", "import uvicorn\n# {{ servce_name }}\n", 1)
    broken = write(tmp_path / "templates" / MAIN_TEMPLATE, template)
    line = template.splitlines().index("# {{ servce_name }}") + 1
    with pytest.raises(TemplateOverrideError) as raised:
        plan_petstore(tmp_path / "out", [tmp_path / "templates"])
    assert (raised.value.path, raised.value.line) == (broken, line)
    assert "'servce_name' is undefined" in str(raised.value)


def test_export_writes_every_builtin_and_skips_nothing_else(tmp_path: Path) -> None:
    written = export_templates(tmp_path / "export")
    assert written == list(builtin_template_names())
    assert RUNTIME_STATIC in written and MAIN_TEMPLATE in written
    exported = sorted(path.relative_to(tmp_path / "export").as_posix() for path in (tmp_path / "export").rglob("*"))
    assert [name for name in exported if (tmp_path / "export" / name).is_file()] == written
    assert (tmp_path / "export" / RUNTIME_STATIC).read_bytes() == (
        builtin_templates_dir() / RUNTIME_STATIC
    ).read_bytes()
    assert export_templates(tmp_path / "export") == []


def test_export_then_override_round_trip(tmp_path: Path, builtin_output: dict[str, str]) -> None:
    export = tmp_path / "export"
    export_templates(export)
    assert plan_petstore(tmp_path / "unchanged", [export]) == builtin_output
    main = export / MAIN_TEMPLATE
    main.write_text(with_ops_note(main.read_text(encoding="utf-8")), encoding="utf-8")
    output = plan_petstore(tmp_path / "changed", [export])
    assert changed_files(builtin_output, output) == {MAIN_OUTPUT}
    assert OPS_NOTE in output[MAIN_OUTPUT]


def test_export_refuses_to_clobber_a_changed_file(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export_templates(export)
    edited = write(export / MAIN_TEMPLATE, "# my version\n")
    (export / RUNTIME_STATIC).unlink()
    with pytest.raises(TemplateExportError) as raised:
        export_templates(export)
    assert raised.value.path == edited
    assert isinstance(raised.value, TemplateOverrideError)
    assert edited.read_text(encoding="utf-8") == "# my version\n"
    assert not (export / RUNTIME_STATIC).exists(), "nothing is written when a file is refused"
    assert export_templates(export, force=True) == [MAIN_TEMPLATE, RUNTIME_STATIC]
    assert edited.read_text(encoding="utf-8") == builtin_text(MAIN_TEMPLATE)


def test_export_refuses_a_file_as_destination(tmp_path: Path) -> None:
    destination = write(tmp_path / "templates", "x")
    with pytest.raises(TemplateExportError, match="not a directory"):
        export_templates(destination, force=True)


@pytest.fixture
def builtins_with_junk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the built-in templates with bytecode and editor droppings, as an installed wheel may have."""
    copy = tmp_path / "builtin"
    shutil.copytree(builtin_templates_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    write(copy / "fastapi/static/__pycache__/runtime.cpython-312.pyc", "junk")
    write(copy / "fastapi/.DS_Store", "junk")
    write(copy / "fastapi/app.py.jinja~", "junk")
    monkeypatch.setattr(overrides_module, "builtin_templates_dir", lambda: copy)
    overrides_module.builtin_template_names.cache_clear()
    yield copy
    overrides_module.builtin_template_names.cache_clear()


def test_junk_files_are_neither_exported_nor_taken_for_overrides(tmp_path: Path, builtins_with_junk: Path) -> None:
    written = export_templates(tmp_path / "export")
    assert not any("__pycache__" in name or name.endswith(("~", ".DS_Store")) for name in written)
    assert len(written) == len(list(builtin_template_names()))
    overrides = tmp_path / "overrides"
    write(overrides / "fastapi/static/__pycache__/runtime.cpython-312.pyc", "junk")
    write(overrides / ".git/HEAD", "ref: refs/heads/main\n")
    write(overrides / "fastapi/.main.py.jinja.swp", "junk")
    assert override_digest([overrides]) == override_digest([])


def test_override_digest_follows_effective_override_content(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / RUNTIME_STATIC, "# one\n")
    digest = override_digest([first])
    assert digest != override_digest([])
    write(second / RUNTIME_STATIC, "# one\n")
    assert override_digest([second]) == digest, "same files, same digest, wherever they live"
    write(first / RUNTIME_STATIC, "# two\n")
    assert override_digest([first]) != digest
    assert override_digest([first, second]) != override_digest([second, first])
    write(first / MAIN_TEMPLATE, "# main\n")
    assert override_digest([first]) not in (digest, override_digest([second]))


def test_builtin_templates_digest_is_stable() -> None:
    digest = builtin_templates_digest()
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert builtin_templates_digest() == digest


def test_generated_project_with_overrides_is_valid_python(tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    write(overrides / MAIN_TEMPLATE, with_ops_note(builtin_text(MAIN_TEMPLATE)))
    write(overrides / RUNTIME_STATIC, builtin_text(RUNTIME_STATIC) + f"\n\n{OPS_NOTE}\n")
    readme = builtin_text("project/README.md.jinja") + "\nOn call: #petstore-oncall\n"
    write(overrides / "project/README.md.jinja", readme)
    out = tmp_path / "petstore"
    with template_overrides([overrides]):
        report = generate(Job((PETSTORE,), out), DiagnosticSink())
    assert report.ok, report
    assert (out / "README.md").read_text(encoding="utf-8").endswith("On call: #petstore-oncall\n")
    assert OPS_NOTE in (out / MAIN_OUTPUT).read_text(encoding="utf-8")
    assert OPS_NOTE in (out / RUNTIME_OUTPUT).read_text(encoding="utf-8")
    python_files = sorted(out.rglob("*.py"))
    assert len(python_files) > 10
    for path in python_files:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
