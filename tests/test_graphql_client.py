"""The `graphql-client` target, run for real against GraphQL servers built in this file.

Each contract (chat with its operation documents, bookshop with default operations, a hostile
one) is generated with the `graphql-client` target only; a small Ariadne app over the same SDL
with canned resolvers serves all three under uvicorn on 127.0.0.1, subscriptions included
(graphql-transport-ws). Every operation is called through `Client` and `AsyncClient`.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from ariadne.asgi import GraphQL
from ariadne.asgi.handlers import GraphQLTransportWSHandler
from graphql import build_schema
from starlette.applications import Starlette
from starlette.routing import Mount

from generator.diagnostics import DiagnosticSink
from generator.ir.graphql import RootKind
from generator.ir.model import Contract
from generator.ir.names import PythonIdentifier
from generator.pipeline import Job, generate, read_contract
from generator.targets import graphql_client
from generator.targets.graphql_client.result_models import result_models_view
from generator.targets.graphql_client.views import client_operation_views
from generator.targets.options import TargetOptions
from tests.conftest import SPECS, free_port, project_env, serve_with_uvicorn, tool

TARGETS = ("graphql-client",)
PACKAGE = PythonIdentifier("shop")
CREATED_AT = "2024-01-31T12:00:00Z"

HOSTILE_SDL = """
"Anything with an id."
interface Node { id: ID! }
"An interface implementing an interface."
interface Entity implements Node { id: ID! name: String! }
type Thing implements Entity & Node {
  id: ID!
  name: String!
  class: String!
  json: String
  list: [Int!]
  str: String
}
type Other implements Entity & Node { id: ID! name: String! size: Int }
type Plain implements Node { id: ID! }
type Query {
  node(self: ID!, headers: String): Node
  entity(self: ID!): Entity
}
type Mutation { close(execute: Int): Boolean! }
"""
HOSTILE_OPERATIONS = """
fragment EntityBits on Entity {
  name
  ... on Thing { class json list str }
  ... on Other { size }
}
query Execute($self: ID!, $headers: String) {
  node(self: $self, headers: $headers) { id ...EntityBits }
}
query Field($self: ID!) {
  json: entity(self: $self) { ... on Node { id } ...EntityBits }
}
query Str { str: node(self: "plain") { class: id } }
mutation Close($execute: Int) { close(execute: $execute) }
"""


@dataclass(frozen=True)
class Generated:
    name: str
    project: Path
    package: str

    def module(self, name: str) -> ModuleType:
        source = str(self.project / "src")
        if source not in sys.path:
            sys.path.insert(0, source)
        return importlib.import_module(f"{self.package}.{name}")

    @property
    def client(self) -> ModuleType:
        return self.module("client")


def _generate(contracts: tuple[Path, ...], project: Path, package: str) -> Generated:
    report = generate(Job(contracts, project, TARGETS, package), DiagnosticSink())
    assert report.ok, report
    return Generated(project.name, project, package)


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ...]:
    folder = tmp_path_factory.mktemp("hostile_contract")
    (folder / "schema.graphql").write_text(HOSTILE_SDL)
    (folder / "operations.graphql").write_text(HOSTILE_OPERATIONS)
    return (folder / "schema.graphql", folder / "operations.graphql")


CONTRACTS: dict[str, Callable[[tuple[Path, ...]], tuple[Path, ...]]] = {
    "chat": lambda hostile: (SPECS / "chat",),
    "bookshop": lambda hostile: (SPECS / "bookshop.graphql",),
    "hostile": lambda hostile: hostile,
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory, hostile_files: tuple[Path, ...]) -> dict[str, Generated]:
    """Package names differ from other tests' (`chat`, `bookshop`) so all import in one process."""
    return {
        name: _generate(contracts(hostile_files), tmp_path_factory.mktemp(name) / name, f"{name}_gql")
        for name, contracts in CONTRACTS.items()
    }


@pytest.fixture(scope="module")
def chat(projects: dict[str, Generated]) -> ModuleType:
    return projects["chat"].client


@pytest.fixture(scope="module")
def bookshop(projects: dict[str, Generated]) -> ModuleType:
    return projects["bookshop"].client


@pytest.fixture(scope="module")
def hostile(projects: dict[str, Generated]) -> ModuleType:
    return projects["hostile"].client


# --- the servers: canned resolvers over the contracts' own SDL ----------------------------------------

USER = {
    "__typename": "User",
    "id": "u1",
    "displayName": "Ada",
    "status": "ONLINE",
    "email": "ada@example.com",
    "favouriteColour": "#ff8800",
}
BOT = {"__typename": "Bot", "id": "b1", "displayName": "Helper", "owner": USER, "config": {"verbose": True}}
ATTACHMENTS = [
    {"__typename": "Image", "url": "https://example.com/a.png", "width": 640, "height": 480},
    {"__typename": "File", "url": "https://example.com/b.pdf", "sizeBytes": 1024, "mimeType": "application/pdf"},
]


def _fail(message: str) -> Callable[..., Any]:
    def resolver(*_: Any, **__: Any) -> Any:
        raise ValueError(message)

    return resolver


def _message(message_id: str, body: str, author: dict[str, Any], room_id: str = "r1") -> dict[str, Any]:
    return {
        "__typename": "Message",
        "id": message_id,
        "createdAt": CREATED_AT,
        "body": body,
        "author": author,
        "attachments": ATTACHMENTS,
        "reactions": [],
        "room": lambda info: _room(room_id),
    }


def _room(room_id: str) -> dict[str, Any]:
    def messages(info: Any, **arguments: Any) -> list[dict[str, Any]]:
        echo = f"first={arguments.get('first')} order={arguments.get('order')}"
        return [_message("m1", echo, USER, room_id), _message("m2", echo, BOT, room_id)]

    return {
        "__typename": "Room",
        "id": room_id,
        "name": "General",
        "topic": _fail("topic unavailable") if room_id == "broken" else "Chatter",
        "createdAt": CREATED_AT,
        "archived": False,
        "messages": messages,
        "participants": [USER, BOT],
    }


def _posted(info: Any, input: dict[str, Any]) -> dict[str, Any]:
    kinds = [attachment["kind"] for attachment in input["attachments"] or []]
    body = f"{input['body']} urgent={input['urgent']} kinds={','.join(kinds)}"
    return _message("m9", body, USER, input["roomId"])


async def _events(room_id: str) -> AsyncIterator[dict[str, Any]]:
    for number in range(2):
        yield {"messagePosted": _message(f"e{number}", f"event {number}", BOT, room_id)}


def _message_posted(info: Any, roomId: str) -> AsyncIterator[dict[str, Any]]:
    if roomId == "missing":
        raise ValueError("no room missing")
    return _events(roomId)


def _delete(info: Any, id: str) -> bool:
    if id == "missing":
        raise ValueError("no message missing")
    return True


CHAT_ROOT: dict[str, Any] = {
    "node": lambda info, id: {"r1": _room("r1"), "u1": USER, "b1": BOT}.get(id),
    "rooms": [_room("r1"), _room("r2")],
    "room": lambda info, id: None if id == "missing" else _room(id),
    "search": lambda info, text, limit=None: [_message("m1", text, USER), _room("r1"), USER, BOT][: limit or 10],
    "me": USER,
    "serverTime": CREATED_AT,
    "postMessage": _posted,
    "setStatus": lambda info, status: {**USER, "status": status},
    "deleteMessage": _delete,
    "messagePosted": _message_posted,
}

BOOK = {
    "__typename": "Book",
    "id": "b1",
    "title": "Dune",
    "genre": "FICTION",
    "year": 1965,
    "price": 9.5,
    "inStock": True,
    "author": {"__typename": "Author", "id": "a1", "name": "Frank Herbert", "books": []},
    "reviews": [{"__typename": "Review", "stars": 5, "text": None}],
}
BOOKSHOP_ROOT: dict[str, Any] = {
    "book": lambda info, id: BOOK if id == "b1" else None,
    "books": lambda info, first=10, genre=None: [BOOK][:first] if genre in (None, "FICTION") else [],
    "authors": [{**BOOK["author"], "books": [BOOK]}],
    "addReview": lambda info, bookId, review: {**BOOK, "reviews": [{"__typename": "Review", **review}]},
}

THING = {"__typename": "Thing", "id": "t1", "name": "thing", "class": "A", "json": "{}", "list": [1, 2], "str": "s"}
HOSTILE_NODES = {"t1": THING, "o1": {"__typename": "Other", "id": "o1", "name": "other", "size": 3}}
HOSTILE_ROOT: dict[str, Any] = {
    "node": lambda info, headers=None, **arguments: {"plain": {"__typename": "Plain", "id": "p1"}}.get(
        arguments["self"], HOSTILE_NODES.get(arguments["self"])
    ),
    "entity": lambda info, **arguments: HOSTILE_NODES.get(arguments["self"]),
    "close": lambda info, execute=None: execute == 1,
}


def _graphql_app(sdl: str, root: dict[str, Any]) -> GraphQL:
    return GraphQL(build_schema(sdl), root_value=root, websocket_handler=GraphQLTransportWSHandler())


def _sdl(*paths: Path) -> str:
    return "\n".join(path.read_text() for path in paths)


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """uvicorn in a thread of this process, on 127.0.0.1 and a free port; yields `http://host:port`."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not come up")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(hostile_files: tuple[Path, ...]) -> Iterator[str]:
    """One server for all three contracts: `/chat/graphql`, `/bookshop/graphql`, `/hostile/graphql`."""
    apps = {
        "chat": _graphql_app(_sdl(SPECS / "chat" / "schema.graphql", SPECS / "chat" / "extensions.graphql"), CHAT_ROOT),
        "bookshop": _graphql_app(_sdl(SPECS / "bookshop.graphql"), BOOKSHOP_ROOT),
        "hostile": _graphql_app(_sdl(hostile_files[0]), HOSTILE_ROOT),
    }
    app = Starlette(routes=[Mount(f"/{name}", app=graphql) for name, graphql in apps.items()])
    with serve_in_thread(app) as base_url:
        yield base_url


# --- the generated code is clean ----------------------------------------------------------------------


def _run(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_generated_client_passes_black_ruff_and_mypy_strict(projects: dict[str, Generated], name: str) -> None:
    project = projects[name].project
    black = _run([tool("black"), "--check", "src"], project)
    assert black.returncode == 0, black.stderr
    ruff = _run([tool("ruff"), "check", "--no-cache", "src"], project)
    assert ruff.returncode == 0, ruff.stdout
    mypy = _run([tool("mypy"), "--strict", "--no-incremental", "src"], project)
    assert mypy.returncode == 0, mypy.stdout


def test_client_brings_the_shared_types_only_without_the_ariadne_target() -> None:
    contract = read_contract([SPECS / "bookshop.graphql"], DiagnosticSink())
    alone = graphql_client.plan(contract, TargetOptions(PACKAGE, "bookshop.graphql", ("graphql-client",)))
    beside = graphql_client.plan(contract, TargetOptions(PACKAGE, "bookshop.graphql", ("ariadne", "graphql-client")))
    assert "src/shop/_generated/types.py" in {spec.path for spec in alone}
    assert "src/shop/_generated/types.py" not in {spec.path for spec in beside}
    assert {spec.path for spec in beside} >= {
        "src/shop/client.py",
        "src/shop/_generated/client.py",
        "src/shop/_generated/client_models.py",
        "src/shop/_generated/client_documents.py",
        "src/shop/_generated/client_runtime.py",
    }


def test_documents_are_module_constants_sent_as_is(projects: dict[str, Generated], chat: ModuleType) -> None:
    contract = read_contract([SPECS / "chat"], DiagnosticSink())
    assert isinstance(contract, Contract) and contract.graphql is not None
    documents = {operation.operation_name: operation.document for operation in contract.graphql.operations}
    assert documents["RoomWithMessages"] == chat.documents.ROOM_WITH_MESSAGES
    assert documents["MessagePosted"] == chat.documents.MESSAGE_POSTED
    assert "fragment MessageFields on Message" in chat.documents.POST_MESSAGE


# --- every operation, both faces ----------------------------------------------------------------------

Call = tuple[dict[str, Any], Callable[[Any], bool]]


def chat_calls(client: ModuleType) -> dict[str, Call]:
    models, types = client.models, client.types

    def room_with_messages(result: Any) -> bool:
        room = result.room
        authors = [message.author for message in room.messages]
        attachments = room.messages[0].attachments
        return (
            isinstance(result, models.RoomWithMessages)
            and isinstance(room, models.RoomWithMessagesRoom)
            and room.created_at.year == 2024
            and [type(author) for author in authors]
            == [models.RoomWithMessagesRoomMessagesAuthorUser, models.RoomWithMessagesRoomMessagesAuthorBot]
            and authors[0].status is types.UserStatus.ONLINE
            and authors[1].owner.display_name == "Ada"
            and [type(item) for item in attachments]
            == [models.RoomWithMessagesRoomMessagesAttachmentsImage, models.RoomWithMessagesRoomMessagesAttachmentsFile]
            and attachments[1].size_bytes == 1024
            and isinstance(room.participants[1], models.RoomWithMessagesRoomParticipantsBot)
            and room.messages[0].body == "first=2 order=OLDEST_FIRST"
        )

    def search(result: Any) -> bool:
        return [type(item).__name__ for item in result.results] == [
            "SearchResultsMessage",
            "SearchResultsRoom",
            "SearchResultsUser",
            "SearchResultsBot",
        ] and result.results[2].email == "ada@example.com"

    def node(result: Any) -> bool:
        return isinstance(result.node, models.NodeNodeRoom) and result.node.name == "General"

    def post_message(result: Any) -> bool:
        message = result.post_message
        return (
            isinstance(message, models.PostMessagePostMessage)
            and message.body == "hi urgent=True kinds=IMAGE,FILE"
            and isinstance(message.author, models.PostMessagePostMessageAuthorUser)
        )

    attachments = [types.AttachmentInput(url="https://x/a.png"), types.AttachmentInput(url="u", kind="FILE")]
    return {
        "room_with_messages": (
            {"room_id": "r1", "first": 2, "order": types.Order.OLDEST_FIRST},
            room_with_messages,
        ),
        "rooms": (
            {},
            lambda result: [room.id for room in result.rooms] == ["r1", "r2"] and not result.rooms[0].archived,
        ),
        "search": ({"text": "hello"}, search),
        "node": ({"id": "r1"}, node),
        "me": (
            {},
            lambda result: (
                isinstance(result.me, models.MeMe)
                and result.me.favourite_colour == "#ff8800"
                and result.server_time.tzinfo is not None
            ),
        ),
        "post_message": (
            {"input": types.PostMessageInput(room_id="r1", body="hi", attachments=attachments, urgent=True)},
            post_message,
        ),
        "set_status": (
            {"status": types.UserStatus.AWAY},
            lambda result: result.set_status.status is types.UserStatus.AWAY,
        ),
        "delete_message": ({"id": "m1"}, lambda result: result.deleted is True),
    }


def bookshop_calls(client: ModuleType) -> dict[str, Call]:
    models, types = client.models, client.types
    return {
        "book": (
            {"id": "b1"},
            lambda result: (
                isinstance(result.book, models.BookBook)
                and result.book.genre is types.Genre.FICTION
                and result.book.typename__ == "Book"
                and isinstance(result.book.reviews[0], models.BookBookReviews)
            ),
        ),
        "books": ({"first": 1, "genre": types.Genre.FICTION}, lambda result: result.books[0].in_stock is True),
        "authors": ({}, lambda result: result.authors[0].books[0].title == "Dune"),
        "add_review": (
            {"book_id": "b1", "review": types.ReviewInput(stars=4, text="Good")},
            lambda result: [(review.stars, review.text) for review in result.add_review.reviews] == [(4, "Good")],
        ),
    }


CALL_TABLES = {"chat": chat_calls, "bookshop": bookshop_calls}


def _queries_and_mutations(name: str) -> set[str]:
    contract = read_contract(list(CONTRACTS[name](())), DiagnosticSink())
    assert contract.graphql is not None
    return {op.name for op in contract.graphql.operations if op.kind is not RootKind.SUBSCRIPTION}


@pytest.mark.parametrize("name", sorted(CALL_TABLES))
def test_call_tables_cover_every_query_and_mutation(projects: dict[str, Generated], name: str) -> None:
    assert set(CALL_TABLES[name](projects[name].client)) == _queries_and_mutations(name)


def test_bookshop_operations_were_made_up_from_the_root_fields() -> None:
    contract = read_contract([SPECS / "bookshop.graphql"], DiagnosticSink())
    assert contract.graphql is not None and contract.graphql.operations_generated


@pytest.mark.parametrize("name", sorted(CALL_TABLES))
def test_sync_client_calls_every_operation(projects: dict[str, Generated], server: str, name: str) -> None:
    client_module = projects[name].client
    with client_module.Client(f"{server}/{name}/graphql") as client:
        for method, (arguments, check) in CALL_TABLES[name](client_module).items():
            result = getattr(client, method)(**arguments)
            assert check(result), (method, result)


@pytest.mark.parametrize("name", sorted(CALL_TABLES))
def test_async_client_calls_every_operation(projects: dict[str, Generated], server: str, name: str) -> None:
    client_module = projects[name].client

    async def main() -> None:
        async with client_module.AsyncClient(f"{server}/{name}/graphql") as client:
            for method, (arguments, check) in CALL_TABLES[name](client_module).items():
                result = await getattr(client, method)(**arguments)
                assert check(result), (method, result)

    asyncio.run(main())


# --- variables ------------------------------------------------------------------------------------------


@contextmanager
def recording_client(client_module: ModuleType, url: str) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """A `Client` over an injected `httpx.Client` that keeps every request body it sends."""
    sent: list[dict[str, Any]] = []

    def record(request: httpx.Request) -> None:
        sent.append(json.loads(request.content))

    with httpx.Client(event_hooks={"request": [record]}) as http:
        yield client_module.Client(url, http_client=http), sent


def test_optional_variables_are_left_out_unless_given_and_none_is_sent_as_null(chat: ModuleType, server: str) -> None:
    with recording_client(chat, f"{server}/chat/graphql") as (client, sent):
        omitted = client.room_with_messages(room_id="r1")
        null = client.room_with_messages(room_id="r1", first=None, order=None)
    assert sent[0]["variables"] == {"roomId": "r1"}
    assert sent[1]["variables"] == {"roomId": "r1", "first": None, "order": None}
    assert sent[0]["operationName"] == "RoomWithMessages"
    assert omitted.room.messages[0].body == "first=5 order=NEWEST_FIRST"  # defaults: the document's, the SDL's
    assert null.room.messages[0].body == "first=None order=None"


def test_input_models_are_sent_by_alias_without_unset_fields(chat: ModuleType, server: str) -> None:
    types = chat.types
    with recording_client(chat, f"{server}/chat/graphql") as (client, sent):
        defaults = client.post_message(input=types.PostMessageInput(room_id="r1", body="hi"))
        given = client.post_message(
            input=types.PostMessageInput(
                room_id="r1",
                body="hi",
                urgent=False,
                attachments=[types.AttachmentInput(url="u", kind=types.AttachmentKind.FILE)],
            )
        )
    assert sent[0]["variables"] == {"input": {"roomId": "r1", "body": "hi"}}
    assert sent[1]["variables"]["input"] == {
        "roomId": "r1",
        "body": "hi",
        "urgent": False,
        "attachments": [{"url": "u", "kind": "FILE"}],
    }
    assert defaults.post_message.body == "hi urgent=False kinds="  # the SDL defaults, applied by the server
    assert given.post_message.body == "hi urgent=False kinds=FILE"


def test_enum_variables_are_sent_by_value(chat: ModuleType, server: str) -> None:
    with recording_client(chat, f"{server}/chat/graphql") as (client, sent):
        client.set_status(status=chat.types.UserStatus.OFFLINE)
    assert sent[0]["variables"] == {"status": "OFFLINE"}


# --- errors -------------------------------------------------------------------------------------------


def test_graphql_errors_raise_response_error_with_path(chat: ModuleType, server: str) -> None:
    with chat.Client(f"{server}/chat/graphql") as client, pytest.raises(chat.GraphQLResponseError) as raised:
        client.delete_message(id="missing")
    error = raised.value.errors[0]
    assert isinstance(error, chat.GraphQLErrorDetail)
    assert error.message == "no message missing"
    assert error.path == ("deleted",)  # the alias: paths name response keys
    assert error.locations and error.locations[0].line > 0
    assert raised.value.data is None and isinstance(raised.value, chat.GraphQLClientError)


def test_partial_data_comes_with_the_response_error(chat: ModuleType, server: str) -> None:
    async def main() -> Any:
        async with chat.AsyncClient(f"{server}/chat/graphql") as client:
            with pytest.raises(chat.GraphQLResponseError) as raised:
                await client.room_with_messages(room_id="broken")
            return raised.value

    error = asyncio.run(main())
    assert error.errors[0].path == ("room", "topic") and error.status_code == 200
    assert error.data["room"]["topic"] is None and error.data["room"]["name"] == "General"


def _mock(status: int, body: bytes | str, content_type: str = "application/json") -> Callable[..., httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": content_type})

    return handler


def test_http_500_raises_transport_error_on_both_faces(chat: ModuleType) -> None:
    handler = _mock(500, "Internal Server Error", "text/plain")
    client = chat.Client("http://graphql.test/graphql", transport=httpx.MockTransport(handler))
    with pytest.raises(chat.GraphQLTransportError) as raised:
        client.rooms()
    assert raised.value.status_code == 500 and raised.value.response.text == "Internal Server Error"

    async def main() -> None:
        async with chat.AsyncClient("http://graphql.test/graphql", transport=httpx.MockTransport(handler)) as client:
            with pytest.raises(chat.GraphQLTransportError) as raised:
                await client.rooms()
            assert raised.value.status_code == 500

    asyncio.run(main())


def test_unreachable_server_raises_transport_error(chat: ModuleType) -> None:
    with chat.Client(f"http://127.0.0.1:{free_port()}/graphql") as client, pytest.raises(chat.GraphQLTransportError):
        client.rooms()


def test_data_that_does_not_fit_the_model_raises_decode_error(chat: ModuleType) -> None:
    handler = _mock(200, json.dumps({"data": {"rooms": [{"id": "r1"}]}}))
    client = chat.Client("http://graphql.test/graphql", transport=httpx.MockTransport(handler))
    with pytest.raises(chat.GraphQLDecodeError) as raised:
        client.rooms()
    assert raised.value.data == {"rooms": [{"id": "r1"}]} and raised.value.operation_name == "Rooms"


def test_a_reply_that_is_not_graphql_raises_transport_error(chat: ModuleType) -> None:
    handler = _mock(200, "<html>proxy login</html>", "text/html")
    client = chat.Client("http://graphql.test/graphql", transport=httpx.MockTransport(handler))
    with pytest.raises(chat.GraphQLTransportError):
        client.rooms()


# --- subscriptions ------------------------------------------------------------------------------------


def test_async_subscription_yields_result_models_until_complete(chat: ModuleType, server: str) -> None:
    async def main() -> list[Any]:
        async with chat.AsyncClient(f"{server}/chat/graphql") as client:
            return [event async for event in client.message_posted(room_id="r7")]

    events = asyncio.run(main())
    assert [type(event) for event in events] == [chat.models.MessagePosted] * 2
    posted = events[1].message_posted
    assert posted.body == "event 1" and posted.room.id == "r7"
    assert isinstance(posted.author, chat.models.MessagePostedMessagePostedAuthorBot)


def test_sync_subscription_yields_result_models_until_complete(chat: ModuleType, server: str) -> None:
    with chat.Client(f"{server}/chat/graphql") as client:
        events = list(client.message_posted(room_id="r8"))
    assert [event.message_posted.body for event in events] == ["event 0", "event 1"]
    assert isinstance(events[0], chat.models.MessagePosted)


def test_subscription_left_early_closes_cleanly(chat: ModuleType, server: str) -> None:
    async def main() -> str:
        async with chat.AsyncClient(f"{server}/chat/graphql") as client, client.message_posted(room_id="r1") as events:
            async for event in events:
                return str(event.message_posted.id)
        return ""

    assert asyncio.run(main()) == "e0"
    with chat.Client(f"{server}/chat/graphql") as client, client.message_posted(room_id="r1") as events:
        assert next(events).message_posted.id == "e0"


def test_subscription_errors_raise_response_error(chat: ModuleType, server: str) -> None:
    async def main() -> None:
        async with chat.AsyncClient(f"{server}/chat/graphql") as client:
            async for _ in client.message_posted(room_id="missing"):
                pass

    with pytest.raises(chat.GraphQLResponseError, match="no room missing"):
        asyncio.run(main())
    with chat.Client(f"{server}/chat/graphql") as client, pytest.raises(chat.GraphQLResponseError):
        list(client.message_posted(room_id="missing"))


def test_subscription_to_a_closed_port_raises_transport_error(chat: ModuleType) -> None:
    with chat.Client(f"http://127.0.0.1:{free_port()}/graphql") as client, pytest.raises(chat.GraphQLTransportError):
        list(client.message_posted(room_id="r1"))


def test_transport_ws_protocol_answers_pings_and_refuses_stray_messages(projects: dict[str, Generated]) -> None:
    runtime = projects["chat"].module("_generated.client_runtime")
    protocol = runtime._TransportWs({"query": "subscription { x }"}, {"token": "t"})
    assert json.loads(protocol.start()) == {"type": "connection_init", "payload": {"token": "t"}}
    assert protocol.stop() is None  # nothing subscribed yet, nothing to complete
    assert [json.loads(reply) for reply in protocol.receive('{"type": "ping"}').replies] == [{"type": "pong"}]
    with pytest.raises(runtime.GraphQLTransportError):
        protocol.receive('{"id": "1", "type": "next", "payload": {"data": {}}}')  # before connection_ack
    subscribe = json.loads(protocol.receive('{"type": "connection_ack"}').replies[0])
    assert subscribe == {"id": "1", "type": "subscribe", "payload": {"query": "subscription { x }"}}
    assert protocol.receive('{"id": "1", "type": "next", "payload": {"data": {"x": 1}}}').data == {"x": 1}
    with pytest.raises(runtime.GraphQLTransportError):
        protocol.receive("not json")
    assert json.loads(protocol.stop() or "") == {"id": "1", "type": "complete"}
    assert protocol.stop() is None


def test_default_and_per_call_headers_are_sent(chat: ModuleType) -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={"data": {"rooms": []}})

    client = chat.Client(
        "http://graphql.test/graphql", headers={"Authorization": "Bearer a"}, transport=httpx.MockTransport(handler)
    )
    assert client.rooms().rooms == []
    client.rooms(headers={"Authorization": "Bearer b", "X-Trace": "1"})
    assert seen[0]["authorization"] == "Bearer a" and "application/json" in seen[0]["accept"]
    assert seen[1]["authorization"] == "Bearer b" and seen[1]["x-trace"] == "1"


# --- hostile names ------------------------------------------------------------------------------------


def test_hostile_names_are_renamed_where_python_needs_it(hostile: ModuleType) -> None:
    for method in ("execute_2", "close_2", "str_2", "field"):
        assert callable(getattr(hostile.Client, method)), method
    assert callable(hostile.Client.execute) and callable(hostile.Client.close)
    fields = hostile.models.ExecuteNodeThing.model_fields
    assert {name: fields[name].alias for name in ("class_", "json_2", "list_2", "str_2")} == {
        "class_": "class",
        "json_2": "json",
        "list_2": "list",
        "str_2": "str",
    }
    assert hostile.models.Field2.model_fields["json_2"].alias == "json"


def test_hostile_operations_run(hostile: ModuleType, server: str) -> None:
    models = hostile.models
    with recording_client(hostile, f"{server}/hostile/graphql") as (client, sent):
        thing = client.execute_2(self_="t1", headers_2="h").node
        other = client.execute_2(self_="o1").node
        plain = client.execute_2(self_="plain").node
        entity = client.field(self_="t1").json_2
        renamed = client.str_2().str_2
        null_headers = client.execute_2(self_="t1", headers_2=None)
        closed = client.close_2(execute=1)
    assert sent[0]["variables"] == {"self": "t1", "headers": "h"}
    assert sent[1]["variables"] == {"self": "o1"}
    assert sent[5]["variables"] == {"self": "t1", "headers": None} and null_headers.node is not None
    assert isinstance(thing, models.ExecuteNodeThing)
    assert (thing.class_, thing.json_2, thing.list_2, thing.str_2) == ("A", "{}", [1, 2], "s")
    assert isinstance(other, models.ExecuteNodeOther) and other.size == 3
    assert isinstance(plain, models.ExecuteNodePlain) and plain.typename__ == "Plain"
    assert isinstance(entity, models.Field2JsonThing) and entity.id == "t1" and entity.name == "thing"
    assert isinstance(renamed, models.StrStr) and renamed.class_ == "p1"  # one variant: just the class
    assert closed.close is True


# --- against the server the `ariadne` target generates ----------------------------------------------

LIVE_CALLS = {
    "chat": """{
        "room_with_messages": {"room_id": "r1", "first": 2, "order": types.Order.OLDEST_FIRST},
        "rooms": {},
        "search": {"text": "hello", "limit": 3},
        "node": {"id": "r1"},
        "me": {},
        "post_message": {"input": types.PostMessageInput(room_id="r1", body="hi", urgent=True)},
        "set_status": {"status": types.UserStatus.AWAY},
        "delete_message": {"id": "m1"},
        "message_posted": {"room_id": "r1"},
    }""",
    "bookshop": """{
        "book": {"id": "b1"},
        "books": {"first": 2, "genre": types.Genre.FICTION},
        "authors": {},
        "add_review": {"book_id": "b1", "review": types.ReviewInput(stars=4, text="Good")},
    }""",
}
LIVE_SCRIPT = """
import asyncio, json, sys
from {package} import client as api

types = api.types
url, expected = sys.argv[1], json.loads(sys.argv[2])
calls = {calls}


def check(method, results):
    wanted = getattr(api.models, expected[method])
    assert results and all(type(result) is wanted for result in results), (method, results, wanted)


with api.Client(url) as client:
    for method, arguments in calls.items():
        outcome = getattr(client, method)(**arguments)
        check(method, list(outcome) if isinstance(outcome, api.Subscription) else [outcome])


async def main():
    async with api.AsyncClient(url) as client:
        for method, arguments in calls.items():
            outcome = getattr(client, method)(**arguments)
            if isinstance(outcome, api.AsyncSubscription):
                check(method, [event async for event in outcome])
            else:
                check(method, [await outcome])


asyncio.run(main())
print(json.dumps(sorted(calls)))
"""


def test_every_operation_against_the_generated_ariadne_server(graphql_project: Path, tmp_path: Path) -> None:
    """Client and server generated from one contract agree: every result fits its model, both faces.

    Runs in a subprocess: `graphql_project`'s package names (`chat`, `bookshop`) are also used by
    other tests' projects, which may already be imported into this process.
    """
    package = graphql_project.name
    contract = read_contract(list(CONTRACTS[package](())), DiagnosticSink())
    assert contract.graphql is not None
    operations = contract.graphql.operations
    expected = {
        view.method: view.result_class
        for view in client_operation_views(operations, result_models_view(operations).results)
    }
    script = LIVE_SCRIPT.format(package=package, calls=LIVE_CALLS[package])
    with serve_with_uvicorn(graphql_project, f"{package}.app:app", tmp_path / "server.log") as base_url:
        result = subprocess.run(
            [sys.executable, "-c", script, f"{base_url}/graphql", json.dumps(expected)],
            cwd=graphql_project,
            env=project_env(graphql_project),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr + (tmp_path / "server.log").read_text()
    assert json.loads(result.stdout) == sorted(expected)
