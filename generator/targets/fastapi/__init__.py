"""`fastapi` target: a FastAPI service skeleton around an abstract service the user implements."""

from __future__ import annotations

import json
from collections import defaultdict

from generator.ir.model import Contract, Operation
from generator.plan import FileSpec, Ownership
from generator.render import make_environment, render, static_file
from generator.targets.fastapi.load_views import load_requests
from generator.targets.fastapi.security_views import SchemeView, scheme_view, security_dependency
from generator.targets.fastapi.views import OperationView, operation_view, router_module_name
from generator.targets.imports import isort_order, used_names
from generator.targets.options import TargetOptions
from generator.targets.telemetry import json_logs_file, probe_files, service_settings_file, telemetry_file
from generator.targets.webhook_views import webhook_view

NAME = "fastapi"
DEPENDENCIES = (
    "fastapi>=0.115",
    "pydantic>=2.7",
    "pydantic-settings>=2.7",
    "uvicorn>=0.30",
    "python-multipart>=0.0.9",
    "openapi-schema-validator>=0.9",
    "jsonschema>=4.18",
)


def contract_dependencies(contract: Contract) -> tuple[str, ...]:
    """Packages the generated models need beyond the base set (pydantic's optional extras)."""
    if "EmailStr" in contract.models.source or "NameEmail" in contract.models.source:
        return ("email-validator>=2.0",)
    return ()


_FASTAPI_NAMES = ("APIRouter", "Body", "Cookie", "Depends", "File", "Form", "Header", "Path", "Query", "UploadFile")
_RUNTIME_NAMES = (
    "Credentials",
    "DeclaredResponse",
    "OperationResponses",
    "contract_form_body",
    "contract_json_body",
    "header_items",
    "iso_text_only",
    "path_items",
    "python_pattern",
    "read_body",
    "read_text",
    "split_items",
)


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    environment = make_environment()
    service = contract.services[0]
    schemes = {scheme.key: scheme_view(scheme) for scheme in contract.security_schemes}
    views = [operation_view(operation, security_dependency(operation, schemes)) for operation in service.operations]
    base = {
        "contract_file": options.contract_file_name,
        "package": options.package,
        "title": contract.title,
        "version": contract.version,
        "description": contract.description,
    }
    generated = options.generated_dir
    stdlib = _stdlib_modules(views)

    def file(path: str, template: str, **context: object) -> FileSpec:
        return FileSpec(path, render(environment, template, {**base, **context}))

    by_tag: dict[str, list[OperationView]] = defaultdict(list)
    for view in views:
        by_tag[router_module_name(view.tags[0])].append(view)
    files = [
        file(f"{options.package_dir}/__init__.py", "fastapi/package_init.py.jinja"),
        FileSpec(f"{options.package_dir}/py.typed", ""),
        file(f"{options.package_dir}/app.py", "fastapi/app.py.jinja"),
        file(f"{options.package_dir}/__main__.py", "fastapi/main.py.jinja"),
        file(
            f"{options.package_dir}/loadtest.py",
            "fastapi/loadtest.py.jinja",
            requests=load_requests(service.operations),
        ),
        FileSpec(f"{generated}/load_runtime.py", static_file("fastapi/static/load_runtime.py")),
        FileSpec(f"{generated}/load_stats.py", static_file("common/static/load_stats.py")),
        FileSpec(f"{generated}/http_load.py", static_file("common/static/http_load.py")),
        FileSpec(
            f"{options.package_dir}/service.py",
            render(environment, "fastapi/user_service.py.jinja", base),
            Ownership.USER,
        ),
        file(f"{generated}/__init__.py", "fastapi/package_init.py.jinja"),
        file(f"{generated}/models.py", "fastapi/models.py.jinja", models_source=contract.models.source),
        FileSpec(f"{generated}/runtime.py", static_file("fastapi/static/runtime.py")),
        telemetry_file(generated),
        json_logs_file(generated),
        service_settings_file(generated),
        *probe_files(generated),
        file(f"{generated}/service.py", "fastapi/service.py.jinja", operations=views, stdlib_imports=stdlib),
        file(
            f"{generated}/mock.py",
            "fastapi/mock.py.jinja",
            operations=views,
            stdlib_imports=sorted({"json", *stdlib}),
            imports=_mock_imports(views),
        ),
        file(
            f"{generated}/security.py",
            "fastapi/security.py.jinja",
            schemes=_used_schemes(views, schemes),
            dependencies=[view.security for view in views if view.security is not None],
            imports=_security_imports(views),
        ),
        file(
            f"{generated}/application.py",
            "fastapi/application.py.jinja",
            routers=sorted(by_tag),
            path_discriminators=[view.path_discriminator for view in views if view.path_discriminator],
        ),
        file(f"{generated}/routes/__init__.py", "fastapi/routes_init.py.jinja"),
        FileSpec(f"{generated}/examples.json", _examples_json(service.operations)),
        FileSpec(f"{generated}/contract.json", contract.document_json),
    ]
    if contract.webhooks:
        webhooks = [webhook_view(webhook) for webhook in contract.webhooks]
        payload_types = [webhook.payload_type for webhook in webhooks if webhook.payload_type]
        files.append(
            file(
                f"{generated}/webhooks.py",
                "fastapi/webhooks.py.jinja",
                webhooks=webhooks,
                needs_adapter=bool(payload_types),
                needs_models=bool(used_names(payload_types, ("models",))),
            )
        )
    for module, tag_views in sorted(by_tag.items()):
        files.append(
            file(
                f"{generated}/routes/{module}.py",
                "fastapi/router.py.jinja",
                tag=tag_views[0].tags[0],
                operations=tag_views,
                stdlib_imports=_stdlib_modules(tag_views),
                imports=_router_imports(tag_views),
            )
        )
    return files


def _used_schemes(views: list[OperationView], schemes: dict[str, SchemeView]) -> list[SchemeView]:
    used = {use.scheme.constant for view in views if view.security for use in view.security.schemes}
    return [scheme for scheme in schemes.values() if scheme.constant in used]


_SECURITY_CLASSES = (
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "OAuth2",
    "OpenIdConnect",
)


def _security_imports(views: list[OperationView]) -> dict[str, list[str]]:
    uses = [use for view in views if view.security for use in view.security.schemes]
    anonymous_only = all(view.security.anonymous_allowed for view in views if view.security)
    texts = [text for use in uses for text in (use.depends, use.scheme.constructor, use.scheme.presented_type)]
    return {
        "fastapi": used_names(texts, ("Depends", "Security")),
        "security": isort_order(used_names(texts, _SECURITY_CLASSES)),
        "runtime": isort_order(
            {"Credentials", "Requirements", "satisfy", "to_credential"}
            | (set() if anonymous_only else {"unauthorized"})
        ),
    }


def _texts(views: list[OperationView]) -> list[str]:
    texts: list[str] = []
    for view in views:
        texts.extend(argument.annotation for argument in view.route_arguments)
        texts.extend(argument.annotation for argument in view.service_arguments)
        texts.extend(view.declared_responses)
        texts.extend((view.return_type, view.responses_doc, view.example_adapter or ""))
    return texts


def _stdlib_modules(views: list[OperationView]) -> list[str]:
    return used_names(_texts(views), ("datetime", "uuid"))


def _router_imports(views: list[OperationView]) -> dict[str, list[str]]:
    texts = [argument.annotation for view in views for argument in view.route_arguments]
    texts.extend(text for view in views for text in (*view.declared_responses, view.responses_doc))
    texts.extend(expression for view in views for _, expression in view.constants)
    texts.extend(view.strict_body or "" for view in views)
    return {
        "typing": used_names(texts, ("Annotated", "Any")),
        "fastapi": isort_order({"APIRouter", "Request", *used_names(texts, _FASTAPI_NAMES)}),
        "pydantic": used_names(texts, ("AfterValidator", "BeforeValidator", "Field", "TypeAdapter")),
        "package": used_names(texts, ("models", "security")),
        "runtime": isort_order({"EXAMPLES", "OperationResponses", *used_names(texts, _RUNTIME_NAMES)}),
    }


def _mock_imports(views: list[OperationView]) -> dict[str, list[str]]:
    texts = [argument.annotation for view in views for argument in view.service_arguments]
    texts.extend(view.example_adapter or "" for view in views)
    texts.extend(view.return_type for view in views)
    return {
        "typing": ["Any", "TypeVar", "cast"],
        "fastapi": used_names(texts, ("UploadFile",)),
        "package": used_names(texts, ("models",)),
        "runtime": isort_order({"ApiResponse", "EXAMPLES", *used_names(texts, ("Credentials",))}),
    }


def _examples_json(operations: tuple[Operation, ...]) -> str:
    """Example bodies per operation and declared status: mock answers and error-reply templates."""
    examples: dict[str, dict[str, object]] = {}
    for operation in operations:
        by_status = {response.status: response.example for response in operation.http.responses if response.has_example}
        if by_status:
            examples[operation.name] = by_status
    return json.dumps(examples, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
