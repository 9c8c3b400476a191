"""What the Ariadne target prints: resolver interfaces, their bindings and the schema's bindables.

Every name the generated modules define beside the `types.py` classes (resolver classes, mock
classes, bundle attributes) is claimed here in one scope, so no GraphQL type name can shadow them.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.escaping import checked_identifier, python_literal
from generator.ir.graphql import (
    GraphQLArgument,
    GraphQLContract,
    GraphQLField,
    GraphQLKind,
    GraphQLNamedType,
    RootKind,
)
from generator.ir.names import ClassName, NameScope, PythonIdentifier, snake_case
from generator.ir.types import Nullable, Primitive, PrimitiveKind
from generator.targets.graphql_schema.views import annotation
from generator.targets.imports import isort_order, used_names
from generator.targets.layout import called

MODULE_NAMES = (
    # What the generated resolver, mock and user modules import or define at module level (and
    # what earlier versions did: `TypeAdapter`, `json`, `resources`, kept so names stay stable).
    "Any",
    "AsyncIterator",
    "Info",
    "Resolvers",
    "TypeAdapter",
    "abc",
    "dataclasses",
    "example_graph",
    "generated",
    "json",
    "resources",
    "types",
)
TEXT_SCALARS = {
    # Custom scalars whose values are parsed from, and serialized to, ISO 8601 / RFC 4122 text.
    PrimitiveKind.DATETIME: "datetime",
    PrimitiveKind.DATE: "date",
    PrimitiveKind.TIME: "time",
    PrimitiveKind.UUID: "uuid",
}
_BINDERS = {RootKind.QUERY: "root_type", RootKind.MUTATION: "root_type", RootKind.SUBSCRIPTION: "subscription_type"}


@dataclass(frozen=True)
class ArgumentView:
    name: PythonIdentifier
    wire_name: str
    annotation: str
    default: str | None
    """`None` when graphql-core always passes the argument (required, or with an SDL default)."""


@dataclass(frozen=True)
class ResolverFieldView:
    name: PythonIdentifier
    """The resolver method, and the model attribute the default resolver reads."""
    wire_name: str
    docstring: str
    arguments: tuple[ArgumentView, ...]
    annotation: str
    """The Python type of one value of the field (of one event, for a subscription)."""
    returns: str
    """The method's return annotation."""

    @property
    def argument_map(self) -> dict[str, str]:
        """The arguments whose Python name differs from the GraphQL name (the others pass as they are)."""
        return {
            argument.wire_name: str(argument.name) for argument in self.arguments if argument.name != argument.wire_name
        }

    @property
    def binding(self) -> str:
        """`FieldBinding(...)` as an item of the bindings list (column 16), laid out as black prints it."""
        arguments = [python_literal(self.wire_name), python_literal(str(self.name))]
        if self.argument_map:
            arguments.append(python_literal(self.argument_map))
        return called("FieldBinding", arguments, indent=16, tail=",")


@dataclass(frozen=True)
class ResolverClassView:
    """The resolvers of one object type: abstract for a root type, default-reading otherwise."""

    wire_name: str
    class_name: str
    mock_class_name: str
    model_class: ClassName
    bundle_attribute: str
    docstring: str
    root: RootKind | None
    fields: tuple[ResolverFieldView, ...]

    @property
    def is_subscription(self) -> bool:
        return self.root is RootKind.SUBSCRIPTION

    def signature(self, field: ResolverFieldView) -> str:
        """The `def` line of a field's method, laid out as black prints it (from `def`, indent 4).

        Root methods take `info` then the arguments; object-type methods the parent model first.
        """
        keyword = "def" if self.is_subscription else "async def"
        leading = (
            ["self", "info: Info"] if self.root is not None else ["self", f"parent: {self.model_class}", "info: Info"]
        )
        arguments = [
            f"{checked_identifier(argument.name)}: {argument.annotation}"
            + ("" if argument.default is None else f" = {argument.default}")
            for argument in field.arguments
        ]
        parameters = [*leading, *(["*", *arguments] if arguments else [])]
        return called(f"{keyword} {checked_identifier(field.name)}", parameters, indent=4, tail=f" -> {field.returns}:")

    @property
    def binder(self) -> str:
        """The `server_runtime` function that turns this class into an Ariadne bindable."""
        return _BINDERS[self.root] if self.root is not None else "object_type"


@dataclass(frozen=True)
class ScalarBindingView:
    wire_name: str
    kind: str


@dataclass(frozen=True)
class ClassBindingView:
    """A GraphQL enum or input type and the `types.py` class Ariadne maps it to."""

    wire_name: str
    class_name: ClassName


@dataclass(frozen=True)
class ServerView:
    roots: tuple[ResolverClassView, ...]
    objects: tuple[ResolverClassView, ...]
    unions: tuple[str, ...]
    interfaces: tuple[str, ...]
    enums: tuple[ClassBindingView, ...]
    inputs: tuple[ClassBindingView, ...]
    scalars: tuple[ScalarBindingView, ...]
    type_names: tuple[ClassName, ...]
    """Every class `types.py` defines (candidates for imports)."""

    @property
    def resolver_classes(self) -> tuple[ResolverClassView, ...]:
        return (*self.roots, *self.objects)

    @property
    def has_subscription(self) -> bool:
        return any(view.is_subscription for view in self.roots)

    def imported_types(self, views: tuple[ResolverClassView, ...]) -> list[str]:
        """The `types.py` names the signatures of these resolver classes mention."""
        texts: list[str] = [view.model_class for view in views if view.root is None]
        for view in views:
            for field in view.fields:
                texts.append(field.annotation)
                texts.extend(argument.annotation for argument in field.arguments)
        return isort_order(used_names(texts, self.type_names))


def server_view(contract: GraphQLContract) -> ServerView:
    scope = NameScope((*MODULE_NAMES, *(named.class_name for named in contract.types)))
    bundle_scope = NameScope(MODULE_NAMES)
    root_kinds = {root.wire_name: kind for kind in RootKind if (root := contract.root(kind)) is not None}
    views = [
        _resolver_class(named, root_kinds.get(named.wire_name), scope, bundle_scope)
        for named in contract.of_kind(GraphQLKind.OBJECT)
    ]
    roots = [view for kind in RootKind for view in views if view.root is kind]
    return ServerView(
        roots=tuple(roots),
        objects=tuple(view for view in views if view.root is None),
        unions=tuple(named.wire_name for named in contract.of_kind(GraphQLKind.UNION)),
        interfaces=tuple(named.wire_name for named in contract.of_kind(GraphQLKind.INTERFACE)),
        enums=_class_bindings(contract, GraphQLKind.ENUM),
        inputs=_class_bindings(contract, GraphQLKind.INPUT),
        scalars=tuple(_text_scalars(contract)),
        type_names=tuple(named.class_name for named in contract.types),
    )


def _class_bindings(contract: GraphQLContract, kind: GraphQLKind) -> tuple[ClassBindingView, ...]:
    return tuple(ClassBindingView(named.wire_name, named.class_name) for named in contract.of_kind(kind))


def _text_scalars(contract: GraphQLContract) -> list[ScalarBindingView]:
    views = []
    for named in contract.of_kind(GraphQLKind.SCALAR):
        kind = named.scalar_type.kind if isinstance(named.scalar_type, Primitive) else PrimitiveKind.ANY
        if kind in TEXT_SCALARS:
            views.append(ScalarBindingView(named.wire_name, TEXT_SCALARS[kind]))
    return views


def _resolver_class(
    named: GraphQLNamedType, root: RootKind | None, scope: NameScope, bundle_scope: NameScope
) -> ResolverClassView:
    if root is None:
        docstring = f"Resolvers of {named.wire_name} fields: each reads the parent model unless overridden."
    else:
        docstring = f"Resolvers of the {root.value} type {named.wire_name}: implement every method."
    return ResolverClassView(
        wire_name=named.wire_name,
        class_name=scope.claim(ClassName(f"{named.class_name}Resolvers")),
        mock_class_name=scope.claim(ClassName(f"Mock{named.class_name}Resolvers")),
        model_class=named.class_name,
        bundle_attribute=bundle_scope.claim(snake_case(named.wire_name)),
        docstring=docstring,
        root=root,
        fields=tuple(_field(named, field, root) for field in named.fields),
    )


def _field(owner: GraphQLNamedType, field: GraphQLField, root: RootKind | None) -> ResolverFieldView:
    value = annotation(field.type)
    docstring = field.doc or f"The field {owner.wire_name}.{field.wire_name}."
    if field.deprecation is not None:
        docstring += f"\n\nDeprecated: {field.deprecation}"
    return ResolverFieldView(
        name=field.name,
        wire_name=field.wire_name,
        docstring=docstring,
        arguments=tuple(_argument(argument) for argument in field.arguments),
        annotation=value,
        returns=f"AsyncIterator[{value}]" if root is RootKind.SUBSCRIPTION else value,
    )


def _argument(argument: GraphQLArgument) -> ArgumentView:
    optional = isinstance(argument.type, Nullable) and not argument.has_default
    return ArgumentView(argument.name, argument.wire_name, annotation(argument.type), "None" if optional else None)
