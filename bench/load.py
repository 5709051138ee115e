"""Load: requests/s and p99 of home, article, search and the API at 100k articles,
first on their own, then while an ingest writes at full speed.

The 100k-article database is built by ``bench/web.py``'s builder (the bundled
sample pages repeated with variations, bulk-loaded).  ``newsdesk serve`` runs
as its own process on 127.0.0.1; a bounded httpx loop with C concurrent
keep-alive clients sends N requests per kind and records each from send to
last byte.  Phase two runs the same loops while ``newsdesk ingest`` stores
new articles (a JSONL of fresh pages, default workers) into the same
database: every request must succeed, no output may mention a locked
database, and every new article must be there afterwards (no lost write).

    .venv/bin/python bench/load.py [--articles 100000] [--requests 300]
        [--concurrency 8] [--ingest 3000] [--db PATH] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import stamp, write_section  # noqa: E402
from bench.web import free_port, load, pct  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

HEADING = "## Load"
P99_TARGET_MS = 200.0


def newsdesk(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("newsdesk")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "newsdesk", *args]


def start_server(db: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``newsdesk serve`` with its output kept, to look for "database is locked"."""
    proc = subprocess.Popen(
        newsdesk("serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)),
        env={**os.environ, "NEWSDESK_PAGE_SIZE": "20"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
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


def measure(base: str, paths: list[str], concurrency: int) -> tuple[list[float], float, list[str]]:
    """Every path once over ``concurrency`` clients: latencies (ms), wall seconds, errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    cursor = iter(paths)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                with lock:
                    path = next(cursor, None)
                if path is None:
                    return
                t0 = time.perf_counter()
                try:
                    r = client.get(path)
                    body = r.content
                    bad = r.status_code != 200 or b"database is locked" in body
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    bad, status = True, type(exc).__name__
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(took)
                    if bad:
                        errors.append(f"{status} {path}")

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - began, errors


def fresh_pages(path: Path, count: int, batch: int) -> list[str]:
    """A JSONL of new articles for the concurrent ingest (URLs new to this database)."""
    sys.path.insert(0, str(ROOT / "tests" / "durability"))
    from inputs import article_page

    urls = [f"https://ingest.example/load/{batch}/{n}" for n in range(count)]
    with path.open("w", encoding="utf-8") as fh:
        for n, url in enumerate(urls):
            fh.write(json.dumps({"url": url, "html": article_page(5000 + n, url).decode()}) + "\n")
    return urls


def kinds(db: str, requests: int, rng: random.Random) -> dict[str, list[str]]:
    with open_store(db) as store:
        top = store.latest(1)[0].id
        words = [w for s in store.latest(200) for w in s.article.title.split() if w.isalpha()]
    return {
        "home": ["/"] * requests,
        "article": [f"/article/{rng.randint(1, top)}" for _ in range(requests)],
        "search": [
            "/search?q=" + "+".join(rng.sample(words, rng.choice([1, 2]))) for _ in range(requests)
        ],
        "API article": [f"/api/v1/articles/{rng.randint(1, top)}" for _ in range(requests)],
        "API search": ["/api/v1/search?q=" + rng.choice(words) for _ in range(requests)],
    }


def run_phase(base: str, plan: dict[str, list[str]], concurrency: int) -> dict[str, tuple]:
    out = {}
    for name, paths in plan.items():
        measure(base, paths[: max(20, len(paths) // 10)], concurrency)  # warm-up
        lat, wall, errors = measure(base, paths, concurrency)
        out[name] = (len(lat) / wall, pct(lat, 50), pct(lat, 99), len(lat), errors)
        print(
            f"  {name:12} {out[name][0]:7.1f} req/s  p50 {out[name][1]:6.1f} ms  "
            f"p99 {out[name][2]:6.1f} ms  errors {len(errors)}",
            flush=True,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="per kind and phase")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--ingest", type=int, default=3000, help="articles written in phase 2")
    parser.add_argument("--db", default=None, help="reuse (or create) this database file")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = args.db or str(tmp / "load.db")
        if not Path(db).exists():
            print(f"building {args.articles} articles (bench/web.py's builder) ...", flush=True)
            print(f"  built in {load(db, args.articles):.0f} s", flush=True)
        with open_store(db) as store:
            before = store.count_articles()
        plan = kinds(db, args.requests, rng)
        port = free_port()
        server_log = tmp / "serve.log"
        server = start_server(db, port, server_log)
        base = f"http://127.0.0.1:{port}"
        try:
            print("reads alone:", flush=True)
            alone = run_phase(base, plan, args.concurrency)
            urls = fresh_pages(tmp / "fresh.jsonl", args.ingest, before)
            ingest_log = tmp / "ingest.log"
            began = time.perf_counter()
            writer = subprocess.Popen(
                newsdesk("ingest", str(tmp / "fresh.jsonl"), "--db", db),
                env={**os.environ, "NEWSDESK_ENRICH": "0"},
                stdout=ingest_log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            print("reads while ingesting:", flush=True)
            during: dict[str, tuple] = {}
            rounds = 0
            while writer.poll() is None or rounds == 0:
                phase = run_phase(base, plan, args.concurrency)
                rounds += 1
                for name, row in phase.items():
                    during.setdefault(name, row)
                    if writer.poll() is None:  # keep the round measured under writes
                        during[name] = row
            writer.wait()
            ingest_s = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
        with open_store(db) as store:
            after = store.count_articles()
            present = store.known_urls(urls)
        logs = server_log.read_text(errors="replace") + ingest_log.read_text(errors="replace")
    locked = logs.count("database is locked")
    lost = len(urls) - len(present)
    print(
        f"ingest rc {writer.returncode}, {len(urls)} articles in {ingest_s:.0f} s, "
        f"locked {locked}, lost {lost}, articles {before} -> {after}"
    )
    if args.write:
        write_section(
            HEADING, report(args, alone, during, writer.returncode, ingest_s, locked, lost, rounds)
        )


def report(args, alone, during, rc, ingest_s, locked, lost, rounds) -> str:  # noqa: ANN001
    lines = [
        stamp(
            f"python bench/load.py --articles {args.articles} --requests {args.requests} "
            f"--concurrency {args.concurrency} --ingest {args.ingest} --write"
        ),
        "",
        f"{args.articles:,} articles in SQLite, built by `bench/web.py`'s builder. `newsdesk "
        f"serve` (one uvicorn process) on 127.0.0.1; a bounded httpx loop, {args.concurrency} "
        f"concurrent keep-alive clients, {args.requests} requests per kind after a warm-up, "
        f"latency from send to last byte. Then the same loops while `newsdesk ingest` "
        f"(default workers, enrichment off) writes {args.ingest:,} new articles into the same "
        f"database ({ingest_s:.0f} s, {args.ingest / max(ingest_s, 1e-9):.0f} articles/s; "
        f"{rounds} measuring round(s) overlapped it). Target: p99 < {P99_TARGET_MS:.0f} ms.",
        "",
        "| kind | alone req/s | alone p50 ms | alone p99 ms | ingesting req/s "
        "| ingesting p50 ms | ingesting p99 ms | p99 target met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in alone.items():
        busy = during[name]
        met = "yes" if max(row[2], busy[2]) < P99_TARGET_MS else "no"
        lines.append(
            f"| {name} | {row[0]:.0f} | {row[1]:.1f} | {row[2]:.1f} | {busy[0]:.0f} "
            f"| {busy[1]:.1f} | {busy[2]:.1f} | {met} |"
        )
    errors = sum(len(r[4]) for r in alone.values()) + sum(len(r[4]) for r in during.values())
    lines += [
        "",
        f'Failed requests: {errors}. "database is locked" in server or ingest output: '
        f"{locked}. Ingest exit code: {rc}. New articles missing afterwards (lost writes): "
        f"{lost}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
