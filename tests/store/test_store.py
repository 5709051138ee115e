"""The store against a real SQLite file."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime

import pytest

from newsdesk.errors import SchemaError, StoreError
from newsdesk.model import Article, Document, Failed, Paragraph
from newsdesk.store import open_store
from newsdesk.store.migrations import SCHEMA_VERSION
from newsdesk.store.sqlite import fts_query


def make_article(
    url: str | None = "https://example.org/a", body: str = "Putin met Kim."
) -> Article:
    return Article(
        url=url,
        title="Why Kim and Putin need each other",
        paragraphs=[Paragraph(body), Paragraph("A subhead", "h"), Paragraph("More text here.")],
        section="Top Stories",
        authors=["A Writer"],
        contributors=["Christian Shepherd"],
        dateline="SEOUL",
        published_at=datetime(2023, 9, 13, 8, 30, tzinfo=UTC),
        date_source="meta",
        page_date=datetime(2024, 10, 25, tzinfo=UTC),
        language="en",
    )


def make_document(
    content: bytes = b"<html><p>raw</p></html>", location: str = "a.html"
) -> Document:
    return Document(location=location, content=content, content_type="html")


def test_round_trip_keeps_every_field(store):
    article = make_article()
    article_id, status = store.add_article(article, make_document())
    assert status == "stored"
    stored = store.get_article(article_id)
    assert stored is not None
    assert stored.article == article
    assert stored.article.paragraphs[1].kind == "h"
    assert stored.ingested_at.tzinfo is not None


def test_raw_document_kept_beside_article(store):
    article_id, _ = store.add_article(make_article(), make_document(b"<html>exact bytes</html>"))
    doc = store.get_document(article_id)
    assert doc is not None and doc.content == b"<html>exact bytes</html>"


def test_same_page_twice_is_stored_once(store):
    first = store.add_article(make_article(), make_document())
    second = store.add_article(make_article(), make_document())
    assert first[1] == "stored" and second == (first[0], "known")
    assert store.count_articles() == 1


def test_changed_body_updates_in_place_and_reindexes(store):
    article_id, _ = store.add_article(make_article(body="Old words about zebras."), make_document())
    assert store.count_search("zebras") == 1
    new_id, status = store.add_article(
        make_article(body="New words about giraffes."), make_document(b"<html>v2</html>")
    )
    assert (new_id, status) == (article_id, "updated")
    assert store.count_search("zebras") == 0
    assert store.count_search("giraffes") == 1
    assert store.get_document(article_id).content == b"<html>v2</html>"


def test_article_without_url_is_keyed_by_document(store):
    a = store.add_article(make_article(url=None), make_document(b"one"))
    b = store.add_article(make_article(url=None), make_document(b"one"))
    c = store.add_article(make_article(url=None, body="other"), make_document(b"two"))
    assert a[0] == b[0] and b[1] == "known" and c[0] != a[0]


def test_search_ranks_highlights_and_pages(store):
    for i in range(5):
        store.add_article(
            make_article(
                url=f"https://e.org/{i}", body=f"Story {i} about the Vostochny Cosmodrome."
            ),
            make_document(f"<p>{i}</p>".encode(), location=f"{i}.html"),
        )
    hits = store.search("cosmodrome", limit=2)
    assert len(hits) == 2 and store.count_search("cosmodrome") == 5
    assert "\x02Cosmodrome\x03" in hits[0].snippet
    page2 = store.search("cosmodrome", limit=2, offset=2)
    assert {h.id for h in hits}.isdisjoint({h.id for h in page2})
    assert store.count_search("vost*") == 5
    assert store.count_search('"Vostochny Cosmodrome"') == 5
    assert store.count_search("cosmodrome zebra") == 0
    assert store.count_search("zebra OR cosmodrome") == 5


@pytest.mark.parametrize(
    "garbage", ['"unbalanced', "AND OR", "*", "title:x", "NEAR(", "'; DROP", ""]
)
def test_search_never_raises_on_garbage(store, garbage):
    store.add_article(make_article(), make_document())
    store.search(garbage)
    store.count_search(garbage)


def test_fts_query_quotes_every_term():
    assert fts_query('kim "Vladimir Putin" vost* OR x') == '"kim" "Vladimir Putin" "vost"* OR "x"'
    assert fts_query("((") is None


def test_failures_recorded_once_per_location_and_cleared_on_success(store):
    store.add_failure(Failed("a.html", "empty file", "DecodeError"))
    store.add_failure(Failed("a.html", "still empty", "DecodeError"))
    assert [(f.location, f.reason) for f in store.failures()] == [("a.html", "still empty")]
    store.add_article(make_article(), make_document(location="a.html"))
    assert store.failures() == []


def test_latest_pages_with_cursor(store):
    ids = [
        store.add_article(make_article(url=f"https://e.org/{i}"), make_document(location=f"{i}"))[0]
        for i in range(5)
    ]
    first = store.latest(limit=2)
    assert [s.id for s in first] == ids[::-1][:2]
    nxt = store.latest(limit=2, before_id=first[-1].id)
    assert [s.id for s in nxt] == ids[::-1][2:4]


def test_schema_is_versioned_and_wal(tmp_path):
    path = tmp_path / "v.db"
    open_store(str(path)).close()
    open_store(str(path)).close()  # reopening migrates nothing
    conn = sqlite3.connect(path)
    assert conn.execute("select version from schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    conn.execute("update schema_version set version = 999")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError):
        open_store(str(path))


def test_concurrent_writers_do_not_lose_writes(tmp_path):
    path = str(tmp_path / "c.db")
    open_store(path).close()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        s = open_store(path)
        try:
            for i in range(20):
                s.add_article(
                    make_article(url=f"https://e.org/{n}/{i}"), make_document(location=f"{n}/{i}")
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = open_store(path)
    assert s.count_articles() == 60
    s.close()


def test_bulk_insert_then_single_inserts_continue(store):
    items = [
        (
            make_article(url=f"https://e.org/bulk/{i}", body=f"Bulk body {i} walrus."),
            make_document(),
        )
        for i in range(50)
    ]
    assert store.add_articles_bulk(items) == 50
    assert store.count_search("walrus") == 50
    new_id, status = store.add_article(make_article(url="https://e.org/after"), make_document())
    assert status == "stored" and new_id == 51
    assert store.get_document(new_id) is not None
    with pytest.raises(StoreError):
        store.add_articles_bulk(items[:1])  # a known URL fails the whole batch
    assert store.count_articles() == 51


def test_count_search_stops_counting_at_the_cap(store):
    items = [
        (make_article(url=f"https://e.org/cap/{i}", body=f"Cap body {i} ocelot."), make_document())
        for i in range(30)
    ]
    store.add_articles_bulk(items)
    assert store.count_search("ocelot", at_most=None) == 30
    assert store.count_search("ocelot", at_most=10) == 11  # "more than 10"
    assert store.count_search("ocelot", at_most=50) == 30
    assert len(store.search("ocelot", limit=50)) == 30
