"""Summaries, descriptions and examples of operations, parameters, bodies and responses: SAFE changes.

They are reported where a reader of the API documentation meets them, not for every schema an
operation reaches (one edited schema description would fill the report).
"""

from __future__ import annotations

from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_node import Node


def compare_text(comparison: Comparison, old: Node, new: Node, prefix: str, keys: tuple[str, ...]) -> None:
    """`summary`/`description` of an object both sides have; messages read `{prefix}{key} changed`."""
    for key in keys:
        if old.mapping().get(key) != new.mapping().get(key):
            comparison.report_at(
                "openapi.description-changed", f"{prefix}{key} changed", old.member(key), new.member(key)
            )


def compare_examples(comparison: Comparison, old: Node, new: Node, label: str) -> None:
    """`example` or `examples` of a parameter or media type: at most one change."""
    for key in ("example", "examples"):
        old_example, new_example = old.member(key), new.member(key)
        if old_example is None and new_example is None:
            continue
        if old_example is None or new_example is None or not comparison.equivalent(old_example, new_example):
            comparison.report_at("openapi.example-changed", f"{label}: {key} changed", old_example, new_example or new)
            return
