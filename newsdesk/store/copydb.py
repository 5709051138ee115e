"""Copy a whole newsdesk database to another backend (SQLite <-> PostgreSQL).

Moving up from one SQLite file to PostgreSQL (or back, for a laptop copy)
must not lose a row and must survive being interrupted.  Tables are copied
in foreign-key order.  A table with one integer primary key is copied in
batches of ascending ids, each batch its own transaction, so a rerun resumes
after the highest id the target already holds.  Other tables (link tables
keyed by several columns) are small relative to articles and are replaced
whole in one transaction.  The search index follows by itself: SQLite's FTS
triggers and PostgreSQL's ``article_search`` triggers fill as rows arrive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, text

from ..errors import StoreError
from .schema import articles, documents, metadata, schema_version


@dataclass
class TableCopy:
    name: str
    copied: int = 0
    source_rows: int = 0
    target_rows: int = 0


@dataclass
class CopyReport:
    tables: list[TableCopy] = field(default_factory=list)
    article_digest: tuple[str, str] = ("", "")
    document_digest: tuple[str, str] = ("", "")

    @property
    def verified(self) -> bool:
        counts = all(t.source_rows == t.target_rows for t in self.tables)
        return (
            counts
            and self.article_digest[0] == self.article_digest[1]
            and self.document_digest[0] == self.document_digest[1]
        )


Progress = Callable[[str, int], None]


def copy_database(
    source: Engine,
    target: Engine,
    *,
    batch_size: int = 500,
    on_batch: Progress | None = None,
) -> CopyReport:
    """Copy every table of ``source`` into ``target`` (both already migrated).

    ``on_batch(table, rows)`` is called after each committed batch; raising
    from it stops the copy, which a rerun then resumes.
    """
    report = CopyReport()
    with source.connect() as src_version, target.connect() as dst_version:
        versions = (
            src_version.execute(select(func.max(schema_version.c.version))).scalar(),
            dst_version.execute(select(func.max(schema_version.c.version))).scalar(),
        )
    if versions[0] != versions[1]:
        raise StoreError(f"schema versions differ (source {versions[0]}, target {versions[1]})")
    for table in metadata.sorted_tables:
        if table is schema_version:
            continue
        item = TableCopy(table.name)
        report.tables.append(item)
        if _integer_key(table):
            item.copied = _copy_by_id(source, target, table, batch_size, on_batch)
        else:
            item.copied = _replace_whole(source, target, table, on_batch)
    if target.dialect.name == "postgresql":
        _reset_sequences(target)
    for item in report.tables:
        table = metadata.tables[item.name]
        item.source_rows = _count(source, table)
        item.target_rows = _count(target, table)
    report.article_digest = (_digest(source, articles), _digest(target, articles))
    report.document_digest = (_digest(source, documents), _digest(target, documents))
    return report


def _copy_by_id(
    source: Engine, target: Engine, table: Table, batch_size: int, on_batch: Progress | None
) -> int:
    pk = next(iter(table.primary_key.columns))
    with target.connect() as conn:
        last = conn.execute(select(func.max(pk))).scalar() or 0
    copied = 0
    while True:
        with source.connect() as conn:
            rows = conn.execute(select(table).where(pk > last).order_by(pk).limit(batch_size)).all()
        if not rows:
            return copied
        values = [_portable(row._mapping) for row in rows]
        with target.begin() as conn:
            conn.execute(insert(table), values)
        copied += len(rows)
        last = rows[-1]._mapping[pk.name]
        if on_batch is not None:
            on_batch(table.name, len(rows))


def _replace_whole(source: Engine, target: Engine, table: Table, on_batch: Progress | None) -> int:
    with source.connect() as conn:
        values = [_portable(row._mapping) for row in conn.execute(select(table))]
    with target.begin() as conn:
        conn.execute(delete(table))
        if values:
            conn.execute(insert(table), values)
    if on_batch is not None:
        on_batch(table.name, len(values))
    return len(values)


def _portable(row: Any) -> dict[str, Any]:
    """SQLite hands back naive datetimes (stored as UTC): make them explicit."""
    out = dict(row)
    for key, value in out.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            out[key] = value.replace(tzinfo=UTC)
    return out


def _reset_sequences(target: Engine) -> None:
    """Rows came with their ids; move each id sequence past the highest one."""
    with target.begin() as conn:
        for table in metadata.sorted_tables:
            if not _integer_key(table):
                continue
            pk = list(table.primary_key.columns)
            seq = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
            ).scalar()
            if seq:
                conn.execute(
                    text(
                        f"SELECT setval(:s, COALESCE((SELECT max({pk[0].name}) FROM "
                        f"{table.name}), 0) + 1, false)"
                    ),
                    {"s": seq},
                )


def _integer_key(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    try:
        return len(pk) == 1 and pk[0].type.python_type is int
    except NotImplementedError:
        return False


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _digest(engine: Engine, table: Table) -> str:
    """One hash over (id, content hash) of every row, in id order."""
    column = table.c.content_hash if "content_hash" in table.c else table.c.sha256
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for row_id, value in _stream(conn, select(table.c.id, column).order_by(table.c.id)):
            digest.update(f"{row_id}:{value}\n".encode())
    return digest.hexdigest()


def _stream(conn: Connection, query: Any) -> Any:
    return conn.execution_options(yield_per=5000).execute(query)
