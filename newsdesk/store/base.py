"""The interface every store implements; callers depend on this, not on SQL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Literal, Protocol

from ..model import (
    Article,
    CopyGroup,
    Document,
    Enrichment,
    Failed,
    FailureRecord,
    Feed,
    SearchHit,
    StoredArticle,
    Story,
)
from .search import SearchFilters

IngestStatus = Literal["stored", "known", "updated"]


class Store(Protocol):
    def add_article(self, article: Article, document: Document) -> tuple[int, IngestStatus]:
        """Store an article with its raw document, once: the same url and body is ``known``."""

    def add_failure(self, failed: Failed) -> None: ...

    def get_article(self, article_id: int) -> StoredArticle | None: ...

    def get_document(self, article_id: int) -> Document | None: ...

    def latest(self, limit: int = 20, before_id: int | None = None) -> list[StoredArticle]:
        """Newest first by ingest order; ``before_id`` is the cursor for the next page."""

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """Full-text hits, best first; ``filters`` narrow by date, source, section, person."""

    def count_search(self, query: str, filters: SearchFilters | None = None) -> int: ...

    def search_page(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> tuple[list[SearchHit], int]:
        """``search`` and ``count_search`` in one call: what a results page shows."""

    def source_articles(
        self, source: str, limit: int = 20, before_id: int | None = None
    ) -> list[StoredArticle]:
        """One site's articles (site name or source label), newest first."""

    def sources(self, limit: int = 500) -> list[tuple[str, int]]: ...

    def failures(self, limit: int = 100) -> list[FailureRecord]: ...

    def count_articles(self) -> int: ...

    def close(self) -> None: ...

    # -- stories (issue 6; SQL in store/stories.py, clustering in connect/stories.py)

    def add_story_terms(self, deltas: Mapping[str, int], n_docs: int) -> None:
        """Add to the document frequencies that IDF is computed from."""

    def story_doc_freqs(self, terms: Iterable[str]) -> tuple[dict[str, int], int]: ...

    def story_known_articles(self, article_ids: list[int]) -> set[int]: ...

    def story_entity_names(self, article_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
        """Named entities (name, mentions) of enriched articles: the stories' name features."""

    def story_topics_between(
        self, start: datetime, end: datetime, touched_since: datetime
    ) -> list[dict[str, Any]]: ...

    def story_topic_members(self, topic_ids: list[int]) -> list[dict[str, Any]]: ...

    def save_story_run(self, run: Mapping[str, Any]) -> None:
        """Write one clustering run (members, topics, stories) in one transaction."""

    def story_of(self, article_id: int) -> dict[str, Any] | None: ...

    def story_members(self, story_id: int) -> list[dict[str, Any]]: ...

    def get_story(self, story_id: int) -> Story | None: ...

    def stories(self, limit: int | None = None, with_articles: bool = True) -> list[Story]: ...

    def story_totals(
        self, *, ids: list[int] | None = None, topic_ids: list[int] | None = None
    ) -> list[tuple[int, dict[str, float]]]: ...

    def stories_since(self, since: datetime | None, growth_since: datetime) -> list[Story]: ...

    def latest_story_time(self) -> datetime | None: ...

    def stories_with_articles(self, story_ids: list[int]) -> list[Story]: ...

    # -- feeds (issue 4; SQL in store/feeds.py, polling in schedule.py and crawl.py)

    def add_feed(
        self, url: str, *, interval: int, title: str | None = None, section: str | None = None
    ) -> tuple[Feed, bool]:
        """Subscribe (or enable again); True when the feed is new."""

    def get_feed(self, ref: str | int) -> Feed | None: ...

    def remove_feed(self, ref: str | int) -> bool: ...

    def feeds(self) -> list[Feed]: ...

    def due_feeds(self, now: datetime, limit: int | None = None) -> list[Feed]: ...

    def save_feed(self, feed: Feed) -> None: ...

    def seen_entries(self, feed_id: int, keys: Iterable[str]) -> set[str]: ...

    def mark_entries(self, feed_id: int, entries: Iterable[tuple[str, str | None]]) -> None: ...

    def known_urls(self, urls: Iterable[str]) -> set[str]: ...

    # -- copies (issue 5; SQL in store/copies.py, detection in connect/duplicates.py)

    def copy_batch(self) -> AbstractContextManager[Any]:
        """One write transaction for a batch's copy linking (``store.copies.CopyBatch``)."""

    def articles_without_copy_index(self, limit: int = 1000) -> list[int]:
        """Articles copy linking never reached (a killed run's last batch), oldest first."""

    def copy_group(self, group_id: int) -> CopyGroup | None: ...

    def copy_group_of(self, article_id: int) -> CopyGroup | None: ...

    def copy_groups(self, limit: int | None = None) -> list[CopyGroup]: ...

    # -- entities and quotes (issue 7; SQL in store/quotes.py, finding in enrich/)

    def save_enrichment(self, article_id: int, result: Enrichment) -> None:
        """Replace an article's entities and quotes (or record why it was skipped)."""

    def person_full_name(self, name: str) -> str | None:
        """The stored full name a lone surname clearly refers to, if any."""

    def article_entities(self, article_id: int) -> list[dict[str, Any]]: ...

    def article_quotes(self, article_id: int) -> list[dict[str, Any]]: ...

    def quote_sources(
        self, speaker: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Every quote occurrence (one per article carrying it), newest first."""

    def speaker_ledger(self, speaker: str, limit: int = 200) -> list[dict[str, Any]]:
        """Ledger entries of one speaker, each with all the articles that carry it."""

    def get_entity(self, entity_id: int) -> dict[str, Any] | None: ...

    def entity_articles(self, entity_id: int, limit: int = 100) -> list[dict[str, Any]]: ...

    def entity_ledger(self, entity_id: int, limit: int = 200) -> list[dict[str, Any]]: ...

    def unenriched_ids(self, redo: bool = False) -> list[int]: ...

    def enrichment_status(self, article_id: int) -> dict[str, Any] | None: ...

    # -- durability (issue 10; SQL in store/durability.py)

    def check_consistency(self) -> list[str]:
        """Every integrity problem (dangling rows, search index drift); empty when whole."""

    def missing_follow_ups(self, article_id: int) -> set[str]:
        """Follow-ups a crash cut off for a stored article: copies, stories, enrich."""

    def articles_without_story(self, limit: int = 1000) -> list[int]:
        """Articles no story holds yet (a killed run's last batch), oldest first."""
