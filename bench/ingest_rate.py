"""Ingest rate: HTML pages -> extract + store + index, articles per second.

Builds a JSONL file from the benchmark's HTML pages (each page repeated under
distinct URLs so every record is stored), then ingests it with the normal
pipeline into a fresh SQLite file, with 1 worker and with one per core, side
by side in one run.  Run: ``.venv/bin/python bench/ingest_rate.py [--repeat 4]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SHARED, stamp, write_section  # noqa: E402
from newsdesk.pipeline import ingest_paths  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = SHARED / "bench" / "article-extraction"
HEADING = "## Ingest rate (HTML pages: extract + store + index)"


def build_input(folder: Path, repeat: int) -> tuple[Path, int]:
    truth = json.loads((DATA / "ground-truth.json").read_text())
    path = folder / "pages.jsonl"
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for r in range(repeat):
            for page_id, entry in sorted(truth.items()):
                html = gzip.decompress((DATA / "html" / f"{page_id}.html.gz").read_bytes()).decode()
                url = f"{entry['url']}#copy{r}"
                out.write(json.dumps({"url": url, "html": html}) + "\n")
                n += 1
    return path, n


def run(path: Path, workers: int, folder: Path, enrich: bool) -> tuple[float, int, int]:
    db = folder / f"rate-{workers}-{time.monotonic_ns()}.db"
    settings = Settings(db=str(db), workers=workers, enrich=enrich)
    store = open_store(settings.db)
    start = time.perf_counter()
    report = ingest_paths([path], store, settings)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, report.stored, len(report.failed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, n = build_input(folder, args.repeat)
        configs = [(1, False), (cores, False), (1, True), (cores, True)]
        rates: dict[tuple[int, bool], list[float]] = {c: [] for c in configs}
        failed = 0
        for _ in range(args.rounds):  # interleaved, so noise hits every config alike
            for workers, enrich in configs:
                elapsed, stored, nfail = run(path, workers, folder, enrich)
                rates[(workers, enrich)].append(stored / elapsed)
                failed = nfail
    lines = [
        f"Input: {n} HTML pages ({args.repeat}x the 91 benchmark pages, distinct URLs), "
        f"{failed} failed (pages with no article). Every run: extract, store, index, copies, "
        "stories; 'enrich' adds entities and quotes (spaCy).",
        "",
        "| workers | enrich | articles/s (median of rounds) | all rounds |",
        "|---|---|---|---|",
    ]
    for (workers, enrich), values in rates.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        on = "on" if enrich else "off"
        lines.append(f"| {workers} | {on} | {statistics.median(values):.1f} | {runs} |")
    for enrich in (False, True):
        speedup = statistics.median(rates[(cores, enrich)]) / statistics.median(rates[(1, enrich)])
        on = "on" if enrich else "off"
        lines.append(f"\nSpeed-up with {cores} workers, enrich {on}: {speedup:.2f}x.")
    text = "\n".join(lines)
    print(text)
    if args.write:
        command = (
            f".venv/bin/python bench/ingest_rate.py --repeat {args.repeat} "
            f"--rounds {args.rounds} --write"
        )
        write_section(HEADING, f"{HEADING}\n\n{stamp(command)}\n\n{text}\n")


if __name__ == "__main__":
    main()
