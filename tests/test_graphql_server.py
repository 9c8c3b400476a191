"""Generated Ariadne services, run for real: linters, uvicorn, HTTP, WebSocket, limits, hostile names.

Projects are generated with the `ariadne` target only (`server_project`, once per session); the
queries sent are built here from each project's shipped schema, so every root field is asked for.
In-process checks import the generated packages, which get names no other test module uses.
"""

from __future__ import annotations

import datetime
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    build_ast_schema,
    concat_ast,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)
from starlette.testclient import TestClient
from websockets.sync.client import connect

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, generate, read_contract
from generator.targets.ariadne.examples import object_examples
from tests.conftest import SPECS, free_port, project_env, serve_with_uvicorn, tool

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIXTURES = Path(__file__).parent / "fixtures" / "graphql_server"
SERVER_SPECS = {
    "bookshop_server": SPECS / "bookshop.graphql",
    "chat_server": SPECS / "chat",
    "hostile_server": FIXTURES / "hostile.graphql",
    "cycles_server": FIXTURES / "cycles.graphql",
}
DEEP_QUERIES = {
    # Eleven fields deep: one past the default limit of 10.
    "bookshop_server": "{ books { author { books { author { books { author { books { author { books "
    "{ author { name } } } } } } } } } } }",
    "chat_server": "{ rooms { messages { room { messages { room { messages { room { messages { room "
    "{ messages { id } } } } } } } } } } }",
    "cycles_server": "{ a { b { a { b { a { b { a { b { a { b { name } } } } } } } } } } }",
}


def generate_server(spec: Path, out_dir: Path, package: str) -> Path:
    report = generate(Job((spec,), out_dir, ("ariadne",), package), DiagnosticSink())
    assert report.ok, report
    return out_dir


def run(command: list[str], project: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=project, env=project_env(project, **env), capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session", params=sorted(SERVER_SPECS))
def server_project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated with the `ariadne` target only; its package is named after the param."""
    package = str(request.param)
    return generate_server(SERVER_SPECS[package], tmp_path_factory.mktemp(package) / package, package)


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


def shipped_schema(project: Path) -> GraphQLSchema:
    schema_dir = project / "src" / package_of(project) / "_generated" / "schema"
    documents = [parse(path.read_text(encoding="utf-8")) for path in sorted(schema_dir.glob("*.graphql"))]
    return build_ast_schema(concat_ast(documents))


def import_package(project: Path, module: str) -> Any:
    """Import a module of a generated project into this process (package names are unique per test)."""
    source = str(project / "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    return importlib.import_module(f"{package_of(project)}.{module}")


# --- Queries built from the schema ------------------------------------------------------------


def selection(output_type: GraphQLOutputType, depth: int = 1) -> str:
    """`{ __typename scalar fields... nested { ... } }` for composite types; empty for leaves."""
    named = get_named_type(output_type)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        return "{ __typename }"
    assert isinstance(named, GraphQLObjectType) or hasattr(named, "fields")
    chosen = ["__typename"]
    for name, field in named.fields.items():
        if _needs_arguments(field):
            continue
        if is_leaf_type(get_named_type(field.type)):
            chosen.append(name)
        elif depth > 0:
            chosen.append(f"{name} {selection(field.type, depth - 1)}")
    return "{ " + " ".join(chosen) + " }"


def _needs_arguments(field: GraphQLField) -> bool:
    return any(
        isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
        for argument in field.args.values()
    )


_SCALAR_VALUES: dict[str, Any] = {"Int": 1, "Float": 1.5, "Boolean": True, "DateTime": "2024-01-31T12:00:00Z"}


def variable_value(input_type: GraphQLInputType) -> Any:
    """A valid JSON value for a required input: lists of one, inputs with their required fields."""
    if isinstance(input_type, GraphQLNonNull):
        input_type = input_type.of_type
    if isinstance(input_type, GraphQLList):
        return [variable_value(input_type.of_type)]
    if isinstance(input_type, GraphQLEnumType):
        return next(iter(input_type.values))
    if isinstance(input_type, GraphQLInputObjectType):
        return {
            name: variable_value(field.type)
            for name, field in input_type.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    return _SCALAR_VALUES.get(input_type.name, "1")


def root_operation(kind: str, field_name: str, field: GraphQLField) -> tuple[str, dict[str, Any]]:
    """An operation asking for one root field, every argument passed as a variable."""
    required = list(field.args.items())
    declarations = ", ".join(f"$v{index}: {argument.type}" for index, (_, argument) in enumerate(required))
    arguments = ", ".join(f"{name}: $v{index}" for index, (name, _) in enumerate(required))
    text = f"{kind} Check{f'({declarations})' if declarations else ''} {{ {field_name}"
    text += f"({arguments})" if arguments else ""
    text += f" {selection(field.type)} }}"
    variables = {f"v{index}": variable_value(argument.type) for index, (_, argument) in enumerate(required)}
    return text, variables


def root_operations(schema: GraphQLSchema) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(root field, response key, query, variables) for every query and mutation field."""
    operations = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in (root.fields if root else {}).items():
            operations.append((f"{root.name}.{name}", name, *root_operation(kind, name, field)))
    return operations


def subscription_operation(schema: GraphQLSchema) -> tuple[str, str, dict[str, Any]]:
    assert schema.subscription_type is not None
    name, field = next(iter(schema.subscription_type.fields.items()))
    query, variables = root_operation("subscription", name, field)
    return name, query, variables


# --- Static checks ------------------------------------------------------------------------------


def test_generated_code_passes_black(server_project: Path) -> None:
    result = run([tool("black"), "--check", "src"], server_project)
    assert result.returncode == 0, result.stderr


def test_generated_code_passes_ruff(server_project: Path) -> None:
    result = run([tool("ruff"), "check", "--no-cache", "src"], server_project)
    assert result.returncode == 0, result.stdout


def test_generated_code_passes_mypy_strict(server_project: Path) -> None:
    result = run([tool("mypy"), "--strict", "--no-incremental", "src"], server_project)
    assert result.returncode == 0, result.stdout


# --- Live server under uvicorn ------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(server_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("uvicorn") / "server.log"
    with serve_with_uvicorn(server_project, f"{package_of(server_project)}.app:app", log_path) as base_url:
        yield base_url


def test_every_root_query_and_mutation_answers_with_data(server_project: Path, live_server: str) -> None:
    operations = root_operations(shipped_schema(server_project))
    assert operations
    with httpx.Client(base_url=live_server, timeout=10) as client:
        for root_field, key, query, variables in operations:
            response = client.post("/graphql", json={"query": query, "variables": variables})
            body = response.json()
            assert response.status_code == 200, (root_field, query, body)
            assert "errors" not in body, (root_field, query, body)
            assert body["data"][key] is not None, (root_field, body)


def test_health_and_request_ids(server_project: Path, live_server: str) -> None:
    assert httpx.get(live_server + "/healthz").json() == {"status": "ok"}
    assert httpx.get(live_server + "/readyz").json() == {"status": "ready"}
    response = httpx.post(live_server + "/graphql", json={"query": "{ __typename }"}, headers={"x-request-id": "abc"})
    query_type = shipped_schema(server_project).query_type
    assert query_type is not None
    assert response.json() == {"data": {"__typename": query_type.name}}
    assert response.headers["x-request-id"] == "abc"


def test_subscription_over_graphql_transport_ws(server_project: Path, live_server: str) -> None:
    schema = shipped_schema(server_project)
    if schema.subscription_type is None:
        pytest.skip("the contract has no subscription type")
    field_name, query, variables = subscription_operation(schema)
    url = "ws" + live_server.removeprefix("http") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as socket:  # type: ignore[list-item]
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": query, "variables": variables}}))
        messages = [json.loads(socket.recv(timeout=10))]
        while messages[-1]["type"] == "next":
            messages.append(json.loads(socket.recv(timeout=10)))
    events = [message["payload"] for message in messages if message["type"] == "next"]
    assert events and all(event["data"][field_name] for event in events), messages
    assert messages[-1] == {"type": "complete", "id": "1"}


def test_over_deep_query_is_rejected(server_project: Path, live_server: str) -> None:
    package = package_of(server_project)
    if package not in DEEP_QUERIES:
        pytest.skip("no nested example for this contract")
    response = httpx.post(live_server + "/graphql", json={"query": DEEP_QUERIES[package]})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The query is nested deeper than 10 fields."


def test_oversized_body_is_refused_with_413(live_server: str) -> None:
    padding = " " * (1024 * 1024)
    response = httpx.post(live_server + "/graphql", json={"query": "{ __typename }" + padding})
    assert response.status_code == 413


def test_get_queries_are_off_by_default(live_server: str) -> None:
    response = httpx.get(live_server + "/graphql", params={"query": "{ __typename }"})
    assert not response.headers["content-type"].startswith("application/json"), response.text


def test_python_m_serves_on_port_from_environment(chat_settings_project: Path, tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "main.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "chat_settings"],
            cwd=chat_settings_project,
            env=project_env(chat_settings_project, PORT=str(port), LOG_LEVEL="INFO"),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "query Me { me { id } }"})
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert response.json() == {"data": {"me": {"id": "example"}}}
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["message"] == "request"]
    assert [(line["operation"], line["status"]) for line in requests] == [("Me", 200)]
    assert not any(line["logger"] == "uvicorn.access" for line in lines)


# --- In process: settings, custom resolvers -----------------------------------------------------


@pytest.fixture(scope="module")
def chat_settings_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_server(SPECS / "chat", tmp_path_factory.mktemp("chat") / "chat", "chat_settings")


@pytest.fixture(scope="module")
def chat_runtime(chat_settings_project: Path) -> tuple[Any, Any]:
    """The generated `server_runtime` and `app` modules, imported into this process."""
    return (
        import_package(chat_settings_project, "_generated.server_runtime"),
        import_package(chat_settings_project, "app"),
    )


def test_introspection_can_be_switched_off(chat_runtime: Any) -> None:
    runtime, app_module = chat_runtime
    settings = runtime.Settings.from_env({"GRAPHQL_INTROSPECTION": "false", "LOG_LEVEL": "WARNING"})
    closed = TestClient(app_module.create_app(settings=settings))
    query = {"query": "{ __schema { queryType { name } } }"}
    refused = closed.post("/graphql", json=query)
    assert refused.status_code == 400
    assert "introspection is disabled" in refused.json()["errors"][0]["message"]
    open_app = TestClient(app_module.create_app(settings=runtime.Settings(log_level="WARNING")))
    assert open_app.post("/graphql", json=query).json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_limits_come_from_the_environment(chat_runtime: Any) -> None:
    runtime, app_module = chat_runtime
    settings = runtime.Settings.from_env(
        {"GRAPHQL_MAX_DEPTH": "2", "GRAPHQL_MAX_COST": "5", "MAX_BODY_BYTES": "200", "LOG_LEVEL": "WARNING"}
    )
    client = TestClient(app_module.create_app(settings=settings))
    fragment = "fragment Deep on Room { messages { id } } { rooms { ...Deep } }"
    assert client.post("/graphql", json={"query": fragment}).json()["errors"][0]["message"] == (
        "The query is nested deeper than 2 fields."
    )
    wide = client.post("/graphql", json={"query": "{ me { id displayName status email favouriteColour } }"})
    assert "maximum cost of 5" in wide.json()["errors"][0]["message"]
    assert client.post("/graphql", json={"query": "{ me { id } }", "pad": "x" * 300}).status_code == 413


def test_unexpected_errors_are_logged_not_shown(
    chat_settings_project: Path, chat_runtime: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime, app_module = chat_runtime
    mock = import_package(chat_settings_project, "_generated.mock")

    class Failing(mock.MockQueryResolvers):  # type: ignore[misc]
        async def me(self, info: Any) -> Any:
            raise RuntimeError("database password is hunter2")

    resolvers = mock.mock_resolvers()
    failing = type(resolvers)(query=Failing(), mutation=resolvers.mutation, subscription=resolvers.subscription)
    client = TestClient(app_module.create_app(failing, settings=runtime.Settings()))
    response = client.post("/graphql", json={"query": "query Me { me { id } }"})
    assert response.json()["errors"][0]["message"] == "Internal server error"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    failure = next(line for line in lines if line["level"] == "ERROR")
    assert "hunter2" in failure["exception"]
    access = next(line for line in lines if line.get("message") == "request")
    assert access["operation"] == "Me" and access["status"] == response.status_code and access["request_id"]


CUSTOM_RESOLVERS = '''
"""A hand-written implementation: records what the resolvers receive."""

from __future__ import annotations

from typing import Any

from ._generated import resolvers as generated
from ._generated.mock import MockQueryResolvers, MockSubscriptionResolvers, example
from ._generated.server_runtime import Info, context_of
from ._generated.types import Message, MessageFilter, Order, PostMessageInput, Room, User, UserStatus

RECEIVED: dict[str, Any] = {}


class MutationResolvers(generated.MutationResolvers):
    async def post_message(self, info: Info, *, input: PostMessageInput) -> Message:
        RECEIVED["input"] = input
        message: Message = example("Mutation", "postMessage", Message)
        return message.model_copy(update={"body": input.body.upper()})

    async def set_status(self, info: Info, *, status: UserStatus) -> User:
        RECEIVED["status"] = status
        user: User = example("Mutation", "setStatus", User)
        return user.model_copy(update={"status": status})

    async def delete_message(self, info: Info, *, id: str) -> bool:
        RECEIVED["request_id"] = context_of(info).request_id
        return id == "existing"


class RoomResolvers(generated.RoomResolvers):
    async def messages(
        self,
        parent: Room,
        info: Info,
        *,
        first: int | None,
        order: Order | None,
        filter: MessageFilter | None = None,
    ) -> list[Message]:
        RECEIVED["messages"] = (first, order, filter)
        return []


def build_resolvers() -> generated.Resolvers:
    return generated.Resolvers(
        query=MockQueryResolvers(),
        mutation=MutationResolvers(),
        subscription=MockSubscriptionResolvers(),
        room=RoomResolvers(),
    )
'''


@pytest.fixture(scope="module")
def custom_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The chat contract with the scaffolded `resolvers.py` replaced by a real implementation."""
    project = generate_server(SPECS / "chat", tmp_path_factory.mktemp("custom") / "custom", "chat_custom")
    (project / "src" / "chat_custom" / "resolvers.py").write_text(CUSTOM_RESOLVERS, encoding="utf-8")
    return project


def test_custom_resolvers_type_check_against_the_interfaces(custom_project: Path) -> None:
    result = run([tool("mypy"), "--strict", "--no-incremental", "src"], custom_project)
    assert result.returncode == 0, result.stdout


def test_inputs_arrive_as_models_and_enums_as_members(custom_project: Path) -> None:
    app_module = import_package(custom_project, "app")
    types = import_package(custom_project, "_generated.types")
    received = import_package(custom_project, "resolvers").RECEIVED
    client = TestClient(app_module.app)
    mutation = """mutation Post($input: PostMessageInput!) {
      postMessage(input: $input) { body }
      setStatus(status: AWAY) { status }
      deleteMessage(id: "existing")
    }"""
    variables = {"input": {"roomId": "r1", "body": "hi", "attachments": [{"url": "a"}, {"url": "b", "kind": "FILE"}]}}
    response = client.post(
        "/graphql", json={"query": mutation, "variables": variables}, headers={"x-request-id": "r-1"}
    )
    assert response.json() == {
        "data": {"postMessage": {"body": "HI"}, "setStatus": {"status": "AWAY"}, "deleteMessage": True}
    }
    posted = received["input"]
    assert isinstance(posted, types.PostMessageInput)
    assert posted.room_id == "r1" and posted.urgent is False  # the SDL default, applied by graphql-core
    assert [type(item) for item in posted.attachments] == [types.AttachmentInput, types.AttachmentInput]
    assert [item.kind for item in posted.attachments] == [types.AttachmentKind.IMAGE, types.AttachmentKind.FILE]
    assert received["status"] is types.UserStatus.AWAY
    assert received["request_id"] == "r-1"


def test_overridden_object_field_gets_python_arguments(custom_project: Path) -> None:
    app_module = import_package(custom_project, "app")
    types = import_package(custom_project, "_generated.types")
    received = import_package(custom_project, "resolvers").RECEIVED
    client = TestClient(app_module.app)
    query = '{ rooms { createdAt messages(filter: {since: "2024-01-31T12:00:00Z", authorIds: ["u1"]}) { id } } }'
    response = client.post("/graphql", json={"query": query})
    assert response.json() == {"data": {"rooms": [{"createdAt": "2024-01-31T12:00:00+00:00", "messages": []}]}}
    first, order, message_filter = received["messages"]
    assert (first, order) == (20, types.Order.NEWEST_FIRST)
    assert isinstance(message_filter, types.MessageFilter)
    assert message_filter.author_ids == ["u1"]
    assert message_filter.since.isoformat() == "2024-01-31T12:00:00+00:00"


def test_scaffold_is_not_overwritten_on_regeneration(custom_project: Path) -> None:
    generate_server(SPECS / "chat", custom_project, "chat_custom")
    assert (custom_project / "src" / "chat_custom" / "resolvers.py").read_text(encoding="utf-8") == CUSTOM_RESOLVERS


# --- Examples: one shared instance per object type, cycles included ---------------------------


def contract_from(sdl: str, tmp_path: Path) -> Any:
    path = tmp_path / "schema.graphql"
    path.write_text(sdl, encoding="utf-8")
    contract = read_contract([path], DiagnosticSink()).graphql
    assert contract is not None
    return contract


def test_each_object_type_has_one_example_referring_to_the_others() -> None:
    contract = read_contract([SPECS / "bookshop.graphql"], DiagnosticSink()).graphql
    assert contract is not None
    examples = object_examples(contract)
    assert examples["Query"]["books"] == [{"$example": "Book"}]
    assert examples["Query"]["book"] == {"$example": "Book"}
    book = examples["Book"]
    assert book["author"] == {"$example": "Author"} and book["reviews"] == [{"$example": "Review"}]
    assert examples["Author"]["books"] == [{"$example": "Book"}]
    assert book["genre"] == "FICTION" and book["inStock"] is True and book["year"] == 1


def test_interfaces_and_unions_refer_to_their_first_object_type(tmp_path: Path) -> None:
    sdl = """
    type Query { node: Node! results: [Result!]! }
    interface Node { id: ID! }
    type Loop implements Node { id: ID! again: Node! }
    type Leaf implements Node { id: ID! }
    union Result = Leaf | Loop
    """
    examples = object_examples(contract_from(sdl, tmp_path))
    assert examples["Query"] == {"node": {"$example": "Loop"}, "results": [{"$example": "Leaf"}]}
    assert examples["Loop"] == {"id": "example", "again": {"$example": "Loop"}}


def test_interface_nobody_implements_has_no_example(tmp_path: Path) -> None:
    sdl = "type Query { one: Lonely many: [Lonely!]! id: ID! } interface Lonely { id: ID! }"
    assert object_examples(contract_from(sdl, tmp_path))["Query"] == {"one": None, "many": [], "id": "example"}


@pytest.fixture(scope="module")
def cycles_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_server(FIXTURES / "cycles.graphql", tmp_path_factory.mktemp("cycles") / "cycles", "cycles_inproc")


@pytest.fixture(scope="module")
def cycles_client(cycles_project: Path) -> TestClient:
    return TestClient(import_package(cycles_project, "app").app)


def test_required_cycle_is_answered_with_data(cycles_client: TestClient) -> None:
    response = cycles_client.post("/graphql", json={"query": "{ a { b { a { b { name } } } } }"})
    assert response.json() == {"data": {"a": {"b": {"a": {"b": {"name": "example"}}}}}}


def test_cyclic_examples_are_shared_instances(cycles_project: Path) -> None:
    mock = import_package(cycles_project, "_generated.mock")
    types = import_package(cycles_project, "_generated.types")
    a = mock.example("Query", "a", types.A)
    assert isinstance(a, types.A) and isinstance(a.b, types.B) and a.b.a is a
    user = mock.example("Query", "user", types.User)
    assert user.profile.owner is user and user.friends == [user] and user.mentor is user
    assert mock.example("Mutation", "rename", types.B) is a.b


def test_enums_and_datetimes_become_python_values(cycles_project: Path, cycles_client: TestClient) -> None:
    mock = import_package(cycles_project, "_generated.mock")
    types = import_package(cycles_project, "_generated.types")
    user = mock.example("Query", "user", types.User)
    assert user.status is types.Status.ACTIVE and user.profile.tags == [types.Status.ACTIVE]
    assert user.joined_at == datetime.datetime(2024, 1, 31, 12, tzinfo=datetime.timezone.utc)
    assert user.profile.seen_at == [user.joined_at]
    query = "{ user { status joinedAt profile { tags seenAt owner { id } } } }"
    assert cycles_client.post("/graphql", json={"query": query}).json() == {
        "data": {
            "user": {
                "status": "ACTIVE",
                "joinedAt": "2024-01-31T12:00:00+00:00",
                "profile": {"tags": ["ACTIVE"], "seenAt": ["2024-01-31T12:00:00+00:00"], "owner": {"id": "example"}},
            }
        }
    }


def test_interfaces_and_unions_are_answered_with_their_first_object_type(cycles_client: TestClient) -> None:
    query = """{
      node(id: "1") { __typename id ... on User { friends { mentor { id } } } }
      search(text: "x") { __typename ... on Post { author { status } postedAt } }
    }"""
    assert cycles_client.post("/graphql", json={"query": query}).json() == {
        "data": {
            "node": {"__typename": "User", "id": "example", "friends": [{"mentor": {"id": "example"}}]},
            "search": [{"__typename": "Post", "author": {"status": "ACTIVE"}, "postedAt": "2024-01-31T12:00:00+00:00"}],
        }
    }


class RecordingExamples(dict[str, Any]):
    """Examples that note which types' examples are read."""

    def __init__(self, examples: dict[str, Any]) -> None:
        super().__init__(examples)
        self.read: set[str] = set()

    def __getitem__(self, type_name: str) -> Any:
        self.read.add(type_name)
        return super().__getitem__(type_name)


def test_examples_are_read_on_first_use_and_only_for_the_types_reached(cycles_project: Path) -> None:
    runtime = import_package(cycles_project, "_generated.server_runtime")
    types = import_package(cycles_project, "_generated.types")
    examples_file = cycles_project / "src" / "cycles_inproc" / "_generated" / "examples.json"
    examples = RecordingExamples(json.loads(examples_file.read_text(encoding="utf-8")))
    loads: list[str] = []

    def load() -> RecordingExamples:
        loads.append("examples.json")
        return examples

    graph = runtime.ExampleGraph(load, types)
    assert loads == []
    a = graph.instance("A")
    assert graph.instance("B") is a.b and a.b.a is a
    assert loads == ["examples.json"] and examples.read == {"A", "B"}


def test_depth_limit_follows_fragments_without_blowing_up(chat_runtime: Any) -> None:
    runtime, _ = chat_runtime
    schema = build_ast_schema(parse((SPECS / "chat" / "schema.graphql").read_text(encoding="utf-8")))
    fragments = " ".join(
        f"fragment F{index} on Room {{ a: messages {{ room {{ ...F{index + 1} }} }} "
        f"b: messages {{ room {{ ...F{index + 1} }} }} }}"
        for index in range(30)
    )
    document = parse(f"{{ rooms {{ ...F0 }} }} {fragments} fragment F30 on Room {{ id }}")
    started = time.perf_counter()
    errors = validate(schema, document, [runtime.depth_limit_rule(10)])
    assert time.perf_counter() - started < 1
    assert [error.message for error in errors] == ["The query is nested deeper than 10 fields."]
    shallow = parse("{ rooms { ...F } } fragment F on Room { messages { room { id } } }")
    assert validate(schema, shallow, [runtime.depth_limit_rule(10)]) == []
    assert validate(schema, shallow, [runtime.depth_limit_rule(2)]) != []
