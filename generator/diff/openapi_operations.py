"""Paths and operations: which were removed or added, and everything an operation both sides have
defines (identity, tags, documentation, parameters, bodies, responses, security, servers, callbacks).

Removing a deprecated operation (or a path whose operations were all deprecated) is DANGEROUS, not
BREAKING: clients were warned, and CI should not block the removal that deprecation announced. A
changed `operationId` is DANGEROUS: the wire is unchanged, but generated clients rename the method.
"""

from __future__ import annotations

from generator.diff.openapi_bodies import compare_request_body, compare_responses
from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_components import compare_named
from generator.diff.openapi_documentation import compare_text
from generator.diff.openapi_node import Node
from generator.diff.openapi_parameters import compare_parameters
from generator.diff.openapi_paths import Operation, operations, path_items
from generator.diff.openapi_security import compare_security
from generator.diff.openapi_servers import compare_servers
from generator.diff.openapi_side import Side


def compare_paths(comparison: Comparison) -> None:
    old_paths, new_paths = path_items(comparison.old), path_items(comparison.new)
    for key, (template, item) in old_paths.items():
        if key in new_paths:
            continue
        listed = list(operations(template, item))
        if listed and all(operation.deprecated for operation in listed):
            rule, note = "openapi.deprecated-path-removed", " (all its operations were deprecated)"
        else:
            rule, note = "openapi.path-removed", ""
        comparison.report(rule, f"path {template} removed{note}", comparison.old, item.pointer)
    for key, (template, item) in new_paths.items():
        if key not in old_paths:
            comparison.report("openapi.path-added", f"path {template} added", comparison.new, item.pointer)
    for key, (old_template, old_item) in old_paths.items():
        if key in new_paths:
            new_template, new_item = new_paths[key]
            _compare_path_item(
                comparison,
                {operation.method: operation for operation in operations(old_template, old_item)},
                {operation.method: operation for operation in operations(new_template, new_item)},
            )


def _compare_path_item(comparison: Comparison, old: dict[str, Operation], new: dict[str, Operation]) -> None:
    for method, operation in old.items():
        if method in new:
            _compare_operation(comparison, operation, new[method])
            continue
        if operation.deprecated:
            rule, text = "openapi.deprecated-operation-removed", "deprecated operation removed"
        else:
            rule, text = "openapi.operation-removed", "operation removed"
        comparison.report(rule, f"{operation.label}: {text}", comparison.old, operation.node.pointer)
    for method, operation in new.items():
        if method not in old:
            comparison.report(
                "openapi.operation-added", f"{operation.label}: operation added", comparison.new, operation.node.pointer
            )


def _compare_operation(comparison: Comparison, old: Operation, new: Operation) -> None:
    label = new.label
    old_fields, new_fields = old.node.mapping(), new.node.mapping()
    if old_fields.get("operationId") != new_fields.get("operationId"):
        comparison.report_at(
            "openapi.operation-id-changed",
            f"{label}: operationId changed from {old_fields.get('operationId')!r} to "
            f"{new_fields.get('operationId')!r}; generated clients rename the method",
            old.node.member("operationId"),
            new.node.member("operationId") or new.node,
        )
    if new.deprecated and not old.deprecated:
        comparison.report("openapi.operation-deprecated", f"{label}: deprecated", comparison.new, new.node.pointer)
    if old_fields.get("tags") != new_fields.get("tags"):
        comparison.report_at(
            "openapi.operation-tags-changed",
            f"{label}: tags changed from {old_fields.get('tags')} to {new_fields.get('tags')}",
            old.node.member("tags"),
            new.node.member("tags") or new.node,
        )
    compare_text(comparison, old.node, new.node, f"{label}: ", ("summary", "description"))
    compare_parameters(comparison, old, new)
    compare_request_body(comparison, old, new)
    compare_responses(comparison, old, new)
    compare_security(comparison, old, new)
    if any(operation.node.member("servers") or operation.path_item.member("servers") for operation in (old, new)):
        compare_servers(comparison, _servers_of(comparison.old, old), _servers_of(comparison.new, new), f"{label}: ")
    compare_named(
        comparison, old.node.member("callbacks"), new.node.member("callbacks"), f"{label}: callback", "openapi.callback"
    )


def _servers_of(side: Side, operation: Operation) -> Node | None:
    """The servers that apply to an operation: its own, else its path item's, else the document's."""
    return operation.node.member("servers") or operation.path_item.member("servers") or side.root.member("servers")
