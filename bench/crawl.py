"""Crawl rate and gzip-bomb memory, against local servers only (127.0.0.x).

    .venv/bin/python bench/crawl.py [--feeds 200] [--entries 20] [--workers 2]

1. Crawl rate: ``--feeds`` RSS feeds of ``--entries`` entries each, spread over
   10 hosts (127.0.0.1 .. 127.0.0.10, one threaded server each), every entry a
   distinct article page (Zipf-distributed words from a 20,000-word made-up
   vocabulary, so the copy detector in the writer sees no near-copies).  One
   ``Crawler.crawl()`` pass, end to end: poll, fetch pages, extract in
   ``--workers`` processes, store in SQLite.  Politeness gap 0 (the number is
   the machinery's, not a site's patience), 4 requests per host.
2. Gzip bombs: the fetcher's peak Python memory (tracemalloc) and the process's
   peak RSS growth while fetching a 1 GiB-of-zeros single-gzip body (cut at
   the 20 MiB limit) and a 590-byte ``gzip, gzip`` body (256 MiB inside).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from webserver import Reply, TestServer, double_gzip_bomb, gzip_bytes, rss  # noqa: E402

from newsdesk.errors import NewsdeskError  # noqa: E402
from newsdesk.ingest.fetch import Fetcher  # noqa: E402
from newsdesk.pipeline.crawl import Crawler, PageTask  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

HOSTS = 10
_SYLLABLES = [
    "ba",
    "ko",
    "ri",
    "ten",
    "mal",
    "sor",
    "vu",
    "den",
    "pa",
    "li",
    "gro",
    "nat",
    "e",
    "ste",
    "mon",
    "ca",
    "fre",
    "dul",
]


def _vocabulary(size: int = 20_000) -> list[str]:
    rng = random.Random(0)
    return [
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) + str(i % 7)
        for i in range(size)
    ]


_VOCAB = _vocabulary()
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCAB))]  # Zipf, like real prose


def page(title: str, seed: int) -> bytes:
    """A distinct article: Zipf-distributed words, so pages share words as real news
    does, not whole passages (the copy detector in the writer would pair those)."""
    rng = random.Random(seed)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choices(_VOCAB, _WEIGHTS, k=45)).capitalize() + ".</p>"
        for _ in range(6)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def crawl_rate(feeds: int, entries: int, workers: int) -> dict[str, float]:
    servers = [TestServer(f"127.0.0.{i + 1}") for i in range(HOSTS)]
    for srv in servers:
        srv.__enter__()
    try:
        feed_urls = []
        page_urls: list[str] = []
        for f in range(feeds):
            srv = servers[f % HOSTS]
            items = []
            for e in range(entries):
                path = f"/f{f}/e{e}"
                title = f"Council story {f}-{e}"
                srv.route(path, Reply(body=page(title, f * 1000 + e)))
                items.append((f"{f}-{e}", srv.url(path), title))
                page_urls.append(srv.url(path))
            srv.route(f"/feed{f}.xml", Reply(body=rss(items, title=f"Paper {f}")))
            feed_urls.append(srv.url(f"/feed{f}.xml"))
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                db=f"{tmp}/bench.db",
                workers=workers,
                allow_private_networks=True,
                host_delay=0,
                host_concurrency=4,
                fetch_workers=32,
            )
            with open_store(settings.db) as store, Crawler(store, settings) as crawler:
                for url in feed_urls:
                    store.add_feed(url, interval=3600)
                start = time.perf_counter()
                report = crawler.crawl()
                elapsed = time.perf_counter() - start
            # The network side alone: every page again through the same threads,
            # gate, robots cache and guarded fetcher, with no extraction or store.
            with open_store(f"{tmp}/fetch.db") as store, Crawler(store, settings) as crawler:
                tasks = [PageTask(location=u, url=u) for u in page_urls]
                start = time.perf_counter()
                fetched = sum(item.page is not None for item in crawler._items(tasks))
                fetch_elapsed = time.perf_counter() - start
        ing = report.ingest
        return {
            "feeds": report.polled,
            "pages": report.entries,
            "stored": ing.stored,
            "failed": len(ing.failed),
            "seconds": elapsed,
            "articles_per_s": ing.stored / elapsed,
            "fetch_only_pages": fetched,
            "fetch_only_pages_per_s": fetched / fetch_elapsed,
        }
    finally:
        for srv in servers:
            srv.__exit__()


def bomb_memory() -> dict[str, float]:
    results: dict[str, float] = {}
    with TestServer() as srv:
        srv.route(
            "/single",
            Reply(body=gzip_bytes(bytes(1024**3)), headers={"Content-Encoding": "gzip"}),
        )
        bomb = double_gzip_bomb()
        results["double_wire_bytes"] = len(bomb)
        srv.route("/double", Reply(body=bomb, headers={"Content-Encoding": "gzip, gzip"}))
        with Fetcher(user_agent="newsdesk-bench", allow_private_networks=True) as fetcher:
            for name in ("single", "double"):
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                tracemalloc.start()
                try:
                    fetcher.fetch(srv.url(f"/{name}"))
                    outcome = "accepted?!"
                except NewsdeskError as exc:
                    outcome = type(exc).__name__
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                results[f"{name}_peak_mib"] = peak / 2**20
                results[f"{name}_rss_growth_mib"] = (rss_after - rss_before) / 1024
                print(f"  {name}: {outcome}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    # Bombs first: RSS growth is only measurable before the crawl raises the peak.
    bombs = bomb_memory()
    for key, value in bombs.items():
        print(f"bomb {key}: {value:.1f}")
    rate = crawl_rate(args.feeds, args.entries, args.workers)
    for key, value in rate.items():
        print(f"crawl {key}: {value:.1f}" if isinstance(value, float) else f"crawl {key}: {value}")


if __name__ == "__main__":
    main()
