"""Security: what each operation requires of a client, and the security schemes it refers to.

An operation's effective requirements are its own `security`, else the document's (OpenAPI 3.x,
4.8.10); any of the listed alternatives is enough, and an empty one means "no authentication".
Clients holding credentials that OLD accepted must still be accepted by NEW.
"""

from __future__ import annotations

from typing import Any

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_node import Node, named_members
from generator.diff.openapi_paths import Operation
from generator.diff.openapi_side import Side

_Requirement = dict[str, frozenset[str]]
"""One Security Requirement Object: scheme name → scopes; all of them are needed together."""


def compare_security(comparison: Comparison, old: Operation, new: Operation) -> None:
    label = new.label
    _, old_requirements = _security(comparison.old, old)
    new_node, new_requirements = _security(comparison.new, new)
    old_open = not old_requirements or any(not requirement for requirement in old_requirements)
    new_open = not new_requirements or any(not requirement for requirement in new_requirements)
    if old_open and new_open:
        return
    new_place = new_node.pointer if new_node is not None else new.node.pointer
    if old_open:
        comparison.report(
            "openapi.security-added",
            f"{label}: now requires authentication ({_requirements_text(new_requirements)})",
            comparison.new,
            new_place,
        )
        return
    if new_open:
        comparison.report(
            "openapi.security-removed", f"{label}: no longer requires authentication", comparison.new, new_place
        )
        return
    for requirement in old_requirements:
        if any(_satisfies(requirement, candidate) for candidate in new_requirements):
            continue
        if any(candidate.keys() == requirement.keys() for candidate in new_requirements):
            comparison.report(
                "openapi.security-scope-added",
                f"{label}: clients with {_requirement_text(requirement)} now need more scopes",
                comparison.new,
                new_place,
            )
        else:
            comparison.report(
                "openapi.security-requirement-changed",
                f"{label}: clients authenticating with {_requirement_text(requirement)} are no longer accepted "
                f"(now {_requirements_text(new_requirements)})",
                comparison.new,
                new_place,
            )
    for requirement in new_requirements:
        if not any(_satisfies(requirement, candidate) for candidate in old_requirements):
            comparison.report(
                "openapi.security-alternative-added",
                f"{label}: clients may now authenticate with {_requirement_text(requirement)}",
                comparison.new,
                new_place,
            )


def compare_security_schemes(comparison: Comparison) -> None:
    old_schemes = named_members(comparison.old.components("securitySchemes"))
    new_schemes = named_members(comparison.new.components("securitySchemes"))
    for name, scheme in old_schemes.items():
        if name not in new_schemes:
            comparison.report(
                "openapi.security-scheme-removed", f"security scheme {name} removed", comparison.old, scheme.pointer
            )
            continue
        differences = _scheme_differences(
            comparison.old.resolve(scheme).mapping(), comparison.new.resolve(new_schemes[name]).mapping()
        )
        if differences:
            comparison.report(
                "openapi.security-scheme-changed",
                f"security scheme {name} changed: {'; '.join(differences)}",
                comparison.new,
                new_schemes[name].pointer,
            )
    for name, scheme in new_schemes.items():
        if name not in old_schemes:
            comparison.report(
                "openapi.security-scheme-added", f"security scheme {name} added", comparison.new, scheme.pointer
            )


def _security(side: Side, operation: Operation) -> tuple[Node | None, list[_Requirement]]:
    """The operation's own `security`, else the document's (OpenAPI 3.x, 4.8.10)."""
    node = operation.node.member("security") or side.root.member("security")
    if node is None or not isinstance(node.value, list):
        return node, []
    requirements = [
        {
            str(scheme): frozenset(str(scope) for scope in scopes) if isinstance(scopes, list) else frozenset()
            for scheme, scopes in requirement.items()
        }
        for requirement in node.value
        if isinstance(requirement, dict)
    ]
    return node, requirements


def _satisfies(credentials: _Requirement, requirement: _Requirement) -> bool:
    """A client holding `credentials` meets `requirement`."""
    return all(scheme in credentials and scopes <= credentials[scheme] for scheme, scopes in requirement.items())


def _requirement_text(requirement: _Requirement) -> str:
    return " + ".join(
        f"{scheme}[{', '.join(sorted(scopes))}]" if scopes else scheme for scheme, scopes in sorted(requirement.items())
    )


def _requirements_text(requirements: list[_Requirement]) -> str:
    return " or ".join(_requirement_text(requirement) or "none" for requirement in requirements)


def _scheme_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed in a Security Scheme Object that a client relies on to authenticate."""
    differences = [
        f"{key} changed from {old.get(key)!r} to {new.get(key)!r}"
        for key in ("type", "in", "name", "openIdConnectUrl")
        if old.get(key) != new.get(key)
    ]
    if str(old.get("scheme", "")).lower() != str(new.get("scheme", "")).lower():
        differences.append(f"scheme changed from {old.get('scheme')!r} to {new.get('scheme')!r}")
    old_flows = old.get("flows") if isinstance(old.get("flows"), dict) else {}
    new_flows = new.get("flows") if isinstance(new.get("flows"), dict) else {}
    assert isinstance(old_flows, dict) and isinstance(new_flows, dict)
    for flow, settings in old_flows.items():
        if flow not in new_flows:
            differences.append(f"flow {flow} removed")
            continue
        new_settings = new_flows[flow] if isinstance(new_flows[flow], dict) else {}
        old_settings = settings if isinstance(settings, dict) else {}
        for key in ("authorizationUrl", "tokenUrl"):
            if old_settings.get(key) != new_settings.get(key):
                differences.append(f"{flow} {key} changed from {old_settings.get(key)!r} to {new_settings.get(key)!r}")
        old_scopes = old_settings.get("scopes") if isinstance(old_settings.get("scopes"), dict) else {}
        new_scopes = new_settings.get("scopes") if isinstance(new_settings.get("scopes"), dict) else {}
        gone = sorted(set(old_scopes or {}) - set(new_scopes or {}))
        if gone:
            differences.append(f"{flow} scopes removed: {', '.join(gone)}")
    return differences
