"""Copy linking through the store, on SQLite and PostgreSQL: batches, increments, crashes."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from support import COPY_WORDS as WORDS
from support import copy_paragraphs as text

from newsdesk.connect import duplicates as dup
from newsdesk.errors import StoreError
from newsdesk.model import Article, Document, Paragraph
from newsdesk.pipeline.copies import CopyItem, link_copies, link_copy_batch
from newsdesk.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, new_db):
    s = open_store(new_db(request.param))
    yield s
    s.close()


def _store(store, i: int, paragraphs: list[str], when: datetime, url: str | None = None) -> int:
    article = Article(
        url=url or f"https://site{i}.example/{i}",
        title=f"Story {i}",
        paragraphs=[Paragraph(p) for p in paragraphs],
        published_at=when,
        date_source="meta",
    )
    doc = Document(
        location=f"doc{i}-{len(paragraphs)}", content="\n".join(paragraphs), content_type="text"
    )
    return store.add_article(article, doc)[0]


def _add(store, i: int, paragraphs: list[str], when: datetime) -> int:
    article_id = _store(store, i, paragraphs, when)
    link_copies(store, article_id, dup.copy_signature("\n\n".join(paragraphs)))
    return article_id


def _item(store, article_id: int, *, fresh: bool = True) -> CopyItem:
    stored = store.get_article(article_id)
    return CopyItem(article_id, dup.copy_signature(stored.article.body), fresh=fresh)


def _groups(store) -> list[set[int]]:
    return sorted(({m.id for m in g.members} for g in store.copy_groups()), key=min)


def test_incremental_groups_and_an_earlier_copy_becomes_the_original(store):
    a = _add(store, 1, text(5), datetime(2024, 5, 1, tzinfo=UTC))
    other = _add(store, 2, text(6), datetime(2024, 5, 1, tzinfo=UTC))
    b = _add(store, 3, text(5)[:-1], datetime(2024, 3, 1, tzinfo=UTC))
    group = store.copy_group_of(a)
    assert group is not None and {m.id for m in group.members} == {a, b}
    assert group.original_id == b and store.copy_group_of(other) is None
    c = _add(store, 4, [*text(5), "Read more"], datetime(2023, 1, 2, tzinfo=UTC))
    group = store.copy_group_of(a)
    assert group is not None and {m.id for m in group.members} == {a, b, c}
    assert group.original_id == c and "2023-01-02" in (group.origin_reason or "")
    assert [g.id for g in store.copy_groups()] == [group.id]


def test_one_batch_groups_as_one_by_one_and_a_later_batch_merges(store):
    day = datetime(2024, 1, 1, tzinfo=UTC)
    ids = [
        _store(store, 1, text(1), day),
        _store(store, 2, text(1)[:-1] + ["Subscribe to our newsletter"], day),  # copy of 1
        _store(store, 3, text(2), day),
        _store(store, 4, text(2)[1:], day),  # copy of 3
        _store(store, 5, text(3), day),  # alone
        _store(store, 6, "\n\n".join(text(1)).split("\n\n"), day),  # same words as 1
        _store(store, 7, ["Too short to group."], day),
    ]
    grouped = link_copy_batch(store, [_item(store, i) for i in ids])
    assert _groups(store) == [{ids[0], ids[1], ids[5]}, {ids[2], ids[3]}]
    assert set(grouped) == {ids[0], ids[1], ids[2], ids[3], ids[5]}
    assert store.articles_without_copy_index() == []  # the short one is marked as linked too
    # A later batch: one article that is a copy of both 1 and 3 (their texts
    # merged) joins them into one group; the lower group id survives.
    first = store.copy_group_of(ids[0]).id
    bridge = _store(store, 8, text(1) + text(2), datetime(2023, 6, 1, tzinfo=UTC))
    link_copy_batch(store, [_item(store, bridge)])
    assert _groups(store) == [{ids[0], ids[1], ids[5], ids[2], ids[3], bridge}]
    assert store.copy_group_of(bridge).id == first


def test_changed_text_leaves_its_group(store):
    day = datetime(2024, 1, 1, tzinfo=UTC)
    a = _add(store, 1, text(1), day)
    b = _add(store, 2, text(1)[1:], day)
    c = _add(store, 3, text(2), day)
    assert _groups(store) == [{a, b}]
    # b's page now carries c's text: same URL, new body.
    assert _store(store, 2, text(2)[:-1], day) == b
    assert b in store.articles_without_copy_index()  # until re-linked (crash-safe)
    link_copy_batch(store, [_item(store, b, fresh=False)])
    assert _groups(store) == [{b, c}]
    assert store.copy_group_of(a) is None  # a group of one is dissolved


def test_a_failed_batch_writes_nothing(store):
    day = datetime(2024, 1, 1, tzinfo=UTC)
    a = _store(store, 1, text(1), day)
    b = _store(store, 2, text(1)[1:], day)
    missing = 10_000  # no such article: its signature row breaks the batch
    stray = CopyItem(missing, dup.copy_signature("\n".join(text(3))))
    items = [_item(store, a), _item(store, b), stray]
    with pytest.raises(StoreError):
        link_copy_batch(store, items)
    assert store.copy_groups() == []
    assert sorted(store.articles_without_copy_index()) == [a, b]
    assert store.check_consistency() == []
    link_copy_batch(store, items[:2])
    assert _groups(store) == [{a, b}]


def test_crowded_bucket_costs_at_most_the_newest_per_key(store):
    """One text stored 80 times: a near copy still joins, and the bucket rows
    the index hands back per key stay at the cap."""
    day = datetime(2024, 1, 1, tzinfo=UTC)
    same = [_store(store, i, text(1), day) for i in range(1, 81)]
    link_copy_batch(store, [_item(store, i) for i in same])
    near = _store(store, 100, text(1)[:-1] + ["Read more at example.org"], day)
    sig = dup.copy_signature(store.get_article(near).article.body)
    with store.copy_batch() as tx:
        _exact, rows = tx.lookup([sig.text_hash], list(sig.bands), 50)
    per_key: dict[int, int] = {}
    for key, _article in rows:
        per_key[key] = per_key.get(key, 0) + 1
    assert per_key and max(per_key.values()) <= 50
    link_copy_batch(store, [_item(store, near)])
    assert _groups(store) == [{*same, near}]


def test_huge_and_empty_bodies_in_a_batch(store):
    day = datetime(2024, 1, 1, tzinfo=UTC)
    huge = _store(store, 1, [" ".join(WORDS)] * 5_000, day)  # 240k words
    empty = _store(store, 2, [""], day)
    tiny = _store(store, 3, ["Paywall."], day)
    link_copy_batch(store, [_item(store, i) for i in (huge, empty, tiny)])
    assert store.copy_groups() == [] and store.articles_without_copy_index() == []


def test_two_store_objects_see_each_others_links_and_relinks(store):
    """Each store object holds the buckets in memory: another's writes (a new
    article, a re-linked one) must reach it through the rows written since."""
    day = datetime(2024, 1, 1, tzinfo=UTC)
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        a = _store(store, 1, text(1), day)
        link_copy_batch(store, [_item(store, a)])
        b = _store(other, 2, text(1)[1:], day)
        link_copy_batch(other, [_item(other, b)])  # other's first look: a is there
        assert _groups(store) == [{a, b}]
        # other re-links a with another text; store must forget a's old buckets.
        assert _store(other, 1, text(2), day) == a
        link_copy_batch(other, [_item(other, a, fresh=False)])
        c = _store(store, 3, text(1)[:-1], day)
        link_copy_batch(store, [_item(store, c)])
        assert _groups(store) == [{b, c}]
        d = _store(store, 4, text(2)[1:], day)
        link_copy_batch(store, [_item(store, d)])
        assert _groups(store) == [{a, d}, {b, c}]
    finally:
        other.close()


def test_upgrade_moves_bucket_rows_into_signatures(store):
    """A database from before: buckets in ``copy_bands``; the migration packs
    them into ``copy_signatures.bands`` and drops the table."""
    from sqlalchemy import inspect, select, update

    from newsdesk.store import copies, schema
    from newsdesk.store.copies import copy_bands, copy_signatures
    from newsdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION

    day = datetime(2024, 1, 1, tzinfo=UTC)
    a = _add(store, 1, text(1), day)
    url = store.engine.url.render_as_string(hide_password=False)
    before = MIGRATIONS.index(copies.bands_in_signatures)
    with store.engine.begin() as conn:  # back to how schema version ``before`` kept them
        copy_bands.create(conn)
        rows = conn.execute(select(copy_signatures.c.article_id, copy_signatures.c.bands))
        conn.execute(
            copy_bands.insert(),
            [
                {"key": int(k), "article_id": i}
                for i, blob in rows
                for k in set(np.frombuffer(blob, dtype="<i8").tolist())
            ],
        )
        conn.execute(update(copy_signatures).values(bands=None, seq=None))
        conn.execute(update(schema.schema_version).values(version=before))
    store.close()
    upgraded = open_store(url)
    try:
        assert upgraded.schema_version == SCHEMA_VERSION
        with upgraded.engine.connect() as conn:
            assert not inspect(conn).has_table("copy_bands")
        b = _store(upgraded, 2, text(1)[1:], day)
        link_copy_batch(upgraded, [_item(upgraded, b)])
        assert _groups(upgraded) == [{a, b}]
        assert upgraded.check_consistency() == []
    finally:
        upgraded.close()


def _fresh_words(seed: int) -> list[str]:
    """Paragraphs sharing no word with :func:`text` or another seed."""
    return [" ".join(f"w{seed}x{p}x{k}" for k in range(30)) + "." for p in range(8)]


def test_updating_the_last_linked_articles_does_not_hide_the_next_rows(store):
    """Updates delete the highest-numbered signature rows, some already read
    into memory; the rows written next must still be numbered past them."""
    day = datetime(2024, 1, 1, tzinfo=UTC)
    a = _store(store, 1, text(1), day)
    b = _store(store, 2, text(2), day)
    link_copy_batch(store, [_item(store, a), _item(store, b)])
    c = _store(store, 3, text(3), day)
    link_copy_batch(store, [_item(store, c)])  # reads a, b
    assert _store(store, 2, _fresh_words(4), day) == b  # b's and c's rows go
    assert _store(store, 3, _fresh_words(5), day) == c
    link_copy_batch(store, [_item(store, b, fresh=False), _item(store, c, fresh=False)])
    d = _store(store, 4, _fresh_words(4)[1:], day)  # a copy of b's new text
    e = _store(store, 5, _fresh_words(5)[1:], day)  # a copy of c's new text
    link_copy_batch(store, [_item(store, d), _item(store, e)])
    assert _groups(store) == [{b, d}, {c, e}]


def test_a_seq_another_process_was_handed_is_not_handed_out_again(store):
    """This store object has read rows that updates then delete (the highest
    numbers); another object links a new article next: its row is numbered
    past the deleted ones, so this object's top-up still reads it."""
    day = datetime(2024, 1, 1, tzinfo=UTC)
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        a = _store(store, 1, text(1), day)
        b = _store(store, 2, text(2), day)
        link_copy_batch(store, [_item(store, a), _item(store, b)])
        x = _store(store, 3, text(3), day)
        link_copy_batch(store, [_item(store, x)])  # reads a's and b's rows
        assert _store(other, 2, _fresh_words(4), day) == b  # b's and x's rows go
        assert _store(other, 3, _fresh_words(5), day) == x
        c = _store(other, 4, _fresh_words(6), day)
        link_copy_batch(other, [_item(other, c)])  # b and x wait: their numbers are free
        d = _store(store, 5, _fresh_words(6)[1:], day)  # a copy of c
        link_copy_batch(store, [_item(store, d)])
        assert {c, d} in _groups(store)
    finally:
        other.close()
