"""`contract-tests` target: pytest + schemathesis checks any implementation against the contract.

The generated tests need no generator at run time: the contract ships in the package, and the
per-operation facts the route tests need (example paths, required parameters, security) are
computed here and written as data.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from generator.escaping import python_literal
from generator.ir.model import BodyKind, Contract, Operation, Param, ParamLocation, SecurityKind
from generator.ir.names import constant_case
from generator.plan import FileSpec
from generator.render import make_environment, render
from generator.targets.options import TargetOptions

NAME = "contract-tests"
TEST_DEPENDENCIES = ("pytest>=8", "schemathesis>=4.32", "httpx>=0.27", "openapi-schema-validator>=0.9")

_SCHEME_KINDS = {
    SecurityKind.API_KEY: "apiKey",
    SecurityKind.HTTP_BASIC: "basic",
    SecurityKind.HTTP_BEARER: "bearer",
    SecurityKind.OAUTH2: "bearer",
    SecurityKind.OPENID_CONNECT: "bearer",
}


def plan(contract: Contract, options: TargetOptions) -> list[FileSpec]:
    environment = make_environment()
    schemes = _schemes(contract)
    operations = [_operation_facts(operation) for service in contract.services for operation in service.operations]
    context = {
        "contract_file": options.contract_file_name,
        "package": options.package,
        "schemes": [{"key": key, "env_names": _env_names(scheme)} for key, scheme in sorted(schemes.items())],
        "schemes_literal": python_literal(schemes),
        "operations_literal": python_literal(operations),
        "multipart_operations": [
            operation.operation_id or operation.name
            for service in contract.services
            for operation in service.operations
            if operation.http.request_body is not None and operation.http.request_body.kind is BodyKind.MULTIPART
        ],
        "silent_on_invalid_input": [
            _label(operation)
            for service in contract.services
            for operation in service.operations
            if not declares_rejection(operation)
        ],
        "credential_parameters": _credential_parameters(contract),
        "form_bodies": {
            _label(operation): form
            for service in contract.services
            for operation in service.operations
            if (form := _form_body(operation))
        },
        "delimited_arrays": {
            _label(operation): arrays
            for service in contract.services
            for operation in service.operations
            if (arrays := _delimited_arrays(operation))
        },
    }
    files = [
        FileSpec("tests/__init__.py", ""),
        FileSpec("tests/contract/__init__.py", ""),
    ]
    for name in ("conftest.py", "credentials.py", "test_schema.py", "test_routes.py"):
        files.append(FileSpec(f"tests/contract/{name}", render(environment, f"contract_tests/{name}.jinja", context)))
    return files


# Statuses by which a contract says how it refuses a request it cannot accept: 400 Bad Request and
# 422 Unprocessable Content (RFC 9110 §15.5.1, §15.5.21), the 4XX range and `default` (OpenAPI
# 3.0 §4.7.16, Responses Object). 401, 403, 404, 409, 429... describe what becomes of a well-formed
# request (no credentials, no such resource, a conflict), so they do not count.
_REJECTION_STATUSES = frozenset({"400", "422", "4XX", "DEFAULT"})


def declares_rejection(operation: Operation) -> bool:
    """Whether the contract declares a response for invalid input to `operation`.

    Where it does not, the contract is silent on how invalid input is answered, and the contract
    tests accept any 4xx as the rejection of an invalid (negative) request.
    """
    return any(response.status.upper() in _REJECTION_STATUSES for response in operation.http.responses)


def _label(operation: Operation) -> str:
    """The operation as schemathesis names it (`case.operation.label`) and the test ids show it."""
    return f"{operation.http.method} {operation.http.path}"


def _form_body(operation: Operation) -> list[Any]:
    """[schema pointer, {field: JSON type}, [array fields], required] of an urlencoded body; [] for other bodies.

    The contract tests read a negative case's form as the wire sends it (text only: `5` is 5 for an
    integer field, one `Tags=a` is the array `["a"]`), as the generated service's check reads it;
    an empty form is no body at all, which an optional body may be.
    """
    body = operation.http.request_body
    if body is None or body.kind is not BodyKind.FORM or not body.schema_pointer:
        return []
    types = {field.wire_name: field.wire_type for field in body.fields}
    arrays = [field.wire_name for field in body.fields if field.is_list]
    return [body.schema_pointer, types, arrays, body.required]


# Where schemathesis keeps each location's values on a case (`case.query`, `case.headers`...).
_CASE_ATTRIBUTES = {ParamLocation.QUERY: "query", ParamLocation.HEADER: "headers", ParamLocation.COOKIE: "cookies"}


def _delimited_arrays(operation: Operation) -> dict[str, list[str]]:
    """Array parameters sent as one delimited value (`status=a,b`), by the case attribute holding them.

    Sent as empty text, such a value is both an empty list (which the generated server reads) and
    a list of one empty item (which schemathesis meant), so the contract tests do not count its
    acceptance as accepted invalid data. Path arrays are left out: an empty segment routes nowhere.
    """
    arrays: dict[str, list[str]] = {}
    for param in operation.http.params:
        attribute = _CASE_ATTRIBUTES.get(param.location)
        if attribute is not None and param.delimiter is not None:
            arrays.setdefault(attribute, []).append(param.wire_name)
    return arrays


def _schemes(contract: Contract) -> dict[str, dict[str, Any]]:
    schemes: dict[str, dict[str, Any]] = {}
    for scheme in contract.security_schemes:
        entry: dict[str, Any] = {
            "kind": _SCHEME_KINDS[scheme.kind],
            "env": f"CONTRACT_AUTH_{constant_case(scheme.key)}",
        }
        if scheme.kind is SecurityKind.API_KEY and scheme.location is not None:
            entry.update({"in": scheme.location.value, "name": scheme.param_name})
        schemes[scheme.key] = entry
    return schemes


def _credential_parameters(contract: Contract) -> list[list[str]]:
    """[location, name] of each parameter a security scheme's credential travels in (header names lowered).

    API keys name theirs; HTTP and OAuth2/OpenID Connect credentials go in `Authorization`.
    """
    found: set[tuple[str, str]] = set()
    for scheme in contract.security_schemes:
        if scheme.kind is SecurityKind.API_KEY and scheme.location is not None and scheme.param_name:
            location = scheme.location.value
            found.add((location, scheme.param_name.lower() if location == "header" else scheme.param_name))
        elif scheme.kind is not SecurityKind.API_KEY:
            found.add(("header", "authorization"))
    return [list(item) for item in sorted(found)]


def _env_names(scheme: dict[str, Any]) -> list[str]:
    if scheme["kind"] == "basic":
        return [scheme["env"] + "_USERNAME", scheme["env"] + "_PASSWORD"]
    return [scheme["env"]]


def _operation_facts(operation: Operation) -> dict[str, Any]:
    http = operation.http
    path = http.url_path
    query: dict[str, Any] = {}
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for param in http.params:
        if param.location is ParamLocation.PATH:
            path = path.replace("{" + param.wire_name + "}", _path_text(param.example))
        elif param.required and param.location is ParamLocation.QUERY:
            query[param.wire_name] = _query_value(param)
        elif param.required and param.location is ParamLocation.HEADER:
            headers[param.wire_name] = _text(param.example)
        elif param.required and param.location is ParamLocation.COOKIE:
            cookies[param.wire_name] = _text(param.example)
    first_requirement = next((requirement for requirement in operation.security if requirement), ())
    return {
        "id": _label(operation),
        "method": http.method,
        "path": path,
        "query": query,
        "headers": headers,
        "cookies": cookies,
        "declared": sorted(response.status for response in http.responses),
        "requires_auth": operation.requires_auth,
        "auth_schemes": [use.scheme for use in first_requirement],
    }


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if value is None:
        return "1"
    return json.dumps(value) if isinstance(value, dict) else str(value)


def _path_text(value: Any) -> str:
    """A path segment: each item percent-encoded, an array's commas literal (style simple)."""
    if isinstance(value, list):
        return ",".join(quote(_text(item), safe="") for item in value)
    return quote(_text(value), safe="")


def _query_value(param: Param) -> Any:
    """Exploded arrays repeat the name; the others are one value joined with their style's delimiter."""
    if isinstance(param.example, list):
        items = [_text(item) for item in param.example]
        return items if param.delimiter is None else param.delimiter.join(items)
    return _text(param.example)
