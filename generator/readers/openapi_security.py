"""`components.securitySchemes` and `security` requirements → IR (OpenAPI 3.x §4.8.27, §4.8.30)."""

from __future__ import annotations

from typing import Any

from generator.diagnostics import DiagnosticSink, Location
from generator.ir.model import (
    OAuthFlow,
    ParamLocation,
    SecurityKind,
    SecurityRequirement,
    SecurityScheme,
    SecurityUse,
)
from generator.ir.names import NameScope
from generator.readers.openapi_document import HTTP_METHODS
from generator.readers.yaml_positions import escape_token

_HTTP_SCHEMES = {"basic": SecurityKind.HTTP_BASIC, "bearer": SecurityKind.HTTP_BEARER}


def lower_security_schemes(
    raw_schemes: dict[str, Any], sink: DiagnosticSink, locate: Any
) -> tuple[SecurityScheme, ...]:
    names = NameScope()
    schemes: list[SecurityScheme] = []
    for key, raw in raw_schemes.items():
        pointer = "/components/securitySchemes/" + key.replace("~", "~0").replace("/", "~1")
        scheme = _lower_scheme(key, raw, names)
        if scheme is None:
            where: Location = locate(pointer)
            sink.warning(
                "openapi.unsupported-security",
                f"security scheme {key!r} ({raw.get('type')} {raw.get('scheme', '')}) is not supported; "
                "operations using it are generated without that check",
                where,
            )
            continue
        schemes.append(scheme)
    return tuple(schemes)


def _lower_scheme(key: str, raw: dict[str, Any], names: NameScope) -> SecurityScheme | None:
    name = names.claim_identifier(key)
    doc = str(raw.get("description", ""))
    scheme_type = raw.get("type")
    if scheme_type == "apiKey":
        return SecurityScheme(
            key=key,
            name=name,
            kind=SecurityKind.API_KEY,
            doc=doc,
            location=ParamLocation(raw["in"]),
            param_name=str(raw["name"]),
        )
    if scheme_type == "http":
        kind = _HTTP_SCHEMES.get(str(raw.get("scheme", "")).lower())
        if kind is None:
            return None
        return SecurityScheme(key=key, name=name, kind=kind, doc=doc, bearer_format=str(raw.get("bearerFormat", "")))
    if scheme_type == "oauth2":
        flows = tuple(
            OAuthFlow(
                flow=flow_name,
                token_url=str(flow.get("tokenUrl", "")),
                authorization_url=str(flow.get("authorizationUrl", "")),
                refresh_url=str(flow.get("refreshUrl", "")),
                scopes=tuple(sorted((str(scope), str(text)) for scope, text in flow.get("scopes", {}).items())),
            )
            for flow_name, flow in sorted(raw.get("flows", {}).items())
        )
        return SecurityScheme(key=key, name=name, kind=SecurityKind.OAUTH2, doc=doc, flows=flows)
    if scheme_type == "openIdConnect":
        return SecurityScheme(
            key=key,
            name=name,
            kind=SecurityKind.OPENID_CONNECT,
            doc=doc,
            openid_connect_url=str(raw.get("openIdConnectUrl", "")),
        )
    return None


def lower_requirements(
    raw_requirements: list[Any], known: tuple[SecurityScheme, ...]
) -> tuple[SecurityRequirement, ...]:
    """A `security` list: alternatives (OR) of requirement objects (AND); `{}` allows anonymous."""
    known_keys = {scheme.key for scheme in known}
    alternatives: list[SecurityRequirement] = []
    for requirement in raw_requirements:
        uses = tuple(
            SecurityUse(scheme=key, scopes=tuple(str(scope) for scope in scopes or ()))
            for key, scopes in requirement.items()
            if key in known_keys
        )
        if uses or not requirement:
            alternatives.append(uses)
    return tuple(alternatives)


def check_requirement_names(document: dict[str, Any], sink: DiagnosticSink, locate: Any) -> None:
    """Every name in a `security` requirement must be a declared scheme (§4.8.30: "MUST correspond").

    Lowering skips requirements it cannot check, so a misspelt name would otherwise leave the
    operation open to anyone, silently.
    """
    components = document.get("components")
    raw_schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    declared = set(raw_schemes) if isinstance(raw_schemes, dict) else set()
    sites: list[tuple[str, Any]] = [("/security", document.get("security"))]
    for section in ("paths", "webhooks"):
        items = document.get(section)
        for path, item in items.items() if isinstance(items, dict) else ():
            for method in HTTP_METHODS:
                operation = item.get(method) if isinstance(item, dict) else None
                if isinstance(operation, dict):
                    sites.append((f"/{section}/{escape_token(path)}/{method}/security", operation.get("security")))
    for pointer, requirements in sites:
        for index, requirement in enumerate(requirements if isinstance(requirements, list) else ()):
            for name in requirement if isinstance(requirement, dict) else ():
                if name not in declared:
                    known = ", ".join(repr(key) for key in sorted(declared)) or "none"
                    where: Location = locate(f"{pointer}/{index}/{escape_token(name)}")
                    sink.error(
                        "openapi.unknown-security-scheme",
                        f"security requirement names {name!r}, but no security scheme of that name is declared "
                        f"(declared: {known}); the operation would be left unprotected",
                        where,
                    )
