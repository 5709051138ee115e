"""A full database: ingest stops with StoreFull, nothing stored is harmed, and it resumes.

SQLite's ``max_page_count`` caps the file at a few pages more than it holds,
on every connection the store opens, which is what a full disk looks like to
the database: the write that needs a new page fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from inputs import write_inputs
from sqlalchemy import event

from newsdesk.errors import StoreError, StoreFull
from newsdesk.ingest import iter_documents
from newsdesk.pipeline import ingest_documents
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.store.sql import SqlStore


@contextmanager
def disk_full(store: SqlStore, spare_pages: int) -> Iterator[None]:
    """Cap the database at its current size plus ``spare_pages`` until the block ends."""
    with store.engine.connect() as conn:
        limit = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0) + spare_pages

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={limit}")

    event.listen(store.engine, "connect", cap)
    store.engine.dispose()  # every new connection gets the cap
    try:
        yield
    finally:
        event.remove(store.engine, "connect", cap)
        store.engine.dispose()


@pytest.fixture
def documents(tmp_path):
    settings = Settings(workers=1)
    paths = write_inputs(tmp_path / "inputs")
    return list(iter_documents(paths, max_bytes=settings.max_document_bytes))


def test_full_database_stops_cleanly_and_resumes(tmp_path, documents):
    settings = Settings(db=str(tmp_path / "full.db"), workers=1, enrich=False)
    assert issubclass(StoreFull, StoreError)
    with open_store(settings.db) as store:
        first = ingest_documents(documents[:8], store, settings)
        assert first.stored == 8
        before = {i: store.get_article(i) for i in first.article_ids}
        with disk_full(store, spare_pages=4), pytest.raises(StoreFull, match="full"):
            ingest_documents(documents[8:], store, settings)
        assert store.check_consistency() == []
        for article_id, stored in before.items():  # nothing already stored is harmed
            assert store.get_article(article_id) == stored
            assert store.get_document(article_id) is not None
        partial = store.count_articles()
        assert 8 <= partial < len(documents)
        again = ingest_documents(documents, store, settings)  # space is back
        assert store.count_articles() == len(documents)
        assert again.known == partial and again.stored == len(documents) - partial
        assert store.check_consistency() == []
        assert store.articles_without_story() == []


def test_full_database_fails_the_cli_with_a_clear_message(tmp_path, monkeypatch):
    """``newsdesk ingest`` names the problem and what to do, not a driver traceback."""
    from click.testing import CliRunner

    from newsdesk import cli
    from newsdesk.cli import common

    db = str(tmp_path / "cli.db")
    paths = write_inputs(tmp_path / "inputs")
    store = open_store(db)
    capped = disk_full(store, spare_pages=2)
    capped.__enter__()
    monkeypatch.setattr(common, "open_store", lambda _db: store)
    monkeypatch.setenv("NEWSDESK_ENRICH", "0")
    try:
        result = CliRunner().invoke(cli.main, ["ingest", *paths, "--db", db, "--workers", "1"])
    finally:
        capped.__exit__(None, None, None)
    assert result.exit_code == 1
    assert "database is full" in result.output and "run the same ingest again" in result.output
    assert "Traceback" not in result.output
    with open_store(db) as again:
        assert again.check_consistency() == []
