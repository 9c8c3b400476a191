"""`contractgen diff OLD NEW`: what changed between two versions of a contract, and what it breaks.

One report format for every protocol (`model.py`); one module per protocol decides the changes
(`openapi.py`, `graphql.py`, `proto.py`); `sources.py` turns `git:REF:path` into files on disk.
"""
