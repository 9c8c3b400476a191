"""The proto reader (protoc descriptor sets → IR) and the shared protoc-module planning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.ir.proto import FieldKind, ProtoContract, Streaming
from generator.pipeline import ReadOptions, read_contract
from generator.targets.proto_python.imports import rewrite_imports
from tests.conftest import SPECS, generate_project, project_env, tool


def read(*paths: Path, proto_paths: tuple[Path, ...] = ()) -> ProtoContract:
    contract = read_contract(paths, DiagnosticSink(), ReadOptions(proto_paths=proto_paths))
    assert contract.protocol == "proto" and contract.proto is not None
    return contract.proto


def errors_of(*paths: Path, proto_paths: tuple[Path, ...] = ()) -> list[str]:
    sink = DiagnosticSink()
    with pytest.raises(ContractError):
        read_contract(paths, sink, ReadOptions(proto_paths=proto_paths))
    return [str(item) for item in sink.items if item.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def store() -> ProtoContract:
    return read(SPECS / "store")


def test_a_root_directory_reads_every_file_and_its_imports(store: ProtoContract) -> None:
    requested = [file.name for file in store.files if file.requested]
    assert requested == ["acme/common/v1/money.proto", "acme/catalog/v1/catalog.proto", "acme/orders/v1/orders.proto"]
    generated = [file.python_module for file in store.generated_files]
    assert generated == ["acme.common.v1.money_pb2", "acme.catalog.v1.catalog_pb2", "acme.orders.v1.orders_pb2"]
    runtime = [file.name for file in store.files if not file.generated]
    assert "google/protobuf/timestamp.proto" in runtime and "google/protobuf/any.proto" in runtime


def test_messages_fields_maps_oneofs_and_nesting(store: ProtoContract) -> None:
    product = store.message("acme.catalog.v1.Product")
    assert (product.python_module, product.python_name) == ("acme.catalog.v1.catalog_pb2", "Product")
    assert product.doc.startswith("A product for sale. Comments may hold 'quotes', \"double quotes\", \\backslashes\\")
    fields = {field.name: field for field in product.fields}
    assert fields["price"].kind is FieldKind.MESSAGE and fields["price"].type_name == "acme.common.v1.Money"
    assert fields["tags"].repeated and fields["tags"].kind is FieldKind.STRING
    attributes = fields["attributes"]
    assert attributes.is_map and not attributes.repeated
    assert attributes.map_key is not None and attributes.map_key.kind is FieldKind.STRING
    variants = fields["variants_by_size"]
    assert variants.map_key is not None and variants.map_key.kind is FieldKind.INT32
    assert variants.map_value is not None and variants.map_value.type_name == "acme.catalog.v1.Product.Variant"
    assert product.oneofs == ("availability",), "proto3 optional's synthetic oneof is not a real one"
    assert [name for name, field in fields.items() if field.oneof] == ["in_stock", "restock_at", "discontinued_reason"]
    assert fields["barcode"].optional and not fields["barcode"].oneof
    assert not fields["name"].optional and fields["created_at"].optional
    assert fields["status"].type_name == "acme.catalog.v1.Product.Status"
    variant = store.message("acme.catalog.v1.Product.Variant")
    assert variant.python_name == "Product.Variant" and variant.doc == "A size or colour of a product."
    assert not any(message.full_name.endswith("Entry") for message in store.messages if message.file.startswith("acme"))
    status = store.enum("acme.catalog.v1.Product.Status")
    assert status.python_name == "Product.Status"
    assert [value.name for value in store.enum("acme.common.v1.Currency").values][:2] == [
        "CURRENCY_UNSPECIFIED",
        "CURRENCY_EUR",
    ]


def test_services_streaming_kinds_and_options(store: ProtoContract) -> None:
    catalog = next(service for service in store.services if service.name == "Catalog")
    assert catalog.full_name == "acme.catalog.v1.Catalog" and catalog.python_module == "acme.catalog.v1.catalog_pb2"
    assert catalog.doc == "Browse and maintain the catalog."
    assert [(m.python_name, m.streaming, m.idempotency) for m in catalog.methods] == [
        ("get_product", Streaming.UNARY_UNARY, "NO_SIDE_EFFECTS"),
        ("list_products", Streaming.UNARY_STREAM, ""),
        ("upload_image", Streaming.STREAM_UNARY, ""),
        ("quote_prices", Streaming.STREAM_STREAM, ""),
        ("delete_product", Streaming.UNARY_UNARY, "IDEMPOTENT"),
    ]
    assert catalog.method_path(catalog.methods[0]) == "/acme.catalog.v1.Catalog/GetProduct"
    assert catalog.methods[3].doc == "Prices quoted as queries arrive (bidirectional)."
    assert catalog.methods[4].output_type == "google.protobuf.Empty"


def test_a_single_file_uses_its_directory_as_proto_path() -> None:
    inventory = read(SPECS / "inventory.proto")
    assert [file.name for file in inventory.files] == ["inventory.proto"]
    assert [service.full_name for service in inventory.services] == ["inventory.v1.Inventory"]


def test_files_given_with_an_explicit_proto_path() -> None:
    orders = SPECS / "store" / "acme" / "orders" / "v1" / "orders.proto"
    contract = read(orders, proto_paths=(SPECS / "store",))
    assert [file.name for file in contract.files if file.requested] == ["acme/orders/v1/orders.proto"]
    assert "acme/catalog/v1/catalog.proto" in [file.name for file in contract.generated_files]
    missing = errors_of(orders)
    assert any(
        'Import "acme/catalog/v1/catalog.proto" was not found: no proto path holds it' in message for message in missing
    ), missing
    assert not any("File not found." in message for message in missing), missing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'syntax = "proto3";\nmessage A {\n  Foo x = 1;\n}\n',
            'a.proto:3:3: error[proto.protoc]: "Foo" is not defined.',
        ),
        (
            'syntax = "proto3";\nmessage A { int32 x = 1; int32 y = 1; }\n',
            "error[proto.protoc]: Field number 1 has already been used",
        ),
        ('syntax = "proto3";\nmessage A {\n  int32 x = 1\n}\n', 'a.proto:4:1: error[proto.protoc]: Expected ";".'),
        (
            'syntax = "proto3";\nservice S { rpc M(Nope) returns (Nope); }\n',
            'error[proto.protoc]: "Nope" is not defined.',
        ),
    ],
)
def test_protoc_errors_are_located(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "a.proto").write_text(text)
    found = [message.replace(str(tmp_path) + "/", "") for message in errors_of(tmp_path / "a.proto")]
    assert any(expected in message for message in found), found


def test_a_file_outside_every_proto_path(tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text('syntax = "proto3";\n')
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert errors_of(tmp_path / "a.proto", proto_paths=(other,)) == [
        f"{tmp_path / 'a.proto'}: error[proto.outside-proto-path]: the file is not under any --proto-path; "
        "add the directory its imports are relative to"
    ]


def test_a_file_name_that_cannot_be_a_python_module(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.proto").write_text('syntax = "proto3";\nmessage A {}\n')
    assert any("'class' cannot be imported" in message for message in errors_of(tmp_path))


def test_imports_of_own_modules_become_package_relative() -> None:
    source = (
        "import grpc\n"
        "from acme.v1 import shop_pb2 as acme_dot_v1_dot_shop__pb2\n"
        "from google.protobuf import empty_pb2 as google_dot_protobuf_dot_empty__pb2\n"
        "import inventory_pb2 as inventory__pb2\n"
        "    from acme.v1 import shop_pb2\n"
        "from acme.v1 import other_pb2\n"
    )
    rewritten = rewrite_imports(source, {"acme.v1.shop_pb2", "inventory_pb2"}, "pkg._generated.proto")
    assert rewritten.splitlines() == [
        "import grpc",
        "from pkg._generated.proto.acme.v1 import shop_pb2 as acme_dot_v1_dot_shop__pb2",
        "from google.protobuf import empty_pb2 as google_dot_protobuf_dot_empty__pb2",
        "from pkg._generated.proto import inventory_pb2 as inventory__pb2",
        "    from pkg._generated.proto.acme.v1 import shop_pb2",
        "from acme.v1 import other_pb2",
    ]


def test_protoc_modules_import_inside_the_generated_package(tmp_path: Path) -> None:
    project = generate_project(SPECS / "store", tmp_path / "store", "store")
    requirements = (project / "pyproject.toml").read_text()
    assert '"protobuf>=' in requirements and '"grpcio>=' in requirements
    script = (
        "from store._generated.proto.acme.orders.v1 import orders_pb2, orders_pb2_grpc\n"
        "order = orders_pb2.Order(id='o1')\n"
        "order.lines.add(quantity=2).product.price.units = 5\n"
        "assert orders_pb2.Order.FromString(order.SerializeToString()) == order\n"
        "assert orders_pb2_grpc.OrdersStub\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=project_env(project), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (
        project / "src" / "store" / "_generated" / "proto" / "acme" / "common" / "v1" / "money_pb2_grpc.py"
    ).exists()
    black = subprocess.run([tool("black"), "--check", "src"], cwd=project, capture_output=True, text=True)
    assert black.returncode == 0, black.stderr


def test_a_python_keyword_as_a_message_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "k.proto").write_text('syntax = "proto3";\nmessage class { string x = 1; }\n')
    assert errors_of(tmp_path / "k.proto") == [
        f"{tmp_path / 'k.proto'}:2:9: error[proto.python-keyword]: 'class' is a Python keyword, "
        "so protoc's Python code cannot use it as a class or method name"
    ]


def test_comments_that_would_break_protoc_docstrings_are_left_out_of_its_modules(tmp_path: Path) -> None:
    (tmp_path / "q.proto").write_text(
        'syntax = "proto3";\n// """ and \\\\ and {{ x }}\nservice S {\n  // """ again\n  rpc M(A) returns (A);\n}\n'
        "message A { string x = 1; }\n"
    )
    project = generate_project(tmp_path / "q.proto", tmp_path / "out", "quoted")
    grpc_module = project / "src" / "quoted" / "_generated" / "proto" / "q_pb2_grpc.py"
    compile(grpc_module.read_text(), str(grpc_module), "exec")


PROTO2 = """syntax = "proto2";
package legacy;
message Account {
  required string id = 1;
  optional string name = 2 [default = "anonymous"];
  repeated string tags = 3;
  optional Kind kind = 4 [default = GOLD];
  enum Kind { SILVER = 1; GOLD = 2; }
  extensions 100 to 199;
}
message Lookup { required string id = 1; }
service Accounts {
  rpc Get(Lookup) returns (Account);
  rpc Watch(Lookup) returns (stream Account);
}
"""


def test_proto2_contract_is_read_served_and_passes_its_contract_tests(tmp_path: Path) -> None:
    (tmp_path / "legacy.proto").write_text(PROTO2)
    contract = read(tmp_path / "legacy.proto")
    fields = {field.name: field for field in contract.message("legacy.Account").fields}
    assert fields["name"].optional and not fields["tags"].optional and fields["kind"].optional
    project = generate_project(tmp_path / "legacy.proto", tmp_path / "out", "legacy")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/contract"],
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
