"""Import lists computed from the code a template is about to print (templates never guess)."""

from __future__ import annotations

import re
from collections.abc import Iterable


def used_names(texts: Iterable[str], candidates: Iterable[str]) -> list[str]:
    """The candidates that appear as whole words in any of the texts, sorted."""
    joined = "\n".join(texts)
    return sorted(name for name in candidates if re.search(rf"(?<![\w.]){re.escape(name)}\b", joined))
