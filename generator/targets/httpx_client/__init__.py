"""`httpx-client` target: a typed REST client, `Client` (blocking) and `AsyncClient` (asyncio).

One code path, two faces: each operation is a request builder in the generated `client.py`; the
sync and async mixins only hand its `RequestSpec` to the runtime (`client_runtime.py`, static).
Operations are grouped by their first tag (`client.pets.list_pets`) and also reachable flat.
"""

from __future__ import annotations

from collections import defaultdict

from generator.escaping import python_literal
from generator.ir.model import Contract, SecurityScheme
from generator.ir.names import NameScope, PythonIdentifier
from generator.plan import FileSpec
from generator.render import make_environment, render, static_file
from generator.targets import fastapi
from generator.targets.httpx_client.views import (
    CLIENT_ATTRIBUTES_RESERVED,
    ClientOperationView,
    TagView,
    client_operation_view,
    is_list_operation,
    returns_bytes,
    tag_attribute,
)
from generator.targets.imports import isort_order, used_names
from generator.targets.options import TargetOptions
from generator.targets.project import package_skeleton
from generator.targets.webhook_views import webhook_view

NAME = "httpx-client"
DEPENDENCIES = ("httpx>=0.27", "pydantic>=2.7")

_RUNTIME_NAMES = (
    "AsyncClientBase",
    "Auth",
    "DeclaredResponse",
    "DetailedResponse",
    "Endpoint",
    "FileUpload",
    "RequestSpec",
    "SecurityScheme",
    "SyncClientBase",
    "body_json",
    "form_fields",
    "joined_items",
    "multipart_parts",
    "path_value",
)
_PUBLIC_RUNTIME_NAMES = (
    "ApiError",
    "ApiKey",
    "Auth",
    "Basic",
    "Bearer",
    "ClientCredentials",
    "DetailedResponse",
    "FileUpload",
    "Retry",
    "UnexpectedStatus",
    "models",
)
_MODULE_NAMES_RESERVED = (
    "Any",
    "AsyncWebhookSender",
    "AsyncWebhookSenderBase",
    "WebhookSender",
    "WebhookSenderBase",
    "Retry",
    "Mapping",
    "TypeAdapter",
    "Client",
    "AsyncClient",
    "SCHEMES",
    *_RUNTIME_NAMES,
    *_PUBLIC_RUNTIME_NAMES,
)
"""Class names of the generated client module: a tag mixin named like one of them would shadow it."""


def contract_dependencies(contract: Contract) -> tuple[str, ...]:
    return fastapi.contract_dependencies(contract)


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    environment = make_environment()
    tags = _tag_views(contract)
    operations = [operation for tag in tags for operation in tag.operations]
    mixins = [name for tag in tags for name in (tag.sync_class, tag.async_class)]
    webhooks = [webhook_view(webhook) for webhook in contract.webhooks]
    senders = ["AsyncWebhookSender", "WebhookSender"] if webhooks else []
    imports = _imports(operations)
    if webhooks:
        payload_types = [webhook.payload_type or "" for webhook in webhooks]
        imports["runtime"] = isort_order([*imports["runtime"], "AsyncWebhookSenderBase", "WebhookSenderBase"])
        imports["package"] = sorted({*imports["package"], *used_names(payload_types, ("models",))})
        if any(payload_types):
            imports["pydantic"] = ["TypeAdapter"]
    base = {"contract_file": options.contract_file_name, "package": options.package, "title": contract.title}
    generated = options.generated_dir
    files = [
        FileSpec(
            f"{generated}/client.py",
            render(
                environment,
                "httpx_client/client.py.jinja",
                {
                    **base,
                    "description": contract.description,
                    "tags": tags,
                    "operations": operations,
                    "streams": any(operation.stream_name for operation in operations),
                    "pages": any(operation.pagination for operation in operations),
                    "schemes": [_scheme_literal(scheme) for scheme in contract.security_schemes],
                    "imports": imports,
                    "webhooks": webhooks,
                    "exports": sorted(["AsyncClient", "Client", *mixins, *senders]),
                    "sync_bases": [tag.sync_class for tag in tags] or ["SyncClientBase"],
                    "async_bases": [tag.async_class for tag in tags] or ["AsyncClientBase"],
                },
            ),
        ),
        FileSpec(f"{generated}/client_runtime.py", static_file("httpx_client/static/client_runtime.py")),
        FileSpec(
            f"{options.package_dir}/client.py",
            render(
                environment,
                "httpx_client/client_init.py.jinja",
                {
                    **base,
                    "client_names": isort_order(["AsyncClient", "Client", *mixins, *senders]),
                    "exports": sorted([*_PUBLIC_RUNTIME_NAMES, "AsyncClient", "Client", *mixins, *senders]),
                },
            ),
        ),
    ]
    if fastapi.NAME not in options.targets:
        files.extend(_standalone_package(contract, options))
    return files


def _standalone_package(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    """The package skeleton and models the fastapi target would otherwise write (client-only projects)."""
    environment = make_environment()
    context = {"contract_file": options.contract_file_name}
    return [
        *package_skeleton(options),
        FileSpec(
            f"{options.generated_dir}/models.py",
            render(environment, "fastapi/models.py.jinja", {**context, "models_source": contract.models.source}),
        ),
    ]


def _tag_views(contract: Contract) -> list[TagView]:
    """Method, `_detailed` and tag attribute names claimed in one scope: the client class holds them all."""
    operations = contract.services[0].operations
    attributes = NameScope(CLIENT_ATTRIBUTES_RESERVED)
    methods = [attributes.claim(operation.name) for operation in operations]
    detailed = [attributes.claim(PythonIdentifier(f"{method}_detailed")) for method in methods]
    streamed = [
        attributes.claim(PythonIdentifier(f"{method}_stream")) if returns_bytes(operation) else None
        for operation, method in zip(operations, methods, strict=True)
    ]
    iterated = [
        attributes.claim(PythonIdentifier(f"iter_{method}")) if is_list_operation(operation) else None
        for operation, method in zip(operations, methods, strict=True)
    ]
    by_tag: dict[str, list[ClientOperationView]] = defaultdict(list)
    names = zip(operations, methods, detailed, streamed, iterated, strict=True)
    for operation, method, detailed_name, stream_name, iter_name in names:
        view = client_operation_view(operation, method, detailed_name, stream_name, iter_name)
        by_tag[(operation.tags[:1] or ("default",))[0]].append(view)
    classes = NameScope(_MODULE_NAMES_RESERVED)
    return [
        TagView(
            tag=tag,
            attribute=PythonIdentifier(attributes.claim(tag_attribute(tag))),
            sync_class=classes.claim_class(f"{tag} api"),
            async_class=classes.claim_class(f"async {tag} api"),
            operations=tuple(views),
        )
        for tag, views in by_tag.items()
    ]


def _scheme_literal(scheme: SecurityScheme) -> tuple[str, str]:
    location = scheme.location.value if scheme.location is not None else ""
    token_url = next((flow.token_url for flow in scheme.flows if flow.flow == "clientCredentials"), "")
    values = (scheme.key, scheme.kind.value, location, scheme.param_name, token_url)
    arguments = ", ".join(python_literal(value) for value in values)
    return python_literal(scheme.key), f"SecurityScheme({arguments})"


def _pagination_helpers(operations: list[ClientOperationView]) -> list[str]:
    kinds = {operation.pagination.kind for operation in operations if operation.pagination}
    helpers = ["aiterate_pages", "iterate_pages"] if "number" in kinds else []
    return helpers + (["aiterate_cursor_pages", "iterate_cursor_pages"] if "cursor" in kinds else [])


def _imports(operations: list[ClientOperationView]) -> dict[str, list[str]]:
    texts: list[str] = []
    for operation in operations:
        texts.extend(argument.annotation for argument in operation.arguments)
        texts.extend(argument.default or "" for argument in operation.arguments)
        texts.extend((operation.return_type, operation.path_expression))
        if operation.body_adapter is not None:
            texts.extend((operation.body_adapter, "TypeAdapter"))
        texts.extend(operation.request_keywords)
        texts.extend(operation.responses)
        texts.extend(expression for _, expression in operation.constants)
        if operation.pagination is not None:
            texts.append(operation.pagination.item_type)
    return {
        "stdlib": used_names(texts, ("datetime", "uuid")),
        "typing": used_names(texts, ("Any",)),
        "pydantic": ["TypeAdapter"] if any(text and "TypeAdapter" in text for text in texts) else [],
        "package": used_names(texts, ("models",)),
        "runtime": isort_order(
            {
                "AsyncClientBase",
                "Auth",
                "DetailedResponse",
                "Endpoint",
                "RequestSpec",
                "Retry",
                "SecurityScheme",
                "SyncClientBase",
                *used_names(texts, _RUNTIME_NAMES),
                *_pagination_helpers(operations),
            }
        ),
    }
