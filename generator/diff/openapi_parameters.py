"""Parameters of an operation: added, removed, moved, required, serialised and typed differently.

Parameters are matched by location and name (header names case-insensitively), path parameters by
their place in the template, so renaming one is DANGEROUS (generated clients rename the argument)
rather than a removal and an addition. A removed parameter is DANGEROUS: the server ignores what
clients still send. `explode` is ignored for parameters that are single values (it only splits
arrays and objects). Parameter values are request data, compared by `openapi_schemas`.
"""

from __future__ import annotations

from typing import Any

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_documentation import compare_examples, compare_text
from generator.diff.openapi_node import Located, Node, canonical
from generator.diff.openapi_paths import Operation, template_parameters
from generator.diff.openapi_rules import Direction
from generator.diff.openapi_side import Side

_DEFAULT_STYLES = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}


def compare_parameters(comparison: Comparison, old: Operation, new: Operation) -> None:
    label = new.label
    old_parameters, new_parameters = _parameters(comparison.old, old), _parameters(comparison.new, new)
    removed = [key for key in old_parameters if key not in new_parameters]
    added = [key for key in new_parameters if key not in old_parameters]
    for key in list(removed):
        moved = next(
            (
                other
                for other in added
                if "path" not in (key[0], other[0]) and other[0] != key[0] and other[1].lower() == key[1].lower()
            ),
            None,
        )
        if moved is not None:
            removed.remove(key)
            added.remove(moved)
            comparison.report(
                "openapi.request-parameter-location-changed",
                f"{label}: parameter {_parameter_name(new_parameters[moved])} moved from {key[0]} to {moved[0]}",
                comparison.new,
                new_parameters[moved].site,
            )
    for key in removed:
        parameter = old_parameters[key]
        comparison.report(
            "openapi.request-parameter-removed",
            f"{label}: {_parameter_label(parameter)} removed; the server ignores it if clients still send it",
            comparison.old,
            parameter.site,
        )
    for key in added:
        parameter = new_parameters[key]
        if _parameter_required(parameter):
            rule, text = "openapi.request-required-parameter-added", f"{label}: required"
        else:
            rule, text = "openapi.request-parameter-added", f"{label}: optional"
        comparison.report(rule, f"{text} {_parameter_label(parameter)} added", comparison.new, parameter.site)
    for key, parameter in new_parameters.items():
        if key in old_parameters:
            _compare_parameter(comparison, label, old_parameters[key], parameter)


def parameter_schema(parameter: Node) -> Node | None:
    """A parameter's or header's `schema`, or the schema of its single `content` entry."""
    schema = parameter.member("schema")
    if schema is not None:
        return schema
    content = parameter.member("content")
    if content is None:
        return None
    for media_type in content.mapping():
        return content.child(media_type).member("schema")
    return None


def _parameters(side: Side, operation: Operation) -> dict[tuple[str, str], Located]:
    """Path-item parameters overridden by the operation's, keyed by location and name; path
    parameters by their place in the template, so renaming one is not removing it."""
    merged: dict[tuple[str, str], Located] = {}
    for container in (operation.path_item, operation.node):
        listed = container.member("parameters")
        if listed is None or not isinstance(listed.value, list):
            continue
        for index in range(len(listed.value)):
            site = listed.child(index)
            resolved = side.resolve(site)
            fields = resolved.mapping()
            if isinstance(fields.get("name"), str) and isinstance(fields.get("in"), str):
                merged[(fields["in"], fields["name"])] = Located(site.pointer, resolved)
    template_names = template_parameters(operation.template)
    keyed: dict[tuple[str, str], Located] = {}
    for (location, name), parameter in merged.items():
        if location == "path" and name in template_names:
            keyed[("path", str(template_names.index(name)))] = parameter
        elif location == "header":
            keyed[("header", name.lower())] = parameter
        else:
            keyed[(location, name)] = parameter
    return keyed


def _compare_parameter(comparison: Comparison, label: str, old: Located, new: Located) -> None:
    old_fields, new_fields = old.node.mapping(), new.node.mapping()
    where = _parameter_label(new)
    if old_fields.get("in") == "path" and old_fields.get("name") != new_fields.get("name"):
        comparison.report(
            "openapi.path-parameter-renamed",
            f"{label}: path parameter {old_fields.get('name')} renamed to {new_fields.get('name')}; "
            "generated clients rename the argument",
            comparison.new,
            new.site,
        )
    old_required, new_required = _parameter_required(old), _parameter_required(new)
    if new_required and not old_required:
        comparison.report(
            "openapi.request-parameter-became-required", f"{label}: {where} became required", comparison.new, new.site
        )
    elif old_required and not new_required:
        comparison.report(
            "openapi.request-parameter-became-optional", f"{label}: {where} became optional", comparison.new, new.site
        )
    old_style, new_style = _serialisation(old_fields), _serialisation(new_fields)
    if _single_value(comparison.old, old) and _single_value(comparison.new, new):
        old_style, new_style = (old_style[0], True), (new_style[0], True)  # explode only splits lists and objects
    if old_style != new_style:
        comparison.report(
            "openapi.request-parameter-style-changed",
            f"{label}: {where} serialisation changed from style={old_style[0]}, explode={canonical(old_style[1])} "
            f"to style={new_style[0]}, explode={canonical(new_style[1])}",
            comparison.new,
            new.site,
        )
    if new_fields.get("deprecated") is True and old_fields.get("deprecated") is not True:
        comparison.report(
            "openapi.request-parameter-deprecated", f"{label}: {where} deprecated", comparison.new, new.site
        )
    compare_text(comparison, old.node, new.node, f"{label}: {where} ", ("description",))
    compare_examples(comparison, old.node, new.node, f"{label}: {where}")
    old_schema, new_schema = parameter_schema(old.node), parameter_schema(new.node)
    if old_schema is not None and new_schema is not None:
        comparison.walk_schemas(old_schema, new_schema, where, label, Direction.REQUEST)


def _parameter_required(parameter: Located) -> bool:
    fields = parameter.node.mapping()
    return fields.get("in") == "path" or fields.get("required") is True


def _parameter_name(parameter: Located) -> str:
    return str(parameter.node.mapping().get("name"))


def _parameter_label(parameter: Located) -> str:
    fields = parameter.node.mapping()
    return f"{fields.get('in')} parameter {fields.get('name')}"


def _serialisation(fields: dict[str, Any]) -> tuple[str, bool]:
    """Effective (style, explode) of a parameter (OpenAPI 3.x, Parameter Object, defaults)."""
    style = fields.get("style") or _DEFAULT_STYLES.get(str(fields.get("in")), "form")
    explode = fields.get("explode")
    return str(style), explode if isinstance(explode, bool) else style == "form"


def _single_value(side: Side, parameter: Located) -> bool:
    """A parameter whose schema allows neither arrays nor objects: `explode` cannot change it."""
    schema = parameter.node.member("schema")
    if schema is None:
        return False
    types = side.view(schema).types
    return bool(types) and not types & {"array", "object"}
