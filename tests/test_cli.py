"""The shipped ``newsdesk`` command, end to end, on real files and a real SQLite file."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3

from support import SAMPLE, SEED

SEED_TITLE = "Why Kim Jong Un and Vladimir Putin need each other right now"


def sample_pages(tmp_path, n: int = 4):
    """Write ``n`` of the bundled sample pages as .html files."""
    folder = tmp_path / "pages"
    folder.mkdir()
    with gzip.open(SAMPLE / "news-pages.jsonl.gz", "rt", encoding="utf-8") as lines:
        for i, line in zip(range(n), lines, strict=False):
            (folder / f"page{i}.html").write_text(json.loads(line)["html"], encoding="utf-8")
    return folder


def test_extract_seed_json(run_cli):
    out = json.loads(run_cli("extract", str(SEED), "--format", "json").stdout)
    assert out["title"] == SEED_TITLE
    assert out["section"] == "Top Stories"
    assert out["dateline"] == "SEOUL"
    assert out["contributors"] == ["Christian Shepherd"]
    assert out["published_at"] is None and out["date_source"] == "none"
    assert out["page_date"].startswith("2024-10-25")
    body = out["body"]
    assert body.startswith("SEOUL — Russian President Vladimir Putin")
    assert body.rstrip().endswith("would be a bit scary for China.”")
    for junk in ["spot_img", "See also", "Source link", "Latest articles", "Mutts", "Lasorda"]:
        assert junk not in body


def test_extract_jsonl_has_path_and_string_body(run_cli, tmp_path):
    pages = sample_pages(tmp_path, 2)
    proc = run_cli("extract", str(SEED), str(pages), "--format", "jsonl")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 3
    assert all("path" in r and isinstance(r["body"], str) and r["body"] for r in rows)
    assert "\n\n" in rows[0]["body"]


def test_ingest_list_show_search_and_reingest(run_cli, tmp_path):
    pages = sample_pages(tmp_path, 4)
    shutil.copy(SEED, pages / "seed.txt")
    proc = run_cli("ingest", str(pages))
    assert "stored 5" in proc.stdout and "failed 0" in proc.stdout

    rows = [json.loads(x) for x in run_cli("list", "--format", "jsonl").stdout.splitlines()]
    assert len(rows) == 5
    assert set(rows[0]) >= {"id", "url", "title", "source", "published_at"}
    seed_row = next(r for r in rows if r["title"] == SEED_TITLE)

    shown = json.loads(run_cli("show", str(seed_row["id"]), "--format", "json").stdout)
    assert shown["section"] == "Top Stories" and shown["contributors"] == ["Christian Shepherd"]

    hits = [
        json.loads(x)
        for x in run_cli("search", "Vostochny Cosmodrome", "--format", "jsonl").stdout.splitlines()
    ]
    assert hits and hits[0]["id"] == seed_row["id"]

    again = run_cli("ingest", str(pages))
    assert "stored 0" in again.stdout and "already known 5" in again.stdout


def test_bad_inputs_fail_clearly_and_harm_nothing(run_cli, tmp_path):
    db = tmp_path / "bad.db"
    good = sample_pages(tmp_path, 2)
    run_cli("ingest", str(good), db=db)
    before = sqlite3.connect(db).execute("select id, content_hash from articles").fetchall()

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "binary.html").write_bytes(bytes(range(256)) * 64)
    (bad / "latin1.txt").write_bytes("caf\xe9 ".encode("latin-1") * 3)
    (bad / "nav-only.html").write_text("<html><body><nav><a href=/>Home</a></nav></body></html>")
    noise = os.urandom(4000).hex().encode()
    (bad / "cut.html.gz").write_bytes(gzip.compress(b"<html><body><p>" + noise)[:2000])
    (bad / "README.md").write_text("not input: skipped when walking a folder")
    docx = tmp_path / "notes.docx"
    docx.write_bytes(b"PK\x03\x04")
    proc = run_cli("ingest", str(bad), str(docx), db=db, check=1)
    assert "stored 0" in proc.stdout and "failed 6" in proc.stdout

    failures = [
        json.loads(x)
        for x in run_cli("list", "--failed", "--format", "jsonl", db=db).stdout.splitlines()
    ]
    assert len(failures) == 6
    assert all(f["reason"] and f["error"] for f in failures)
    after = sqlite3.connect(db).execute("select id, content_hash from articles").fetchall()
    assert after == before
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_db_flag_and_env(run_cli, tmp_path):
    flag_db = tmp_path / "flag.db"
    run_cli("ingest", str(SEED), "--db", str(flag_db))
    assert sqlite3.connect(flag_db).execute("select count(*) from articles").fetchone()[0] == 1


def test_show_unknown_id_is_a_clear_error(run_cli):
    proc = run_cli("show", "999", check=1)
    assert "no article with id 999" in proc.stderr
