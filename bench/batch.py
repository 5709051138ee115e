"""Batch throughput: ``newsdesk batch`` with the local and the Ray executor.

Builds WARC shards from the benchmark's HTML pages (repeated under distinct
URLs to about ``--records`` records), then runs the batch (read, extract,
sign, Parquet, copy groups; no store load) with each executor side by side,
and derives how many cores one month of CC-NEWS (about 11.7 million
articles) needs to be processed in a day at the measured per-core rate.

    .venv/bin/python bench/batch.py [--records 10000] [--shards 10]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from bench.common import SHARED, stamp, write_section  # noqa: E402
from newsdesk.pipeline.batch import run_batch  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402

DATA = SHARED / "bench" / "article-extraction"
HEADING = "## Batch ingest (local processes vs Ray)"
CC_NEWS_MONTH = 11_700_000


def build_warcs(folder: Path, records: int, shards: int) -> int:
    truth = json.loads((DATA / "ground-truth.json").read_text())
    pages = [
        (entry["url"], gzip.decompress((DATA / "html" / f"{pid}.html.gz").read_bytes()))
        for pid, entry in sorted(truth.items())
    ]
    per_shard = records // shards
    n = 0
    for s in range(shards):
        with (folder / f"shard-{s:03d}.warc.gz").open("wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for i in range(per_shard):
                url, html = pages[(s * per_shard + i) % len(pages)]
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"{url}?r={s}-{i}", "response", payload=io.BytesIO(html), http_headers=headers
                )
                writer.write_record(record)
                n += 1
    return n


def timed(paths: list[Path], out: Path, executor: str, workers: int) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    report = run_batch(paths, out, Settings(workers=workers), executor=executor)
    return time.perf_counter() - start, report.rows - report.failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "warcs"
        folder.mkdir()
        n = build_warcs(folder, args.records, args.shards)
        results = {}
        for executor in ("local", "ray"):
            elapsed, articles = timed([folder], Path(tmp) / executor, executor, cores)
            results[executor] = (elapsed, articles)
    lines = [
        f"Input: {n} WARC response records in {args.shards} shards "
        f"(the 91 benchmark pages repeated under distinct URLs); {cores} workers each.",
        "",
        "| executor | articles | seconds | articles/s | per core | cores for 11.7M/day |",
        "|---|---|---|---|---|---|",
    ]
    for executor, (elapsed, articles) in results.items():
        rate = articles / elapsed
        per_core = rate / cores
        needed = CC_NEWS_MONTH / (per_core * 86_400)
        lines.append(
            f"| {executor} | {articles} | {elapsed:.1f} | {rate:.1f} | {per_core:.1f} | "
            f"{needed:.0f} |"
        )
    ratio = results["ray"][0] / results["local"][0]
    lines += [
        "",
        f"Ray took {ratio:.2f}x the local executor's time on this one machine (its start-up, "
        "object store and shuffle cost show at this size; its point is more machines).",
        "Both include reading, extraction, copy signatures, Parquet and the copy-group pass.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        command = f".venv/bin/python bench/batch.py --records {args.records} --shards {args.shards}"
        write_section(HEADING, f"{HEADING}\n\n{stamp(command)}\n\n{text}\n")


if __name__ == "__main__":
    main()
