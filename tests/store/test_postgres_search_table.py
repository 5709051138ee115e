"""PostgreSQL's narrow search table (schema version 8): the upgrade from the
generated column, the triggers that keep it in step, and the check that says
when it does not."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, insert

from newsdesk.model import Article, Document, Paragraph
from newsdesk.store import open_store, schema
from newsdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION
from newsdesk.store.sql import _article_values, _document_values, database_url


def _article(i: int, body: str) -> tuple[Article, Document]:
    article = Article(
        url=f"https://t.example/{i}", title=f"Title {i}", paragraphs=[Paragraph(body)]
    )
    return article, Document(f"{i}.html", f"<p>{body}</p>".encode(), "html")


@pytest.fixture
def pg(new_db):
    return new_db("postgresql")


def test_upgrade_moves_existing_rows(pg):
    engine = create_engine(database_url(pg))
    with engine.begin() as conn:
        schema.schema_version.create(conn)
        for step in MIGRATIONS[:7]:
            step(conn)
        conn.execute(insert(schema.schema_version).values(version=7))
    with engine.begin() as conn:  # rows written under version 7 (generated column)
        for i, body in enumerate(["Zebras crossed the river.", "Giraffes ate the acacia."]):
            article, doc = _article(i, body)
            doc_id = conn.execute(
                insert(schema.documents).returning(schema.documents.c.id), [_document_values(doc)]
            ).scalar_one()
            conn.execute(
                insert(schema.articles),
                [
                    {
                        **_article_values(article),
                        "key": article.url,
                        "content_hash": article.content_hash,
                        "document_id": doc_id,
                        "ingested_at": "2026-11-29T00:00:00Z",
                        "updated_at": "2026-11-29T00:00:00Z",
                    }
                ],
            )
    engine.dispose()
    with open_store(pg) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [h.title for h in store.search("zebras river")] == ["Title 0"]
        assert store.count_search('"the acacia"') == 1
        assert store.check_consistency() == []


def test_triggers_follow_inserts_updates_and_deletes(pg):
    with open_store(pg) as store:
        store.add_articles_bulk([_article(i, f"Common words and word{i}.") for i in range(30)])
        article_id, _ = store.add_article(*_article(100, "Old words about zebras."))
        assert store.count_search("common") == 30 and store.count_search("zebras") == 1
        store.add_article(*_article(100, "New words about giraffes."))  # same URL, new body
        assert store.count_search("zebras") == 0 and store.count_search("giraffes") == 1
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE articles SET section = 'World'")  # no text change
            doc = conn.exec_driver_sql(f"SELECT document_id FROM articles WHERE id = {article_id}")
            doc_id = doc.scalar()
            conn.exec_driver_sql(f"DELETE FROM articles WHERE id = {article_id}")
            conn.exec_driver_sql(f"DELETE FROM documents WHERE id = {doc_id}")
        assert store.count_search("giraffes") == 0
        assert store.check_consistency() == []


def test_check_reports_a_missing_or_stale_search_row(pg):
    with open_store(pg) as store:
        store.add_articles_bulk([_article(i, f"Body number {i}.") for i in range(3)])
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM article_search WHERE id = 1")
            conn.exec_driver_sql(
                "UPDATE article_search SET search = 'wrong'::tsvector WHERE id = 2"
            )
        problems = store.check_consistency()
    assert any("missing from the search table" in p and "(1)" in p for p in problems)
    assert any("disagree with their article" in p and "(2)" in p for p in problems)
