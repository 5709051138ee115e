"""Batch ingest of large inputs (WARC/WET sets): shards in, Parquet out, store loaded.

One input file is one shard.  Each shard is read, extracted and signed for
copy detection, and written as ``OUT/articles/<shard>.parquet`` with a
completion marker ``OUT/done/<shard>.json``; a rerun skips every shard that
has its marker, so a killed batch resumes where it stopped.  Copy groups are
then found over all shards at once (LSH band buckets, verified pairs,
union-find) and written to ``OUT/copies.parquet``; finally the articles are
bulk-loaded into the store through the normal pipeline.

Two executors produce the same rows: ``local`` (a process pool, one shard per
task) and ``ray`` (a Ray Data pipeline, :mod:`newsdesk.pipeline.batch_ray`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsdesk.connect.duplicates import copy_signature, shingles, similarity
from newsdesk.ingest import iter_documents, kind_of
from newsdesk.model import Article, Document, Failed, Paragraph
from newsdesk.parallel import InlineExecutor, ProcessExecutor
from newsdesk.pipeline import Extracted, IngestReport, extract_document, ingest_documents
from newsdesk.settings import Settings
from newsdesk.store.base import Store

ROW_SCHEMA = pa.schema(
    [
        ("shard", pa.string()),
        ("seq", pa.int64()),
        ("location", pa.string()),
        ("url", pa.string()),
        ("ok", pa.bool_()),
        ("error", pa.string()),
        ("reason", pa.string()),
        ("article", pa.string()),  # Article.to_dict() as JSON
        ("content_hash", pa.string()),
        ("raw", pa.binary()),
        ("content_type", pa.string()),
        ("fetched_at", pa.string()),
        ("source", pa.string()),
        ("hints", pa.string()),
        ("bands", pa.list_(pa.int64())),
    ]
)
MAX_BUCKET = 50  # members compared per band bucket: a crowded bucket is boilerplate


@dataclass
class BatchReport:
    shards_done: int = 0
    shards_skipped: int = 0
    rows: int = 0
    failed: int = 0
    copy_groups: list[list[str]] = field(default_factory=list)
    loaded: IngestReport | None = None


def shard_id(path: str | os.PathLike[str]) -> str:
    """Stable name of a shard: its file name plus a hash of its absolute path."""
    absolute = os.path.abspath(os.fspath(path))
    digest = hashlib.sha1(absolute.encode()).hexdigest()[:12]
    base = "".join(c if c.isalnum() or c in "-_." else "_" for c in os.path.basename(absolute))
    return f"{base[:60]}-{digest}"


def list_shards(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Every input file under ``paths`` that newsdesk can read, sorted."""
    found: list[str] = []
    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [
                    os.path.join(root, f)
                    for f in sorted(files)
                    if not f.startswith(".") and kind_of(f) is not None
                ]
        else:
            found.append(path)
    return sorted(dict.fromkeys(found))


def shard_rows(path: str, max_bytes: int) -> Iterator[dict[str, Any]]:
    """Read, extract and sign one shard, one row per input item (failures too)."""
    shard = shard_id(path)
    for seq, item in enumerate(iter_documents([path], max_bytes=max_bytes)):
        yield item_row(shard, seq, item)


def item_row(shard: str, seq: int, item: Document | Failed) -> dict[str, Any]:
    result = item if isinstance(item, Failed) else extract_document(item)
    row: dict[str, Any] = {name: None for name in ROW_SCHEMA.names}
    row.update(shard=shard, seq=seq, location=item.location, url=item.url, bands=[])
    if isinstance(result, Failed):
        row.update(ok=False, error=result.error, reason=result.reason)
        return row
    assert isinstance(item, Document)
    signature = copy_signature(result.body)
    row.update(
        ok=True,
        article=json.dumps(result.to_dict(), ensure_ascii=False),
        content_hash=result.content_hash,
        raw=item.raw_bytes,
        content_type=item.content_type,
        fetched_at=item.fetched_at.isoformat() if item.fetched_at else None,
        source=item.source,
        hints=json.dumps(item.hints, ensure_ascii=False),
        bands=list(signature.bands) if signature else [],
        url=result.url or item.url,
    )
    return row


def write_shard(rows: Iterable[dict[str, Any]], out: Path, shard: str) -> int:
    """Write one shard's rows atomically, then its completion marker."""
    table = pa.Table.from_pylist(list(rows), schema=ROW_SCHEMA)
    target = out / "articles" / f"{shard}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    pq.write_table(table, partial)
    os.replace(partial, target)
    marker = out / "done" / f"{shard}.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"shard": shard, "rows": table.num_rows}))
    return table.num_rows


def is_done(out: Path, shard: str) -> bool:
    return (out / "done" / f"{shard}.json").exists() and (
        out / "articles" / f"{shard}.parquet"
    ).exists()


def _local_shard(job: tuple[str, str, int]) -> int:
    path, out, max_bytes = job
    return write_shard(shard_rows(path, max_bytes), Path(out), shard_id(path))


def run_local(shards: list[str], out: Path, settings: Settings) -> int:
    """One shard per task in a process pool; returns rows written."""
    jobs = [(path, str(out), settings.max_document_bytes) for path in shards]
    if settings.worker_count <= 1:
        runner: Any = InlineExecutor()
    else:
        runner = ProcessExecutor(
            settings.worker_count, on_crash=_shard_crashed, window_per_worker=1
        )
    try:
        return sum(n for n in runner.map(_local_shard, jobs) if n > 0)
    finally:
        runner.close()


def _shard_crashed(job: object, exc: BaseException) -> int:
    return -1  # no marker is written: the next run tries the shard again


# -- copies ------------------------------------------------------------------


class DisjointSet:
    """Union-find over string keys; the smaller key is always the root."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for x in self.parent:
            found[self.find(x)].append(x)
        return sorted(sorted(g) for g in found.values() if len(g) > 1)


class Verifier:
    """``is_copy`` with each body tokenised once and each pair decided once."""

    def __init__(self) -> None:
        self._shingles: dict[str, Any] = {}
        self._decided: dict[tuple[str, str], bool] = {}

    def __call__(self, key_a: str, body_a: str, key_b: str, body_b: str) -> bool:
        pair = (key_a, key_b)
        if pair not in self._decided:
            if body_a == body_b:  # signed bodies are long enough: the exact step
                self._decided[pair] = True
            else:
                sim = similarity(self._of(key_a, body_a), self._of(key_b, body_b))
                self._decided[pair] = sim.is_copy
        return self._decided[pair]

    def _of(self, key: str, body: str) -> Any:
        if key not in self._shingles:
            self._shingles[key] = shingles(body)
        return self._shingles[key]


def bucket_pairs(
    members: list[tuple[str, str]], verify: Verifier | None = None
) -> list[tuple[str, str]]:
    """Verified pairs that connect one band bucket's ``(key, body)`` members.

    A pair already connected through pairs verified earlier in the bucket is
    not checked again: that changes no group (connectivity is the same) and
    turns a bucket of n identical copies from n²/2 checks into n.
    """
    verify = verify or Verifier()
    members = sorted(members)[:MAX_BUCKET]
    linked = DisjointSet()
    pairs = []
    for i, (key_a, body_a) in enumerate(members):
        for key_b, body_b in members[i + 1 :]:
            if linked.find(key_a) == linked.find(key_b):
                continue
            if verify(key_a, body_a, key_b, body_b):
                linked.union(key_a, key_b)
                pairs.append((key_a, key_b))
    return pairs


def union_find(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components of the pair graph: groups of two or more, sorted."""
    found = DisjointSet()
    for a, b in pairs:
        found.union(a, b)
    return found.groups()


def row_key(row: dict[str, Any]) -> str:
    return f"{row['shard']}:{row['seq']:09d}"


def find_copies_local(out: Path) -> list[list[str]]:
    buckets: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in iter_rows(out):
        if row["ok"] and row["bands"]:
            body = json.loads(row["article"])["body"]
            for band in row["bands"]:
                buckets[band].append((row_key(row), body))
    verify = Verifier()
    pairs = {
        p
        for _band, members in sorted(buckets.items())
        if len(members) > 1
        for p in bucket_pairs(members, verify)
    }
    return union_find(sorted(pairs))


def write_copies(groups: list[list[str]], out: Path) -> None:
    table = pa.Table.from_pylist(
        [{"group": i, "member": key} for i, members in enumerate(groups) for key in members],
        schema=pa.schema([("group", pa.int64()), ("member", pa.string())]),
    )
    pq.write_table(table, out / "copies.parquet")


# -- reading back and loading -------------------------------------------------


def shard_files(out: Path) -> list[Path]:
    return sorted((out / "articles").glob("*.parquet"))


def iter_rows(out: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    for path in shard_files(out):
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=256, columns=columns):
            yield from batch.to_pylist()


def article_from_dict(data: dict[str, Any]) -> Article:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return Article(
        url=data.get("url"),
        title=data["title"],
        paragraphs=[Paragraph(p["text"], p["kind"]) for p in data["paragraphs"]],
        canonical_url=data.get("canonical_url"),
        site_name=data.get("site_name"),
        section=data.get("section"),
        authors=list(data.get("authors") or []),
        contributors=list(data.get("contributors") or []),
        dateline=data.get("dateline"),
        published_at=when(data.get("published_at")),
        date_source=data.get("date_source") or "none",
        page_date=when(data.get("page_date")),
        language=data.get("language"),
        source_link=data.get("source_link"),
        source=data.get("source"),
        location=data.get("location"),
        content_type=data.get("content_type") or "html",
    )


def row_to_extracted(row: dict[str, Any]) -> Extracted:
    if not row["ok"]:
        return Extracted(
            document=None,
            failed=Failed(row["location"], row["reason"] or "", row["error"] or "", row["url"]),
        )
    document = Document(
        location=row["location"],
        content=row["raw"],
        content_type=row["content_type"],
        url=row["url"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]) if row["fetched_at"] else None,
        source=row["source"],
        hints=json.loads(row["hints"] or "{}"),
    )
    return Extracted(document=document, article=article_from_dict(json.loads(row["article"])))


def _already_extracted(item: Extracted) -> Extracted:
    return item


def load_store(out: Path, store: Store, settings: Settings) -> IngestReport:
    """Bulk-load every shard's rows through the pipeline's one writing path."""
    items = (row_to_extracted(row) for row in iter_rows(out))
    return ingest_documents(
        items, store, settings, executor=InlineExecutor(), work=_already_extracted
    )


def run_batch(
    paths: Iterable[str | os.PathLike[str]],
    out: Path,
    settings: Settings,
    *,
    executor: str = "local",
    store: Store | None = None,
) -> BatchReport:
    """Process every shard not yet done, find copies, optionally load the store."""
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    shards = list_shards(paths)
    todo = [s for s in shards if not is_done(out, shard_id(s))]
    report.shards_skipped = len(shards) - len(todo)
    if executor == "ray":
        from newsdesk.pipeline.batch_ray import find_copies_ray, run_ray

        run_ray(todo, out, settings)
    elif executor == "local":
        run_local(todo, out, settings)
    else:
        raise ValueError(f"unknown executor {executor!r}")
    report.shards_done = sum(is_done(out, shard_id(s)) for s in todo)
    for row in iter_rows(out, columns=["ok"]):
        report.rows += 1
        report.failed += not row["ok"]
    if executor == "ray":
        report.copy_groups = find_copies_ray(out, settings)
    else:
        report.copy_groups = find_copies_local(out)
    write_copies(report.copy_groups, out)
    if store is not None:
        report.loaded = load_store(out, store, settings)
    return report
