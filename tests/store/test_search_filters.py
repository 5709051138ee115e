"""Search filters, the person filter and one site's articles, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.model import Article, Document, Paragraph
from newsdesk.store import open_store
from newsdesk.store.search import SearchFilters


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, new_db):
    s = open_store(new_db(request.param))
    rows = [
        # (site_name, source, section, month, body)
        ("Coast Times", "coast-feed", "Local", 1, "The harbour council met Ana Ruiz on Monday."),
        (
            "Coast Times",
            "coast-feed",
            "Politics",
            2,
            "The harbour budget passed; Ben Okafor voted.",
        ),
        (None, "inland-feed", "Politics", 3, "The harbour in town is closed, said Ana Ruiz."),
        ("Hill Post", None, "Local", 4, "Ruiz Ana and the harbour: a different order."),
        ("Hill Post", None, None, None, "The harbour has no known date here."),
    ]
    for i, (site, source, section, month, body) in enumerate(rows):
        article = Article(
            url=f"https://example.org/{i}",
            title=f"Harbour story {i}",
            paragraphs=[Paragraph(body)],
            site_name=site,
            source=source,
            section=section,
            published_at=datetime(2024, month, 10, tzinfo=UTC) if month else None,
            date_source="meta" if month else "none",
        )
        doc = Document(location=f"{i}.html", content=b"<p>x</p>", content_type="html")
        s.add_article(article, doc)
    yield s
    s.close()


def titles(hits) -> set[str]:
    return {h.title[-1] for h in hits}


def test_no_filters_finds_all(store):
    assert store.count_search("harbour") == 5
    assert store.count_search("harbour", SearchFilters()) == 5


def test_date_range_is_inclusive_then_exclusive_and_skips_undated(store):
    f = SearchFilters(
        since=datetime(2024, 2, 10, tzinfo=UTC), until=datetime(2024, 4, 10, tzinfo=UTC)
    )
    hits = store.search("harbour", 10, 0, f)
    assert titles(hits) == {"1", "2"}
    assert store.count_search("harbour", f) == 2
    assert titles(
        store.search("harbour", 10, 0, SearchFilters(since=datetime(2000, 1, 1, tzinfo=UTC)))
    ) == {"0", "1", "2", "3"}


def test_source_matches_site_name_or_source_label(store):
    assert titles(store.search("harbour", 10, 0, SearchFilters(source="Coast Times"))) == {"0", "1"}
    assert titles(store.search("harbour", 10, 0, SearchFilters(source="inland-feed"))) == {"2"}
    assert store.count_search("harbour", SearchFilters(source="Nowhere")) == 0


def test_section_is_case_insensitive(store):
    assert titles(store.search("harbour", 10, 0, SearchFilters(section="politics"))) == {"1", "2"}


def test_person_is_a_phrase_and_survives_or(store):
    f = SearchFilters(person="Ana Ruiz")
    assert titles(store.search("harbour", 10, 0, f)) == {"0", "2"}  # not "Ruiz Ana"
    # the user's OR stays inside its brackets: (council OR closed) AND "ana ruiz"
    assert store.count_search("council OR closed OR budget", f) == 2
    # the name alone is a search
    assert store.count_search("", f) == 2


def test_filters_combine_and_page(store):
    f = SearchFilters(source="Coast Times", section="Local", person="Ana Ruiz")
    assert titles(store.search("harbour", 10, 0, f)) == {"0"}
    first = store.search("harbour", 2, 0)
    second = store.search("harbour", 2, 2)
    assert not {h.id for h in first} & {h.id for h in second}
    assert all("\x02" in h.snippet for h in first)


@pytest.mark.parametrize("bad", ['"', "*", "AND OR NOT", "()", "'; drop table articles; --"])
def test_hostile_filter_values_never_raise(store, bad):
    f = SearchFilters(source=bad, section=bad, person=bad)
    store.search("harbour", 10, 0, f)
    store.count_search(bad, f)


def test_source_articles_and_sources(store):
    coast = store.source_articles("Coast Times", limit=1)
    assert [s.article.title for s in coast] == ["Harbour story 1"]
    older = store.source_articles("Coast Times", limit=5, before_id=coast[0].id)
    assert [s.article.title for s in older] == ["Harbour story 0"]
    assert store.sources() == [("Coast Times", 2), ("Hill Post", 2), ("inland-feed", 1)]
