"""Named objects compared as a whole: webhooks, callbacks and the schemas of `components`.

Webhooks and callbacks are reported as added, removed or changed, not rule by rule. Schemas added
to or removed from `components` are SAFE: what reaches the wire is reported per operation, and a
removed and an added schema with equal content are a rename, not reported at all.
"""

from __future__ import annotations

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_node import Node, named_members


def compare_named(comparison: Comparison, old: Node | None, new: Node | None, kind: str, rule: str) -> None:
    """Webhooks or callbacks: matched by name, compared as a whole (`rule` is the stem of the rule ids)."""
    old_items, new_items = named_members(old), named_members(new)
    for name, item in old_items.items():
        if name not in new_items:
            comparison.report(f"{rule}-removed", f"{kind} {name} removed", comparison.old, item.pointer)
        elif not comparison.equivalent(item, new_items[name]):
            comparison.report(
                f"{rule}-changed",
                f"{kind} {name} changed (its requests are not compared rule by rule)",
                comparison.new,
                new_items[name].pointer,
            )
    for name, item in new_items.items():
        if name not in old_items:
            comparison.report(f"{rule}-added", f"{kind} {name} added", comparison.new, item.pointer)


def compare_component_schemas(comparison: Comparison) -> None:
    """Added and removed schemas; a removed one whose content reappears under a new name was
    renamed, which clients never see."""
    old_schemas = named_members(comparison.old.components("schemas"))
    new_schemas = named_members(comparison.new.components("schemas"))
    added = {name: node for name, node in new_schemas.items() if name not in old_schemas}
    for name, node in old_schemas.items():
        if name in new_schemas:
            continue
        renamed = next((other for other, candidate in added.items() if comparison.equivalent(node, candidate)), None)
        if renamed is not None:
            del added[renamed]
            continue
        comparison.report(
            "openapi.schema-removed", f"schema {name} removed from components", comparison.old, node.pointer
        )
    for name, node in added.items():
        comparison.report("openapi.schema-added", f"schema {name} added to components", comparison.new, node.pointer)
