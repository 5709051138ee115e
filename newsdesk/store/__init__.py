"""Persistence.  Only this package knows SQL.

:func:`open_store` picks the backend from the database address: a path or
``sqlite:///...`` gives SQLite; ``postgresql://...`` is reserved for the
PostgreSQL store.  Both sit behind the same :class:`~.base.Store` interface.
"""

from __future__ import annotations

from .base import IngestStatus, Store
from .sql import SqlStore, open_store

__all__ = ["IngestStatus", "SqlStore", "Store", "open_store"]
