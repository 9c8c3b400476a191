"""`ariadne` target: a schema-first Ariadne GraphQL service around typed resolvers the user implements.

On top of the shared GraphQL package (`types.py`, `schema/`) it writes typed resolver interfaces,
their bindings to the shipped SDL, a mock implementation answering with synthesized examples,
the Starlette app (HTTP, graphql-transport-ws, health, limits, logging) and the user's scaffold.
"""

from __future__ import annotations

import json
import textwrap

from generator.ir.model import Contract
from generator.plan import FileSpec, Ownership
from generator.render import make_environment, render, static_file
from generator.targets import graphql_schema
from generator.targets.ariadne.examples import object_examples
from generator.targets.ariadne.load_views import load_plan
from generator.targets.ariadne.views import ServerView, server_view
from generator.targets.imports import export_order, isort_order
from generator.targets.layout import from_import
from generator.targets.options import TargetOptions
from generator.targets.telemetry import json_logs_file, probe_files, service_settings_file, telemetry_file

NAME = "ariadne"
DEPENDENCIES = (
    *graphql_schema.DEPENDENCIES,
    "ariadne>=0.23",
    "graphql-core>=3.2",
    "httpx>=0.27",
    "pydantic-settings>=2.7",
    "starlette>=0.37",
    "uvicorn[standard]>=0.30",
)


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    graphql = graphql_schema.graphql_of(contract)
    server = server_view(graphql)
    environment = make_environment()
    base = {"contract_file": options.contract_file_name, "package": options.package, "title": contract.title}
    package, generated = options.package_dir, options.generated_dir

    def file(path: str, template: str, **context: object) -> FileSpec:
        return FileSpec(path, render(environment, template, {**base, "server": server, **context}))

    examples = json.dumps(object_examples(graphql), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return [
        *graphql_schema.plan(contract, options),
        FileSpec(f"{generated}/server_runtime.py", static_file("ariadne/static/server_runtime.py")),
        telemetry_file(generated),
        json_logs_file(generated),
        service_settings_file(generated),
        *probe_files(generated),
        file(
            f"{generated}/resolvers.py",
            "ariadne/resolvers.py.jinja",
            type_imports=from_import(".types", server.imported_types(server.resolver_classes)),
            exports=export_order(["Resolvers", *(view.class_name for view in server.resolver_classes)]),
        ),
        file(
            f"{generated}/executable_schema.py",
            "ariadne/executable_schema.py.jinja",
            uses_types=bool(server.enums or server.inputs),
            runtime_imports=from_import(".server_runtime", _runtime_imports(server)),
        ),
        file(
            f"{generated}/mock.py",
            "ariadne/mock.py.jinja",
            resolver_imports=from_import(
                ".resolvers", isort_order(["Resolvers", *(view.class_name for view in server.roots)])
            ),
            type_imports=from_import(".types", server.imported_types(server.roots)),
            exports=export_order(["example", "mock_resolvers", *(view.mock_class_name for view in server.roots)]),
        ),
        FileSpec(f"{generated}/examples.json", examples),
        file(f"{generated}/application.py", "ariadne/application.py.jinja"),
        file(f"{package}/app.py", "ariadne/app.py.jinja"),
        file(f"{package}/__main__.py", "ariadne/main.py.jinja"),
        file(f"{package}/loadtest.py", "ariadne/loadtest.py.jinja", load=load_plan(graphql)),
        FileSpec(f"{generated}/load_runtime.py", static_file("ariadne/static/load_runtime.py")),
        FileSpec(f"{generated}/load_stats.py", static_file("common/static/load_stats.py")),
        FileSpec(f"{generated}/http_load.py", static_file("common/static/http_load.py")),
        FileSpec(
            f"{package}/resolvers.py",
            render(
                environment,
                "ariadne/user_resolvers.py.jinja",
                {
                    **base,
                    "server": server,
                    "mock_imports": isort_order(view.mock_class_name for view in server.roots),
                    "object_hint": _object_hint(server),
                },
            ),
            Ownership.USER,
        ),
    ]


def _runtime_imports(server: ServerView) -> list[str]:
    used = {view.binder for view in server.resolver_classes}
    kinds = {
        "union_type": server.unions,
        "interface_type": server.interfaces,
        "enum_type": server.enums,
        "input_type": server.inputs,
        "scalar_type": server.scalars,
    }
    used.update(name for name, bound in kinds.items() if bound)
    return isort_order({"FieldBinding", *used})


def _object_hint(server: ServerView) -> str:
    """How the scaffold's docstring tells the user to compute an object type's field."""
    if not server.objects:
        return ""
    first = server.objects[0]
    return textwrap.fill(
        f"To compute a field of an object type, subclass its resolvers (e.g. `generated.{first.class_name}`)"
        f" and pass an instance to `Resolvers` below (`{first.bundle_attribute}=...`).",
        width=96,
    )
