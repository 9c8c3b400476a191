"""Pieces of generated function signatures shared by the server and client targets."""

from __future__ import annotations

from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.model import Param
from generator.ir.names import PythonIdentifier
from generator.ir.types import ListOf, Nullable, Ref, TypeRef
from generator.targets.python_types import spell


@dataclass(frozen=True)
class Argument:
    """One parameter of a generated function: `name: annotation = default`."""

    name: PythonIdentifier
    annotation: str
    default: str | None = None


def unwrap(type_ref: TypeRef) -> TypeRef:
    """The type inside a `Nullable`, else the type itself."""
    return type_ref.inner if isinstance(type_ref, Nullable) else type_ref


def param_type(param: Param) -> str:
    """A parameter's annotation: optional parameters without a default also accept None."""
    spelled = spell(param.type)
    if not param.required and not param.has_default and not isinstance(param.type, Nullable):
        return f"{spelled} | None"
    return spelled


def default_expression(param: Param) -> str:
    """The contract default as a Python expression; enum defaults become their members."""
    literal = python_literal(param.default)
    target = unwrap(param.type)
    if isinstance(target, Ref):
        return f"models.{target.name}({literal})"
    if isinstance(target, ListOf) and isinstance(target.item, Ref) and isinstance(param.default, list):
        return "[" + ", ".join(f"models.{target.item.name}({python_literal(item)})" for item in param.default) + "]"
    return literal
