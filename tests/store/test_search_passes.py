"""Ranking in one pass (PostgreSQL) gives the same pages as count-then-rank.

PostgreSQL counts and ranks at most ``RANK_AT_MOST + 1`` matches in one
statement; these tests pin it to the two-statement way on the same data,
on both sides of the newest-first threshold, and past the last page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.model import Article, Document, Paragraph
from newsdesk.store import open_store, postgres
from newsdesk.store import search as search_module
from newsdesk.store.search import SearchFilters

WORDS = ["budget", "vote", "senate", "river", "flood", "bridge", "council", "election"]


def _load(store) -> None:
    items = []
    for i in range(60):
        body = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(1 + i % 5))
        title = WORDS[i % len(WORDS)] + (" budget vote" if i % 7 == 0 else "")
        article = Article(
            url=f"https://p.example/{i}",
            title=title,
            paragraphs=[Paragraph(f"{body}. The budget vote came after the river flood.")],
            site_name=f"Site {i % 3}",
            published_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i),
            date_source="meta",
        )
        items.append((article, Document(f"{i}.html", b"x", "html")))
    store.add_articles_bulk(items)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, new_db):
    s = open_store(new_db(request.param))
    _load(s)
    yield s
    s.close()


def _pages(store, query: str, filters=None) -> list[list[int]]:  # noqa: ANN001
    return [
        [h.id for h in store.search(query, limit=7, offset=o, filters=filters)]
        for o in (0, 7, 14, 56, 63, 200)
    ]


QUERIES = ['"budget vote"', "river flood", "senate OR bridge", "council", "nothing"]


@pytest.mark.parametrize("rank_at_most", [5, 30, 5000])
def test_one_pass_ranking_equals_count_then_rank(store, monkeypatch, rank_at_most):
    monkeypatch.setattr(search_module, "RANK_AT_MOST", rank_at_most)
    one_pass = {q: _pages(store, q) for q in QUERIES}
    monkeypatch.setattr(store._fts, "RANK_IN_ONE_PASS", False)
    assert {q: _pages(store, q) for q in QUERIES} == one_pass
    assert one_pass["nothing"] == [[]] * 6
    filtered = _pages(store, "river flood", SearchFilters(source="Site 1"))
    assert filtered[0] and all(i % 3 == 2 for page in filtered for i in page)  # ids from 1


@pytest.mark.parametrize(
    ("rank_at_most", "count_at_most"),
    [(5, 10), (5, 5), (30, 40), (30, 10), (5, 100), (20, 59), (20, 60), (5000, 10000)],
)
def test_search_page_answers_as_search_and_count_search(
    store, monkeypatch, rank_at_most, count_at_most
):
    monkeypatch.setattr(search_module, "RANK_AT_MOST", rank_at_most)
    monkeypatch.setattr(search_module, "COUNT_AT_MOST", count_at_most)
    filters = [None, SearchFilters(source="Site 1"), SearchFilters(person="budget vote")]
    for query in [*QUERIES, ""]:
        for f in filters:
            for offset in (0, 7, 63, 200):
                hits, total = store.search_page(query, 7, offset, f)
                assert [h.id for h in hits] == [h.id for h in store.search(query, 7, offset, f)]
                assert [h.snippet for h in hits] == [
                    h.snippet for h in store.search(query, 7, offset, f)
                ]
                assert total == store.count_search(query, f, at_most=count_at_most), (query, f)


def test_above_the_threshold_results_are_newest_first(store, monkeypatch):
    monkeypatch.setattr(search_module, "RANK_AT_MOST", 5)
    ids = [h.id for h in store.search("budget", limit=10)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 10
    monkeypatch.setattr(search_module, "RANK_AT_MOST", 5000)
    ranked = [h.id for h in store.search("budget", limit=10)]
    assert ranked != ids and sorted(ranked) != ranked  # by relevance, not by id


def test_postgres_ranks_in_one_pass():
    assert postgres.RANK_IN_ONE_PASS


def test_postgres_sessions_run_without_jit(new_db):
    with open_store(new_db("postgresql")) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
