"""Entity and quote tables: who is named where, and the ledger of who said what.

Only SQL lives here; :class:`~newsdesk.store.sql.SqlStore` gets it through
:class:`QuoteStoreMixin`, and the finding itself is in :mod:`newsdesk.enrich`.
Portable SQLAlchemy Core only.

* ``entities``: one row per ``(kind, key)``; ``key`` is the case-, accent- and
  punctuation-free name, so "Wi Sung-lac" and "Wi Sung Lac" are one person.
* ``article_entities``: which article names whom, how often.
* ``quotes``: the ledger.  One row per quote text and speaker (normalised),
  however many articles carry it; ``speaker_entity_id`` links a speaker that
  is a known person or organisation.
* ``quote_sources``: each article that carries a quote, with the span, the
  role and cue as that article wrote them.
* ``article_enrichments``: per article whether enrichment ran, was skipped
  (and why: not English, no body) or failed, so ``newsdesk enrich`` can
  resume and a skip is never mistaken for "no quotes".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    desc,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import Enrichment, normalise_text
from .schema import articles, metadata
from .values import CHUNK
from .values import utc as _utc

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("key", String(300), nullable=False),
    Column("name", Text, nullable=False),
    UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True, index=True),
    Column("mentions", Integer, nullable=False),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker", Text),
    Column("speaker_key", String(300), index=True),
    Column("speaker_entity_id", Integer, ForeignKey("entities.id"), index=True),
    Column("first_seen", DateTime(timezone=True), nullable=False),
)

quote_sources = Table(
    "quote_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("quote_id", Integer, ForeignKey("quotes.id"), nullable=False, index=True),
    Column("article_id", Integer, ForeignKey("articles.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker", Text),
    Column("role", Text),
    Column("cue", Text),
)

article_enrichments = Table(
    "article_enrichments",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("status", String(16), nullable=False),  # done | skipped | failed
    Column("reason", Text),
    Column("language", String(16)),
    Column("enriched_at", DateTime(timezone=True), nullable=False),
)

TABLES = [entities, article_entities, quotes, quote_sources, article_enrichments]


def create_tables(conn: Connection) -> None:
    """Migration step: the entity and quote tables (appended to the migration list)."""
    metadata.create_all(conn, tables=TABLES)


def entity_key(name: str) -> str:
    """Same as :func:`newsdesk.enrich.entities.name_key` (kept here: the store
    must not import a stage)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s-]", "", text.casefold())
    return re.sub(r"\s+", " ", text.replace("-", " ")).strip()[:300]


def quote_key(text: str, speaker: str | None) -> str:
    """One ledger entry per quote text and speaker, whatever the spacing or case."""
    raw = normalise_text(text).strip(" .,;:!?“”\"'") + "\x00" + entity_key(speaker or "")
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# -- writing -----------------------------------------------------------------


def save(conn: Connection, article_id: int, result: Enrichment) -> None:
    """Replace one article's entities and quote sources with ``result``."""
    clear(conn, article_id)
    status = "done"
    if result.skipped:
        status = "failed" if result.skipped.startswith("enrichment") else "skipped"
    conn.execute(
        insert(article_enrichments).values(
            article_id=article_id,
            status=status,
            reason=result.skipped,
            language=result.language,
            enriched_at=datetime.now(UTC),
        )
    )
    if result.skipped:
        return
    ids: dict[tuple[str, str], int] = {}
    for entity in result.entities:
        key = entity_key(entity.name)
        if not key:
            continue
        entity_id = _entity_id(conn, entity.kind, key, entity.name)
        if (entity.kind, key) in ids:
            continue
        ids[(entity.kind, key)] = entity_id
        conn.execute(
            insert(article_entities).values(
                article_id=article_id, entity_id=entity_id, mentions=entity.mentions
            )
        )
    now = datetime.now(UTC)
    for q in result.quotes:
        skey = entity_key(q.speaker) if q.speaker else None
        speaker_entity = ids.get(("person", skey or "")) or ids.get(("org", skey or ""))
        key = quote_key(q.text, q.speaker)
        row = conn.execute(select(quotes.c.id).where(quotes.c.key == key)).first()
        if row is None:
            quote_id = conn.execute(
                insert(quotes).values(
                    key=key,
                    text=q.text,
                    kind=q.kind,
                    speaker=q.speaker,
                    speaker_key=skey,
                    speaker_entity_id=speaker_entity,
                    first_seen=now,
                )
            ).inserted_primary_key[0]
        else:
            quote_id = row.id
            if speaker_entity is not None:
                conn.execute(
                    update(quotes)
                    .where(quotes.c.id == quote_id, quotes.c.speaker_entity_id.is_(None))
                    .values(speaker_entity_id=speaker_entity)
                )
        conn.execute(
            insert(quote_sources).values(
                quote_id=quote_id,
                article_id=article_id,
                start=q.start,
                end=q.end,
                kind=q.kind,
                speaker=q.speaker,
                role=q.role,
                cue=q.cue,
            )
        )


def _entity_id(conn: Connection, kind: str, key: str, name: str) -> int:
    row = conn.execute(
        select(entities.c.id, entities.c.name).where(entities.c.kind == kind, entities.c.key == key)
    ).first()
    if row is not None:
        return int(row.id)
    return int(
        conn.execute(insert(entities).values(kind=kind, key=key, name=name)).inserted_primary_key[0]
    )


def clear(conn: Connection, article_id: int) -> None:
    """Forget an article's enrichment; ledger entries no article carries go too."""
    quote_ids = list(
        conn.execute(
            select(quote_sources.c.quote_id).where(quote_sources.c.article_id == article_id)
        ).scalars()
    )
    conn.execute(delete(quote_sources).where(quote_sources.c.article_id == article_id))
    conn.execute(delete(article_entities).where(article_entities.c.article_id == article_id))
    conn.execute(delete(article_enrichments).where(article_enrichments.c.article_id == article_id))
    for i in range(0, len(quote_ids), CHUNK):
        chunk = quote_ids[i : i + CHUNK]
        carried = select(quote_sources.c.quote_id).where(quote_sources.c.quote_id.in_(chunk))
        conn.execute(delete(quotes).where(quotes.c.id.in_(chunk), quotes.c.id.not_in(carried)))


# -- reading -----------------------------------------------------------------


def person_full_name(conn: Connection, name: str) -> str | None:
    """The stored multi-word person whose surname (or first name) is ``name``, if one
    clearly dominates (named in the most articles, at least twice the next)."""
    key = entity_key(name)
    if not key or " " in key:
        return None
    counts = (
        select(entities.c.name, func.count(article_entities.c.article_id).label("n"))
        .join(article_entities, article_entities.c.entity_id == entities.c.id)
        .where(
            entities.c.kind == "person",
            or_(entities.c.key.like(f"% {key}"), entities.c.key.like(f"{key} %")),
        )
        .group_by(entities.c.id)
        .order_by(desc("n"))
        .limit(2)
    )
    rows = list(conn.execute(counts))
    if not rows:
        return None
    if len(rows) == 2 and rows[1].n * 2 > rows[0].n:
        return None
    return str(rows[0].name)


def article_entity_rows(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    query = (
        select(entities.c.id, entities.c.name, entities.c.kind, article_entities.c.mentions)
        .join(article_entities, article_entities.c.entity_id == entities.c.id)
        .where(article_entities.c.article_id == article_id)
        .order_by(desc(article_entities.c.mentions), entities.c.name)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


_SOURCE_COLUMNS = (
    quote_sources.c.kind,
    quotes.c.text,
    quote_sources.c.speaker,
    quote_sources.c.role,
    quote_sources.c.cue,
    quote_sources.c.start,
    quote_sources.c.end,
    quote_sources.c.quote_id,
    quotes.c.speaker_entity_id,
    articles.c.id.label("article_id"),
    articles.c.url.label("article_url"),
    articles.c.title,
    articles.c.published_at,
    articles.c.source,
    articles.c.site_name,
)


def _row(row: Any) -> dict[str, Any]:
    """A result row as a dict, its article date aware UTC on every backend
    (SQLite gives naive datetimes, PostgreSQL aware ones: never compare both)."""
    out = dict(row._mapping)
    if "published_at" in out:
        out["published_at"] = _utc(out["published_at"])
    return out


def _source_query() -> Any:
    return (
        select(*_SOURCE_COLUMNS)
        .join(quotes, quotes.c.id == quote_sources.c.quote_id)
        .join(articles, articles.c.id == quote_sources.c.article_id)
    )


def article_quote_rows(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    query = _source_query().where(quote_sources.c.article_id == article_id)
    return [_row(r) for r in conn.execute(query.order_by(quote_sources.c.start))]


def quote_source_rows(
    conn: Connection, speaker: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Quote occurrences, newest article first; ``speaker`` matches a name or part of it."""
    query = _source_query()
    if speaker:
        key = entity_key(speaker)
        query = query.where(
            or_(
                quotes.c.speaker_key == key,
                quotes.c.speaker_key.like(f"% {key}"),
                quotes.c.speaker_key.like(f"{key} %"),
                quotes.c.speaker_key.like(f"% {key} %"),
            )
        )
    query = query.order_by(desc(articles.c.id), quote_sources.c.start)
    if limit:
        query = query.limit(limit)
    return [_row(r) for r in conn.execute(query)]


def ledger(conn: Connection, where: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Ledger entries matching ``where``, each with all the articles that carry it."""
    rows = [_row(r) for r in conn.execute(_source_query().where(where))]
    entries: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = entries.setdefault(
            row["quote_id"],
            {
                "id": row["quote_id"],
                "text": row["text"],
                "kind": row["kind"],
                "speaker": row["speaker"],
                "role": None,
                "sources": [],
            },
        )
        entry["role"] = entry["role"] or row["role"]
        entry["sources"].append(row)
    out = sorted(
        entries.values(),
        key=lambda e: max(s["published_at"] or _UNDATED for s in e["sources"]),
        reverse=True,
    )
    return out[:limit]


_UNDATED = datetime.min.replace(tzinfo=UTC)  # sorts after every dated entry


def speaker_ledger(conn: Connection, speaker: str, limit: int = 200) -> list[dict[str, Any]]:
    return ledger(conn, quotes.c.speaker_key == entity_key(speaker), limit)


def entity_row(conn: Connection, entity_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
    return None if row is None else dict(row._mapping)


def entity_article_rows(conn: Connection, entity_id: int, limit: int = 100) -> list[dict[str, Any]]:
    query = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.url,
            articles.c.published_at,
            articles.c.source,
            article_entities.c.mentions,
        )
        .join(article_entities, article_entities.c.article_id == articles.c.id)
        .where(article_entities.c.entity_id == entity_id)
        .order_by(desc(articles.c.id))
        .limit(limit)
    )
    return [_row(r) for r in conn.execute(query)]


def entity_ledger(conn: Connection, entity_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return ledger(conn, quotes.c.speaker_entity_id == entity_id, limit)


def unenriched_ids(conn: Connection, redo: bool = False) -> list[int]:
    """Ids of articles with no enrichment yet (all of them when ``redo``)."""
    query = select(articles.c.id).order_by(articles.c.id)
    if not redo:
        done = select(article_enrichments.c.article_id)
        query = query.where(articles.c.id.not_in(done))
    return list(conn.execute(query).scalars())


def enrichment_status(conn: Connection, article_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(article_enrichments).where(article_enrichments.c.article_id == article_id)
    ).first()
    return None if row is None else dict(row._mapping)


class QuoteStoreMixin:
    """Thin :class:`~newsdesk.store.sql.SqlStore` methods over the functions above."""

    engine: Any
    _writer: Any

    def save_enrichment(self, article_id: int, result: Enrichment) -> None:
        try:
            with self._writer.begin() as conn:
                save(conn, article_id, result)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save enrichment of article {article_id}: {exc}") from exc

    def person_full_name(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            return person_full_name(conn, name)

    def article_entities(self, article_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return article_entity_rows(conn, article_id)

    def article_quotes(self, article_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return article_quote_rows(conn, article_id)

    def quote_sources(
        self, speaker: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return quote_source_rows(conn, speaker, limit)

    def speaker_ledger(self, speaker: str, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return speaker_ledger(conn, speaker, limit)

    def get_entity(self, entity_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return entity_row(conn, entity_id)

    def entity_articles(self, entity_id: int, limit: int = 100) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return entity_article_rows(conn, entity_id, limit)

    def entity_ledger(self, entity_id: int, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return entity_ledger(conn, entity_id, limit)

    def unenriched_ids(self, redo: bool = False) -> list[int]:
        with self.engine.connect() as conn:
            return unenriched_ids(conn, redo)

    def enrichment_status(self, article_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return enrichment_status(conn, article_id)
