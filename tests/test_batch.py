"""Batch ingest: local and Ray give the same articles and copy groups; reruns resume."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from support import SAMPLE
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.pipeline.batch import iter_rows, run_batch, shard_id
from newsdesk.settings import Settings
from newsdesk.store import open_store


def sample_pages() -> list[tuple[str, bytes]]:
    with gzip.open(SAMPLE / "news-pages.jsonl.gz", "rt", encoding="utf-8") as lines:
        return [(r["url"], r["html"].encode()) for r in map(json.loads, lines)]


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), http_headers=headers
            )
            writer.write_record(record)


@pytest.fixture
def warcs(tmp_path) -> Path:
    """Three WARC shards; the third republishes two pages of the first under new URLs."""
    pages = sample_pages()
    folder = tmp_path / "warcs"
    folder.mkdir()
    write_warc(folder / "a.warc.gz", pages[:8])
    write_warc(folder / "b.warc.gz", pages[8:16])
    copies = [(url.replace("://", "://mirror."), html) for url, html in pages[:2]]
    write_warc(folder / "c.warc.gz", copies + pages[16:20])
    (folder / "cut.warc.gz").write_bytes((folder / "b.warc.gz").read_bytes()[:5000])
    return folder


def rows_by_key(out: Path) -> dict[str, tuple]:
    return {
        f"{r['shard']}:{r['seq']}": (r["ok"], r["url"], r["content_hash"], r["error"])
        for r in iter_rows(out, columns=["shard", "seq", "ok", "url", "content_hash", "error"])
    }


def test_local_batch_finds_copies_and_records_failures(warcs, tmp_path):
    out = tmp_path / "out"
    report = run_batch([warcs], out, Settings(workers=2))
    assert report.shards_done == 4 and report.shards_skipped == 0
    rows = rows_by_key(out)
    assert any(error == "Truncated" for _, _, _, error in rows.values())
    assert len(report.copy_groups) == 2
    for group in report.copy_groups:
        urls = {rows[k.rsplit(":", 1)[0] + ":" + str(int(k.rsplit(":", 1)[1]))][1] for k in group}
        assert len(urls) == 2 and any("mirror." in u for u in urls)
    assert (out / "copies.parquet").exists()


def test_rerun_skips_finished_shards_and_resumes(warcs, tmp_path):
    out = tmp_path / "out"
    first = run_batch([warcs], out, Settings(workers=1))
    before = rows_by_key(out)
    # as if killed while writing shard b: no marker, a partial file left behind
    killed = shard_id(warcs / "b.warc.gz")
    (out / "done" / f"{killed}.json").unlink()
    (out / "articles" / f"{killed}.parquet").rename(out / "articles" / f"{killed}.parquet.partial")
    again = run_batch([warcs], out, Settings(workers=1))
    assert again.shards_skipped == 3 and again.shards_done == 1
    assert rows_by_key(out) == before
    assert again.copy_groups == first.copy_groups


def test_batch_loads_the_store(warcs, tmp_path):
    db = str(tmp_path / "batch.db")
    with open_store(db) as store:
        report = run_batch([warcs], tmp_path / "out", Settings(db=db, workers=1), store=store)
        assert report.loaded is not None and report.loaded.stored == store.count_articles()
        assert store.count_articles() == sum(
            1 for ok, *_ in rows_by_key(tmp_path / "out").values() if ok
        )
        assert store.failures()


@pytest.mark.ray
def test_ray_equals_local(warcs, tmp_path, ray_session):
    local = run_batch([warcs], tmp_path / "local", Settings(workers=2))
    ray = run_batch([warcs], tmp_path / "ray", Settings(workers=2), executor="ray")
    assert rows_by_key(tmp_path / "ray") == rows_by_key(tmp_path / "local")
    assert ray.copy_groups == local.copy_groups and len(ray.copy_groups) == 2
    assert (ray.rows, ray.failed) == (local.rows, local.failed)


def test_cli_batch(warcs, tmp_path, run_cli):
    proc = run_cli("batch", str(warcs), "--out", str(tmp_path / "o"), "--workers", "2")
    assert "shards done 4" in proc.stdout and "copy groups 2" in proc.stdout
    again = run_cli("batch", str(warcs), "--out", str(tmp_path / "o"))
    assert "skipped (already done) 4" in again.stdout
