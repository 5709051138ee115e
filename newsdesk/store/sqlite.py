"""What only SQLite needs: connection pragmas, BEGIN IMMEDIATE, FTS5."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event

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


_TOKEN = re.compile(r'"([^"]+)"|(\w+)(\*?)', re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 MATCH expression.

    Words are ANDed, "quoted phrases" stay phrases, a trailing ``*`` is a
    prefix search, ``OR`` between terms is kept.  Everything else (stray
    quotes, brackets, column filters, NEAR) is dropped, so no input can be an
    FTS syntax error.  ``None`` means there is nothing to search for.
    """
    parts: list[str] = []
    for match in _TOKEN.finditer(text):
        phrase, word, star = match.groups()
        if phrase is not None:
            words = re.findall(r"\w+", phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
        else:
            parts.append(f'"{word}"' + ("*" if star else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or None
