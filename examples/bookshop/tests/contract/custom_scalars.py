"""Values the contract tests send for the schema's custom scalars: yours to edit.

contractgen created this file once and never touches it again. Each strategy draws GraphQL
literal nodes your service accepts for that scalar; refine them to what your parsers expect.
"""

from __future__ import annotations

from typing import Any

CUSTOM_SCALARS: dict[str, Any] = {}
