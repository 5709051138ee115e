"""Schema migrations: an ordered list, and the schema version is its length.

Each step takes a connection inside the migration's transaction and branches
on the dialect only where the databases differ (full-text search).  Steps are
never edited once released: change the schema by appending a step.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, func, insert, inspect, select, update

from ..errors import SchemaError
from . import copies as copy_tables
from . import feeds as feed_tables
from . import quotes as quote_tables
from . import schema
from . import stories as story_tables
from .postgres import PG_FTS_DDL, create_search_table
from .sqlite import SQLITE_FTS_DDL


def _initial_tables(conn: Connection) -> None:
    schema.metadata.create_all(
        conn,
        tables=[schema.documents, schema.articles, schema.failures],
    )


def _full_text_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        statements = SQLITE_FTS_DDL
    elif conn.dialect.name == "postgresql":
        statements = PG_FTS_DDL
    else:
        raise SchemaError(f"no full-text index for {conn.dialect.name}")
    for statement in statements:
        conn.exec_driver_sql(statement)


def _narrow_search_table(conn: Connection) -> None:
    """PostgreSQL: the tsvector in its own narrow table (see :mod:`.postgres`)."""
    if conn.dialect.name == "postgresql":
        create_search_table(conn)


def _unbounded_story_terms(conn: Connection) -> None:
    """A story term is any extracted word or name, however long: PostgreSQL
    enforced ``VARCHAR(200)`` and failed the whole run on a longer one
    (SQLite never checks lengths)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ALTER TABLE story_terms ALTER COLUMN term TYPE text")


MIGRATIONS: list[Callable[[Connection], None]] = [
    _initial_tables,
    _full_text_index,
    story_tables.create_tables,  # stories, topics, term statistics (issue 6)
    copy_tables.create_tables,  # copy signatures, LSH buckets, copy groups (issue 5)
    feed_tables.create_tables,  # feeds and their handled entries (issue 4)
    quote_tables.create_tables,  # entities, quotes ledger, enrichment status (issue 7)
    _unbounded_story_terms,  # story_terms.term as text on PostgreSQL (issue 9)
    _narrow_search_table,  # PostgreSQL: tsvector in article_search, lz4, in-row (issue 9)
    copy_tables.add_shingles_column,  # shingle sets kept for verification (issue 5)
    copy_tables.bands_in_signatures,  # band keys in the signature row, buckets in memory
    copy_tables.add_seq_counter,  # copy_seq: the highest seq ever handed out (issue 5)
    story_tables.add_counts_column,  # raw feature counts per story article (issue 6)
]

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    if not inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(select(func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(conn: Connection) -> int:
    """Apply the missing steps in one transaction; return the version reached."""
    schema.schema_version.create(conn, checkfirst=True)
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"database schema version {version} is newer than this newsdesk "
            f"({SCHEMA_VERSION}); upgrade newsdesk"
        )
    if version == SCHEMA_VERSION:
        return version
    for step in MIGRATIONS[version:]:
        step(conn)
    if version == 0:
        conn.execute(insert(schema.schema_version).values(version=SCHEMA_VERSION))
    else:
        conn.execute(update(schema.schema_version).values(version=SCHEMA_VERSION))
    return SCHEMA_VERSION
