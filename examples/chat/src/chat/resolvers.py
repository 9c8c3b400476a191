"""Your resolvers for the chat GraphQL schema.

contractgen created this file once and never touches it again. It starts as the generated mock,
which answers with example data; override the methods here (the signatures are in
`_generated/resolvers.py`) and mypy will tell you what is missing.
To compute a field of an object type, subclass its resolvers (e.g. `generated.UserResolvers`)
and pass an instance to `Resolvers` below (`user=...`).
"""

from __future__ import annotations

from ._generated import resolvers as generated
from ._generated.mock import MockMutationResolvers, MockQueryResolvers, MockSubscriptionResolvers


class QueryResolvers(MockQueryResolvers):
    """Your query resolvers; they start as the mock.

    Once every field is implemented, derive from `generated.QueryResolvers` instead.
    """


class MutationResolvers(MockMutationResolvers):
    """Your mutation resolvers; they start as the mock.

    Once every field is implemented, derive from `generated.MutationResolvers` instead.
    """


class SubscriptionResolvers(MockSubscriptionResolvers):
    """Your subscription resolvers; they start as the mock.

    Once every field is implemented, derive from `generated.SubscriptionResolvers` instead.
    """


def build_resolvers() -> generated.Resolvers:
    """The implementation `app.py` serves."""
    return generated.Resolvers(
        query=QueryResolvers(),
        mutation=MutationResolvers(),
        subscription=SubscriptionResolvers(),
    )
