"""Security schemes → FastAPI security dependencies (the text of their constructors)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.model import Operation, ParamLocation, SecurityKind, SecurityScheme
from generator.ir.names import PythonIdentifier, constant_case

_API_KEY_CLASSES = {
    ParamLocation.HEADER: "APIKeyHeader",
    ParamLocation.QUERY: "APIKeyQuery",
    ParamLocation.COOKIE: "APIKeyCookie",
}


@dataclass(frozen=True)
class SchemeView:
    key_literal: str
    name: PythonIdentifier
    constant: PythonIdentifier
    kind: str
    constructor: str
    presented_type: str


@dataclass(frozen=True)
class SchemeUseView:
    """A scheme read by one operation's dependency; `depends` documents OAuth2 scopes too."""

    scheme: SchemeView
    depends: str


@dataclass(frozen=True)
class SecurityDependencyView:
    """One dependency per secured operation: which schemes it reads and which combinations pass."""

    name: PythonIdentifier
    schemes: tuple[SchemeUseView, ...]
    requirements_literal: str
    anonymous_allowed: bool


def scheme_view(scheme: SecurityScheme) -> SchemeView:
    key = python_literal(scheme.key)
    description = f", description={python_literal(scheme.doc)}" if scheme.doc else ""
    common = f"scheme_name={key}{description}, auto_error=False"
    presented = "str | None"
    if scheme.kind is SecurityKind.API_KEY:
        assert scheme.location is not None
        constructor = f"{_API_KEY_CLASSES[scheme.location]}(name={python_literal(scheme.param_name)}, {common})"
    elif scheme.kind is SecurityKind.HTTP_BASIC:
        constructor = f"HTTPBasic({common})"
        presented = "HTTPBasicCredentials | None"
    elif scheme.kind is SecurityKind.HTTP_BEARER:
        bearer_format = f"bearerFormat={python_literal(scheme.bearer_format)}, " if scheme.bearer_format else ""
        constructor = f"HTTPBearer({bearer_format}{common})"
        presented = "HTTPAuthorizationCredentials | None"
    elif scheme.kind is SecurityKind.OAUTH2:
        flows = {
            _FLOW_FIELDS.get(flow.flow, flow.flow): {
                key_name: value
                for key_name, value in (
                    ("tokenUrl", flow.token_url),
                    ("authorizationUrl", flow.authorization_url),
                    ("refreshUrl", flow.refresh_url),
                )
                if value
            }
            | {"scopes": dict(flow.scopes)}
            for flow in scheme.flows
        }
        constructor = f"OAuth2(flows={python_literal(flows)}, {common})"
    else:
        constructor = f"OpenIdConnect(openIdConnectUrl={python_literal(scheme.openid_connect_url)}, {common})"
    return SchemeView(
        key_literal=key,
        name=scheme.name,
        constant=constant_case(scheme.name),
        kind=python_literal(scheme.kind.value),
        constructor=constructor,
        presented_type=presented,
    )


_FLOW_FIELDS = {
    "implicit": "implicit",
    "password": "password",
    "clientCredentials": "clientCredentials",
    "authorizationCode": "authorizationCode",
}


def security_dependency(operation: Operation, views: dict[str, SchemeView]) -> SecurityDependencyView | None:
    if not operation.security or not any(operation.security):
        return None
    scopes: dict[str, list[str]] = {}
    for requirement in operation.security:
        for use in requirement:
            known = scopes.setdefault(use.scheme, [])
            known.extend(scope for scope in use.scopes if scope not in known)
    used = []
    for key, needed in scopes.items():
        view = views[key]
        depends = (
            f"Security({view.constant}, scopes={python_literal(needed)})" if needed else f"Depends({view.constant})"
        )
        used.append(SchemeUseView(view, depends))
    requirements = [{use.scheme: list(use.scopes) for use in requirement} for requirement in operation.security]
    return SecurityDependencyView(
        name=operation.name,
        schemes=tuple(used),
        requirements_literal=python_literal(requirements),
        anonymous_allowed=any(not requirement for requirement in operation.security),
    )
