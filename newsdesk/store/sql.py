"""The store, written once in SQLAlchemy Core for every backend.

Dialect-specific code is confined to full-text search (and, later, upsert and
JSON); everything else is the same query on SQLite and PostgreSQL.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    Row,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import (
    Article,
    Document,
    Failed,
    FailureRecord,
    Paragraph,
    StoredArticle,
)
from . import postgres, sqlite
from .base import IngestStatus
from .copies import CopyStoreMixin, forget_signatures
from .durability import ConsistencyStoreMixin, translate_full_disk
from .feeds import FeedStoreMixin
from .migrations import migrate
from .quotes import QuoteStoreMixin
from .schema import articles, documents, failures
from .search import SearchStoreMixin
from .stories import StoryStoreMixin
from .values import utc as _utc


def database_url(db: str) -> str:
    """A bare path means SQLite; anything with ``://`` is passed to SQLAlchemy."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def open_store(db: str) -> SqlStore:
    """Open (creating and migrating as needed) the store at ``db``."""
    return SqlStore(db)


class SqlStore(
    StoryStoreMixin,
    FeedStoreMixin,
    CopyStoreMixin,
    QuoteStoreMixin,
    SearchStoreMixin,
    ConsistencyStoreMixin,
):
    """The :class:`~.base.Store` on a SQLAlchemy engine."""

    def __init__(self, db: str) -> None:
        url = database_url(db)
        options = postgres.ENGINE_OPTIONS if url.startswith("postgresql") else {}
        try:
            self.engine: Engine = create_engine(url, **options)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError(f"cannot open database {db!r}: {exc}") from exc
        self.dialect = self.engine.dialect.name
        # The one place the backends differ for articles: full-text search.
        self._fts = postgres if self.dialect == "postgresql" else sqlite
        write_options: dict[str, Any] = {}
        if self.dialect == "sqlite":
            sqlite.configure(self.engine)
            write_options["sqlite_immediate"] = True
        translate_full_disk(self.engine)  # disk full -> StoreFull, from any statement
        self._writer = self.engine.execution_options(**write_options)
        try:
            with self._writer.begin() as conn:
                self.schema_version = migrate(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open database {db!r}: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def add_article(self, article: Article, document: Document) -> tuple[int, IngestStatus]:
        """Store once: an article is identified by its URL (else its document's hash).

        The same URL with the same body is ``known`` and writes nothing; with a
        changed body the article and its raw document are replaced
        (``updated``).  Article, raw document and search row are written in one
        transaction, so a crash leaves all of them or none.
        """
        key = article.url or f"urn:sha256:{document.sha256}"
        now = datetime.now(UTC)
        digest = article.content_hash
        try:
            with self._writer.begin() as conn:
                row = conn.execute(
                    select(articles.c.id, articles.c.content_hash, articles.c.document_id).where(
                        articles.c.key == key
                    )
                ).first()
                if row is not None and row.content_hash == digest:
                    self._clear_failure(conn, document.location)
                    return row.id, "known"
                doc_values = _document_values(document)
                values = _article_values(article)
                values.update(content_hash=digest, updated_at=now)
                if row is None:
                    doc_id = conn.execute(
                        insert(documents).values(**doc_values)
                    ).inserted_primary_key[0]
                    article_id = conn.execute(
                        insert(articles).values(
                            key=key, document_id=doc_id, ingested_at=now, **values
                        )
                    ).inserted_primary_key[0]
                    status: IngestStatus = "stored"
                else:
                    conn.execute(
                        update(documents)
                        .where(documents.c.id == row.document_id)
                        .values(**doc_values)
                    )
                    conn.execute(update(articles).where(articles.c.id == row.id).values(**values))
                    # The old text's copy index goes with it: until the new text is
                    # linked the article counts as not linked (crash-safe redo).
                    forget_signatures(conn, [row.id])
                    article_id, status = row.id, "updated"
                self._clear_failure(conn, document.location)
                return int(article_id), status
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store {document.location}: {exc}") from exc

    def add_articles_bulk(self, items: list[tuple[Article, Document]]) -> int:
        """Insert many new articles in one transaction (loading and benchmarks).

        Unlike :meth:`add_article` nothing is looked up first: every article
        must be new (a known URL fails the whole batch with ``StoreError``,
        and nothing of it is written).
        """
        if not items:
            return 0
        now = datetime.now(UTC)
        try:
            with self._writer.begin() as conn:
                doc_ids = (
                    conn.execute(
                        insert(documents).returning(documents.c.id, sort_by_parameter_order=True),
                        [_document_values(doc) for _a, doc in items],
                    )
                    .scalars()
                    .all()
                )
                conn.execute(
                    insert(articles),
                    [
                        {
                            **_article_values(article),
                            "key": article.url or f"urn:sha256:{doc.sha256}",
                            "content_hash": article.content_hash,
                            "document_id": doc_id,
                            "ingested_at": now,
                            "updated_at": now,
                        }
                        for (article, doc), doc_id in zip(items, doc_ids, strict=True)
                    ],
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"bulk insert failed: {exc}") from exc
        return len(items)

    def optimize(self) -> None:
        """Compact indexes and refresh statistics after a large load."""
        try:
            with self._writer.begin() as conn:
                for statement in self._fts.OPTIMIZE:
                    conn.exec_driver_sql(statement)
        except SQLAlchemyError as exc:
            raise StoreError(f"optimize failed: {exc}") from exc

    @staticmethod
    def _clear_failure(conn: Any, location: str) -> None:
        conn.execute(delete(failures).where(failures.c.location == location))

    def add_failure(self, failed: Failed) -> None:
        """Record (or refresh) why one location failed; one row per location."""
        values = {
            "url": failed.url,
            "reason": failed.reason[:2000],
            "error": failed.error,
            "failed_at": datetime.now(UTC),
        }
        try:
            with self._writer.begin() as conn:
                done = conn.execute(
                    update(failures).where(failures.c.location == failed.location).values(**values)
                )
                if done.rowcount == 0:
                    conn.execute(insert(failures).values(location=failed.location, **values))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not record failure for {failed.location}: {exc}") from exc

    # -- reading -----------------------------------------------------------

    def get_article(self, article_id: int) -> StoredArticle | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        return None if row is None else _stored(row)

    def get_document(self, article_id: int) -> Document | None:
        query = (
            select(documents)
            .join(articles, articles.c.document_id == documents.c.id)
            .where(articles.c.id == article_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Document(
            location=row.location,
            content=zlib.decompress(row.raw),
            content_type=row.content_type,
            url=row.url,
            fetched_at=_utc(row.fetched_at),
            source=row.source,
            hints=dict(row.hints or {}),
        )

    def latest(self, limit: int = 20, before_id: int | None = None) -> list[StoredArticle]:
        query = select(articles).order_by(articles.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(articles.c.id < before_id)
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(query)]

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar() or 0)

    def failures(self, limit: int = 100) -> list[FailureRecord]:
        query = select(failures).order_by(failures.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [
                FailureRecord(
                    id=row.id,
                    location=row.location,
                    reason=row.reason,
                    error=row.error,
                    failed_at=_utc(row.failed_at) or datetime.now(UTC),
                    url=row.url,
                )
                for row in conn.execute(query)
            ]


def _parse_dt(value: Any) -> datetime | None:
    """Raw ``text()`` queries on SQLite return ISO strings, not datetimes."""
    if value is None or isinstance(value, datetime):
        return _utc(value)
    return _utc(datetime.fromisoformat(str(value)))


def _document_values(document: Document) -> dict[str, Any]:
    raw = document.raw_bytes
    return {
        "sha256": document.sha256,
        "location": document.location,
        "url": document.url,
        "content_type": document.content_type,
        "size": len(raw),
        "raw": zlib.compress(raw, 6),
        "fetched_at": _utc(document.fetched_at),
        "source": document.source,
        "hints": dict(document.hints),
    }


def _article_values(article: Article) -> dict[str, Any]:
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "site_name": article.site_name,
        "title": article.title,
        "section": article.section,
        "authors": list(article.authors),
        "contributors": list(article.contributors),
        "dateline": article.dateline,
        "published_at": _utc(article.published_at),
        "date_source": article.date_source,
        "page_date": _utc(article.page_date),
        "language": article.language,
        "paragraphs": [[p.kind, p.text] for p in article.paragraphs],
        "body": article.body,
        "source_link": article.source_link,
        "source": article.source,
        "location": article.location,
        "content_type": article.content_type,
    }


def _stored(row: Row[Any]) -> StoredArticle:
    article = Article(
        url=row.url,
        title=row.title,
        paragraphs=[Paragraph(text=t, kind=k) for k, t in row.paragraphs],
        canonical_url=row.canonical_url,
        site_name=row.site_name,
        section=row.section,
        authors=list(row.authors or []),
        contributors=list(row.contributors or []),
        dateline=row.dateline,
        published_at=_utc(row.published_at),
        date_source=row.date_source,
        page_date=_utc(row.page_date),
        language=row.language,
        source_link=row.source_link,
        source=row.source,
        location=row.location,
        content_type=row.content_type,
    )
    return StoredArticle(
        id=row.id, article=article, ingested_at=_utc(row.ingested_at) or datetime.now(UTC)
    )
