"""Your implementation of Showcase.

contractgen created this file once and never touches it again. It starts as the generated mock,
which answers with the contract's examples; override the methods of `AbstractService` here
(see `_generated/service.py` for the signatures) and mypy will tell you what is missing.
"""

from __future__ import annotations

from ._generated.mock import MockService


class Service(MockService):
    """Replace `MockService` with `AbstractService` once every operation is implemented."""
