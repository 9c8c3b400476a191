"""Whether a value of OLD and one of NEW say the same once `$ref`s are followed.

Renaming or moving a schema in `components` changes its pointer, not what clients see; this is
the test that lets the comparison skip equal schema pairs, detect renamed components and decide
whether a webhook, callback or example changed.
"""

from __future__ import annotations

from typing import Any

from generator.diff.openapi_node import Node
from generator.diff.openapi_side import Side


class Equivalence:
    """Equality of OLD and NEW values, remembered for the whole run (pairs of pointers)."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.equal: dict[tuple[str, str], bool] = {}

    def __call__(self, old: Node, new: Node) -> bool:
        """Equal once `$ref`s are followed, so the names of components do not matter.

        A bisimulation check with a worklist (no recursion, so long `$ref` chains are fine): each
        pair of objects is assumed equal when first met, which ends cycles; if no difference turns
        up, every pair met was equal and is remembered for the rest of the run.
        """
        top = (self.old.resolve(old).pointer, self.new.resolve(new).pointer)
        known = self.equal.get(top)
        if known is not None:
            return known
        assumed: set[tuple[str, str]] = set()
        pending = [(old, new)]
        while pending:
            old_node, new_node = pending.pop()
            old_node, new_node = self.old.resolve(old_node), self.new.resolve(new_node)
            old_value, new_value = old_node.value, new_node.value
            if not (isinstance(old_value, (dict, list)) and type(old_value) is type(new_value)):
                if _same_literal(old_value, new_value):
                    continue
                self.equal[top] = False
                return False
            key = (old_node.pointer, new_node.pointer)
            if key in assumed or self.equal.get(key) is True:
                continue
            if self.equal.get(key) is False or len(old_value) != len(new_value):
                self.equal[top] = False
                return False
            assumed.add(key)
            if isinstance(old_value, list):
                pending.extend((old_node.child(index), new_node.child(index)) for index in range(len(old_value)))
                continue
            if not isinstance(new_value, dict) or old_value.keys() != new_value.keys():
                self.equal[top] = self.equal[key] = False
                return False
            for member in old_value:
                old_target = self.old.target(old_value[member]) if member == "$ref" else None
                new_target = self.new.target(new_value[member]) if member == "$ref" else None
                if old_target is not None and new_target is not None:
                    pending.append((old_target, new_target))
                else:
                    pending.append((old_node.child(member), new_node.child(member)))
        for key in assumed:
            self.equal[key] = True
        return True


def _same_literal(old: Any, new: Any) -> bool:
    """Equal scalars, where `true` is not `1`."""
    return bool(old == new) and isinstance(old, bool) == isinstance(new, bool)
