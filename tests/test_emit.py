"""Emit: atomic writes, the manifest, ownership and hand-edit protection (ARCHITECTURE.md §5)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import generator
from generator import emit as emit_module
from generator.emit import (
    MANIFEST_NAME,
    CheckReport,
    ManifestError,
    UnsafePathError,
    check,
    emit,
    read_manifest,
)
from generator.plan import FileSpec, Ownership

USER = Ownership.USER

PLAN = (
    FileSpec("src/pkg/_generated/models.py", "# models\n"),
    FileSpec("src/pkg/_generated/api.py", "# api\n"),
    FileSpec("src/pkg/service.py", "# implement me\n", USER),
    FileSpec("README.md", "# readme\n", USER),
)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and mtime, to prove a run touched nothing."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def age(root: Path) -> None:
    """Backdate every file so a rewrite within the same clock tick still changes the mtime."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def test_first_emit_writes_all_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = emit(PLAN, out)
    assert report.ok
    assert report.written == tuple(sorted(spec.path for spec in PLAN))
    for spec in PLAN:
        assert (out / spec.path).read_text("utf-8") == spec.content
    manifest = read_manifest(out)
    assert manifest is not None
    assert set(manifest.files) == {spec.path for spec in PLAN}
    assert manifest.files["src/pkg/service.py"].owner is USER
    assert manifest.files["README.md"].owner is USER
    assert manifest.files["src/pkg/_generated/api.py"].owner is Ownership.GENERATED
    assert manifest.version == generator.__version__


def test_second_emit_with_same_plan_changes_nothing(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    age(tmp_path)
    before = snapshot(tmp_path)
    report = emit(PLAN, tmp_path)
    assert report.ok
    assert report.written == ()
    assert report.unchanged == ("src/pkg/_generated/api.py", "src/pkg/_generated/models.py")
    assert report.kept == ("README.md", "src/pkg/service.py")
    assert snapshot(tmp_path) == before


def test_changed_generated_file_is_rewritten(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    new_plan = (FileSpec("src/pkg/_generated/api.py", "# api v2\n"), *PLAN[:1], *PLAN[2:])
    report = emit(new_plan, tmp_path)
    assert report.written == ("src/pkg/_generated/api.py",)
    assert (tmp_path / "src/pkg/_generated/api.py").read_text("utf-8") == "# api v2\n"
    assert check(new_plan, tmp_path).ok


def test_files_are_written_verbatim_without_newline_translation(tmp_path: Path) -> None:
    content = "line one\nline two\r\nnon-ascii: é ✓\n"
    emit([FileSpec("a.txt", content)], tmp_path)
    assert (tmp_path / "a.txt").read_bytes() == content.encode("utf-8")


def test_user_file_is_never_overwritten(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    service = tmp_path / "src/pkg/service.py"
    service.write_text("# my implementation\n", "utf-8")
    rescaffold = [FileSpec("src/pkg/service.py", "# new scaffold\n", USER)]
    report = emit(rescaffold, tmp_path, force=True)
    assert report.kept == ("src/pkg/service.py",)
    assert report.written == ()
    assert service.read_text("utf-8") == "# my implementation\n"


def test_user_file_is_created_when_absent(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    (tmp_path / "README.md").unlink()
    report = emit(PLAN, tmp_path)
    assert report.written == ("README.md",)
    assert (tmp_path / "README.md").read_text("utf-8") == "# readme\n"


def test_edited_user_file_leaves_manifest_unchanged(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    manifest_before = (tmp_path / MANIFEST_NAME).read_bytes()
    (tmp_path / "src/pkg/service.py").write_text("# mine\n", "utf-8")
    emit(PLAN, tmp_path)
    assert (tmp_path / MANIFEST_NAME).read_bytes() == manifest_before


def test_edited_generated_file_is_not_overwritten(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    models = tmp_path / "src/pkg/_generated/models.py"
    models.write_text("# hand edit\n", "utf-8")
    new_plan = (FileSpec("src/pkg/_generated/models.py", "# models v2\n"), *PLAN[1:])
    report = emit(new_plan, tmp_path)
    assert not report.ok
    assert report.conflicts == ("src/pkg/_generated/models.py",)
    assert models.read_text("utf-8") == "# hand edit\n"


def test_force_overwrites_edited_file(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    models = tmp_path / "src/pkg/_generated/models.py"
    models.write_text("# hand edit\n", "utf-8")
    report = emit(PLAN, tmp_path, force=True)
    assert report.ok
    assert report.written == ("src/pkg/_generated/models.py",)
    assert report.forced == ("src/pkg/_generated/models.py",)
    assert models.read_text("utf-8") == "# models\n"
    assert check(PLAN, tmp_path).ok


def test_edited_file_matching_the_new_plan_is_not_a_conflict(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    (tmp_path / "src/pkg/_generated/models.py").write_text("# models v2\n", "utf-8")
    new_plan = (FileSpec("src/pkg/_generated/models.py", "# models v2\n"), *PLAN[1:])
    report = emit(new_plan, tmp_path)
    assert report.ok
    assert "src/pkg/_generated/models.py" in report.unchanged


def test_conflict_writes_nothing(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    (tmp_path / "src/pkg/_generated/models.py").write_text("# hand edit\n", "utf-8")
    age(tmp_path)
    before = snapshot(tmp_path)
    new_plan = (
        FileSpec("src/pkg/_generated/models.py", "# models v2\n"),
        FileSpec("src/pkg/_generated/api.py", "# api v2\n"),
        FileSpec("src/pkg/_generated/client.py", "# client\n"),
    )
    report = emit(new_plan, tmp_path, options={"changed": True})
    assert report.conflicts == ("src/pkg/_generated/models.py",)
    assert report.written == ()
    assert report.deleted == ()
    assert snapshot(tmp_path) == before


def test_unmanaged_existing_file_is_conflict(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src/models.py").write_text("# the user's own file\n", "utf-8")
    report = emit([FileSpec("src/models.py", "# generated\n"), FileSpec("b.py", "")], tmp_path)
    assert report.conflicts == ("src/models.py",)
    assert (tmp_path / "src/models.py").read_text("utf-8") == "# the user's own file\n"
    assert not (tmp_path / "b.py").exists()
    assert not (tmp_path / MANIFEST_NAME).exists()


def test_unmanaged_existing_file_is_overwritten_with_force(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text("# the user's own file\n", "utf-8")
    report = emit([FileSpec("models.py", "# generated\n")], tmp_path, force=True)
    assert report.written == ("models.py",)
    assert (tmp_path / "models.py").read_text("utf-8") == "# generated\n"


def test_file_no_longer_planned_is_deleted_and_empty_dirs_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit([FileSpec("keep.py", ""), FileSpec("old/deep/er/gone.py", "x\n"), FileSpec("old/other.txt", "", USER)], out)
    report = emit([FileSpec("keep.py", "")], out)
    assert report.deleted == ("old/deep/er/gone.py",)
    assert not (out / "old/deep").exists()
    assert (out / "old/other.txt").exists()  # user file: dropped from the plan, never deleted
    assert out.is_dir()
    manifest = read_manifest(out)
    assert manifest is not None
    assert set(manifest.files) == {"keep.py"}


def test_emptied_output_dir_itself_is_kept(tmp_path: Path) -> None:
    emit([FileSpec("only.py", "")], tmp_path / "out")
    report = emit([], tmp_path / "out")
    assert report.deleted == ("only.py",)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST_NAME]


def test_edited_file_no_longer_planned_is_conflict_and_kept(tmp_path: Path) -> None:
    emit([FileSpec("gone.py", "x\n"), FileSpec("keep.py", "")], tmp_path)
    (tmp_path / "gone.py").write_text("edited\n", "utf-8")
    report = emit([FileSpec("keep.py", "")], tmp_path)
    assert report.conflicts == ("gone.py",)
    assert (tmp_path / "gone.py").exists()
    forced = emit([FileSpec("keep.py", "")], tmp_path, force=True)
    assert forced.deleted == ("gone.py",)
    assert not (tmp_path / "gone.py").exists()


def test_obsolete_file_can_become_a_directory(tmp_path: Path) -> None:
    emit([FileSpec("api", "old\n")], tmp_path)
    report = emit([FileSpec("api/v1.py", "new\n")], tmp_path)
    assert report.deleted == ("api",)
    assert (tmp_path / "api/v1.py").read_text("utf-8") == "new\n"


@pytest.mark.parametrize(
    "bad_path",
    [
        *("../x", "/abs", "a/../../x", "a\\b", "", "a//b", "a/", "./a", "a/./b", "a\0b", "C:x", MANIFEST_NAME),
        *("con.py", "pkg/NUL", "Aux.tar.gz", "lpt9/x.py", "com\u00b9.py", "a/b.", "a/b "),
    ],
)
def test_path_escaping_out_dir_is_rejected(tmp_path: Path, bad_path: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafePathError):
        emit([FileSpec("fine.py", "ok\n"), FileSpec(bad_path, "bad\n")], out)
    assert not out.exists()
    with pytest.raises(UnsafePathError):
        check([FileSpec(bad_path, "bad\n")], out)


@pytest.mark.parametrize(
    ("first", "second"), [("a/Models.py", "a/models.py"), ("API/x.py", "api/y.py"), ("pkg/x.py", "PKG")]
)
def test_paths_that_collide_on_case_insensitive_file_systems_are_rejected(
    tmp_path: Path, first: str, second: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(UnsafePathError, match="case-insensitive"):
        emit([FileSpec(first, "one\n"), FileSpec(second, "two\n")], out)
    assert not out.exists()


def test_device_like_names_that_are_not_devices_are_allowed(tmp_path: Path) -> None:
    emit([FileSpec("console.py", "ok\n"), FileSpec("con_/nul_.py", "ok\n"), FileSpec("com10.py", "ok\n")], tmp_path)
    assert (tmp_path / "con_/nul_.py").read_text("utf-8") == "ok\n"


@pytest.mark.parametrize("link_path", ["link/x.py", "x.py"])
def test_symlink_escape_rejected(tmp_path: Path, link_path: str) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (outside / "x.py").write_text("precious\n", "utf-8")
    (out / "link").symlink_to(outside, target_is_directory=True)
    (out / "x.py").symlink_to(outside / "x.py")
    with pytest.raises(UnsafePathError):
        emit([FileSpec(link_path, "evil\n")], out, force=True)
    assert (outside / "x.py").read_text("utf-8") == "precious\n"
    assert sorted(p.name for p in outside.iterdir()) == ["x.py"]


def test_symlink_inside_out_dir_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    emit([FileSpec("alias/x.py", "ok\n")], tmp_path)
    assert (tmp_path / "real/x.py").read_text("utf-8") == "ok\n"


def test_manifest_path_escaping_out_dir_is_rejected(tmp_path: Path) -> None:
    emit([FileSpec("a.py", "")], tmp_path / "out")
    manifest_file = tmp_path / "out" / MANIFEST_NAME
    document = json.loads(manifest_file.read_text("utf-8"))
    document["files"]["../victim.py"] = document["files"]["a.py"]
    manifest_file.write_text(json.dumps(document), "utf-8")
    (tmp_path / "victim.py").write_text("", "utf-8")
    with pytest.raises(ManifestError, match="unsafe"):
        emit([], tmp_path / "out")
    assert (tmp_path / "victim.py").exists()


def test_duplicate_paths_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="more than once"):
        emit([FileSpec("a.py", "1"), FileSpec("a.py", "2")], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_path_planned_as_file_and_directory_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a directory"):
        emit([FileSpec("a", "1"), FileSpec("a/b.py", "2")], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_failure_while_preparing_leaves_directory_unchanged(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    age(tmp_path)
    before = snapshot(tmp_path)
    unencodable = FileSpec("src/pkg/_generated/zz.py", "\ud800")  # lone surrogate
    with pytest.raises(UnicodeEncodeError):
        emit([FileSpec("src/pkg/_generated/models.py", "# v2\n"), unencodable], tmp_path)
    with pytest.raises(TypeError):
        emit(PLAN, tmp_path, options={"not json": object()})
    assert snapshot(tmp_path) == before


def test_failure_while_staging_removes_temp_files_and_new_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    emit([FileSpec("a.py", "1\n")], tmp_path)
    age(tmp_path)
    before = snapshot(tmp_path)
    real_write_temp = emit_module._write_temp
    calls: list[str] = []

    def failing_write_temp(directory: Path, name: str, data: bytes, mode: int) -> Path:
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write_temp(directory, name, data, mode)

    monkeypatch.setattr(emit_module, "_write_temp", failing_write_temp)
    plan = [FileSpec("a.py", "2\n"), FileSpec("new/b.py", ""), FileSpec("new/deeper/c.py", "")]
    with pytest.raises(OSError, match="disk full"):
        emit(plan, tmp_path)
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, "a.py"]


def test_failure_while_committing_records_what_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    emit([FileSpec("a.py", "1\n"), FileSpec("b.py", "1\n")], tmp_path)
    real_replace = os.replace
    replaced: list[str] = []

    def failing_replace(source: str | Path, destination: str | Path) -> None:
        if Path(destination).name == "b.py":
            raise OSError("interrupted")
        replaced.append(Path(destination).name)
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", failing_replace)
    plan = [FileSpec("a.py", "2\n"), FileSpec("b.py", "2\n")]
    with pytest.raises(OSError, match="interrupted"):
        emit(plan, tmp_path)
    monkeypatch.undo()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".contractgen-tmp")]
    # a.py was committed and recorded, so no later run mistakes it for a hand edit
    manifest = read_manifest(tmp_path)
    assert manifest is not None
    assert manifest.files["a.py"].sha256 == hashlib.sha256(b"2\n").hexdigest()
    reverted = emit([FileSpec("a.py", "1\n"), FileSpec("b.py", "1\n")], tmp_path)
    assert reverted.ok
    assert reverted.written == ("a.py",)


def test_manifest_is_deterministic(tmp_path: Path) -> None:
    inputs = {"specs/pets.yaml": "ab" * 32, "specs/a.yaml": "cd" * 32}
    options = {"package": "pets", "async": True, "extras": ["z", "a"]}
    emit(PLAN, tmp_path / "one", inputs=inputs, options=options)
    emit(
        tuple(reversed(PLAN)),
        tmp_path / "two",
        inputs=dict(reversed(inputs.items())),
        options=dict(reversed(options.items())),
    )
    text = (tmp_path / "one" / MANIFEST_NAME).read_text("utf-8")
    assert text == (tmp_path / "two" / MANIFEST_NAME).read_text("utf-8")
    assert text.endswith("}\n")
    assert '\n  "files": {\n' in text
    document = json.loads(text)
    assert list(document) == sorted(document)
    assert document["generator"] == "contractgen"
    assert document["version"] == generator.__version__
    assert document["inputs"] == inputs
    assert document["options"] == options
    assert document["files"]["README.md"]["owner"] == "user"
    assert document["files"]["src/pkg/_generated/api.py"]["owner"] == "generated"


def test_read_manifest_of_fresh_directory_is_none(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    assert read_manifest(tmp_path / "does-not-exist") is None


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"generator": "other", "version": "1", "files": {}}',
        '{"generator": "contractgen", "version": "1", "files": {"a": {"sha256": "x"}}}',
    ],
)
def test_corrupt_manifest_raises_manifest_error_naming_the_file(tmp_path: Path, text: str) -> None:
    (tmp_path / MANIFEST_NAME).write_text(text, "utf-8")
    with pytest.raises(ManifestError, match=MANIFEST_NAME):
        read_manifest(tmp_path)
    with pytest.raises(ManifestError):
        emit(PLAN, tmp_path)


def test_check_on_fresh_output_is_ok(tmp_path: Path) -> None:
    emit(PLAN, tmp_path)
    report = check(PLAN, tmp_path)
    assert report == CheckReport()
    assert report.ok


def test_check_on_empty_directory_reports_everything_missing(tmp_path: Path) -> None:
    report = check(PLAN, tmp_path)
    assert report.missing == tuple(sorted(spec.path for spec in PLAN))
    assert not report.ok


def test_check_reports_stale_missing_extra_edited(tmp_path: Path) -> None:
    emit([*PLAN, FileSpec("old.py", "old\n"), FileSpec("gone_too.py", "")], tmp_path)
    age(tmp_path)
    (tmp_path / "src/pkg/_generated/models.py").write_text("# hand edit\n", "utf-8")
    (tmp_path / "src/pkg/_generated/api.py").unlink()
    (tmp_path / "README.md").unlink()
    (tmp_path / "src/pkg/service.py").write_text("# mine\n", "utf-8")  # user's: never stale
    (tmp_path / "gone_too.py").unlink()  # no longer planned and already gone: nothing to report
    new_plan = (*PLAN, FileSpec("src/pkg/_generated/client.py", "# client\n"))
    before = snapshot(tmp_path)
    report = check(new_plan, tmp_path)
    assert report.stale == ("src/pkg/_generated/models.py",)
    assert report.missing == ("README.md", "src/pkg/_generated/api.py", "src/pkg/_generated/client.py")
    assert report.extra == ("old.py",)
    assert report.edited == ("src/pkg/_generated/models.py",)
    assert not report.ok
    assert snapshot(tmp_path) == before
