"""What the generated client prints per operation: method name, typed variables, document constant.

Method names are claimed again in the client's own scope: the reader keeps them clear of the
runtime's methods, and this scope also keeps them clear of the builtins the class body's
annotations use (a method named `str` would shadow `str` in every later signature).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir.graphql import GraphQLArgument, GraphQLOperation, RootKind
from generator.ir.names import ClassName, NameScope, PythonIdentifier, constant_case
from generator.targets.graphql_client.result_models import TYPES_MODULE
from generator.targets.python_types import spell

CLIENT_ATTRIBUTES_RESERVED = (
    # The runtime's public methods (private ones start with `_`, which no method name can).
    "aclose",
    "close",
    "execute",
    "subscribe",
    # Builtins the client's annotations spell.
    "bool",
    "dict",
    "float",
    "int",
    "list",
    "str",
)


@dataclass(frozen=True)
class VariableView:
    name: PythonIdentifier
    wire_name: str
    annotation: str
    optional: bool
    """Left out of the request unless given (`UNSET`); `None` is sent as null where the type allows it."""


@dataclass(frozen=True)
class ClientOperationView:
    method: PythonIdentifier
    constant: PythonIdentifier
    """The document constant in `client_documents.py` (and, with a leading `_`, the `Operation` in `client.py`)."""
    operation_name: str
    kind: RootKind
    result_class: ClassName
    variables: tuple[VariableView, ...]
    doc: str
    document_lines: tuple[str, ...]

    @property
    def is_subscription(self) -> bool:
        return self.kind is RootKind.SUBSCRIPTION

    @property
    def sync_return(self) -> str:
        model = f"_models.{self.result_class}"
        return f"Subscription[{model}]" if self.is_subscription else model

    @property
    def async_return(self) -> str:
        model = f"_models.{self.result_class}"
        return f"AsyncSubscription[{model}]" if self.is_subscription else model


def client_operation_views(
    operations: tuple[GraphQLOperation, ...], results: dict[str, ClassName]
) -> list[ClientOperationView]:
    methods = NameScope(CLIENT_ATTRIBUTES_RESERVED)
    constants = NameScope()
    return [
        ClientOperationView(
            method=PythonIdentifier(methods.claim(operation.name)),
            constant=PythonIdentifier(constants.claim(constant_case(operation.operation_name))),
            operation_name=operation.operation_name,
            kind=operation.kind,
            result_class=results[operation.operation_name],
            variables=tuple(_variable(variable) for variable in operation.variables),
            doc=operation.doc or _default_doc(operation, results[operation.operation_name]),
            document_lines=tuple(operation.document.splitlines(keepends=True)),
        )
        for operation in operations
    ]


def _variable(variable: GraphQLArgument) -> VariableView:
    annotation = spell(variable.type, models_prefix=TYPES_MODULE + ".")
    optional = not variable.required
    return VariableView(
        variable.name, variable.wire_name, f"{annotation} | UnsetType" if optional else annotation, optional
    )


def _default_doc(operation: GraphQLOperation, result_class: ClassName) -> str:
    if operation.kind is RootKind.SUBSCRIPTION:
        return f"Subscription `{operation.operation_name}`: each event is a `{result_class}`."
    return f"The {operation.kind.value} `{operation.operation_name}`, read into `{result_class}`."
