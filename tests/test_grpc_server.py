"""Generated gRPC services, run for real: linters, `python -m PKG.server`, every streaming kind,
health, reflection, user servicers and their errors, TLS and mutual TLS, SIGTERM, the thread-pool
server, hostile names and comments.

Projects are generated with the `grpc-server` target only (once per session). The test process
calls them with a plain grpc channel: request and response classes come from the contract's own
descriptor set (read here, in a private pool), the requests from the project's `examples.json`.
In-process checks import generated packages under names no other test module uses.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from generator.diagnostics import DiagnosticSink
from generator.ir.names import PythonIdentifier
from generator.ir.proto import ProtoContract
from generator.pipeline import Job, generate, read_contract
from generator.plan import Ownership
from generator.targets import grpc_server
from generator.targets.grpc_server.examples import examples_document, message_example
from generator.targets.options import TargetOptions
from tests.conftest import SPECS, TlsFiles, free_port, project_env, tool

FIXTURES = Path(__file__).parent / "fixtures" / "grpc_server"
SERVER_SPECS = {
    "inventory_server": SPECS / "inventory.proto",
    "store_server": SPECS / "store",
    "hostile_server": FIXTURES / "hostile.proto",
}
HEALTH = "grpc.health.v1.Health"
REFLECTION = "grpc.reflection.v1alpha.ServerReflection"
CUSTOM_SERVICE = '''"""A user's implementation: one method overridden, the rest from the mock."""

from __future__ import annotations

import grpc

from ._generated.mock import MockInventoryServicer
from ._generated.proto import inventory_pb2
from ._generated.server import Services


class InventoryService(MockInventoryServicer):
    async def get_item(
        self,
        request: inventory_pb2.GetItemRequest,
        context: grpc.aio.ServicerContext[inventory_pb2.GetItemRequest, inventory_pb2.Item],
    ) -> inventory_pb2.Item:
        if request.sku == "missing":
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no item {request.sku}")
        return inventory_pb2.Item(sku=request.sku, name="from the user's servicer")


def build_services() -> Services:
    return Services(inventory=InventoryService())
'''
CUSTOM_SYNC_SERVICE = '''"""The same on grpc's thread-pool server: `build_services()` returns `SyncServices`."""

from __future__ import annotations

import grpc

from ._generated.proto import inventory_pb2
from ._generated.server import SyncServices
from ._generated.sync_mock import MockInventorySyncServicer


class InventoryService(MockInventorySyncServicer):
    def get_item(
        self, request: inventory_pb2.GetItemRequest, context: grpc.ServicerContext
    ) -> inventory_pb2.Item:
        if request.sku == "missing":
            context.abort(grpc.StatusCode.NOT_FOUND, f"no item {request.sku}")
        return inventory_pb2.Item(sku=request.sku, name="from the user's servicer")


def build_services() -> SyncServices:
    return SyncServices(inventory=InventoryService())
'''
CUSTOM_SERVICES = {"aio": CUSTOM_SERVICE, "sync": CUSTOM_SYNC_SERVICE}


def generate_server(spec: Path, out_dir: Path, package: str) -> Path:
    report = generate(Job((spec,), out_dir, (grpc_server.NAME,), package), DiagnosticSink())
    assert report.ok, report
    return out_dir


def run(command: list[str], project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=project_env(project), capture_output=True, text=True, timeout=300)


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


def import_package(project: Path, module: str) -> Any:
    source = str(project / "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    return importlib.import_module(f"{package_of(project)}.{module}")


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Generates each of `SERVER_SPECS` once per session, when first asked for; do not modify them."""
    generated: dict[str, Path] = {}

    def project(package: str) -> Path:
        if package not in generated:
            out_dir = tmp_path_factory.mktemp(package) / package
            generated[package] = generate_server(SERVER_SPECS[package], out_dir, package)
        return generated[package]

    return project


@pytest.fixture(scope="session", params=sorted(SERVER_SPECS))
def server_project(request: pytest.FixtureRequest, projects: Callable[[str], Path]) -> Path:
    """A project generated with the `grpc-server` target only; its package is named after the param."""
    return projects(str(request.param))


@pytest.fixture
def inventory_project(projects: Callable[[str], Path]) -> Path:
    return projects("inventory_server")


@pytest.fixture
def store_project(projects: Callable[[str], Path]) -> Path:
    """store/ has all four streaming kinds."""
    return projects("store_server")


@pytest.fixture(scope="module")
def custom_projects(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """inventory.proto with the user's `service.py` replaced by one overriding `get_item`, per flavour."""
    generated: dict[str, Path] = {}

    def project(flavour: str) -> Path:
        if flavour not in generated:
            package = f"custom_{flavour}_server"
            out_dir = tmp_path_factory.mktemp(package) / package
            generated[flavour] = generate_server(SPECS / "inventory.proto", out_dir, package)
            (out_dir / "src" / package / "service.py").write_text(CUSTOM_SERVICES[flavour], encoding="utf-8")
        return generated[flavour]

    return project


@pytest.fixture(params=sorted(CUSTOM_SERVICES))
def custom_project(request: pytest.FixtureRequest, custom_projects: Callable[[str], Path]) -> Path:
    """A user's implementation on grpc.aio (`Services`) or on the thread-pool server (`SyncServices`)."""
    return custom_projects(str(request.param))


@pytest.fixture
def aio_custom_project(custom_projects: Callable[[str], Path]) -> Path:
    return custom_projects("aio")


# --- The contract, seen from a client that never imports the generated code ----------------------


@dataclass(frozen=True)
class ContractClient:
    """Message classes built from the contract's descriptor set, and the project's examples."""

    pool: descriptor_pool.DescriptorPool
    examples: dict[str, Any]

    def message_class(self, full_name: str) -> type[Message]:
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))

    def parse(self, value: dict[str, Any], full_name: str) -> Message:
        return json_format.ParseDict(value, self.message_class(full_name)(), descriptor_pool=self.pool)

    def call(self, channel: grpc.Channel, path: str, requests: int = 2, **options: Any) -> list[Message]:
        """Call the RPC at `path` with its example request (`requests` of them on a client stream)."""
        entry = self.examples["methods"][path]
        request = self.parse(entry["request"], entry["request_type"])
        response_class = self.message_class(entry["response_type"])
        factories: dict[tuple[bool, bool], Callable[..., Any]] = {
            (False, False): channel.unary_unary,
            (False, True): channel.unary_stream,
            (True, False): channel.stream_unary,
            (True, True): channel.stream_stream,
        }
        streaming = (entry["client_streaming"], entry["server_streaming"])
        stub = factories[streaming](
            path, request_serializer=type(request).SerializeToString, response_deserializer=response_class.FromString
        )
        answer = stub(iter([request] * requests) if entry["client_streaming"] else request, timeout=10, **options)
        return list(answer) if entry["server_streaming"] else [answer]


def contract_of(spec: Path) -> ProtoContract:
    contract = read_contract([spec], DiagnosticSink())
    assert contract.proto is not None
    return contract.proto


def contract_pool(contract: ProtoContract) -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    for file in descriptor_pb2.FileDescriptorSet.FromString(contract.descriptor_set).file:
        pool.Add(file)
    return pool


def contract_client(project: Path, spec: Path) -> ContractClient:
    examples = json.loads((project / "src" / package_of(project) / "_generated" / "examples.json").read_text())
    return ContractClient(contract_pool(contract_of(spec)), examples)


def check_health(channel: grpc.Channel, service: str = "") -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return int(stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status)


def reflected_services(channel: grpc.Channel) -> set[str]:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    (response,) = list(stub.ServerReflectionInfo(iter([request]), timeout=5))
    return {service.name for service in response.list_services_response.service}


@contextmanager
def serving(
    project: Path, log_path: Path, credentials: grpc.ChannelCredentials | None = None, **env: str
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`python -m PKG.server --port N` on 127.0.0.1; yields the process and its target once it is SERVING."""
    port = free_port()
    target = f"127.0.0.1:{port}"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", f"{package_of(project)}.server", "--port", str(port)],
            cwd=project,
            env=project_env(project, LOG_LEVEL="INFO", **env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with open_channel(target, credentials) as channel:
                        if check_health(channel) == health_pb2.HealthCheckResponse.SERVING:
                            break
                except grpc.RpcError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not come up:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield process, target
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


@contextmanager
def open_channel(target: str, credentials: grpc.ChannelCredentials | None = None) -> Iterator[grpc.Channel]:
    channel = grpc.insecure_channel(target) if credentials is None else grpc.secure_channel(target, credentials)
    try:
        yield channel
    finally:
        channel.close()


def log_lines(log_path: Path, until: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """The server's JSON log lines, once `until` holds for them (access lines follow the response)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        if until(lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


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


def test_user_servicer_type_checks_against_the_interface(custom_project: Path) -> None:
    result = run([tool("mypy"), "--strict", "--no-incremental", "src"], custom_project)
    assert result.returncode == 0, result.stdout


# --- Served by `python -m PKG.server` -----------------------------------------------------------


@pytest.fixture(scope="module")
def live_server(server_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log_path = tmp_path_factory.mktemp("grpc") / "server.log"
    with serving(server_project, log_path) as (_, target):
        yield target


def test_every_method_of_every_streaming_kind_answers(server_project: Path, live_server: str) -> None:
    client = contract_client(server_project, SERVER_SPECS[package_of(server_project)])
    methods = client.examples["methods"]
    assert methods
    with open_channel(live_server) as channel:
        for path, entry in methods.items():
            responses = client.call(channel, path, requests=2)
            expected = client.parse(entry["response"], entry["response_type"])
            # The mock: one response; a server stream of 3; a bidirectional stream answers each request.
            count = (2 if entry["client_streaming"] else 3) if entry["server_streaming"] else 1
            assert responses == [expected] * count, path
            assert all(response.DESCRIPTOR.full_name == entry["response_type"] for response in responses)


def test_health_reports_serving_for_every_service(server_project: Path, live_server: str) -> None:
    contract = contract_of(SERVER_SPECS[package_of(server_project)])
    with open_channel(live_server) as channel:
        for name in ["", *(service.full_name for service in contract.services)]:
            assert check_health(channel, name) == health_pb2.HealthCheckResponse.SERVING, name


def test_reflection_lists_exactly_the_contracts_services(server_project: Path, live_server: str) -> None:
    contract = contract_of(SERVER_SPECS[package_of(server_project)])
    with open_channel(live_server) as channel:
        assert reflected_services(channel) == {service.full_name for service in contract.services} | {
            HEALTH,
            REFLECTION,
        }


def test_user_servicer_is_used_and_aborts_reach_the_client(custom_project: Path, tmp_path: Path) -> None:
    log_path = tmp_path / "server.log"
    client = contract_client(custom_project, SPECS / "inventory.proto")
    get_item = "/inventory.v1.Inventory/GetItem"
    request_class = client.message_class("inventory.v1.GetItemRequest")
    with serving(custom_project, log_path) as (_, target), open_channel(target) as channel:
        stub = channel.unary_unary(
            get_item,
            request_serializer=request_class.SerializeToString,
            response_deserializer=client.message_class("inventory.v1.Item").FromString,
        )
        item = stub(request_class(sku="A-1"), timeout=10, metadata=(("x-request-id", "req-42"),))
        assert (item.sku, item.name) == ("A-1", "from the user's servicer")
        with pytest.raises(grpc.RpcError) as raised:
            stub(request_class(sku="missing"), timeout=10)
        assert raised.value.code() is grpc.StatusCode.NOT_FOUND
        assert raised.value.details() == "no item missing"
        # The other methods still answer from the mock.
        assert len(client.call(channel, "/inventory.v1.Inventory/WatchStock")) == 3

    def own_calls(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [line for line in lines if line["message"] == "rpc" and not line["method"].startswith(f"/{HEALTH}/")]

    rpcs = own_calls(log_lines(log_path, lambda lines: len(own_calls(lines)) >= 3))
    calls = [(line["method"], line["code"]) for line in rpcs]
    assert calls == [
        (get_item, "OK"),
        (get_item, "NOT_FOUND"),
        ("/inventory.v1.Inventory/WatchStock", "OK"),
    ]
    first = next(line for line in rpcs if line["method"] == get_item)
    assert first["request_id"] == "req-42"
    assert first["peer"].startswith("ipv4:127.0.0.1:")
    assert first["duration_ms"] >= 0


def test_sigterm_stops_the_server_gracefully(tmp_path: Path, custom_project: Path) -> None:
    log_path = tmp_path / "server.log"
    with serving(custom_project, log_path) as (process, _):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    messages = [line["message"] for line in log_lines(log_path, lambda lines: True)]
    assert "stopping" in messages


# --- TLS and mutual TLS -------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    def client_credentials(self, with_client_cert: bool = True) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca.read_bytes(),
            private_key=self.client_key.read_bytes() if with_client_cert else None,
            certificate_chain=self.client_cert.read_bytes() if with_client_cert else None,
        )


@pytest.fixture(scope="module")
def certificates(tls_files: TlsFiles) -> Certificates:
    """The session's throwaway CA and certificates (`tls_files`), with gRPC credentials to go."""
    return Certificates(
        tls_files.ca, tls_files.server_cert, tls_files.server_key, tls_files.client_cert, tls_files.client_key
    )


def test_tls_from_the_environment(aio_custom_project: Path, certificates: Certificates, tmp_path: Path) -> None:
    env = {"TLS_CERT_FILE": str(certificates.server_cert), "TLS_KEY_FILE": str(certificates.server_key)}
    credentials = certificates.client_credentials(with_client_cert=False)
    with serving(aio_custom_project, tmp_path / "server.log", credentials, **env) as (_, target):
        with open_channel(target, credentials) as channel:
            assert check_health(channel, "inventory.v1.Inventory") == health_pb2.HealthCheckResponse.SERVING
        with open_channel(target) as plaintext, pytest.raises(grpc.RpcError):
            check_health(plaintext)


def test_mutual_tls_refuses_clients_without_a_certificate(
    custom_project: Path, certificates: Certificates, tmp_path: Path
) -> None:
    env = {
        "TLS_CERT_FILE": str(certificates.server_cert),
        "TLS_KEY_FILE": str(certificates.server_key),
        "TLS_CLIENT_CA_FILE": str(certificates.ca),
    }
    credentials = certificates.client_credentials()
    with serving(custom_project, tmp_path / "server.log", credentials, **env) as (_, target):
        with open_channel(target, credentials) as channel:
            assert check_health(channel) == health_pb2.HealthCheckResponse.SERVING
        with open_channel(target, certificates.client_credentials(with_client_cert=False)) as anonymous:
            with pytest.raises(grpc.RpcError) as raised:
                check_health(anonymous)
            assert raised.value.code() is grpc.StatusCode.UNAVAILABLE


# --- In process: create_server, the thread-pool server, settings ----------------------------------


def test_create_server_serves_a_servicer_written_here(inventory_project: Path) -> None:
    """`create_server(Services(...), address)` on grpc.aio, called from an asyncio client."""
    server_module = import_package(inventory_project, "server")
    mock = import_package(inventory_project, "_generated.mock")
    runtime = import_package(inventory_project, "_generated.server_runtime")
    inventory_pb2 = import_package(inventory_project, "_generated.proto.inventory_pb2")

    class Inventory(mock.MockInventoryServicer):  # type: ignore[misc]
        async def get_item(self, request: Any, context: Any) -> Any:
            return inventory_pb2.Item(sku=request.sku, quantity=7)

    async def scenario(target: str) -> tuple[Any, list[Any]]:
        settings = runtime.Settings(log_level="WARNING")
        server = server_module.create_server(server_module.Services(inventory=Inventory()), target, settings)
        await server.start()
        try:
            async with grpc.aio.insecure_channel(target) as channel:
                get_item = channel.unary_unary(
                    "/inventory.v1.Inventory/GetItem",
                    request_serializer=inventory_pb2.GetItemRequest.SerializeToString,
                    response_deserializer=inventory_pb2.Item.FromString,
                )
                watch = channel.unary_stream(
                    "/inventory.v1.Inventory/WatchStock",
                    request_serializer=inventory_pb2.WatchStockRequest.SerializeToString,
                    response_deserializer=inventory_pb2.StockChange.FromString,
                )
                item = await get_item(inventory_pb2.GetItemRequest(sku="B-2"))
                changes = [change async for change in watch(inventory_pb2.WatchStockRequest(skus=["B-2"]))]
                return item, changes
        finally:
            await server.stop(None)

    item, changes = asyncio.run(scenario(f"127.0.0.1:{free_port()}"))
    assert (item.sku, item.quantity) == ("B-2", 7)
    assert len(changes) == 3


def test_sync_server_answers_every_streaming_kind(store_project: Path) -> None:
    """`create_sync_server(SyncServices(...))` with the sync mocks: grpc's thread-pool server."""
    server_module = import_package(store_project, "server")
    sync_mock = import_package(store_project, "_generated.sync_mock")
    runtime = import_package(store_project, "_generated.server_runtime")
    services = server_module.SyncServices(
        catalog=sync_mock.MockCatalogSyncServicer(), orders=sync_mock.MockOrdersSyncServicer()
    )
    target = f"127.0.0.1:{free_port()}"
    server = server_module.create_sync_server(services, target, runtime.Settings(log_level="WARNING"))
    server.start()
    try:
        client = contract_client(store_project, SPECS / "store")
        with open_channel(target) as channel:
            for path, entry in client.examples["methods"].items():
                responses = client.call(channel, path, requests=3)
                assert responses and all(r.DESCRIPTOR.full_name == entry["response_type"] for r in responses), path
            assert check_health(channel, "acme.orders.v1.Orders") == health_pb2.HealthCheckResponse.SERVING
            assert HEALTH in reflected_services(channel)
    finally:
        server.stop(None).wait()


def test_create_server_refuses_sync_services(store_project: Path) -> None:
    server_module = import_package(store_project, "server")
    sync_mock = import_package(store_project, "_generated.sync_mock")
    services = server_module.SyncServices(
        catalog=sync_mock.MockCatalogSyncServicer(), orders=sync_mock.MockOrdersSyncServicer()
    )
    with pytest.raises(TypeError, match="create_sync_server"):
        server_module.create_server(services)


def test_settings_come_from_the_environment(inventory_project: Path) -> None:
    runtime = import_package(inventory_project, "_generated.server_runtime")
    settings = runtime.Settings.from_env(
        {
            "HOST": "0.0.0.0",
            "PORT": "6000",
            "GRPC_MAX_RECEIVE_MESSAGE_BYTES": "1024",
            "GRPC_REFLECTION": "false",
            "LOG_FORMAT": "text",
        }
    )
    assert (settings.address, settings.max_receive_message_bytes, settings.reflection) == ("0.0.0.0:6000", 1024, False)
    assert not settings.json_logs
    assert runtime.Settings.from_env({"GRPC_HOST": "::1", "HOST": "0.0.0.0"}).address == "[::1]:50051"
    with pytest.raises(ValueError, match="TLS_KEY_FILE"):
        runtime.Settings.from_env({"TLS_CERT_FILE": "server.pem"})
    with pytest.raises(ValueError, match="mutual TLS"):
        runtime.Settings.from_env({"TLS_CLIENT_CA_FILE": "ca.pem"})


# --- Examples and the generator side -------------------------------------------------------------


def test_every_example_parses_with_the_contracts_descriptors() -> None:
    for spec in SERVER_SPECS.values():
        contract = contract_of(spec)
        client = ContractClient(contract_pool(contract), examples_document(contract))
        for full_name, value in client.examples["messages"].items():
            client.parse(value, full_name)
        for entry in client.examples["methods"].values():
            client.parse(entry["request"], entry["request_type"])
            client.parse(entry["response"], entry["response_type"])


def test_examples_fill_every_kind_of_field() -> None:
    product = message_example(contract_of(SPECS / "store"), "acme.catalog.v1.Product")
    assert product["status"] == "STATUS_DRAFT"  # the first non-zero enum value
    assert product["stock"] == "1" and product["price"]["units"] == "1"  # 64-bit integers are strings
    assert product["tags"] == ["example"] and product["attributes"] == {"example": "example"}
    assert product["variantsBySize"] == {"1": {"sku": "example", "label": "example"}}
    assert product["createdAt"] == "2024-01-31T12:00:00Z" and product["shippingTime"] == "1.500s"
    assert product["metadata"] == {"key": "example"} and product["subtitle"] == "example"
    assert product["reviews"][0]["details"] == {"@type": "type.googleapis.com/google.protobuf.Empty"}
    assert product["inStock"] is True and "restockAt" not in product and "discontinuedReason" not in product
    assert product["thumbnail"] == "ZXhhbXBsZQ==" and product["barcode"] == "example"


def test_examples_cut_cycles_by_leaving_fields_unset() -> None:
    example = message_example(contract_of(FIXTURES / "hostile.proto"), "hostile.import.v1.Class")
    assert "children" not in example and "byName" not in example  # Class inside Class: unset
    assert example["def"] == "example" and "pass" not in example  # the oneof's first member
    assert example["byFlag"] == {"true": "LAMBDA_YIELD"} and example["async"] is True


def test_examples_stay_small_where_every_type_refers_to_several_others(tmp_path: Path) -> None:
    fields = "".join(f"  T{{next}} f{index} = {index};\n" for index in range(1, 9))
    types = "".join(f"message T{level} {{\n{fields.format(next=level + 1)}}}\n" for level in range(8))
    proto = tmp_path / "wide.proto"
    proto.write_text(f'syntax = "proto3";\npackage wide;\n{types}message T8 {{ string leaf = 1; }}\n')
    examples = examples_document(contract_of(proto))
    assert len(json.dumps(examples)) < 100_000
    assert examples["messages"]["wide.T0"]["f1"]["f1"]  # still nested where the budget allows


def test_examples_json_has_messages_and_methods(server_project: Path) -> None:
    examples = contract_client(server_project, SERVER_SPECS[package_of(server_project)]).examples
    assert set(examples) == {"messages", "methods"}
    for path, entry in examples["methods"].items():
        assert path.startswith("/") and path.count("/") == 2
        assert entry["request_type"] in examples["messages"] and entry["response_type"] in examples["messages"]
        assert set(entry) == {
            "request",
            "request_type",
            "response",
            "response_type",
            "client_streaming",
            "server_streaming",
        }


def test_comments_cannot_break_out_of_generated_docstrings(tmp_path: Path) -> None:
    """protoc's own `_pb2_grpc.py` is left out: only this target's modules are compiled."""
    proto = tmp_path / "comments.proto"
    proto.write_text(
        'syntax = "proto3";\npackage c;\nmessage M {}\n'
        '// """ \\ \\x00 \\N{BULLET} {{ x }} {% raw %} "\nservice S {\n'
        '  // ends with a quote "\n  rpc Call(M) returns (M);\n  // """\n  rpc Other(stream M) returns (stream M);\n}\n'
    )
    contract = read_contract([proto], DiagnosticSink())
    options = TargetOptions(package=PythonIdentifier("comments"), contract_file_name="comments.proto")
    files = grpc_server.plan(contract, options)
    own = [file for file in files if file.path.endswith(".py") and "/_generated/proto/" not in file.path]
    assert len(own) >= 8
    for file in own:
        compile(file.content, file.path, "exec")
    servicers = next(file.content for file in own if file.path.endswith("/_generated/servicers.py"))
    assert 'ends with a quote \\"' in servicers
    assert [file.path for file in files if file.owner is Ownership.USER] == ["src/comments/service.py"]


def test_dependencies_pin_health_and_reflection_to_the_grpcio_minimum() -> None:
    contract = read_contract([SPECS / "inventory.proto"], DiagnosticSink())
    pins = dict(requirement.split(">=") for requirement in grpc_server.dependencies(contract))
    assert set(pins) == {"protobuf", "grpcio", "grpcio-health-checking", "grpcio-reflection"}
    assert pins["grpcio-health-checking"] == pins["grpcio-reflection"] == pins["grpcio"]


# --- Readiness and invalid settings ---------------------------------------------------------------


def test_health_is_not_serving_until_the_readiness_hook_says_ready(inventory_project: Path) -> None:
    """`Services(..., readiness=coroutine function)`: asked again on every Check, for "" and each service."""
    server_module = import_package(inventory_project, "server")
    mock = import_package(inventory_project, "_generated.mock")
    runtime = import_package(inventory_project, "_generated.server_runtime")
    ready = False

    async def readiness() -> bool:
        return ready

    async def statuses(stub: Any) -> list[int]:
        names = ("", "inventory.v1.Inventory")
        answers = [await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5) for name in names]
        return [answer.status for answer in answers]

    async def scenario(target: str) -> tuple[list[int], list[int]]:
        nonlocal ready
        services = server_module.Services(inventory=mock.MockInventoryServicer(), readiness=readiness)
        server = server_module.create_server(services, target, runtime.Settings(log_level="WARNING"))
        await server.start()
        try:
            async with grpc.aio.insecure_channel(target) as channel:
                stub = health_pb2_grpc.HealthStub(channel)
                before = await statuses(stub)
                ready = True
                return before, await statuses(stub)
        finally:
            await server.stop(None)

    before, after = asyncio.run(scenario(f"127.0.0.1:{free_port()}"))
    assert before == [health_pb2.HealthCheckResponse.NOT_SERVING] * 2
    assert after == [health_pb2.HealthCheckResponse.SERVING] * 2


def test_sync_readiness_hook_is_a_plain_function_and_one_that_raises_means_not_ready(store_project: Path) -> None:
    server_module = import_package(store_project, "server")
    sync_mock = import_package(store_project, "_generated.sync_mock")
    runtime = import_package(store_project, "_generated.server_runtime")
    answers = iter([True, False])

    def readiness() -> bool:
        answer = next(answers, None)
        if answer is None:
            raise ConnectionError("database unreachable")
        return answer

    services = server_module.SyncServices(
        catalog=sync_mock.MockCatalogSyncServicer(), orders=sync_mock.MockOrdersSyncServicer(), readiness=readiness
    )
    target = f"127.0.0.1:{free_port()}"
    server = server_module.create_sync_server(services, target, runtime.Settings(log_level="CRITICAL"))
    server.start()
    try:
        with open_channel(target) as channel:
            seen = [check_health(channel, "acme.orders.v1.Orders") for _ in range(3)]
    finally:
        server.stop(None).wait()
    serving, not_serving = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
    assert seen == [serving, not_serving, not_serving]


def test_settings_are_validated_and_take_field_names_in_code(inventory_project: Path) -> None:
    runtime = import_package(inventory_project, "_generated.server_runtime")
    settings = runtime.Settings.from_env({"grpc_max_concurrent_rpcs": "8", "LOG_LEVEL": "debug", "TLS_KEY_FILE": ""})
    assert (settings.max_concurrent_rpcs, settings.log_level, settings.tls) == (8, "DEBUG", False)
    assert runtime.Settings(sync_workers=3, reflection=False).sync_workers == 3
    for environ, variable in (
        ({"PORT": "eighty"}, "port"),
        ({"GRPC_REFLECTION": "maybe"}, "GRPC_REFLECTION"),
        ({"GRPC_SYNC_WORKERS": "0"}, "GRPC_SYNC_WORKERS"),
        ({"LOG_FORMAT": "xml"}, "log_format"),
    ):
        with pytest.raises(ValueError, match=variable):
            runtime.Settings.from_env(environ)


def test_the_process_environment_is_read_by_the_documented_names_only(
    inventory_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = import_package(inventory_project, "_generated.server_runtime")
    for bare, value in (("REFLECTION", "false"), ("SYNC_WORKERS", "3"), ("MAX_CONCURRENT_RPCS", "2")):
        monkeypatch.setenv(bare, value)  # a field's bare name is no setting of this service
    monkeypatch.setenv("GRPC_SHUTDOWN_GRACE_SECONDS", "1.5")
    settings = runtime.Settings()
    assert (settings.reflection, settings.sync_workers, settings.max_concurrent_rpcs) == (True, 10, None)
    assert settings.shutdown_grace_seconds == 1.5
    assert runtime.Settings(shutdown_grace_seconds=2).shutdown_grace_seconds == 2, "a keyword beats the environment"


def test_invalid_settings_stop_python_m_with_one_message_and_no_traceback(inventory_project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", f"{package_of(inventory_project)}.server"],
        cwd=inventory_project,
        env=project_env(inventory_project, GRPC_MAX_SEND_MESSAGE_BYTES="lots", TLS_CERT_FILE="server.pem"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("invalid settings: ")
    assert "GRPC_MAX_SEND_MESSAGE_BYTES" in result.stderr and "Traceback" not in result.stderr


def test_health_watch_streams_the_change_once_the_service_is_ready(inventory_project: Path) -> None:
    """An open Watch asks the readiness hook again about every second, without any Check."""
    server_module = import_package(inventory_project, "server")
    mock = import_package(inventory_project, "_generated.mock")
    runtime = import_package(inventory_project, "_generated.server_runtime")
    ready = False

    def readiness() -> bool:
        return ready

    async def scenario(target: str) -> list[int]:
        nonlocal ready
        services = server_module.Services(inventory=mock.MockInventoryServicer(), readiness=readiness)
        server = server_module.create_server(services, target, runtime.Settings(log_level="WARNING"))
        await server.start()
        try:
            async with grpc.aio.insecure_channel(target) as channel:
                watch = health_pb2_grpc.HealthStub(channel).Watch(
                    health_pb2.HealthCheckRequest(service="inventory.v1.Inventory"), timeout=10
                )
                seen = [(await watch.read()).status]
                ready = True
                seen.append((await watch.read()).status)
                watch.cancel()
                return seen
        finally:
            await server.stop(None)

    seen = asyncio.run(scenario(f"127.0.0.1:{free_port()}"))
    assert seen == [health_pb2.HealthCheckResponse.NOT_SERVING, health_pb2.HealthCheckResponse.SERVING]
