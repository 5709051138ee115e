"""Surviving crashes and full disks: consistency checks and the full-database error.

A news store runs unattended for months and can be killed at any instant.
Every write that belongs together happens in one transaction, so a crash
leaves all of it or none; :func:`check_consistency` is how that promise is
checked (by the crash tests after each ``SIGKILL``, and by ``newsdesk check``
on a real database): every row that points at another row must find it.

:func:`translate_full_disk` turns the database's "disk full" into
:class:`~newsdesk.errors.StoreFull` wherever it happens (any statement or the
commit), so ingest stops with one clear error instead of a driver message,
and the transaction that hit the limit is rolled back: nothing already stored
is harmed, and the same ingest resumes when space returns.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, Engine, and_, event, exists, func, not_, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..errors import StoreError, StoreFull
from .copies import copy_groups, copy_members, copy_signatures
from .feeds import feed_entries, feeds
from .postgres import tsvector_of
from .quotes import article_enrichments, article_entities, entities, quote_sources, quotes
from .schema import articles, documents
from .stories import article_stories, stories, story_topics

SAMPLE = 5  # ids quoted in a problem line


def _dangling(conn: Connection, child: Any, column: Any, parent: Any, key: Any) -> list[Any]:
    """Values of ``child.column`` that find no ``parent.key`` (NULLs are not pointers)."""
    query = (
        select(column)
        .where(column.is_not(None), not_(exists().where(key == column)))
        .select_from(child)
        .distinct()
    )
    return list(conn.execute(query).scalars())


def _line(what: str, values: list[Any]) -> str:
    shown = ", ".join(str(v) for v in sorted(values)[:SAMPLE])
    more = f", … {len(values) - SAMPLE} more" if len(values) > SAMPLE else ""
    return f"{len(values)} {what} ({shown}{more})"


# (problem, child table, column, parent table, parent key)
_POINTERS: list[tuple[str, Any, Any, Any, Any]] = [
    (
        "article(s) without their raw document: article.document_id",
        articles,
        articles.c.document_id,
        documents,
        documents.c.id,
    ),
    (
        "copy signature(s) of missing articles",
        copy_signatures,
        copy_signatures.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "copy member(s) that are missing articles",
        copy_members,
        copy_members.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "copy member(s) of missing copy groups: group_id",
        copy_members,
        copy_members.c.group_id,
        copy_groups,
        copy_groups.c.id,
    ),
    (
        "copy group(s) whose original is a missing article: original_id",
        copy_groups,
        copy_groups.c.original_id,
        articles,
        articles.c.id,
    ),
    (
        "story member(s) that are missing articles",
        article_stories,
        article_stories.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "stories whose representative is a missing article: article_id",
        stories,
        stories.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "stories of missing topics: topic_id",
        stories,
        stories.c.topic_id,
        story_topics,
        story_topics.c.id,
    ),
    (
        "entity link(s) of missing articles",
        article_entities,
        article_entities.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "entity link(s) to missing entities: entity_id",
        article_entities,
        article_entities.c.entity_id,
        entities,
        entities.c.id,
    ),
    (
        "quote occurrence(s) in missing articles",
        quote_sources,
        quote_sources.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "quote occurrence(s) of missing quotes: quote_id",
        quote_sources,
        quote_sources.c.quote_id,
        quotes,
        quotes.c.id,
    ),
    (
        "enrichment status row(s) of missing articles",
        article_enrichments,
        article_enrichments.c.article_id,
        articles,
        articles.c.id,
    ),
    (
        "feed entries of missing feeds: feed_id",
        feed_entries,
        feed_entries.c.feed_id,
        feeds,
        feeds.c.id,
    ),
]


def check_consistency(conn: Connection) -> list[str]:
    """Every problem found, one line each; an empty list means consistent.

    On SQLite the page-level ``integrity_check`` and the full-text index's own
    check (index against the ``articles`` table) run first; then, on every
    backend, each pointer between tables must find its row, and no raw
    document may be left without the article it was stored for.
    """
    problems: list[str] = []
    if conn.dialect.name == "sqlite":
        problems += _sqlite_checks(conn)
    elif conn.dialect.name == "postgresql":
        problems += _postgres_checks(conn)
    for what, child, column, parent, key in _POINTERS:
        missing = _dangling(conn, child, column, parent, key)
        if missing:
            problems.append(_line(what, missing))
    # NOT IN, not NOT EXISTS: articles.document_id has no index, and the databases
    # hash (or index) the subquery once instead of scanning articles per document.
    orphans = conn.execute(
        select(documents.c.id).where(documents.c.id.not_in(select(articles.c.document_id)))
    ).scalars()
    if found := list(orphans):
        problems.append(_line("raw document(s) without an article: document id", found))
    placed = conn.execute(
        select(article_stories.c.article_id).where(
            and_(
                article_stories.c.story_id > 0,
                not_(exists().where(stories.c.id == article_stories.c.story_id)),
            )
        )
    ).scalars()
    if found := list(placed):
        problems.append(_line("story member(s) pointing at a missing story: article id", found))
    return problems


def _sqlite_checks(conn: Connection) -> list[str]:
    problems: list[str] = []
    rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems.append("integrity_check: " + "; ".join(str(r) for r in rows[:SAMPLE]))
    keys = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if keys:
        tables = sorted({str(r[0]) for r in keys})
        problems.append(f"{len(keys)} foreign key violation(s) in {', '.join(tables)}")
    try:
        # rank 1: the index is also checked against the articles table it indexes.
        conn.exec_driver_sql(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
        )
    except DBAPIError as exc:
        problems.append(f"full-text index disagrees with articles: {exc.orig}")
    extra = conn.execute(
        text(
            "SELECT count(*) FROM articles_fts_docsize d "
            "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.id)"
        )
    ).scalar()
    if extra:
        problems.append(f"{extra} search row(s) without their article")
    return problems


def _postgres_checks(conn: Connection) -> list[str]:
    """The search table against ``articles``: a row for each, none stale."""
    problems: list[str] = []
    missing = conn.execute(
        text(
            "SELECT a.id FROM articles a "
            "WHERE NOT EXISTS (SELECT 1 FROM article_search s WHERE s.id = a.id)"
        )
    ).scalars()
    if found := list(missing):
        problems.append(_line("article(s) missing from the search table: article id", found))
    stale = conn.execute(
        text(
            "SELECT s.id FROM article_search s JOIN articles a ON a.id = s.id "
            f"WHERE s.search IS DISTINCT FROM ({tsvector_of('a')})"
        )
    ).scalars()
    if found := list(stale):
        problems.append(_line("search row(s) that disagree with their article: id", found))
    return problems


class ConsistencyStoreMixin:
    """``store.check_consistency()``: for ``newsdesk check`` and the crash tests."""

    engine: Engine

    def check_consistency(self) -> list[str]:
        try:
            with self.engine.connect() as conn:
                problems = check_consistency(conn)
                conn.rollback()  # the FTS check is an INSERT command; write nothing
                return problems
        except SQLAlchemyError as exc:
            raise StoreError(f"could not check the database: {exc}") from exc

    def missing_follow_ups(self, article_id: int) -> set[str]:
        """Which follow-up writes a stored article lacks: ``copies``, ``stories``, ``enrich``.

        Each follow-up is its own transaction after the article's, so a crash
        between them leaves a whole article whose copy index, story placement or
        enrichment never happened; a rerun finds the article ``known`` and asks
        this to finish the job instead of skipping it.
        """
        checks = {
            "copies": copy_signatures.c.article_id,
            "stories": article_stories.c.article_id,
            "enrich": article_enrichments.c.article_id,
        }
        query = select(*(exists().where(col == article_id).label(k) for k, col in checks.items()))
        with self.engine.connect() as conn:
            row = conn.execute(query).one()
        return {name for name in checks if not row._mapping[name]}

    def articles_without_story(self, limit: int = 1000) -> list[int]:
        """Articles not placed in any story: after a crash, the killed run's last batch.

        Only the tail after the newest placed article is looked at: that is where a
        crash leaves them (batches are clustered in id order), so older articles
        bulk-loaded without stories are not swept up once any story exists (a store
        with no story at all gets its first 1000 unplaced articles clustered).
        """
        last = select(func.coalesce(func.max(article_stories.c.article_id), 0)).scalar_subquery()
        query = (
            select(articles.c.id)
            .where(
                articles.c.id > last,
                not_(exists().where(article_stories.c.article_id == articles.c.id)),
            )
            .order_by(articles.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def article_hashes(self) -> dict[str, str]:
        """``{article key: content hash}``: what two runs of one ingest must agree on."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(articles.c.key, articles.c.content_hash))
            return {r.key: r.content_hash for r in rows}

    def count_rows(self) -> dict[str, int]:
        """Rows per main table: raw documents, articles, their follow-ups, feed entries."""
        out: dict[str, int] = {}
        tables = (
            documents,
            articles,
            copy_signatures,
            copy_members,
            copy_groups,
            article_stories,
            stories,
            article_enrichments,
            feed_entries,
        )
        with self.engine.connect() as conn:
            for table in tables:
                out[table.name] = int(
                    conn.execute(select(func.count()).select_from(table)).scalar() or 0
                )
        return out


def _is_full(orig: BaseException | None) -> bool:
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or "database or disk is full" in str(orig)
    # PostgreSQL: disk_full (53100) and the like, whatever the driver's class.
    return getattr(orig, "sqlstate", None) == "53100"


def translate_full_disk(engine: Engine) -> None:
    """Raise :class:`StoreFull` in place of the driver's "disk full", from any statement."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        orig = context.original_exception
        if _is_full(orig):
            raise StoreFull(
                f"the database is full ({orig}); nothing was lost: free space "
                "(or raise the size limit) and run the same ingest again"
            ) from orig
