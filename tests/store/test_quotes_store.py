"""The entity and quote methods of the store, on SQLite and on a real PostgreSQL.

Enrichment results are written by hand here (the spaCy stage has its own
tests), so only the store is under test.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.model import Article, Document, Enrichment, Entity, Paragraph, Quote


def _article(store, i: int, published_at: datetime | None = None) -> int:
    article = Article(
        url=f"https://news{i}.example/a",
        title=f"Article {i}",
        paragraphs=[Paragraph("Wi Sung-lac said the talks would go on.")],
        published_at=published_at,
        date_source="meta" if published_at else "none",
    )
    return store.add_article(article, Document(f"{i}.html", b"x", "html"))[0]


def _quote(text: str, speaker: str | None, start: int = 0, role: str | None = None) -> Quote:
    return Quote(text, start, start + len(text), "direct", speaker, role, "said")


WI = Entity("Wi Sung-lac", "person", 3)
SEOUL = Entity("Seoul", "place", 1)


def test_an_enrichment_is_saved_and_read_back(store):
    a = _article(store, 1, datetime(2024, 5, 1, tzinfo=UTC))
    result = Enrichment(
        entities=[WI, SEOUL, Entity("Wi Sung Lac", "person", 1)],  # same key: counted once
        quotes=[
            _quote("The talks will go on", "Wi Sung-lac", 10, "a former ambassador"),
            _quote("Nothing changed", None, 80),
        ],
        language="en",
    )
    store.save_enrichment(a, result)
    named = store.article_entities(a)
    assert [(e["name"], e["kind"], e["mentions"]) for e in named] == [
        ("Wi Sung-lac", "person", 3),
        ("Seoul", "place", 1),
    ]
    quotes = store.article_quotes(a)
    assert [(q["text"], q["speaker"], q["start"]) for q in quotes] == [
        ("The talks will go on", "Wi Sung-lac", 10),
        ("Nothing changed", None, 80),
    ]
    wi_id = named[0]["id"]
    assert quotes[0]["speaker_entity_id"] == wi_id and quotes[0]["role"] == "a former ambassador"
    assert store.get_entity(wi_id)["name"] == "Wi Sung-lac"
    assert store.get_entity(10_000) is None
    assert [r["id"] for r in store.entity_articles(wi_id)] == [a]
    status = store.enrichment_status(a)
    assert status["status"] == "done" and status["language"] == "en"
    assert store.unenriched_ids() == []
    assert store.unenriched_ids(redo=True) == [a]


def test_a_quote_carried_by_two_articles_is_one_ledger_entry(store):
    dated = _article(store, 1, datetime(2024, 5, 1, tzinfo=UTC))
    later = _article(store, 2, datetime(2024, 6, 1, tzinfo=UTC))
    undated = _article(store, 3)
    talks = _quote("The talks will go on", "Wi Sung-lac")
    store.save_enrichment(dated, Enrichment(entities=[WI], quotes=[talks]))
    store.save_enrichment(
        undated, Enrichment(entities=[WI], quotes=[_quote("the talks will go on.", "WI SUNG-LAC")])
    )
    store.save_enrichment(
        later, Enrichment(entities=[WI], quotes=[_quote("Later words", "Wi Sung-lac")])
    )
    ledger = store.speaker_ledger("Wi Sung-lac")
    assert [e["text"] for e in ledger] == ["Later words", "The talks will go on"]  # newest first
    assert sorted(s["article_id"] for s in ledger[1]["sources"]) == [dated, undated]
    wi_id = store.article_entities(dated)[0]["id"]
    assert [e["text"] for e in store.entity_ledger(wi_id)] == [
        "Later words",
        "The talks will go on",
    ]
    assert len(store.quote_sources()) == 3
    assert [q["article_id"] for q in store.quote_sources(limit=2)] == [undated, later]
    assert len(store.quote_sources(speaker="Sung-lac")) == 3  # part of the name
    assert store.quote_sources(speaker="Kim") == []
    assert store.person_full_name("Wi") == "Wi Sung-lac"
    assert store.person_full_name("Nobody") is None


def test_saving_again_replaces_and_drops_orphan_quotes(store):
    a = _article(store, 1)
    store.save_enrichment(a, Enrichment(entities=[WI], quotes=[_quote("Old words", "Wi Sung-lac")]))
    store.save_enrichment(a, Enrichment(entities=[SEOUL], quotes=[_quote("New words", None)]))
    assert [e["name"] for e in store.article_entities(a)] == ["Seoul"]
    assert [q["text"] for q in store.article_quotes(a)] == ["New words"]
    assert store.speaker_ledger("Wi Sung-lac") == []


def test_a_skip_is_recorded_with_its_reason(store):
    a, b = _article(store, 1), _article(store, 2)
    store.save_enrichment(a, Enrichment(language="de", skipped="not English (de)"))
    store.save_enrichment(b, Enrichment(skipped="enrichment failed: boom"))
    assert store.enrichment_status(a)["status"] == "skipped"
    assert store.enrichment_status(a)["reason"] == "not English (de)"
    assert store.enrichment_status(b)["status"] == "failed"
    assert store.article_quotes(a) == [] and store.unenriched_ids() == []
    c = _article(store, 3)
    assert store.unenriched_ids() == [c] and store.enrichment_status(c) is None
