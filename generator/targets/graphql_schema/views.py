"""What the shared `types.py` of a GraphQL project prints: one view per scalar, enum and model.

All decisions (Python spelling of each type, defaults, which unions need a discriminator) are
made here; the template only lays the views out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.graphql import GraphQLArgument, GraphQLContract, GraphQLKind, GraphQLNamedType
from generator.ir.names import ClassName, PythonIdentifier
from generator.ir.types import Nullable, TypeRef
from generator.targets.graphql_schema.defaults import default_value
from generator.targets.imports import export_order, used_names
from generator.targets.layout import assigned_call
from generator.targets.python_types import spell

TYPENAME_ATTRIBUTE = "typename__"


@dataclass(frozen=True)
class ScalarView:
    class_name: ClassName
    annotation: str
    doc: str
    specified_by: str


@dataclass(frozen=True)
class EnumMemberView:
    name: PythonIdentifier
    wire_name: str
    doc: str
    deprecation: str | None


@dataclass(frozen=True)
class EnumView:
    class_name: ClassName
    doc: str
    members: tuple[EnumMemberView, ...]


@dataclass(frozen=True)
class FieldView:
    name: PythonIdentifier
    wire_name: str
    annotation: str
    field_call: str
    """`Field(...)` expression text (alias, default, description), already escaped; empty if none is needed."""
    deprecation: str | None


@dataclass(frozen=True)
class ModelView:
    class_name: ClassName
    wire_name: str
    doc: str
    fields: tuple[FieldView, ...]
    is_input: bool
    interfaces: tuple[str, ...]

    @property
    def typename_field_call(self) -> str:
        """`Field(...)` of the `typename__` attribute of an output model, laid out."""
        wire_name = python_literal(self.wire_name)
        target = f"{TYPENAME_ATTRIBUTE}: Literal[{wire_name}]"
        return assigned_call(target, "Field", [f"default={wire_name}", 'alias="__typename"'], indent=4)


@dataclass(frozen=True)
class AliasView:
    """A union or interface: the concrete models a value of it can be, told apart by `__typename`."""

    class_name: ClassName
    doc: str
    members: tuple[ClassName, ...]
    kind: str

    @property
    def annotation(self) -> str:
        if not self.members:
            return "BaseModel"
        if len(self.members) == 1:
            return self.members[0]
        union = " | ".join(self.members)
        return f'Annotated[{union}, Field(discriminator="{TYPENAME_ATTRIBUTE}")]'


@dataclass(frozen=True)
class TypesView:
    scalars: tuple[ScalarView, ...]
    enums: tuple[EnumView, ...]
    inputs: tuple[ModelView, ...]
    objects: tuple[ModelView, ...]
    aliases: tuple[AliasView, ...]
    stdlib_imports: tuple[str, ...]

    @property
    def typing_imports(self) -> list[str]:
        """What the module takes from `typing`: only names its annotations use (ruff F401)."""
        texts = [scalar.annotation for scalar in self.scalars]
        texts.extend(field.annotation for model in (*self.inputs, *self.objects) for field in model.fields)
        texts.extend(alias.annotation for alias in self.aliases)
        used = set(used_names(texts, ("Annotated", "Any")))
        if self.objects:
            used.add("Literal")
        if self.scalars or self.aliases:
            used.add("TypeAlias")
        return sorted(used)

    @property
    def exports(self) -> list[str]:
        names = [
            view.class_name
            for group in (self.scalars, self.enums, self.inputs, self.objects, self.aliases)
            for view in group
        ]
        return export_order(names)


def annotation(type_ref: TypeRef) -> str:
    """Python spelling of a GraphQL type inside the types module (every named type is defined there)."""
    return spell(type_ref, models_prefix="")


def types_view(contract: GraphQLContract) -> TypesView:
    scalars = tuple(_scalar(named) for named in contract.of_kind(GraphQLKind.SCALAR))
    enums = tuple(
        EnumView(
            named.class_name,
            named.doc,
            tuple(
                EnumMemberView(value.name, value.wire_name, value.doc, value.deprecation) for value in named.enum_values
            ),
        )
        for named in contract.of_kind(GraphQLKind.ENUM)
    )
    by_name = {named.wire_name: named for named in contract.types}
    inputs = tuple(_input_model(named, by_name) for named in contract.of_kind(GraphQLKind.INPUT))
    objects = tuple(_output_model(named) for named in contract.of_kind(GraphQLKind.OBJECT))
    class_names = {named.wire_name: named.class_name for named in contract.types}
    aliases = tuple(
        AliasView(
            named.class_name,
            named.doc,
            tuple(class_names[member] for member in named.possible_types),
            named.kind.value,
        )
        for named in contract.types
        if named.kind in (GraphQLKind.UNION, GraphQLKind.INTERFACE)
    )
    texts = [scalar.annotation for scalar in scalars] + [
        field.annotation for model in (*inputs, *objects) for field in model.fields
    ]
    stdlib = tuple(
        module
        for module in ("datetime", "enum", "uuid")
        if (module == "enum" and enums) or any(f"{module}." in text for text in texts)
    )
    return TypesView(scalars, enums, inputs, objects, aliases, stdlib)


def _scalar(named: GraphQLNamedType) -> ScalarView:
    assert named.scalar_type is not None
    return ScalarView(named.class_name, annotation(named.scalar_type), named.doc, named.specified_by)


def _input_model(named: GraphQLNamedType, by_name: Mapping[str, GraphQLNamedType]) -> ModelView:
    fields = tuple(_input_field(argument, by_name) for argument in named.input_fields)
    return ModelView(named.class_name, named.wire_name, named.doc, fields, True, ())


def _input_field(argument: GraphQLArgument, by_name: Mapping[str, GraphQLNamedType]) -> FieldView:
    parts = _alias(argument.name, argument.wire_name)
    if argument.has_default:
        parts[:0] = default_value(argument.default, argument.type, by_name).field_arguments()
    elif isinstance(argument.type, Nullable):
        parts.insert(0, "default=None")
    if argument.doc:
        parts.append(f"description={python_literal(argument.doc)}")
    spelled = annotation(argument.type)
    field_call = model_field_call(argument.name, spelled, parts) if parts else ""
    return FieldView(argument.name, argument.wire_name, spelled, field_call, argument.deprecation)


def model_field_call(name: str, spelled: str, arguments: list[str]) -> str:
    """`Field(arguments)` laid out as black prints it after `    name: spelled = ` in a class body."""
    return assigned_call(f"{name}: {spelled}", "Field", arguments, indent=4)


def _alias(name: str, wire_name: str) -> list[str]:
    """Fields are named in snake_case; the GraphQL name is the alias when it differs."""
    return [] if name == wire_name else [f"alias={python_literal(wire_name)}"]


def _output_model(named: GraphQLNamedType) -> ModelView:
    fields = []
    for field in named.fields:
        parts = _alias(field.name, field.wire_name)
        if isinstance(field.type, Nullable):
            parts.insert(0, "default=None")
        if field.doc:
            parts.append(f"description={python_literal(field.doc)}")
        spelled = annotation(field.type)
        call = model_field_call(field.name, spelled, parts)
        fields.append(FieldView(field.name, field.wire_name, spelled, call, field.deprecation))
    return ModelView(named.class_name, named.wire_name, named.doc, tuple(fields), False, named.interfaces)
