"""Every stored article out as JSONL, CSV or Parquet: ``newsdesk export`` and
``GET /api/v1/export`` are both this module.

Rows come from the store's own cursor query (:meth:`Store.latest`, newest
first, a page at a time), so memory stays flat however big the store is and
there is no second query layer.  JSONL and CSV are produced as text chunks
(the API streams them); Parquet is written in row groups with pyarrow.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from .model import StoredArticle

if TYPE_CHECKING:
    from .store.base import Store

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet")
BATCH = 500  # articles per store call and per Parquet row group
MEDIA_TYPES: dict[str, str] = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}

# One flat row per article: lists joined for CSV, kept as lists in JSONL/Parquet.
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("site_name", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("section", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("contributors", pa.list_(pa.string())),
        ("dateline", pa.string()),
        ("published_at", pa.string()),
        ("date_source", pa.string()),
        ("page_date", pa.string()),
        ("language", pa.string()),
        ("source_link", pa.string()),
        ("ingested_at", pa.string()),
        ("content_hash", pa.string()),
        ("body", pa.string()),
    ]
)
FIELDS = [f.name for f in SCHEMA]


def row(stored: StoredArticle) -> dict[str, Any]:
    """The export row of one article (dates as ISO 8601 text, like the CLI)."""
    data = stored.article.to_dict()
    out = {name: data.get(name) for name in FIELDS}
    out["id"] = stored.id
    out["ingested_at"] = stored.ingested_at.isoformat()
    return out


def iter_rows(store: Store, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Articles newest first, ``limit`` at most, one store page at a time."""
    before: int | None = None
    left = limit
    while left is None or left > 0:
        size = BATCH if left is None else min(BATCH, left)
        page = store.latest(size, before)
        for stored in page:
            yield row(stored)
        if len(page) < size:
            return
        before = page[-1].id
        if left is not None:
            left -= len(page)


def jsonl_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    for item in rows:
        yield json.dumps(item, ensure_ascii=False) + "\n"


def csv_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """CSV with a header line; list fields joined with ``; ``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for n, item in enumerate(rows, 1):
        flat = {k: "; ".join(v) if isinstance(v, list) else v for k, v in item.items()}
        writer.writerow(flat)
        if n % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_parquet(rows: Iterator[dict[str, Any]], sink: str | IO[bytes]) -> int:
    """Write Parquet (zstd) in row groups of :data:`BATCH`; returns the row count."""
    count = 0
    with pq.ParquetWriter(sink, SCHEMA, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for item in rows:
            batch.append(item)
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=SCHEMA))
            count += len(batch)
    return count


def write(store: Store, fmt: Format, sink: IO[bytes], limit: int | None = None) -> None:
    """Write the export in ``fmt`` to a binary stream (the CLI's stdout or a file)."""
    rows = iter_rows(store, limit)
    if fmt == "parquet":
        write_parquet(rows, sink)
        return
    chunks = jsonl_chunks(rows) if fmt == "jsonl" else csv_chunks(rows)
    for chunk in chunks:
        sink.write(chunk.encode("utf-8"))
