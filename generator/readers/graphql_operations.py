"""Client operations: the given operation documents (or one per root field) → typed selections.

Each operation is validated by graphql-core against the schema. Its selection set is lowered into
`Selection`s shaped like the JSON result: fields merged by response key, fragments applied per
concrete type, and `__typename` added to every selection on a union or interface so the client
can tell the result's variants apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    concat_ast,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    is_required_argument,
    parse,
    print_ast,
    type_from_ast,
    validate,
    value_from_ast_untyped,
    visit,
)
from graphql import (
    GraphQLField as CoreField,
)

from generator.diagnostics import DiagnosticSink
from generator.ir.graphql import (
    GraphQLArgument,
    GraphQLContract,
    GraphQLOperation,
    RootKind,
    SelectedField,
    Selection,
    SelectionVariant,
)
from generator.ir.names import ClassName, NameScope, PythonIdentifier, snake_case
from generator.ir.types import Nullable, Primitive, PrimitiveKind, TypeRef
from generator.protocols import DEFAULT_SELECTION_DEPTH
from generator.readers.graphql_documents import first_line, location_of, node_location
from generator.readers.graphql_types import MODEL_ATTRIBUTES, TYPENAME_ATTRIBUTE, type_ref

__all__ = ["DEFAULT_SELECTION_DEPTH"]  # kept importable from here: the GraphQL reader's option

TYPENAME = "__typename"
_ROOT_KINDS = {
    OperationType.QUERY: RootKind.QUERY,
    OperationType.MUTATION: RootKind.MUTATION,
    OperationType.SUBSCRIPTION: RootKind.SUBSCRIPTION,
}
# Names the generated client methods use for their own parameters.
_METHOD_PARAMETERS = ("self", "headers", "timeout", "extensions")

TypeLowering = Callable[[GraphQLType], TypeRef]


def lower_operations(
    schema: GraphQLSchema,
    contract: GraphQLContract,
    documents: Sequence[DocumentNode],
    sink: DiagnosticSink,
    *,
    selection_depth: int = DEFAULT_SELECTION_DEPTH,
) -> tuple[tuple[GraphQLOperation, ...], bool]:
    """The client's operations, and whether they were made up (no documents were given)."""
    generated = not documents
    if generated:
        documents = [parse(default_operations_document(schema, selection_depth))]
    document = concat_ast(documents)
    fallback = "<operations>"
    for error in validate(schema, document):
        sink.error("graphql.invalid-operation", first_line(error.message), location_of(error, fallback))
    if sink.has_errors:
        return (), generated
    document = with_typenames(schema, document)
    fragments = {node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)}
    lowering = _OperationLowering(schema, contract, fragments)
    method_scope = NameScope(("close", "execute", "subscribe", "aclose"))
    operations = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        if node.name is None:
            sink.error(
                "graphql.anonymous-operation",
                "give every operation in the client's documents a name (it names the client method)",
                node_location(node, fallback),
            )
            continue
        operations.append(lowering.operation(node, method_scope))
    return tuple(operations), generated


class _OperationLowering:
    def __init__(
        self,
        schema: GraphQLSchema,
        contract: GraphQLContract,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.class_names = {named.wire_name: named.class_name for named in contract.types}

    def operation(self, node: OperationDefinitionNode, method_scope: NameScope) -> GraphQLOperation:
        assert node.name is not None
        root = self.schema.get_root_type(node.operation)
        assert root is not None
        used = self._used_fragments(node.selection_set)
        text = print_ast(DocumentNode(definitions=(node, *(self.fragments[name] for name in used))))
        variables_scope = NameScope(_METHOD_PARAMETERS)
        variables = []
        for definition in node.variable_definitions or ():
            variable_type = type_from_ast(self.schema, definition.type)
            assert variable_type is not None
            default = definition.default_value
            variables.append(
                GraphQLArgument(
                    wire_name=definition.variable.name.value,
                    name=variables_scope.claim_identifier(definition.variable.name.value),
                    type=self.type_ref(variable_type),
                    has_default=default is not None,
                    default=value_from_ast_untyped(default) if default is not None else None,
                )
            )
        location = node_location(node, "<operations>")
        return GraphQLOperation(
            operation_name=node.name.value,
            name=PythonIdentifier(method_scope.claim(snake_case(node.name.value))),
            kind=_ROOT_KINDS[node.operation],
            document=text + "\n",
            variables=tuple(variables),
            result=self.selection(root, [node.selection_set]),
            source_file=location.file,
        )

    def _used_fragments(self, selection_set: SelectionSetNode) -> list[str]:
        """Fragments an operation spreads, directly or through other fragments, in first-use order."""
        found: list[str] = []
        pending = [selection_set]
        while pending:
            current = pending.pop(0)
            for selection in current.selections:
                if isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in found:
                        found.append(name)
                        pending.append(self.fragments[name].selection_set)
                elif selection.selection_set is not None:  # type: ignore[attr-defined]
                    pending.append(selection.selection_set)  # type: ignore[attr-defined]
        return found

    def selection(self, parent: GraphQLCompositeType, sets: list[SelectionSetNode]) -> Selection:
        if isinstance(parent, GraphQLObjectType):
            return Selection(parent.name, (SelectionVariant((parent.name,), self._fields(parent, sets)),))
        common = self._fields(parent, sets)
        common_keys = [field.response_key for field in common]
        variants: list[SelectionVariant] = []
        rest: list[str] = []
        for concrete in self.schema.get_possible_types(parent):
            fields = self._fields(concrete, sets)
            if [field.response_key for field in fields] == common_keys and not _has_narrower_children(fields, common):
                rest.append(concrete.name)
            else:
                variants.append(SelectionVariant((concrete.name,), fields))
        if rest:
            variants.append(SelectionVariant(tuple(rest), common))
        return Selection(parent.name, tuple(variants))

    def _fields(self, runtime: GraphQLCompositeType, sets: list[SelectionSetNode]) -> tuple[SelectedField, ...]:
        """The fields a value of type `runtime` gets from these selection sets, merged by response key."""
        grouped: dict[str, list[FieldNode]] = {}
        conditional: set[str] = set()
        self._collect(runtime, sets, grouped, conditional, False)
        scope = NameScope(MODEL_ATTRIBUTES)
        fields = []
        for key, nodes in grouped.items():
            field_name = nodes[0].name.value
            if field_name == TYPENAME:
                fields.append(
                    SelectedField(
                        key,
                        TYPENAME_ATTRIBUTE if key == TYPENAME else scope.claim_identifier(key),
                        field_name,
                        Primitive(PrimitiveKind.STRING),
                    )
                )
                continue
            definition = _field_definition(runtime, field_name)
            type_ref = self.type_ref(definition.type)
            if key in conditional and not isinstance(type_ref, Nullable):
                type_ref = Nullable(type_ref)
            named = get_named_type(definition.type)
            selection = None
            if is_composite_type(named):
                child_sets = [node.selection_set for node in nodes if node.selection_set is not None]
                selection = self.selection(named, child_sets)
            fields.append(
                SelectedField(
                    response_key=key,
                    name=scope.claim_identifier(key),
                    field_name=field_name,
                    type=type_ref,
                    doc=definition.description or "",
                    selection=selection,
                )
            )
        return tuple(fields)

    def _collect(
        self,
        runtime: GraphQLCompositeType,
        sets: list[SelectionSetNode],
        grouped: dict[str, list[FieldNode]],
        conditional: set[str],
        under_condition: bool,
    ) -> None:
        for selection_set in sets:
            for selection in selection_set.selections:
                skippable = under_condition or _has_condition(selection)
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    grouped.setdefault(key, []).append(selection)
                    if skippable:
                        conditional.add(key)
                    continue
                if isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition.name.value if selection.type_condition else None
                    nested = selection.selection_set
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    fragment = self.fragments[selection.name.value]
                    condition = fragment.type_condition.name.value
                    nested = fragment.selection_set
                if condition is None or self._applies(condition, runtime):
                    self._collect(runtime, [nested], grouped, conditional, skippable)

    def _applies(self, condition: str, runtime: GraphQLCompositeType) -> bool:
        """Does a fragment on `condition` apply to every value of type `runtime`?"""
        if condition == runtime.name:
            return True
        condition_type = self.schema.get_type(condition)
        if isinstance(runtime, GraphQLObjectType) and isinstance(
            condition_type, (GraphQLInterfaceType, GraphQLUnionType)
        ):
            return self.schema.is_sub_type(condition_type, runtime)
        if isinstance(runtime, GraphQLInterfaceType):
            return any(interface.name == condition for interface in runtime.interfaces)
        return False

    def type_ref(self, graphql_type: GraphQLType) -> TypeRef:
        return type_ref(graphql_type, self.class_names)


def _field_definition(parent: GraphQLCompositeType, name: str) -> CoreField:
    assert isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType))
    definition: CoreField = parent.fields[name]
    return definition


def _has_condition(selection: object) -> bool:
    directives = getattr(selection, "directives", None) or ()
    return any(directive.name.value in ("skip", "include") for directive in directives)


def _has_narrower_children(fields: tuple[SelectedField, ...], common: tuple[SelectedField, ...]) -> bool:
    """A concrete type may select more below a shared key (`author { ... on Bot { owner } }`)."""
    return any(field.selection != other.selection for field, other in zip(fields, common, strict=True))


class _AddTypenames(Visitor):
    """Adds `__typename` to every selection set whose parent type is a union or interface."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info

    def leave_selection_set(self, node: SelectionSetNode, *_: object) -> SelectionSetNode | None:
        parent = self.type_info.get_parent_type()
        if parent is None or not is_abstract_type(parent):
            return None
        if any(
            isinstance(selection, FieldNode) and selection.name.value == TYPENAME and selection.alias is None
            for selection in node.selections
        ):
            return None
        typename = FieldNode(name=NameNode(value=TYPENAME), arguments=(), directives=())
        return SelectionSetNode(selections=(typename, *node.selections))


def with_typenames(schema: GraphQLSchema, document: DocumentNode) -> DocumentNode:
    type_info = TypeInfo(schema)
    edited = visit(document, TypeInfoVisitor(type_info, _AddTypenames(type_info)))
    assert isinstance(edited, DocumentNode)
    return edited


def default_operations_document(schema: GraphQLSchema, depth: int) -> str:
    """One operation per root field, selecting `depth` levels below it (no fields that need arguments)."""
    roots = [
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ]
    field_names = [name for _, root in roots if root is not None for name in root.fields]
    operations = []
    taken: set[str] = set()
    for keyword, root in roots:
        if root is None:
            continue
        for field_name, field in root.fields.items():
            operation_name = str(ClassName(field_name))
            if field_names.count(field_name) > 1 or operation_name in taken:
                operation_name = str(ClassName(f"{keyword} {field_name}"))
            taken.add(operation_name)
            variables = ", ".join(f"${name}: {argument.type}" for name, argument in field.args.items())
            arguments = ", ".join(f"{name}: ${name}" for name in field.args)
            header = f"{keyword} {operation_name}" + (f"({variables})" if variables else "")
            call = field_name + (f"({arguments})" if arguments else "")
            body = _default_selection(get_named_type(field.type), depth)
            operations.append(f"{header} {{ {call}{body} }}")
    return "\n".join(operations) + "\n"


def _default_selection(named: GraphQLNamedType, depth: int) -> str:
    """A selection set text `depth` levels deep; union members select at the union's own level."""
    if not is_composite_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        conflicting = _conflicting_fields(named)
        parts = [f"... on {member.name} {{ {_object_fields(member, depth, conflicting)} }}" for member in named.types]
        return " { __typename " + " ".join(parts) + " }"
    assert isinstance(named, (GraphQLObjectType, GraphQLInterfaceType))
    return " { " + _object_fields(named, depth, set()) + " }"


def _object_fields(named: GraphQLObjectType | GraphQLInterfaceType, depth: int, conflicting: set[str]) -> str:
    """Fields without required arguments; those in `conflicting` get an alias naming the type."""
    parts = ["__typename"]
    for name, field in named.fields.items():
        if any(is_required_argument(argument) for argument in field.args.values()):
            continue
        child = get_named_type(field.type)
        if is_composite_type(child) and depth <= 1:
            continue
        alias = f"{name}{named.name}: " if name in conflicting else ""
        parts.append(alias + name + (_default_selection(child, depth - 1) if is_composite_type(child) else ""))
    return " ".join(parts)


def _conflicting_fields(union: GraphQLUnionType) -> set[str]:
    """Field names union members declare with different types: GraphQL cannot merge them unaliased."""
    seen: dict[str, set[str]] = {}
    for member in union.types:
        for name, field in member.fields.items():
            seen.setdefault(name, set()).add(str(field.type))
    return {name for name, types in seen.items() if len(types) > 1}
