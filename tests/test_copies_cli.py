"""Copies end to end: the shipped CLI (and site) on the seed and a clean original."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from support import REPO, SEED

ORIGINAL = REPO / "tests" / "fixtures" / "kim-putin-original-2023-09-13.html"
ORIGINAL_URL = "https://www.washingtonpost.com/world/2023/09/13/kim-putin-summit-analysis/"
RECORD_FIELDS = {"group_id", "original_url", "origin_reason", "member_urls", "republished"}
ADDED_JUNK = [
    "See also Mutts & Meows: Adopt Talia",
    "See also News Quiz for Nov. 18, 2023",
    "See also Casualties rise to 827 in China’s deadliest earthquake in nearly a decade",
    "Source link",
]


def _ids(run_cli) -> dict[str, int]:
    rows = [json.loads(x) for x in run_cli("list", "--format", "jsonl").stdout.splitlines()]
    return {("original" if r["url"] == ORIGINAL_URL else "seed"): r["id"] for r in rows}


def _check_group(run_cli) -> dict[str, int]:
    ids = _ids(run_cli)
    lines = run_cli("copies", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == RECORD_FIELDS
    assert record["original_url"] == ORIGINAL_URL
    assert "earliest publication date (2023-09-13)" in record["origin_reason"]
    assert len(record["member_urls"]) == 2 and ORIGINAL_URL in record["member_urls"]
    [republished] = record["republished"]
    assert set(republished) == {"url", "after_days"}
    assert republished["url"].endswith("seed.txt") and republished["after_days"] == 408

    seed = json.loads(run_cli("show", str(ids["seed"]), "--format", "json").stdout)
    assert sorted(seed["copy_group"]) == sorted(ids.values())
    assert seed["original_id"] == ids["original"]
    assert seed["origin_reason"] == record["origin_reason"]
    assert seed["republished_after_days"] == 408 and seed["stale_republish"] is True
    diff = seed["copy_diff"]
    assert all(line in diff["junk_inserted"] for line in ADDED_JUNK)
    body = {p["text"] for p in seed["paragraphs"]}
    assert not body & set(diff["junk_inserted"])  # nothing from the article itself
    assert diff["paragraphs_dropped"] == [] and diff["paragraphs_added"] == []
    assert diff["title_changed"] is None

    original = json.loads(run_cli("show", str(ids["original"]), "--format", "json").stdout)
    assert original["original_id"] == ids["original"]
    assert original["republished_after_days"] is None and original["copy_diff"] is None

    by_id = json.loads(run_cli("copies", str(ids["seed"]), "--format", "jsonl").stdout)
    assert by_id == record
    assert "stale republish" in run_cli("show", str(ids["seed"])).stdout
    return ids


def test_seed_then_original_form_one_group(run_cli, tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    run_cli("ingest", str(tmp_path / "seed.txt"))
    assert run_cli("copies", "--format", "jsonl").stdout == ""
    run_cli("ingest", str(ORIGINAL))  # arrives later: joins, and becomes the original
    _check_group(run_cli)


def test_original_then_seed_and_reingest_change_nothing(run_cli, tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    run_cli("ingest", str(ORIGINAL))
    run_cli("ingest", str(tmp_path / "seed.txt"))
    ids = _check_group(run_cli)
    run_cli("ingest", str(ORIGINAL), str(tmp_path / "seed.txt"))
    assert _check_group(run_cli) == ids


def test_copies_of_unknown_or_lonely_article(run_cli, tmp_path):
    run_cli("ingest", str(ORIGINAL))
    proc = run_cli("copies", "999", check=1)
    assert "no article with id 999" in proc.stderr
    proc = run_cli("copies", "1", "--format", "jsonl")
    assert proc.stdout == "" and "has no copies" in proc.stderr
    shown = json.loads(run_cli("show", "1", "--format", "json").stdout)
    assert shown["copy_group"] == [] and shown["original_id"] is None


def test_short_bodies_never_form_groups(run_cli, tmp_path):
    folder = tmp_path / "short"
    folder.mkdir()
    text = "Subscribe to read the full story about the summit in Vladivostok today."
    for i in range(3):
        page = f"<html><head><title>Summit {i}</title></head><body><article><h1>Summit</h1>"
        page += f"<p>{text}</p></article></body></html>"
        (folder / f"p{i}.html").write_text(page, encoding="utf-8")
    run_cli("ingest", str(folder), check=None)
    assert run_cli("copies", "--format", "jsonl").stdout == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_article_page_shows_original_copies_and_diff(run_cli, tmp_path):
    shutil.copy(SEED, tmp_path / "seed.txt")
    run_cli("ingest", str(tmp_path / "seed.txt"), str(ORIGINAL))
    ids = _ids(run_cli)
    port = _free_port()
    exe = Path(sys.executable).with_name("newsdesk")
    env = {**os.environ, "NEWSDESK_DB": str(tmp_path / "cli.db")}
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        copy_page = httpx.get(f"{base}/article/{ids['seed']}").text
        assert f'href="/article/{ids["original"]}"' in copy_page
        assert "408 days after it appeared" in copy_page and "Stale republish" in copy_page
        assert "See also Mutts &amp; Meows: Adopt Talia" in copy_page
        original_page = httpx.get(f"{base}/article/{ids['original']}").text
        assert "This is the original of 1 copy" in original_page
        assert f'href="/article/{ids["seed"]}"' in original_page
    finally:
        server.terminate()
        server.wait(timeout=10)
