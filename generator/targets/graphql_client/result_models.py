"""Result models of the client's operations: one pydantic class per selection, named by its path.

A selection of an object type becomes one class; a selection of a union or interface becomes one
class per `SelectionVariant` and a discriminated union of them (on `typename__`, the `__typename`
the reader added to every abstract selection). Classes are named after the operation and the
response keys leading to them (`RoomWithMessages` → `RoomWithMessagesRoom` →
`RoomWithMessagesRoomMessages`), all claimed in one `NameScope`: the module holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.escaping import python_literal
from generator.ir.graphql import GraphQLOperation, SelectedField, Selection, SelectionVariant
from generator.ir.names import ClassName, NameScope
from generator.ir.types import ListOf, Nullable, Ref, TypeRef
from generator.readers.graphql_types import TYPENAME_ATTRIBUTE
from generator.targets.imports import export_order, isort_order, used_names
from generator.targets.layout import assigned_call
from generator.targets.python_types import spell

TYPES_MODULE = "_types"
"""How the result module (and the client) import the shared `types.py`; no field can be named so."""
MODULE_NAMES = ("Annotated", "Any", "BaseModel", "ConfigDict", "Field", "Literal", "TypeAlias")
"""Names the result module imports: a class claimed with one of them would shadow it."""


@dataclass(frozen=True)
class ResultFieldView:
    name: str
    annotation: str
    field_call: str
    """`Field(...)` expression text (alias, default, description), already escaped; empty if none is needed."""


@dataclass(frozen=True)
class ResultClassView:
    class_name: ClassName
    doc: str
    fields: tuple[ResultFieldView, ...]


@dataclass(frozen=True)
class ResultUnionView:
    """The variants of an abstract selection, told apart by `__typename`."""

    class_name: ClassName
    doc: str
    members: tuple[ClassName, ...]

    @property
    def annotation(self) -> str:
        return f'Annotated[{" | ".join(self.members)}, Field(discriminator="{TYPENAME_ATTRIBUTE}")]'


@dataclass(frozen=True)
class ResultModelsView:
    classes: tuple[ResultClassView, ...]
    unions: tuple[ResultUnionView, ...]
    results: dict[str, ClassName]
    """Operation name → the class its `data` is read into."""

    @property
    def exports(self) -> list[str]:
        return export_order([*(view.class_name for view in self.classes), *(view.class_name for view in self.unions)])

    @property
    def typing_imports(self) -> list[str]:
        texts = [item.annotation for view in self.classes for item in view.fields]
        return isort_order([*used_names(texts, ("Literal",)), *(["Annotated", "TypeAlias"] if self.unions else [])])

    @property
    def pydantic_imports(self) -> list[str]:
        uses_field = self.unions or any(item.field_call for view in self.classes for item in view.fields)
        return ["BaseModel", "ConfigDict", *(["Field"] if uses_field else [])]

    @property
    def uses_types(self) -> bool:
        return any(TYPES_MODULE + "." in item.annotation for view in self.classes for item in view.fields)


def result_models_view(operations: tuple[GraphQLOperation, ...]) -> ResultModelsView:
    """Operation result classes are claimed first, so they keep the operation's own name."""
    scope = NameScope(MODULE_NAMES)
    roots = [scope.claim_class(operation.operation_name) for operation in operations]
    builder = _Builder(scope)
    for operation, root in zip(operations, roots, strict=True):
        builder.selection(operation.result, root, operation.operation_name, ())
    results = {operation.operation_name: root for operation, root in zip(operations, roots, strict=True)}
    return ResultModelsView(tuple(builder.classes), tuple(builder.unions), results)


@dataclass
class _Builder:
    scope: NameScope
    classes: list[ResultClassView] = field(default_factory=list)
    unions: list[ResultUnionView] = field(default_factory=list)

    def selection(self, selection: Selection, name: ClassName, operation: str, path: tuple[str, ...]) -> None:
        """Declare the class (or union) `name` for `selection`; nested selections follow it."""
        where = f"`{'.'.join(path)}` of {operation}" if path else f"The result of {operation}"
        if len(selection.variants) == 1:
            variant = selection.variants[0]
            self._variant(variant, name, operation, path, f"{where}: {_one_of(variant.typenames)}.")
            return
        members = []
        for variant in selection.variants:
            typename = variant.typenames[0] if len(variant.typenames) == 1 else selection.type_name
            member = self.scope.claim_class(name + ClassName(typename))
            members.append(member)
            self._variant(variant, member, operation, path, f"{where} when it is {_one_of(variant.typenames)}.")
        doc = f"{where}: one class per kind of {selection.type_name}, told apart by `__typename`."
        self.unions.append(ResultUnionView(name, doc, tuple(members)))

    def _variant(
        self, variant: SelectionVariant, name: ClassName, operation: str, path: tuple[str, ...], doc: str
    ) -> None:
        view_index = len(self.classes)
        self.classes.append(ResultClassView(name, doc, ()))
        fields = []
        for selected in variant.fields:
            if selected.name == TYPENAME_ATTRIBUTE:
                fields.append(_typename_field(variant.typenames))
                continue
            if selected.selection is None:
                fields.append(_field(selected, spell(selected.type, models_prefix=TYPES_MODULE + ".")))
                continue
            child = self.scope.claim_class(name + ClassName(selected.response_key))
            fields.append(_field(selected, spell(_with_named(selected.type, child), models_prefix="")))
            self.selection(selected.selection, child, operation, (*path, selected.response_key))
        self.classes[view_index] = ResultClassView(name, doc, tuple(fields))


def _one_of(typenames: tuple[str, ...]) -> str:
    return typenames[0] if len(typenames) == 1 else "one of " + ", ".join(typenames)


def _typename_field(typenames: tuple[str, ...]) -> ResultFieldView:
    """The discriminator: a single type name is also its default, so models can be built by hand."""
    literal = f"Literal[{', '.join(python_literal(name) for name in typenames)}]"
    parts = [f"default={python_literal(typenames[0])}"] if len(typenames) == 1 else []
    parts.append('alias="__typename"')
    return ResultFieldView(TYPENAME_ATTRIBUTE, literal, _field_call(TYPENAME_ATTRIBUTE, literal, parts))


def _field(selected: SelectedField, annotation: str) -> ResultFieldView:
    parts = []
    if isinstance(selected.type, Nullable):
        parts.append("default=None")
    if selected.name != selected.response_key:
        parts.append(f"alias={python_literal(selected.response_key)}")
    if selected.doc:
        parts.append(f"description={python_literal(selected.doc)}")
    return ResultFieldView(selected.name, annotation, _field_call(selected.name, annotation, parts) if parts else "")


def _field_call(name: str, annotation: str, arguments: list[str]) -> str:
    """`Field(arguments)` laid out as black prints it after `    name: annotation = ` in a class body."""
    return assigned_call(f"{name}: {annotation}", "Field", arguments, indent=4)


def _with_named(type_ref: TypeRef, class_name: ClassName) -> TypeRef:
    """The same list and null wrappers around the result class instead of the schema type."""
    if isinstance(type_ref, Nullable):
        return Nullable(_with_named(type_ref.inner, class_name))
    if isinstance(type_ref, ListOf):
        return ListOf(_with_named(type_ref.item, class_name))
    return Ref(class_name, class_name)
