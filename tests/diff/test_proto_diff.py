"""`contractgen diff` on .proto: WIRE_JSON judgements by full name and field number, located in the source."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.diagnostics import DiagnosticSink
from generator.diff.model import Change, Level
from generator.diff.proto import diff_proto

SPECS = Path(__file__).resolve().parents[2] / "specs"
runner = CliRunner()

BREAKING, DANGEROUS, SAFE = Level.BREAKING, Level.DANGEROUS, Level.SAFE
PROTO3 = 'syntax = "proto3";\npackage acme.catalog.v1;\n'
PROTO2 = 'syntax = "proto2";\npackage acme.catalog.v1;\n'
ITEM = "message Item {\n  string sku = 1;\n  string name = 2;\n  int32 quantity = 3;\n}\n"
SERVICE = (
    "message GetItemRequest { string sku = 1; }\nservice Catalog {\n  rpc GetItem(GetItemRequest) returns (Item);\n}\n"
)
STATUS = "enum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_DRAFT = 1;\n  STATUS_PUBLISHED = 2;\n}\n"

Tree = str | dict[str, str]
"""One `.proto` file (diffed file against file), or {relative path: text} under a root directory."""


@dataclass(frozen=True)
class Case:
    old: Tree
    new: Tree
    expected: frozenset[tuple[Level, str]]


def case(name: str, old: Tree, new: Tree, *expected: tuple[Level, str]) -> object:
    rules = frozenset((level, f"proto.{rule}") for level, rule in expected)
    return pytest.param(Case(old, new, rules), id=name)


def proto3(body: str) -> str:
    return PROTO3 + body


def write(base: Path, tree: Tree) -> Path:
    """The tree on disk; the path to diff (the file, or the root directory)."""
    base.mkdir(parents=True)
    if isinstance(tree, str):
        (base / "contract.proto").write_text(tree)
        return base / "contract.proto"
    for name, text in tree.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text)
    return base


def diff(tmp_path: Path, old: Tree, new: Tree) -> list[Change]:
    sink = DiagnosticSink()
    changes = diff_proto(write(tmp_path / "old", old), write(tmp_path / "new", new), sink)
    assert not sink.items, [str(item) for item in sink.items]
    return changes


COMMON = 'syntax = "proto3";\npackage acme.common.v1;\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n'
ORDERS = (
    'syntax = "proto3";\npackage acme.orders.v1;\nimport "acme/common/v1/money.proto";\n'
    "message Order {\n  string id = 1;\n  acme.common.v1.Money total = 2;\n}\n"
)
SHOP = {"acme/common/v1/money.proto": COMMON, "acme/orders/v1/orders.proto": ORDERS}
LEGACY = 'syntax = "proto3";\npackage acme.legacy.v1;\nmessage Old { int32 id = 1; }\n'
SPLIT_A = PROTO3 + "message Item { string sku = 1; }\nmessage Shelf { repeated Item items = 1; }\n"
SPLIT_B = PROTO3 + "message Bin { string code = 1; }\n"

CASES = [
    # messages and fields
    case("message-added", proto3(ITEM), proto3(ITEM + "message Shelf { string id = 1; }\n"), (SAFE, "message-added")),
    case(
        "message-removed",
        proto3(ITEM + "message Shelf { string id = 1; }\n"),
        proto3(ITEM),
        (BREAKING, "message-removed"),
    ),
    case(
        "message-with-nested-removed-once",
        proto3(ITEM + "message Shelf {\n  message Slot { int32 row = 1; }\n  Slot slot = 1;\n}\n"),
        proto3(ITEM),
        (BREAKING, "message-removed"),
    ),
    case(
        "nested-message-removed",
        proto3("message Shelf {\n  message Slot { int32 row = 1; }\n  string id = 1;\n}\n"),
        proto3("message Shelf {\n  string id = 1;\n}\n"),
        (BREAKING, "message-removed"),
    ),
    case("field-added", proto3(ITEM), proto3(ITEM.replace("}", "  bool active = 4;\n}")), (SAFE, "field-added")),
    case("field-deleted", proto3(ITEM), proto3(ITEM.replace("  string name = 2;\n", "")), (BREAKING, "field-deleted")),
    case(
        "field-deleted-reserving-number-and-name",
        proto3(ITEM),
        proto3(ITEM.replace("  string name = 2;\n", '  reserved 2;\n  reserved "name";\n')),
        (SAFE, "field-deleted-reserved"),
    ),
    case(
        "field-deleted-reserving-number-only",
        proto3(ITEM),
        proto3(ITEM.replace("  string name = 2;\n", "  reserved 2;\n")),
        (DANGEROUS, "field-deleted-partly-reserved"),
    ),
    case(
        "field-deleted-reserving-name-only",
        proto3(ITEM),
        proto3(ITEM.replace("  string name = 2;\n", '  reserved "name";\n')),
        (DANGEROUS, "field-deleted-partly-reserved"),
    ),
    case(
        "field-number-reused",
        proto3(ITEM),
        proto3(ITEM.replace("string name = 2", "int64 count = 2")),
        (BREAKING, "field-number-reused"),
    ),
    case("field-renamed", proto3(ITEM), proto3(ITEM.replace("name = 2", "title = 2")), (BREAKING, "field-renamed")),
    case(
        "field-json-name-changed",
        proto3(ITEM),
        proto3(ITEM.replace("name = 2", 'name = 2 [json_name = "label"]')),
        (BREAKING, "field-json-name-changed"),
    ),
    case(
        "field-number-changed",
        proto3(ITEM),
        proto3(ITEM.replace("name = 2", "name = 5")),
        (BREAKING, "field-number-changed"),
    ),
    case(
        "field-type-string-to-int",
        proto3(ITEM),
        proto3(ITEM.replace("string name", "int32 name")),
        (BREAKING, "field-type-changed"),
    ),
    case(
        "field-type-int32-to-int64-is-dangerous",
        proto3(ITEM),
        proto3(ITEM.replace("int32 quantity", "int64 quantity")),
        (DANGEROUS, "field-integer-type-changed"),
    ),
    case(
        "field-type-int32-to-bool-is-wire-only",
        proto3(ITEM),
        proto3(ITEM.replace("int32 quantity", "bool quantity")),
        (BREAKING, "field-type-changed"),
    ),
    case(
        "field-type-string-to-bytes-is-wire-only",
        proto3(ITEM),
        proto3(ITEM.replace("string name", "bytes name")),
        (BREAKING, "field-type-changed"),
    ),
    case(
        "field-message-type-changed",
        proto3(ITEM + "message Other { string id = 1; }\nmessage Shelf { Item top = 1; }\n"),
        proto3(ITEM + "message Other { string id = 1; }\nmessage Shelf { Other top = 1; }\n"),
        (BREAKING, "field-type-changed"),
    ),
    case(
        "field-made-repeated",
        proto3(ITEM),
        proto3(ITEM.replace("string name", "repeated string name")),
        (BREAKING, "field-cardinality-changed"),
    ),
    case(
        "proto3-optional-added",
        proto3(ITEM),
        proto3(ITEM.replace("int32 quantity", "optional int32 quantity")),
        (DANGEROUS, "field-presence-changed"),
    ),
    case(
        "proto3-optional-removed",
        proto3(ITEM.replace("int32 quantity", "optional int32 quantity")),
        proto3(ITEM),
        (DANGEROUS, "field-presence-changed"),
    ),
    case(
        "field-moved-into-oneof",
        proto3("message Pick {\n  string sku = 1;\n  oneof by { string name = 2; }\n}\n"),
        proto3("message Pick {\n  oneof by {\n    string sku = 1;\n    string name = 2;\n  }\n}\n"),
        (BREAKING, "field-oneof-changed"),
    ),
    case(
        "field-moved-out-of-oneof",
        proto3("message Pick {\n  oneof by {\n    string sku = 1;\n    string name = 2;\n  }\n}\n"),
        proto3("message Pick {\n  string sku = 1;\n  oneof by { string name = 2; }\n}\n"),
        (BREAKING, "field-oneof-changed"),
    ),
    case(
        "oneof-renamed",
        proto3("message Pick {\n  oneof by {\n    string sku = 1;\n    string name = 2;\n  }\n}\n"),
        proto3("message Pick {\n  oneof key {\n    string sku = 1;\n    string name = 2;\n  }\n}\n"),
        (DANGEROUS, "oneof-renamed"),
    ),
    case(
        "map-key-type-changed",
        proto3("message Stock { map<string, int32> counts = 1; }\n"),
        proto3("message Stock { map<int32, int32> counts = 1; }\n"),
        (BREAKING, "map-key-type-changed"),
    ),
    case(
        "map-value-type-changed",
        proto3(ITEM + "message Stock { map<string, string> items = 1; }\n"),
        proto3(ITEM + "message Stock { map<string, Item> items = 1; }\n"),
        (BREAKING, "map-value-type-changed"),
    ),
    case(
        "map-became-list",
        proto3(ITEM + "message Stock { map<string, Item> items = 1; }\n"),
        proto3(ITEM + "message Stock { repeated Item items = 1; }\n"),
        (BREAKING, "field-type-changed"),
    ),
    case(
        "field-deprecated",
        proto3(ITEM),
        proto3(ITEM.replace("name = 2", "name = 2 [deprecated = true]")),
        (SAFE, "deprecated-added"),
    ),
    case(
        "comment-changed",
        proto3("// An item.\n" + ITEM),
        proto3("// One item in stock.\n" + ITEM),
        (SAFE, "comment-changed"),
    ),
    case(
        "reserved-added",
        proto3(ITEM),
        proto3(ITEM.replace("}", '  reserved 10 to 20;\n  reserved "legacy";\n}')),
        (SAFE, "reserved-added"),
    ),
    case(
        "reserved-removed",
        proto3(ITEM.replace("}", "  reserved 10 to 20;\n}")),
        proto3(ITEM.replace("}", "  reserved 10 to 15;\n}")),
        (DANGEROUS, "reserved-removed"),
    ),
    case(
        "reserved-ranges-merged-is-no-change",
        proto3(ITEM.replace("}", "  reserved 4, 5, 6;\n}")),
        proto3(ITEM.replace("}", "  reserved 4 to 6;\n}")),
    ),
    case(
        "fields-and-messages-reordered-is-no-change",
        proto3(ITEM + "message Shelf { string id = 1; Item top = 2; }\n"),
        proto3(
            "message Shelf { Item top = 2; string id = 1; }\n"
            "message Item {\n  int32 quantity = 3;\n  string name = 2;\n  string sku = 1;\n}\n"
        ),
    ),
    case(
        "nested-enum-removed",
        proto3("message Shelf {\n  enum Kind { KIND_UNSPECIFIED = 0; }\n  string id = 1;\n}\n"),
        proto3("message Shelf {\n  string id = 1;\n}\n"),
        (BREAKING, "enum-removed"),
    ),
    case(
        "field-added-to-existing-oneof",
        proto3("message Pick {\n  oneof by { string sku = 1; }\n}\n"),
        proto3("message Pick {\n  oneof by {\n    string sku = 1;\n    string name = 2;\n  }\n}\n"),
        (SAFE, "field-added"),
    ),
    case(
        "reservation-lifted-and-number-reused",
        proto3(ITEM.replace("}", "  reserved 4;\n}")),
        proto3(ITEM.replace("}", "  bool active = 4;\n}")),
        (DANGEROUS, "reserved-removed"),
        (SAFE, "field-added"),
    ),
    # proto2
    case(
        "proto2-default-changed",
        PROTO2 + "message Page { optional int32 size = 1 [default = 10]; }\n",
        PROTO2 + "message Page { optional int32 size = 1 [default = 50]; }\n",
        (DANGEROUS, "field-default-changed"),
    ),
    case(
        "proto2-optional-made-required",
        PROTO2 + "message Page { optional int32 size = 1; }\n",
        PROTO2 + "message Page { required int32 size = 1; }\n",
        (BREAKING, "field-cardinality-changed"),
    ),
    case(
        "syntax-changed",
        PROTO2 + "message Page { optional int32 size = 1; }\n",
        PROTO3 + "message Page { int32 size = 1; }\n",
        (DANGEROUS, "file-syntax-changed"),
    ),
    # enums
    case("enum-added", proto3(ITEM), proto3(ITEM + STATUS), (SAFE, "enum-added")),
    case("enum-removed", proto3(ITEM + STATUS), proto3(ITEM), (BREAKING, "enum-removed")),
    case(
        "enum-value-deleted",
        proto3(STATUS),
        proto3(STATUS.replace("  STATUS_PUBLISHED = 2;\n", "")),
        (BREAKING, "enum-value-deleted"),
    ),
    case(
        "enum-value-deleted-reserving-number-and-name",
        proto3(STATUS),
        proto3(STATUS.replace("  STATUS_PUBLISHED = 2;\n", '  reserved 2;\n  reserved "STATUS_PUBLISHED";\n')),
        (SAFE, "enum-value-deleted-reserved"),
    ),
    case(
        "enum-value-deleted-reserving-number-only",
        proto3(STATUS),
        proto3(STATUS.replace("  STATUS_PUBLISHED = 2;\n", "  reserved 2;\n")),
        (DANGEROUS, "enum-value-deleted-partly-reserved"),
    ),
    case(
        "enum-value-number-changed",
        proto3(STATUS),
        proto3(STATUS.replace("STATUS_DRAFT = 1", "STATUS_DRAFT = 3")),
        (BREAKING, "enum-value-number-changed"),
    ),
    case(
        "enum-value-renamed",
        proto3(STATUS),
        proto3(STATUS.replace("STATUS_DRAFT", "STATUS_PENDING")),
        (BREAKING, "enum-value-renamed"),
    ),
    case(
        "enum-value-added",
        proto3(STATUS),
        proto3(STATUS.replace("}", "  STATUS_ARCHIVED = 3;\n}")),
        (SAFE, "enum-value-added"),
    ),
    # services
    case(
        "service-added",
        proto3(ITEM + "message GetItemRequest { string sku = 1; }\n"),
        proto3(ITEM + SERVICE),
        (SAFE, "service-added"),
    ),
    case(
        "service-removed",
        proto3(ITEM + SERVICE),
        proto3(ITEM + "message GetItemRequest { string sku = 1; }\n"),
        (BREAKING, "service-removed"),
    ),
    case(
        "rpc-added",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("(Item);\n", "(Item);\n  rpc FindItem(GetItemRequest) returns (Item);\n")),
        (SAFE, "rpc-added"),
    ),
    case(
        "rpc-removed",
        proto3(ITEM + SERVICE.replace("(Item);\n", "(Item);\n  rpc FindItem(GetItemRequest) returns (Item);\n")),
        proto3(ITEM + SERVICE),
        (BREAKING, "rpc-removed"),
    ),
    case(
        "rpc-renamed",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("GetItem(", "FetchItem(")),
        (BREAKING, "rpc-renamed"),
    ),
    case(
        "rpc-request-type-changed",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("GetItem(GetItemRequest)", "GetItem(Item)")),
        (BREAKING, "rpc-request-type-changed"),
    ),
    case(
        "rpc-response-type-changed",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("returns (Item)", "returns (GetItemRequest)")),
        (BREAKING, "rpc-response-type-changed"),
    ),
    case(
        "rpc-made-server-streaming",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("returns (Item)", "returns (stream Item)")),
        (BREAKING, "rpc-streaming-changed"),
    ),
    case(
        "rpc-made-client-streaming",
        proto3(ITEM + SERVICE),
        proto3(ITEM + SERVICE.replace("(GetItemRequest)", "(stream GetItemRequest)")),
        (BREAKING, "rpc-streaming-changed"),
    ),
    case(
        "rpc-idempotency-changed",
        proto3(ITEM + SERVICE),
        proto3(
            ITEM
            + SERVICE.replace("returns (Item);", "returns (Item) {\n    option idempotency_level = IDEMPOTENT;\n  }")
        ),
        (DANGEROUS, "rpc-idempotency-changed"),
    ),
    # files and packages
    case(
        "package-changed",
        proto3(ITEM),
        proto3(ITEM).replace("acme.catalog.v1", "acme.catalog.v2"),
        (BREAKING, "package-changed"),
    ),
    case(
        "go-package-changed-and-java-package-added",
        proto3('option go_package = "example.com/catalog/v1";\n' + ITEM),
        proto3('option go_package = "example.com/catalog";\noption java_package = "com.acme.catalog";\n' + ITEM),
        (DANGEROUS, "file-option-changed"),
    ),
    case(
        "optimize-for-changed",
        proto3(ITEM),
        proto3("option optimize_for = LITE_RUNTIME;\n" + ITEM),
        (DANGEROUS, "file-option-changed"),
    ),
    case(
        "file-against-a-root-holding-it-under-another-name",
        proto3(ITEM),
        {"renamed.proto": proto3(ITEM)},
        (DANGEROUS, "file-renamed"),
    ),
    # root directories
    case(
        "root-message-moved-to-another-file-of-the-package",
        {"a.proto": SPLIT_A, "b.proto": SPLIT_B},
        {
            "a.proto": PROTO3 + 'import "b.proto";\nmessage Shelf { repeated Item items = 1; }\n',
            "b.proto": SPLIT_B + "message Item { string sku = 1; }\n",
        },
        (DANGEROUS, "type-moved-file"),
    ),
    case(
        "root-file-renamed",
        {"a.proto": SPLIT_A, "b.proto": SPLIT_B},
        {"shelf.proto": SPLIT_A, "b.proto": SPLIT_B},
        (DANGEROUS, "file-renamed"),
    ),
    case(
        "root-file-removed-with-its-types",
        {"a.proto": SPLIT_A, "b.proto": SPLIT_B},
        {"a.proto": SPLIT_A},
        (DANGEROUS, "file-removed"),
        (BREAKING, "message-removed"),
    ),
    case(
        "root-file-added",
        {"a.proto": SPLIT_A},
        {"a.proto": SPLIT_A, "b.proto": SPLIT_B},
        (SAFE, "file-added"),
        (SAFE, "message-added"),
    ),
    case(
        "root-package-removed",
        {**SHOP, "acme/legacy/v1/legacy.proto": LEGACY},
        SHOP,
        (BREAKING, "package-removed"),
    ),
    case(
        "root-imported-message-field-changed",
        SHOP,
        {**SHOP, "acme/common/v1/money.proto": COMMON.replace("int64 units", "string units")},
        (BREAKING, "field-type-changed"),
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_change_is_judged(case: Case, tmp_path: Path) -> None:
    changes = diff(tmp_path, case.old, case.new)
    assert {(change.level, change.rule) for change in changes} == case.expected, [str(change) for change in changes]


@pytest.mark.parametrize("contract", ["inventory.proto", "store"])
def test_contract_diffed_against_itself_reports_nothing(contract: str) -> None:
    sink = DiagnosticSink()
    assert diff_proto(SPECS / contract, SPECS / contract, sink) == []
    assert sink.items == []


def test_single_files_under_different_names_are_one_contract(tmp_path: Path) -> None:
    (tmp_path / "v1.proto").write_text(proto3(ITEM))
    (tmp_path / "v2.proto").write_text(proto3(ITEM))
    sink = DiagnosticSink()
    assert diff_proto(tmp_path / "v1.proto", tmp_path / "v2.proto", sink) == []
    assert sink.items == []


def test_message_moved_between_files_is_one_dangerous_change(tmp_path: Path) -> None:
    """A type in another file of the same package keeps its wire name; only the generated module moves."""
    old = {"a.proto": SPLIT_A, "b.proto": SPLIT_B}
    new = {
        "a.proto": PROTO3 + 'import "b.proto";\nmessage Shelf { repeated Item items = 1; }\n',
        "b.proto": SPLIT_B + "message Item { string sku = 1; }\n",
    }
    (change,) = diff(tmp_path, old, new)
    assert change.message == (
        f"message acme.catalog.v1.Item moved from {tmp_path / 'old' / 'a.proto'} to {tmp_path / 'new' / 'b.proto'}: "
        "generated code imports it from another module"
    )
    assert change.location is not None
    assert (change.location.file, change.location.line) == (str(tmp_path / "new" / "b.proto"), 4)


def test_addition_is_located_in_new_and_deletion_in_old(tmp_path: Path) -> None:
    old = proto3(ITEM)  # Item opens on line 3; name is line 5
    new = proto3(ITEM.replace("  string name = 2;\n", "").replace("}", "  bool active = 4;\n}"))
    changes = {change.rule: change for change in diff(tmp_path, old, new)}
    deleted, added = changes["proto.field-deleted"], changes["proto.field-added"]
    assert deleted.message == "field 2 (name) of acme.catalog.v1.Item was deleted without reserving its number and name"
    assert deleted.location is not None
    assert (deleted.location.file, deleted.location.line, deleted.location.column) == (
        str(tmp_path / "old" / "contract.proto"),
        5,
        3,
    )
    assert added.location is not None
    assert (added.location.file, added.location.line) == (str(tmp_path / "new" / "contract.proto"), 6)


def test_root_directory_with_imports_compares_only_files_under_the_root(tmp_path: Path) -> None:
    """The well-known types protoc brings in are not part of the contract; a change in an imported
    file of the root is, and is located there."""
    old = {
        **SHOP,
        "acme/orders/v1/orders.proto": ORDERS.replace(
            'import "acme/common/v1/money.proto";',
            'import "acme/common/v1/money.proto";\nimport "google/protobuf/timestamp.proto";',
        ),
    }
    new = {**old, "acme/common/v1/money.proto": COMMON.replace("  int64 units = 2;\n", "")}
    (change,) = diff(tmp_path, old, new)
    assert change.rule == "proto.field-deleted"
    assert change.location is not None
    assert change.location.file == str(tmp_path / "old" / "acme" / "common" / "v1" / "money.proto")
    assert change.location.line == 5


def test_broken_side_reports_located_protoc_error_and_no_changes(tmp_path: Path) -> None:
    old = write(tmp_path / "old", proto3(ITEM))
    new = write(tmp_path / "new", proto3(ITEM.replace("int32 quantity = 3;", "int32 quantity = ;")))
    sink = DiagnosticSink()
    assert diff_proto(old, new, sink) == []
    (error,) = sink.items
    assert error.code == "proto.protoc"
    assert error.location is not None
    assert (error.location.file, error.location.line) == (str(new), 6)


# CLI end to end


def test_cli_breaking_change_exits_1(tmp_path: Path) -> None:
    old = write(tmp_path / "old", proto3(ITEM))
    new = write(tmp_path / "new", proto3(ITEM.replace("  string name = 2;\n", "")))
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 1, result.output
    assert "breaking[proto.field-deleted]" in result.stdout
    assert f"{old}:5:3:" in result.stdout


def test_cli_fail_on_never_exits_0(tmp_path: Path) -> None:
    old = write(tmp_path / "old", proto3(ITEM))
    new = write(tmp_path / "new", proto3(ITEM.replace("  string name = 2;\n", "")))
    result = runner.invoke(app, ["diff", str(old), str(new), "--fail-on", "never"])
    assert result.exit_code == 0, result.output


def test_cli_json_lists_changes_with_rules(tmp_path: Path) -> None:
    old = write(tmp_path / "old", dict(SHOP))
    new = write(tmp_path / "new", {**SHOP, "acme/common/v1/money.proto": COMMON.replace("int64 units", "int32 units")})
    result = runner.invoke(app, ["diff", str(old), str(new), "--json", "--fail-on", "dangerous"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["protocol"] == "proto"
    assert [change["rule"] for change in document["changes"]] == ["proto.field-integer-type-changed"]
    assert document["changes"][0]["level"] == "dangerous"
    assert document["changes"][0]["line"] == 5


def test_cli_syntax_error_exits_2_with_a_located_error(tmp_path: Path) -> None:
    old = write(tmp_path / "old", proto3(ITEM))
    new = write(tmp_path / "new", proto3(ITEM.replace("string sku = 1;", "string sku = 1")))
    result = runner.invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    located = [line for line in result.stderr.splitlines() if "error[proto.protoc]" in line]
    assert located and located[0].startswith(f"{new}:"), result.stderr
