"""`graphql-client` target: a typed GraphQL client (httpx, sync and async) for the contract's operations.

Files: `client_models.py` (result models shaped by each selection), `client_documents.py` (the
documents as sent), `client.py` (`Client` and `AsyncClient`, one method per operation),
`client_runtime.py` (static: transport, errors, graphql-transport-ws subscriptions) and the public
`PKG/client.py`. The package skeleton and `types.py` come from `graphql_schema`, unless the
`ariadne` target writes them already.
"""

from __future__ import annotations

from generator.ir.model import Contract
from generator.plan import FileSpec
from generator.render import make_environment, render, static_file
from generator.targets import ariadne, graphql_schema
from generator.targets.graphql_client.result_models import TYPES_MODULE, result_models_view
from generator.targets.graphql_client.views import client_operation_views
from generator.targets.imports import export_order, isort_order
from generator.targets.layout import from_import
from generator.targets.options import TargetOptions

NAME = "graphql-client"
DEPENDENCIES = (*graphql_schema.DEPENDENCIES, "httpx>=0.27", "websockets>=13")
"""websockets 13 brought the `websockets.asyncio` client the subscriptions use."""


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    graphql = graphql_schema.graphql_of(contract)
    environment = make_environment()
    models = result_models_view(graphql.operations)
    operations = client_operation_views(graphql.operations, models.results)
    uses_types = any(TYPES_MODULE + "." in variable.annotation for item in operations for variable in item.variables)
    subscriptions = any(item.is_subscription for item in operations)
    runtime_imports = [
        "UNSET",
        "AsyncClientBase",
        "Operation",
        "SyncClientBase",
        "Timeout",
        "UnsetType",
        *(["AsyncSubscription", "Subscription"] if subscriptions else []),
    ]
    base = {"contract_file": options.contract_file_name, "package": options.package}
    generated = options.generated_dir
    files = [
        FileSpec(
            f"{generated}/client_models.py",
            render(environment, "graphql_client/client_models.py.jinja", {**base, "models": models}),
        ),
        FileSpec(
            f"{generated}/client_documents.py",
            render(
                environment,
                "graphql_client/client_documents.py.jinja",
                {**base, "operations": operations, "exports": export_order(item.constant for item in operations)},
            ),
        ),
        FileSpec(
            f"{generated}/client.py",
            render(
                environment,
                "graphql_client/client.py.jinja",
                {
                    **base,
                    "title": contract.title,
                    "operations": operations,
                    "uses_types": uses_types,
                    "runtime_imports": from_import(".client_runtime", isort_order(runtime_imports)),
                },
            ),
        ),
        FileSpec(f"{generated}/client_runtime.py", static_file("graphql_client/static/client_runtime.py")),
        FileSpec(f"{options.package_dir}/client.py", render(environment, "graphql_client/client_init.py.jinja", base)),
    ]
    if ariadne.NAME not in options.targets:
        files.extend(graphql_schema.plan(contract, options))
    return files
