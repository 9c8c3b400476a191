"""Values the contract tests send for the schema's custom scalars: yours to edit.

contractgen created this file once and never touches it again. Each strategy draws GraphQL
literal nodes your service accepts for that scalar; refine them to what your parsers expect.
"""

from __future__ import annotations

import datetime
from typing import Any

from graphql import StringValueNode
from hypothesis import strategies as st

CUSTOM_SCALARS: dict[str, Any] = {
    "DateTime": st.datetimes(timezones=st.just(datetime.timezone.utc)).map(
        lambda value: StringValueNode(value=value.isoformat())
    ),
    "JSON": st.text(max_size=20).map(lambda value: StringValueNode(value=value)),
    "Colour": st.text(max_size=20).map(lambda value: StringValueNode(value=value)),
}
