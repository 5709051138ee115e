"""The story methods of the store, on SQLite and on a real PostgreSQL.

The first tests drive the store methods with hand-made runs; the last one
runs the real clustering through ``ingest_paths`` on both databases and
expects the same stories.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.model import Article, Document, Paragraph
from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connect"))
from stories_data import FLOOD, LONER, QUAKE, write  # noqa: E402

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
BACKENDS = ["sqlite", "postgresql"]


def _articles(store, n: int) -> list[int]:
    ids = []
    for i in range(n):
        article = Article(
            url=f"https://s{i}.example/a", title=f"Title {i}", paragraphs=[Paragraph("Body.")]
        )
        doc = Document(location=f"{i}.html", content=b"x", content_type="html")
        ids.append(store.add_article(article, doc)[0])
    return ids


def _member(article_id: int, at: datetime, source: str, vector: dict[str, float]) -> dict:
    return {
        "article_id": article_id,
        "topic_id": 0,
        "story_id": 0,
        "at": at,
        "dated": True,
        "source": source,
        "title": f"Title {article_id}",
        "vector": vector,
    }


def _story(topic_key: int, story_id, ids: list[int], first, last, sources) -> dict:  # noqa: ANN001
    return {
        "topic_key": topic_key,
        "story_id": story_id,
        "article_ids": ids,
        "values": {
            "title": f"Story of {ids[0]}",
            "article_id": ids[0],
            "first_seen": first,
            "last_seen": last,
            "n_articles": len(ids),
            "n_sources": len(set(sources)),
            "sources": sorted(set(sources)),
            "total": {"quake": 1.5, "napa": 0.25},
        },
    }


def test_term_statistics_add_up(store):
    store.add_story_terms({"quake": 2, "napa": 1}, 3)
    store.add_story_terms({"quake": 1, "flood": 4}, 5)
    freqs, n_docs = store.story_doc_freqs(["quake", "napa", "flood", "absent"])
    assert freqs == {"quake": 3, "napa": 1, "flood": 4} and n_docs == 8
    many = {f"term{i}": 1 for i in range(1200)}  # more than one chunk of IN (...)
    store.add_story_terms(many, 1)
    freqs, n_docs = store.story_doc_freqs(list(many))
    assert len(freqs) == 1200 and n_docs == 9


def test_a_term_longer_than_the_column_is_kept(store):
    long_term = "x" * 250  # a URL or a run of glued words, as extraction can give
    store.add_story_terms({long_term: 1}, 1)
    store.add_story_terms({long_term: 1}, 1)
    assert store.story_doc_freqs([long_term]) == ({long_term: 2}, 2)


def test_a_run_is_written_and_read_back(store):
    a, b, c = _articles(store, 3)
    day = timedelta(days=1)
    run = {
        "new_members": [
            _member(a, NOW - day, "site a", {"quake": 0.8, "napa": 0.6}),
            _member(b, NOW, "site b", {"quake": 1.0}),
            _member(c, NOW - 30 * day, "site c", {"bakery": 1.0}),
        ],
        "topics": [
            {"key": -1, "size": 2, "total": {"quake": 1.8}, "first": NOW - day, "last": NOW},
            {"key": -2, "size": 1, "total": {"bakery": 1.0}, "first": NOW - 30 * day, "last": None},
        ],
        "merged": [],
        "stories": [
            _story(-1, None, [a, b], NOW - day, NOW, ["site a", "site b"]),
            _story(-2, None, [c], NOW - 30 * day, NOW - 30 * day, ["site c"]),
        ],
    }
    store.save_story_run(run)
    assert store.story_known_articles([a, b, c, 999]) == {a, b, c}
    listed = store.stories()
    assert [s.article_ids for s in listed] == [[a, b], [c]]  # most recently active first
    quake = listed[0]
    assert quake.n_sources == 2 and quake.sources == ["site a", "site b"]
    assert quake.first_seen == NOW - day and quake.last_seen == NOW
    assert quake.last_seen.tzinfo is not None
    assert [x.title for x in quake.articles] == ["Title 0", "Title 1"]
    assert store.get_story(quake.id).article_ids == [a, b]
    assert store.get_story(10_000) is None
    assert store.stories(limit=1, with_articles=False)[0].article_ids == []
    member = store.story_of(a)
    assert member["story_id"] == quake.id and member["vector"] == {"quake": 0.8, "napa": 0.6}
    assert member["at"] == NOW - day and member["dated"] is True
    assert store.story_of(10_000) is None
    assert {m["article_id"] for m in store.story_members(quake.id)} == {a, b}
    topics = store.story_topics_between(NOW - 2 * day, NOW, NOW - day)
    assert [t["size"] for t in topics] == [2] and topics[0]["total"] == {"quake": 1.8}
    assert len(store.story_topic_members([topics[0]["id"]])) == 2
    assert dict(store.story_totals(ids=[quake.id])) == {quake.id: {"quake": 1.5, "napa": 0.25}}
    assert store.latest_story_time() == NOW
    recent = store.stories_since(NOW - 7 * day, growth_since=NOW - timedelta(hours=1))
    assert [(s.id, s.score) for s in recent] == [(quake.id, 1.0)]
    both = store.stories_with_articles([listed[1].id, quake.id, 10_000])
    assert [s.id for s in both] == [listed[1].id, quake.id]


def test_a_merge_rewrites_topics_and_stories(store):
    a, b, c = _articles(store, 3)
    store.save_story_run(
        {
            "new_members": [
                _member(a, NOW, "x", {"quake": 1.0}),
                _member(b, NOW, "y", {"napa": 1.0}),
            ],
            "topics": [
                {"key": -1, "size": 1, "total": {"quake": 1.0}, "first": NOW, "last": NOW},
                {"key": -2, "size": 1, "total": {"napa": 1.0}, "first": NOW, "last": NOW},
            ],
            "merged": [],
            "stories": [
                _story(-1, None, [a], NOW, NOW, ["x"]),
                _story(-2, None, [b], NOW, NOW, ["y"]),
            ],
        }
    )
    first, second = sorted(store.stories(), key=lambda s: s.id)
    keep_topic = store.story_of(a)["topic_id"]
    gone_topic = store.story_of(b)["topic_id"]
    store.save_story_run(
        {
            "new_members": [_member(c, NOW, "z", {"quake": 0.7, "napa": 0.7})],
            "topics": [
                {"key": keep_topic, "size": 3, "total": {"quake": 1.7, "napa": 1.7}}
                | {"first": NOW, "last": NOW}
            ],
            "merged": [gone_topic],
            "stories": [_story(keep_topic, first.id, [a, b, c], NOW, NOW, ["x", "y", "z"])],
        }
    )
    (merged,) = store.stories()
    assert merged.id == first.id and sorted(merged.article_ids) == [a, b, c]
    assert store.get_story(second.id) is None
    assert {store.story_of(i)["story_id"] for i in (a, b, c)} == {first.id}
    assert store.story_topic_members([gone_topic]) == []


def _groups(store) -> list[set[str]]:
    return sorted(({a.url for a in s.articles} for s in store.stories()), key=sorted)


def test_clustering_gives_the_same_stories_on_both_databases(new_db, tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    records += [(f"https://f{i}.example/venice", f"f{i}", t) for i, t in enumerate(FLOOD)]
    records.append(("https://bakery.example/", "bakery", LONER))
    found = []
    for kind in BACKENDS:
        db = new_db(kind)
        settings = Settings.from_env(db=db, workers=1)
        with open_store(db) as store:
            for i, record in enumerate(records):  # one ingest per article: runs build up
                ingest_paths([write(tmp_path / f"{kind}{i}.jsonl", [record])], store, settings)
            found.append(_groups(store))
    assert found[0] == found[1]
    assert len(found[0]) == 3


def test_raw_counts_are_kept_and_members_read_without_their_vector(store):
    a, b = _articles(store, 2)
    counted = {**_member(a, NOW, "x", {"quake": 1.0}), "counts": {"quake": 3.0, "napa": 1.5}}
    store.save_story_run(
        {
            "new_members": [counted, _member(b, NOW, "y", {"quake": 1.0})],  # b: no counts
            "topics": [{"key": -1, "size": 2, "total": {"quake": 2.0}, "first": NOW, "last": NOW}],
            "merged": [],
            "stories": [_story(-1, None, [a, b], NOW, NOW, ["x", "y"])],
        }
    )
    topic_id = store.story_of(a)["topic_id"]
    rows = {r["article_id"]: r for r in store.story_topic_members([topic_id])}
    # counts kept: clustering weighs it again, so its stored vector is not read
    assert rows[a]["counts"] == {"quake": 3.0, "napa": 1.5} and rows[a]["vector"] == {}
    assert rows[b]["counts"] is None and rows[b]["vector"] == {"quake": 1.0}
    assert store.story_of(a)["vector"] == {"quake": 1.0}  # related links still get it


def test_a_database_from_before_the_counts_gets_the_column_and_keeps_its_vectors(store):
    """Schema version 11 had no ``counts``: the step adds it; old rows read
    their stored vector (NULL counts) and new runs cluster beside them."""
    from sqlalchemy import inspect, update

    from newsdesk.store import schema
    from newsdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION
    from newsdesk.store.stories import add_counts_column

    [a] = _articles(store, 1)
    store.save_story_run(
        {
            "new_members": [_member(a, NOW, "x", {"quake": 1.0})],
            "topics": [{"key": -1, "size": 1, "total": {"quake": 1.0}, "first": NOW, "last": NOW}],
            "merged": [],
            "stories": [_story(-1, None, [a], NOW, NOW, ["x"])],
        }
    )
    url = store.engine.url.render_as_string(hide_password=False)
    before = MIGRATIONS.index(add_counts_column)
    with store.engine.begin() as conn:  # back to how schema version ``before`` kept them
        conn.exec_driver_sql("ALTER TABLE article_stories DROP COLUMN counts")
        conn.execute(update(schema.schema_version).values(version=before))
    store.close()
    upgraded = open_store(url)
    try:
        assert upgraded.schema_version == SCHEMA_VERSION
        with upgraded.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("article_stories")}
        assert "counts" in columns
        topic_id = upgraded.story_of(a)["topic_id"]
        [row] = upgraded.story_topic_members([topic_id])
        assert row["counts"] is None and row["vector"] == {"quake": 1.0}
        with upgraded._writer.begin() as conn:
            add_counts_column(conn)  # run twice: nothing to do
    finally:
        upgraded.close()
