"""The GraphQL reader: what it builds from the example contracts, and how it reports broken ones."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from generator.diagnostics import ContractError, DiagnosticSink, Severity
from generator.ir.graphql import GraphQLContract, GraphQLKind, RootKind, Selection
from generator.ir.model import Contract
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref
from generator.pipeline import ReadOptions, read_contract
from tests.conftest import SPECS, tool


def read(*paths: Path, lenient: bool = False, depth: int = 2) -> tuple[GraphQLContract, DiagnosticSink]:
    sink = DiagnosticSink()
    contract: Contract = read_contract(paths, sink, ReadOptions(lenient=lenient, selection_depth=depth))
    assert contract.protocol == "graphql" and contract.graphql is not None
    return contract.graphql, sink


def errors_of(*paths: Path, lenient: bool = False) -> list[str]:
    sink = DiagnosticSink()
    with pytest.raises(ContractError):
        read_contract(paths, sink, ReadOptions(lenient=lenient))
    return [str(item) for item in sink.items if item.severity is Severity.ERROR]


@pytest.fixture(scope="module")
def chat() -> GraphQLContract:
    return read(SPECS / "chat")[0]


def test_extensions_in_a_second_file_are_merged(chat: GraphQLContract) -> None:
    room = chat.named("Room")
    assert [field.wire_name for field in room.fields][-2:] == ["createdAt", "archived"]
    assert [value.wire_name for value in chat.named("Order").enum_values] == [
        "NEWEST_FIRST",
        "OLDEST_FIRST",
        "ALPHABETICAL",
    ]
    assert chat.named("SearchResult").possible_types == ("Message", "Room", "User", "Bot")
    assert "serverTime" in [field.wire_name for field in chat.named("Query").fields]


def test_kinds_roots_and_interfaces(chat: GraphQLContract) -> None:
    assert (chat.query_type, chat.mutation_type, chat.subscription_type) == ("Query", "Mutation", "Subscription")
    assert chat.named("Node").kind is GraphQLKind.INTERFACE
    assert set(chat.named("Node").possible_types) == {"User", "Bot", "Room", "Message"}
    assert chat.named("Participant").interfaces == ("Node",)
    assert chat.named("Attachment").kind is GraphQLKind.UNION
    assert chat.named("PostMessageInput").kind is GraphQLKind.INPUT
    scalars = {named.wire_name: named.scalar_type for named in chat.of_kind(GraphQLKind.SCALAR)}
    assert scalars == {
        "DateTime": Primitive(PrimitiveKind.DATETIME),
        "JSON": Primitive(PrimitiveKind.ANY),
        "Colour": Primitive(PrimitiveKind.ANY),
    }
    assert chat.named("DateTime").specified_by == "https://www.rfc-editor.org/rfc/rfc3339"


def test_python_names_types_and_defaults(chat: GraphQLContract) -> None:
    post = {field.wire_name: field for field in chat.named("PostMessageInput").input_fields}
    assert post["roomId"].name == "room_id" and post["roomId"].type == Primitive(PrimitiveKind.STRING)
    assert (post["attachments"].has_default, post["attachments"].default) == (True, [])
    assert post["attachments"].type == Nullable(
        ListOf(Ref(chat.named("AttachmentInput").class_name, "AttachmentInput"))
    )
    assert (post["urgent"].default, post["urgent"].required) == (False, False)
    assert post["roomId"].required
    kind = chat.named("AttachmentInput").input_fields[1]
    assert (kind.wire_name, kind.default, kind.required) == ("kind", "IMAGE", False)
    messages = next(field for field in chat.named("Room").fields if field.wire_name == "messages")
    assert [(argument.name, argument.default) for argument in messages.arguments] == [
        ("first", 20),
        ("order", "NEWEST_FIRST"),
        ("filter", None),
    ]
    assert messages.arguments[2].has_default is False


def test_descriptions_and_deprecations_are_kept(chat: GraphQLContract) -> None:
    idle = next(value for value in chat.named("UserStatus").enum_values if value.wire_name == "IDLE")
    assert (idle.doc, idle.deprecation) == ("Use AWAY.", "Use AWAY.")
    text = next(field for field in chat.named("Message").fields if field.wire_name == "text")
    assert text.deprecation == "Use `body`."
    status = next(field for field in chat.named("User").fields if field.wire_name == "status")
    assert status.doc == "Contains a 'quote', a \"double quote\" and a backslash \\ to test escaping."


def _variant_keys(selection: Selection) -> dict[tuple[str, ...], list[str]]:
    return {variant.typenames: [field.response_key for field in variant.fields] for variant in selection.variants}


def test_operation_documents_become_typed_operations(chat: GraphQLContract) -> None:
    assert not chat.operations_generated
    operations = {operation.operation_name: operation for operation in chat.operations}
    assert list(operations) == [
        "RoomWithMessages",
        "Rooms",
        "Search",
        "Node",
        "Me",
        "PostMessage",
        "SetStatus",
        "DeleteMessage",
        "MessagePosted",
    ]
    room = operations["RoomWithMessages"]
    assert room.name == "room_with_messages" and room.kind is RootKind.QUERY
    assert [(variable.name, variable.has_default, variable.default) for variable in room.variables] == [
        ("room_id", False, None),
        ("first", True, 5),
        ("order", False, None),
    ]
    assert "fragment MessageFields on Message" in room.document
    assert "fragment ParticipantFields on Participant" in room.document
    search = operations["Search"].result.variants[0].fields[0]
    assert search.response_key == "results" and search.selection is not None
    assert _variant_keys(search.selection) == {
        ("Message",): ["__typename", "id", "body"],
        ("Room",): ["__typename", "id", "name"],
        ("User",): ["__typename", "id", "displayName", "email"],
        ("Bot",): ["__typename"],
    }
    node = operations["Node"].result.variants[0].fields[0].selection
    assert node is not None
    assert _variant_keys(node) == {
        ("Room",): ["__typename", "id", "name"],
        ("User", "Bot", "Message"): ["__typename", "id"],
    }
    assert operations["MessagePosted"].kind is RootKind.SUBSCRIPTION
    assert operations["DeleteMessage"].result.variants[0].fields[0].response_key == "deleted"


def test_fragments_on_interfaces_merge_per_concrete_type(chat: GraphQLContract) -> None:
    message = next(op for op in chat.operations if op.operation_name == "PostMessage").result.variants[0].fields[0]
    assert message.selection is not None
    author = next(field for field in message.selection.variants[0].fields if field.response_key == "author")
    assert author.selection is not None
    assert _variant_keys(author.selection) == {
        ("User",): ["__typename", "id", "displayName", "status"],
        ("Bot",): ["__typename", "id", "displayName", "owner"],
    }
    typename = author.selection.variants[0].fields[0]
    assert (typename.name, typename.type) == ("typename__", Primitive(PrimitiveKind.STRING))


def test_without_documents_one_operation_per_root_field() -> None:
    bookshop, _ = read(SPECS / "bookshop.graphql")
    assert bookshop.operations_generated
    assert [(op.operation_name, op.kind) for op in bookshop.operations] == [
        ("Book", RootKind.QUERY),
        ("Books", RootKind.QUERY),
        ("Authors", RootKind.QUERY),
        ("AddReview", RootKind.MUTATION),
    ]
    books = bookshop.operations[1]
    assert [variable.name for variable in books.variables] == ["first", "genre"]
    book = books.result.variants[0].fields[0].selection
    assert book is not None
    keys = _variant_keys(book)[("Book",)]
    assert keys[:3] == ["__typename", "id", "title"] and "author" in keys and "reviews" in keys
    author = next(field for field in book.variants[0].fields if field.response_key == "author")
    assert author.selection is not None and "books" not in _variant_keys(author.selection)[("Author",)]
    deeper, _ = read(SPECS / "bookshop.graphql", depth=3)
    deeper_book = deeper.operations[1].result.variants[0].fields[0].selection
    assert deeper_book is not None
    deeper_author = next(field for field in deeper_book.variants[0].fields if field.response_key == "author")
    assert deeper_author.selection is not None and "books" in _variant_keys(deeper_author.selection)[("Author",)]


def test_default_operations_alias_fields_union_members_type_differently(tmp_path: Path) -> None:
    schema = tmp_path / "s.graphql"
    schema.write_text(
        "type Query { any: [Thing!]! }\nunion Thing = A | B\ntype A { name: String! }\ntype B { name: Int }\n"
    )
    contract, _ = read(schema)
    selection = contract.operations[0].result.variants[0].fields[0].selection
    assert selection is not None
    assert _variant_keys(selection) == {("A",): ["__typename", "nameA"], ("B",): ["__typename", "nameB"]}


def test_hostile_names_are_cleaned(tmp_path: Path) -> None:
    schema = tmp_path / "s.graphql"
    schema.write_text(
        "type Query { class(self: Int, info: Int, from: Int): BaseModel model_config: String json: String }\n"
        "type BaseModel { import: String typename: String }\n"
        "enum Mode { None name value mro }\n"
        "type Mutation { set(mode: Mode): Mode }\n"
    )
    contract, _ = read(schema)
    query = contract.named("Query")
    assert [field.name for field in query.fields] == ["class_", "model_config_2", "json_2"]
    assert [argument.name for argument in query.fields[0].arguments] == ["self_", "info_2", "from_"]
    assert contract.named("BaseModel").class_name == "BaseModel2"
    assert [value.name for value in contract.named("Mode").enum_values] == ["None_", "name_2", "value_2", "mro_2"]


def _snapshot(message: str, tmp_path: Path) -> str:
    return message.replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"a.graphql": "type Query { a: Int\n  b( }\n"},
            "a.graphql:2:6: error[graphql.syntax]: Syntax Error: Expected Name, found '}'.",
        ),
        (
            {"a.graphql": "type Query {\n  a: Foo\n}\n"},
            "a.graphql:2:6: error[graphql.invalid-schema]: Unknown type 'Foo'.",
        ),
        (
            {"a.graphql": "type Query { a: Int }\n", "b.graphql": "extend type Query { a: String }\n"},
            "b.graphql:1:21: error[graphql.invalid-schema]: Field 'Query.a' can only be defined once.",
        ),
        (
            {"a.graphql": "type Query { a: Int }\n", "ops.graphql": "query Q {\n  a\n  b\n}\n"},
            "ops.graphql:3:3: error[graphql.invalid-operation]: Cannot query field 'b' on type 'Query'.",
        ),
        (
            {"a.graphql": "type Query { a: Int }\n", "ops.graphql": "{ a }\n"},
            "ops.graphql:1:1: error[graphql.anonymous-operation]: give every operation in the client's documents "
            "a name (it names the client method)",
        ),
        (
            {"ops.graphql": "query Q { a }\n"},
            "ops.graphql: error[graphql.no-schema]: no type definitions found in the GraphQL files given",
        ),
        (
            {"a.graphql": "type Mutation { a: Int }\n"},
            "a.graphql: error[graphql.invalid-schema]: Query root type must be provided.",
        ),
        (
            {"a.graphql": "interface I { a: Int }\ntype Query implements I { b: Int }\n"},
            "a.graphql:2:1: error[graphql.invalid-schema]: "
            "Interface field I.a expected but Query does not provide it.",
        ),
    ],
)
def test_broken_contracts_get_one_located_error(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = [_snapshot(message, tmp_path) for message in errors_of(*(tmp_path / name for name in files))]
    assert any(expected in message for message in found), found
    assert len(found) == 1, found


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "a.graphql"
    path.write_bytes(b"type Query { a: Int }\n# \xff\n")
    assert errors_of(path) == [
        f"{path}:2:3: error[graphql.encoding]: not UTF-8 text (invalid start byte at byte 24); save the file as UTF-8"
    ]


def test_lenient_keeps_the_first_of_a_duplicated_field(tmp_path: Path) -> None:
    path = tmp_path / "a.graphql"
    path.write_text("type Query {\n  a: Int\n  b: Int\n  a: String\n}\n")
    assert errors_of(path) == [f"{path}:4:3: error[graphql.invalid-schema]: Field 'Query.a' can only be defined once."]
    contract, sink = read(path, lenient=True)
    assert [str(item) for item in sink.items] == [
        f"{path}:4:3: warning[graphql.duplicate-field]: field Query.a is defined more than once; "
        "the first definition is used"
    ]
    assert [(field.wire_name, field.type) for field in contract.named("Query").fields] == [
        ("a", Nullable(Primitive(PrimitiveKind.INTEGER))),
        ("b", Nullable(Primitive(PrimitiveKind.INTEGER))),
    ]
    assert contract.schema_files[0].text.count("a:") == 1, "the repaired schema is what ships"


def test_lenient_drops_deprecation_of_an_implementation(tmp_path: Path) -> None:
    path = tmp_path / "a.graphql"
    path.write_text('interface Node { id: ID! }\ntype Query implements Node { id: ID! @deprecated(reason: "x") }\n')
    import graphql

    if not graphql.version.startswith("3.2"):
        assert errors_of(path)
    contract, _ = read(path, lenient=True)
    assert contract.named("Query").fields[0].deprecation is None
    assert "@deprecated" not in contract.schema_files[0].text


def test_cli_exit_code_2_and_output_untouched(tmp_path: Path) -> None:
    broken = tmp_path / "broken.graphql"
    broken.write_text("type Query { a: Nope }\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    before = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())).hexdigest()
    result = subprocess.run(
        [tool("contractgen"), "generate", str(broken), "-o", str(out)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2, result
    assert result.stderr.strip() == f"{broken}:1:17: error[graphql.invalid-schema]: Unknown type 'Nope'."
    assert "Traceback" not in result.stderr
    after = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())).hexdigest()
    assert before == after and sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_validate_reports_types_and_root_fields() -> None:
    result = subprocess.run(
        [tool("contractgen"), "validate", str(SPECS / "chat")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{SPECS / 'chat'}: valid graphql contract, 24 types, 10 root fields, 0 warnings"
