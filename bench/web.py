"""Web latency: p50/p95 of the home, article and search pages at 100k articles.

The corpus is the bundled sample (``sample/news-pages.jsonl.gz``, real news
pages) extracted once, then repeated with variations: paragraphs reshuffled
and recombined across articles, a generated person named in each, 50 sites,
5 sections, dates over two years.  It is loaded into SQLite with the store's
bulk path, then ``newsdesk serve`` runs as a separate process on 127.0.0.1 and
a bounded httpx load loop (C concurrent keep-alive clients, N requests per
page kind, after a warm-up) measures each request from send to last byte.

    .venv/bin/python bench/web.py [--articles 100000] [--requests 400] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import stamp, write_section  # noqa: E402
from newsdesk.model import Article, Document, Paragraph  # noqa: E402
from newsdesk.pipeline import extract_document  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

HEADING = "## Web latency"
SAMPLE = ROOT / "sample" / "news-pages.jsonl.gz"
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "vu",
    "zan",
    "pol",
    "dre",
    "ish",
    "gor",
    "tam",
    "bel",
    "nor",
    "sif",
    "yu",
    "quen",
    "mar",
    "lis",
]


def sample_articles() -> list[Article]:
    """The bundled real pages, extracted by the product's own extractor."""
    out: list[Article] = []
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            record = json.loads(line)
            doc = Document(
                location=f"sample:{i}",
                content=record["html"].encode("utf-8"),
                content_type="html",
                url=record.get("url"),
            )
            article = extract_document(doc)
            if isinstance(article, Article) and len(article.paragraphs) >= 3:
                out.append(article)
    return out


def person(rng: random.Random) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{first} {last}"


def variants(base: list[Article], n: int, seed: int = 5):  # noqa: ANN201 - generator
    rng = random.Random(seed)
    pool = [p for a in base for p in a.paragraphs if p.kind == "p" and len(p.text) > 60]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(n):
        src = base[i % len(base)]
        own = [p for p in src.paragraphs if p.kind == "p"]
        body = rng.sample(own, min(len(own), rng.randint(3, 8))) + rng.sample(pool, 2)
        rng.shuffle(body)
        who = person(rng)
        body.insert(1, Paragraph(f"{who} told reporters the matter was far from settled."))
        article = Article(
            url=f"https://site{i % 50}.example/news/{i}",
            title=f"{src.title} ({who})",
            paragraphs=body,
            site_name=f"Site {i % 50}",
            section=rng.choice(["World", "Politics", "Business", "Sport", "Tech"]),
            authors=list(src.authors),
            published_at=start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
            date_source="meta",
        )
        yield article, Document(location=f"bench:{i}", content=b"<p>-</p>", content_type="html")


def load(db: str, n: int, batch: int = 5000) -> float:
    base = sample_articles()
    began = time.perf_counter()
    with open_store(db) as store:
        items: list[tuple[Article, Document]] = []
        for item in variants(base, n):
            items.append(item)
            if len(items) >= batch:
                store.add_articles_bulk(items)
                items = []
        if items:
            store.add_articles_bulk(items)
        store.optimize()
    return time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("newsdesk")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "newsdesk"]
    env = {**os.environ, "NEWSDESK_PAGE_SIZE": "20"}
    proc = subprocess.Popen(
        [*cmd, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def run_load(base: str, paths: list[str], concurrency: int) -> list[float]:
    """Each path once, spread over ``concurrency`` keep-alive clients; ms per request."""
    latencies: list[float] = []
    lock = threading.Lock()
    cursor = iter(paths)
    errors: list[str] = []

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                with lock:
                    path = next(cursor, None)
                if path is None:
                    return
                t0 = time.perf_counter()
                r = client.get(path)
                _ = r.content
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(took)
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {path}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="per page kind")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--db", default=None, help="reuse (or create) this database file")
    args = parser.parse_args()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "web.db")
        load_s = 0.0
        if not Path(db).exists():
            print(f"loading {args.articles} articles ...", flush=True)
            load_s = load(db, args.articles)
            print(f"loaded in {load_s:.0f} s", flush=True)
        with open_store(db) as store:
            top_id = store.latest(1)[0].id
            words = [w for s in store.latest(200) for w in s.article.title.split() if w.isalpha()]
            sample_people = [
                s.article.title.rsplit("(", 1)[-1].rstrip(")") for s in store.latest(50)
            ]
        kinds = {
            "home": ["/"] * args.requests,
            "home, paged": [f"/?before={rng.randint(2, top_id)}" for _ in range(args.requests)],
            "article": [f"/article/{rng.randint(1, top_id)}" for _ in range(args.requests)],
            "search": [
                "/search?q=" + "+".join(rng.sample(words, rng.choice([1, 2])))
                for _ in range(args.requests)
            ],
            "search, filtered": [
                "/search?q="
                + rng.choice(words)
                + f"&source=Site+{rng.randint(0, 49)}&since=2024-06-01&until=2025-06-01"
                for _ in range(args.requests)
            ],
            "search, person": [
                "/search?person=" + rng.choice(sample_people).replace(" ", "+")
                for _ in range(args.requests)
            ],
            "API search": ["/api/v1/search?q=" + rng.choice(words) for _ in range(args.requests)],
        }
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            results = {}
            for name, paths in kinds.items():
                run_load(base, paths[: max(20, args.requests // 10)], args.concurrency)  # warm-up
                lat = run_load(base, paths, args.concurrency)
                results[name] = (pct(lat, 50), pct(lat, 95), len(lat))
                print(f"{name:18} p50 {results[name][0]:7.1f} ms   p95 {results[name][1]:7.1f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
    targets = {"home": 50, "home, paged": 50, "article": 50, "search": 100}
    targets.update({"search, filtered": 100, "search, person": 100, "API search": 100})
    loaded = f"bulk-loaded in {load_s:.0f} s" if load_s else "loaded by an earlier run, --db"
    lines = [
        stamp(
            f"python bench/web.py --articles {args.articles} --requests {args.requests} "
            f"--concurrency {args.concurrency} --write"
        ),
        "",
        f"{args.articles:,} articles in SQLite (the bundled sample pages extracted, then repeated "
        f"with variations; {loaded}). `newsdesk serve` (one uvicorn "
        f"process) on 127.0.0.1; a bounded httpx loop with {args.concurrency} concurrent "
        f"keep-alive clients, {args.requests} requests per page after a warm-up; latency is send "
        "to last byte. No stories were clustered for this load, so the home page's Top Stories "
        "query finds none (its cost is in the stories section).",
        "",
        "| page | p50 ms | p95 ms | target p95 | met |",
        "|---|---:|---:|---:|---|",
    ]
    for name, (p50, p95, _n) in results.items():
        target = targets[name]
        lines.append(
            f"| {name} | {p50:.1f} | {p95:.1f} | < {target} | {'yes' if p95 < target else 'no'} |"
        )
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
