"""Where the operations of a document are, keyed so that OLD's and NEW's can be matched.

Path templates are matched with parameter names blanked (`/pets/{petId}` ≡ `/pets/{id}`): renaming a
path parameter does not change the URL a client calls. Operations are matched by HTTP method.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.diff.openapi_node import Node
from generator.diff.openapi_side import Side
from generator.readers.openapi_document import HTTP_METHODS

_PATH_PARAMETER = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    node: Node
    path_item: Node

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    @property
    def deprecated(self) -> bool:
        return self.node.mapping().get("deprecated") is True


def path_items(side: Side) -> dict[str, tuple[str, Node]]:
    """Normalised template → (template as written, path item)."""
    found: dict[str, tuple[str, Node]] = {}
    paths = side.root.member("paths")
    if paths is None:
        return found
    for template in paths.mapping():
        if not template.startswith("x-"):
            found.setdefault(_PATH_PARAMETER.sub("{}", template), (template, side.resolve(paths.child(template))))
    return found


def operations(template: str, path_item: Node) -> Iterator[Operation]:
    for method in HTTP_METHODS:
        node = path_item.member(method)
        if node is not None and isinstance(node.value, dict):
            yield Operation(method, template, node, path_item)


def template_parameters(template: str) -> list[str]:
    """The names of the path parameters in a template, in order."""
    return _PATH_PARAMETER.findall(template)
