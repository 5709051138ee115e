"""Table definitions shared by every backend (SQLAlchemy Core).

Dialect-specific parts (full-text index, pragmas) live in the backend modules;
these tables are what every query in :mod:`.sql` is written against.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("location", Text, nullable=False),
    Column("url", Text),
    Column("content_type", String(16), nullable=False),
    Column("size", Integer, nullable=False),
    # zlib-compressed raw bytes: pages compress ~5x and are rarely read back.
    Column("raw", LargeBinary, nullable=False),
    Column("fetched_at", DateTime(timezone=True)),
    Column("source", Text),
    Column("hints", JSON, nullable=False, default=dict),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    # Identity of an article: its URL, or the raw document's hash when no URL is known.
    Column("key", Text, nullable=False, unique=True),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("site_name", Text),
    Column("title", Text, nullable=False),
    Column("section", Text),
    Column("authors", JSON, nullable=False, default=list),
    Column("contributors", JSON, nullable=False, default=list),
    Column("dateline", Text),
    Column("published_at", DateTime(timezone=True), index=True),
    Column("date_source", String(16), nullable=False),
    Column("page_date", DateTime(timezone=True)),
    Column("language", String(16)),
    Column("paragraphs", JSON, nullable=False),
    Column("body", Text, nullable=False),
    Column("source_link", Text),
    Column("source", Text),
    Column("location", Text),
    Column("content_type", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location", Text, nullable=False, unique=True),
    Column("url", Text),
    Column("reason", Text, nullable=False),
    Column("error", String(64), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
)
