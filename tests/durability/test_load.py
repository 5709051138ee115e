"""Readers and writers at once: no "database is locked", no lost write.

``newsdesk serve`` runs as its own process on 127.0.0.1 over a small store
while two ``newsdesk ingest`` processes write different articles into it at
full speed and reader threads keep asking for the home page, articles, search
and the API.  Every request must succeed, neither ingest may fail, nothing may
mention a locked database, and afterwards every article of both ingests is
there, the store consistent.  Sizes are small: this checks correctness under
contention, not speed (that is ``bench/load.py``).
"""

from __future__ import annotations

import json
import random
import subprocess
import threading
from pathlib import Path

import httpx
from crashkit import command, env_for, run_to_end
from inputs import article_page

from newsdesk.store import open_store

READERS = 4
PATHS = [
    "/",
    "/article/{id}",
    "/search?q=council+budget",
    "/api/v1/search?q=storm",
    "/api/v1/articles",
]


def _jsonl(path: Path, first: int, count: int) -> list[str]:
    urls = [f"https://load{first}.example/news/{n}" for n in range(first, first + count)]
    with path.open("w") as fh:
        for n, url in zip(range(first, first + count), urls, strict=True):
            fh.write(json.dumps({"url": url, "html": article_page(n, url).decode()}) + "\n")
    return urls


def _serve(db: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        command("serve", "--host", "127.0.0.1", "--port", str(port)),
        env=env_for(db),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        threading.Event().wait(0.1)
    proc.kill()
    raise AssertionError("server did not start: " + log.read_text(errors="replace"))


def test_reads_and_two_writers_lose_nothing(tmp_path):
    db = str(tmp_path / "load.db")
    seed = tmp_path / "seed.jsonl"
    _jsonl(seed, 0, 60)
    run_to_end(["ingest", str(seed)], env_for(db))
    with open_store(db) as store:
        before = store.count_articles()
    batches = [_jsonl(tmp_path / f"w{k}.jsonl", 1000 * (k + 1), 80) for k in range(2)]

    server, base = _serve(db, tmp_path / "serve.log")
    stop = threading.Event()
    failures: list[str] = []
    done = [0]

    def reader(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                path = rng.choice(PATHS).format(id=rng.randint(1, before))
                r = client.get(path)
                done[0] += 1
                if r.status_code != 200 or "locked" in r.text:
                    failures.append(f"{r.status_code} {path}: {r.text[:200]}")

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(READERS)]
    try:
        for t in threads:
            t.start()
        writers = [
            subprocess.Popen(
                command("ingest", str(tmp_path / f"w{k}.jsonl")),
                env=env_for(db, NEWSDESK_WORKERS="1"),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for k in range(2)
        ]
        outputs = [w.communicate(timeout=600)[0].decode(errors="replace") for w in writers]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
        server.terminate()
        server.wait(timeout=30)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    for w, out in zip(writers, outputs, strict=True):
        assert w.returncode == 0, out
        assert "locked" not in out
    assert "locked" not in log and "Traceback" not in log, log[-3000:]
    assert failures == [], failures[:5]
    assert done[0] > 0
    with open_store(db) as store:
        assert store.count_articles() == before + sum(len(b) for b in batches)
        for urls in batches:
            assert store.known_urls(urls) == set(urls)
        assert store.check_consistency() == []
        assert store.articles_without_story() == []
