"""The ``ray`` executor of :mod:`newsdesk.pipeline.batch`: a Ray Data pipeline.

* A streaming datasource: one read task per shard, each yielding small blocks
  of raw records as it reads (never one row for a 1 GiB archive).
* Extraction in ``map_batches`` with the same per-item function as ``local``.
* Output written per run, then split into per-shard files with their
  completion markers, so resuming works exactly as with ``local``.
* Copies: (band, key, body) rows grouped by band with a shuffle, verified
  pairs per bucket, union-find on the driver (pairs are few).

Ray is an optional extra (``pip install 'newsdesk[ray]'``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from newsdesk.ingest import iter_documents
from newsdesk.model import Document, Failed
from newsdesk.pipeline.batch import (
    ROW_SCHEMA,
    bucket_pairs,
    item_row,
    row_key,
    shard_files,
    shard_id,
    union_find,
    write_shard,
)
from newsdesk.settings import Settings

BLOCK_ROWS = 64

# The document half of a batch row: what the datasource reads before extraction.
DOC_SCHEMA = pa.schema(
    [f for f in ROW_SCHEMA if f.name not in {"ok", "article", "content_hash", "bands"}]
)


def _ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    return ray


def ensure_ray(settings: Settings) -> Any:
    ray = _ray()
    if not ray.is_initialized():
        ray.init(
            num_cpus=settings.worker_count,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    return ray


def _doc_row(shard: str, seq: int, item: Document | Failed) -> dict[str, Any]:
    if isinstance(item, Failed):
        return {
            "shard": shard, "seq": seq, "location": item.location, "url": item.url,
            "error": item.error, "reason": item.reason, "raw": None, "content_type": None,
            "fetched_at": None, "source": None, "hints": None,
        }  # fmt: skip
    return {
        "shard": shard, "seq": seq, "location": item.location, "url": item.url,
        "error": None, "reason": None, "raw": item.raw_bytes,
        "content_type": item.content_type,
        "fetched_at": item.fetched_at.isoformat() if item.fetched_at else None,
        "source": item.source, "hints": json.dumps(item.hints, ensure_ascii=False),
    }  # fmt: skip


def _item(row: dict[str, Any]) -> Document | Failed:
    from datetime import datetime

    if row["error"] is not None:
        return Failed(row["location"], row["reason"] or "", row["error"], row["url"])
    return Document(
        location=row["location"],
        content=row["raw"],
        content_type=row["content_type"],
        url=row["url"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]) if row["fetched_at"] else None,
        source=row["source"],
        hints=json.loads(row["hints"] or "{}"),
    )


def _file_datasource(paths: list[str], read_file: Any) -> Any:
    """A datasource with one read task per file; ``read_file(path)`` yields
    Arrow tables as it goes, so no task holds a whole file in memory.

    Ray's own file readers are not used: they resolve paths through fsspec,
    which drags in network filesystems this job never needs.
    """
    from ray.data import Datasource, ReadTask
    from ray.data.block import BlockMetadata

    class FileDatasource(Datasource):
        def estimate_inmemory_data_size(self) -> int | None:
            return sum(os.path.getsize(p) for p in paths)

        def get_read_tasks(
            self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
        ) -> list[Any]:
            return [
                ReadTask(
                    functools.partial(read_file, path),
                    BlockMetadata(
                        num_rows=None,
                        size_bytes=os.path.getsize(path),
                        input_files=[path],
                        exec_stats=None,
                    ),
                )
                for path in paths
            ]

    return FileDatasource()


def _read_shard(max_bytes: int, path: str) -> Iterator[pa.Table]:
    """Raw records of one input file, in blocks of ``BLOCK_ROWS``."""
    shard = shard_id(path)
    block: list[dict[str, Any]] = []
    for seq, item in enumerate(iter_documents([path], max_bytes=max_bytes)):
        block.append(_doc_row(shard, seq, item))
        if len(block) >= BLOCK_ROWS:
            yield pa.Table.from_pylist(block, schema=DOC_SCHEMA)
            block = []
    if block:
        yield pa.Table.from_pylist(block, schema=DOC_SCHEMA)


def _read_bands(path: str) -> Iterator[pa.Table]:
    """(band, key, body) rows of one shard's Parquet file, per row group."""
    parquet = pq.ParquetFile(path)
    columns = ["shard", "seq", "ok", "article", "bands"]
    for batch in parquet.iter_batches(batch_size=256, columns=columns):
        yield _band_rows(pa.Table.from_batches([batch]))


def _extract_batch(batch: pa.Table) -> pa.Table:
    rows = [item_row(row["shard"], row["seq"], _item(row)) for row in batch.to_pylist()]
    return pa.Table.from_pylist(rows, schema=ROW_SCHEMA)


def run_ray(shards: list[str], out: Path, settings: Settings) -> int:
    """Extract every shard on Ray; returns rows written."""
    if not shards:
        return 0
    ray = ensure_ray(settings)
    run_dir = out / f"_run-{uuid.uuid4().hex[:8]}"
    source = _file_datasource(shards, functools.partial(_read_shard, settings.max_document_bytes))
    ds = ray.data.read_datasource(source, override_num_blocks=len(shards))
    ds = ds.map_batches(_extract_batch, batch_format="pyarrow", batch_size=BLOCK_ROWS)
    ds.write_parquet(str(run_dir))
    written = 0
    dataset = pads.dataset(str(run_dir), format="parquet", schema=ROW_SCHEMA)
    for path in shards:
        shard = shard_id(path)
        table = dataset.to_table(filter=pc.field("shard") == shard).sort_by("seq")
        written += write_shard(table.to_pylist(), out, shard)
    shutil.rmtree(run_dir, ignore_errors=True)
    return written


def _band_rows(batch: pa.Table) -> pa.Table:
    rows = []
    for row in batch.to_pylist():
        if not row["ok"] or not row["bands"]:
            continue
        body = json.loads(row["article"])["body"]
        key = row_key(row)
        rows += [{"band": band, "key": key, "body": body} for band in row["bands"]]
    schema = pa.schema([("band", pa.int64()), ("key", pa.string()), ("body", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _group_pairs(group: pa.Table) -> pa.Table:
    members = list(
        zip(group.column("key").to_pylist(), group.column("body").to_pylist(), strict=True)
    )
    pairs = bucket_pairs(members) if len(members) > 1 else []
    return pa.table(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]},
        schema=pa.schema([("a", pa.string()), ("b", pa.string())]),
    )


def find_copies_ray(out: Path, settings: Settings) -> list[list[str]]:
    files = [str(p) for p in shard_files(out)]
    if not files:
        return []
    ray = ensure_ray(settings)
    bands = ray.data.read_datasource(
        _file_datasource(files, _read_bands), override_num_blocks=len(files)
    )
    pairs = bands.groupby("band").map_groups(_group_pairs, batch_format="pyarrow")
    found = {(row["a"], row["b"]) for row in pairs.take_all()}
    return union_find(sorted(found))
