"""The store suite runs every test that takes ``store`` on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from newsdesk.store import open_store
from newsdesk.store.base import Store

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, new_db: Callable[[str], str]) -> Iterator[Store]:
    """An empty store on SQLite, then on the PostgreSQL server the suite started."""
    s = open_store(new_db(request.param))
    yield s
    s.close()
