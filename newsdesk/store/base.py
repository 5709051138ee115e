"""The interface every store implements; callers depend on this, not on SQL."""

from __future__ import annotations

from typing import Literal, Protocol

from ..model import Article, Document, Failed, FailureRecord, SearchHit, StoredArticle

IngestStatus = Literal["stored", "known", "updated"]


class Store(Protocol):
    def add_article(self, article: Article, document: Document) -> tuple[int, IngestStatus]:
        """Store an article with its raw document, once: the same url and body is ``known``."""

    def add_failure(self, failed: Failed) -> None: ...

    def get_article(self, article_id: int) -> StoredArticle | None: ...

    def get_document(self, article_id: int) -> Document | None: ...

    def latest(self, limit: int = 20, before_id: int | None = None) -> list[StoredArticle]:
        """Newest first by ingest order; ``before_id`` is the cursor for the next page."""

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]: ...

    def count_search(self, query: str) -> int: ...

    def failures(self, limit: int = 100) -> list[FailureRecord]: ...

    def count_articles(self) -> int: ...

    def close(self) -> None: ...
