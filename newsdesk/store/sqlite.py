"""What only SQLite needs: connection pragmas, BEGIN IMMEDIATE, FTS5."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    column,
    event,
    func,
    literal_column,
    select,
    table,
    text,
)

from .query import parse
from .schema import articles

# External-content FTS5 index kept in step with ``articles`` by triggers, so it
# can never disagree with the table, whoever writes to it.
SQLITE_FTS_DDL = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]


def configure(engine: Engine) -> None:
    """WAL so readers never block the writer; writes take the lock up front.

    pysqlite's own transaction handling is switched off so that our BEGIN is
    the one sent: ``BEGIN IMMEDIATE`` on the write engine (a busy database
    waits ``busy_timeout`` then fails clearly, instead of failing mid-write on
    lock upgrade), plain ``BEGIN`` for readers.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def fts_query(text: str) -> str | None:
    """The parsed query as an FTS5 MATCH expression, every word quoted."""
    out: list[str] = []
    for part in parse(text):
        if isinstance(part, str):
            out.append(part)
        else:
            out.append('"' + " ".join(part.words) + '"' + ("*" if part.prefix else ""))
    return " ".join(out) or None


def prepare_query(query: str) -> str | None:
    return fts_query(query)


# -- filtered search as Core statements (issue 8; filters in store/search.py) --

_fts_table = table("articles_fts", column("rowid"))
_MATCH = "articles_fts MATCH :query"


def with_phrase(prepared: str | None, words: tuple[str, ...]) -> str:
    """AND a quoted phrase (a person's name) onto a MATCH expression.

    The user's part is bracketed so its ORs cannot swallow the phrase.
    """
    phrase = '"' + " ".join(words) + '"'
    return phrase if prepared is None else f"({prepared}) AND {phrase}"


# FTS5 answers a match from its index alone: a capped count, then the ranking.
RANK_IN_ONE_PASS = False


def rank_select(match: str, where: list[ColumnElement[bool]], newest: bool) -> Select[Any]:
    """Ids only, best first (or newest first): no snippet is made for rows off the page."""
    stmt = select(_fts_table.c.rowid.label("id")).select_from(_fts_table)
    if where:
        stmt = stmt.join(articles, articles.c.id == _fts_table.c.rowid)
    order = [] if newest else [literal_column("bm25(articles_fts, 5.0, 1.0)")]
    return stmt.where(text(_MATCH).bindparams(query=match), *where).order_by(
        *order, _fts_table.c.rowid.desc()
    )


def hits_select(match: str, ids: list[int]) -> Select[Any]:
    """The page's hits with their highlighted body snippets (FTS5 seeks each rowid)."""
    a = articles
    return (
        select(
            a.c.id,
            a.c.title,
            a.c.url,
            a.c.published_at,
            a.c.source,
            a.c.section,
            literal_column("snippet(articles_fts, 1, char(2), char(3), '…', 32)").label("snippet"),
        )
        .select_from(_fts_table.join(a, a.c.id == _fts_table.c.rowid))
        .where(text(_MATCH).bindparams(query=match), _fts_table.c.rowid.in_(ids))
    )


def count_select(match: str, where: list[ColumnElement[bool]]) -> Select[Any]:
    stmt = select(func.count()).select_from(_fts_table)
    if where:
        stmt = stmt.join(articles, articles.c.id == _fts_table.c.rowid)
    return stmt.where(text(_MATCH).bindparams(query=match), *where)


# After a large load: merge the FTS b-trees and refresh the planner's statistics.
OPTIMIZE = [
    "INSERT INTO articles_fts(articles_fts) VALUES ('optimize')",
    "PRAGMA optimize",
]
