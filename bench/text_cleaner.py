"""Benchmark the plain-text article extractor on the article-extraction dev split.

Runs ``newsdesk.extract.extract`` on every ``text/<id>.txt.gz`` page of
``../shared/bench/article-extraction`` plus two reference baselines (the whole
page unchanged; only lines of more than 15 words), scores each with the
benchmark's 4-gram metric (``bench/metric.py``) and prints P, R, F1 and median
ms/page.  A page that raises counts as an empty prediction.

    .venv/bin/python bench/text_cleaner.py            # print and update bench/RESULTS.md
    .venv/bin/python bench/text_cleaner.py --worst 10 # also list the worst pages
    .venv/bin/python bench/text_cleaner.py --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import PageScore, Summary, aggregate, score  # noqa: E402
from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.model import Document  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "article-extraction"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Text cleaner (plain-text pages)"


def _extractor() -> Callable[[Document], object]:
    """The same entry point as ``newsdesk extract`` and ingest: no benchmark-only path."""
    from newsdesk.extract import extract

    return extract


def load_pages(data: Path = DATA) -> list[tuple[str, str, bytes]]:
    """``(id, true body, page bytes)`` for every text page with a ground truth."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = data / "text" / f"{page_id}.txt.gz"
        if path.exists():
            pages.append(
                (page_id, truth[page_id]["articleBody"], gzip.decompress(path.read_bytes()))
            )
    return pages


def newsdesk_body(raw: bytes, location: str, url: str | None) -> str:
    """The extracted body, or "" when the extractor raises (counted as empty)."""
    extract = _extractor()
    doc = Document(location=location, content=raw, content_type="text", url=url)
    try:
        return extract(doc).body  # type: ignore[attr-defined]
    except NewsdeskError:
        return ""


def whole_page(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def long_lines(raw: bytes) -> str:
    return "\n".join(line for line in whole_page(raw).splitlines() if len(line.split()) > 15)


def run(data: Path = DATA) -> dict[str, tuple[Summary, float, dict[str, PageScore]]]:
    """Score every method; returns name -> (summary, median ms/page, per-page scores)."""
    truth_urls = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = load_pages(data)
    methods: dict[str, Callable[[str, bytes], str]] = {
        "newsdesk extract_text": lambda pid, raw: newsdesk_body(
            raw, f"text/{pid}.txt.gz", truth_urls[pid].get("url")
        ),
        "whole page unchanged": lambda pid, raw: whole_page(raw),
        "lines of more than 15 words": lambda pid, raw: long_lines(raw),
    }
    out = {}
    for name, method in methods.items():
        per_page: dict[str, PageScore] = {}
        times = []
        for page_id, truth, raw in pages:
            t0 = time.perf_counter()
            pred = method(page_id, raw)
            times.append((time.perf_counter() - t0) * 1000)
            per_page[page_id] = score(truth, pred)
        out[name] = (aggregate(list(per_page.values())), statistics.median(times), per_page)
    return out


def _nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _page_f1(s: PageScore) -> float:
    return 2 * s.tp / (2 * s.tp + s.fp + s.fn) if s.tp else 0.0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def render(results: dict[str, tuple[Summary, float, dict[str, PageScore]]]) -> str:
    n = next(iter(results.values()))[0].pages
    worst = sorted(results["newsdesk extract_text"][2].items(), key=lambda kv: _page_f1(kv[1]))
    rows = [
        f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {ms:.2f} |"
        for name, (s, ms, _) in results.items()
    ]
    return "\n".join(
        [
            HEADING,
            "",
            f"Date: {dt.date.today().isoformat()}. "
            "Command: `.venv/bin/python bench/text_cleaner.py`.",
            f"Machine: {_nproc()} CPUs (`nproc`), {_cpu_model()}, Python "
            f"{platform.python_version()}.",
            f"Data: `../shared/bench/article-extraction/text/` ({n} pages), metric in "
            "`bench/metric.py` (token 4-gram multisets, per-page normalised, mean P and R).",
            "A page whose extraction raises counts as an empty prediction.",
            "",
            "| method | precision | recall | F1 | median ms/page |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Worst pages for newsdesk (page F1, id): "
            + ", ".join(f"{_page_f1(s):.2f} `{pid[:12]}`" for pid, s in worst[:8])
            + ".",
            "",
        ]
    )


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace (or append) only our own section of RESULTS.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages by F1")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"no benchmark data at {DATA}", file=sys.stderr)
        return 1
    results = run()
    section = render(results)
    print(section)
    if args.worst:
        _, _, per_page = results["newsdesk extract_text"]
        for page_id, s in sorted(per_page.items(), key=lambda kv: _page_f1(kv[1]))[: args.worst]:
            print(f"{_page_f1(s):.3f}  P={s.precision or 0:.3f} R={s.recall or 0:.3f}  {page_id}")
    if not args.no_write:
        write_section(section)
        subprocess.run(["git", "--no-pager", "diff", "--stat", str(RESULTS)], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
