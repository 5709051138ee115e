"""copy-db: SQLite -> PostgreSQL -> SQLite, verified, and resumable."""

from __future__ import annotations

import pytest
from support import SAMPLE

from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.store.copydb import copy_database


class Stop(Exception):
    pass


@pytest.fixture
def filled(tmp_path):
    """A SQLite store holding the bundled sample, ingested through the pipeline."""
    db = str(tmp_path / "source.db")
    settings = Settings(db=db, workers=1)
    with open_store(db) as store:
        report = ingest_paths([SAMPLE], store, settings)
        assert report.stored >= 30
    return db


def test_round_trip_sqlite_postgres_sqlite(filled, new_db):
    pg_url = new_db("postgresql")
    back = new_db("sqlite")
    with open_store(filled) as src, open_store(pg_url) as pg:
        there = copy_database(src.engine, pg.engine)
        assert there.verified, there
        assert pg.count_search("Vostochny") == src.count_search("Vostochny") == 1
        assert [h.id for h in pg.search("Putin Kim")] == [h.id for h in src.search("Putin Kim")]
        # new rows get fresh ids after the copied ones
        stored = src.get_article(1)
        stored.article.url = "https://example.org/new"
        new_id, status = pg.add_article(stored.article, src.get_document(1))
        assert status == "stored" and new_id > src.count_articles()
    with open_store(pg_url) as pg, open_store(back) as dst:
        again = copy_database(pg.engine, dst.engine)
        assert again.verified
        assert dst.count_articles() == pg.count_articles()
        assert dst.get_article(1).article == pg.get_article(1).article


def test_interrupted_copy_resumes(filled, new_db):
    target = new_db("postgresql")
    seen = {"articles": 0}

    def stop_after_three(table: str, rows: int) -> None:
        if table == "articles":
            seen["articles"] += 1
            if seen["articles"] == 2:
                raise Stop

    with open_store(filled) as src, open_store(target) as dst:
        with pytest.raises(Stop):
            copy_database(src.engine, dst.engine, batch_size=5, on_batch=stop_after_three)
        assert dst.count_articles() == 10  # two committed batches of five
        report = copy_database(src.engine, dst.engine, batch_size=5)
        assert report.verified
        assert dst.count_articles() == src.count_articles()


def test_cli_copy_db(filled, new_db, run_cli):
    target = new_db("sqlite")
    proc = run_cli("copy-db", filled, target)
    assert "verified" in proc.stdout
