"""The whole pipeline on PostgreSQL: every store mixin (copies, stories, quotes,
feeds, search) runs its real queries on a real server, as on SQLite."""

from __future__ import annotations

import json
import shutil

import pytest
from support import SAMPLE, SEED

from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store

ORIGINAL = SEED.parent.parent / "tests" / "fixtures" / "kim-putin-original-2023-09-13.html"


@pytest.fixture(params=["sqlite", "postgresql"])
def filled(request, new_db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    shutil.copy(ORIGINAL, folder / "original.html")
    shutil.copy(SAMPLE / "news-pages.jsonl.gz", folder / "pages.jsonl.gz")
    db = new_db(request.param)
    with open_store(db) as store:
        report = ingest_paths([folder], store, Settings(db=db, workers=2))
        assert report.stored >= 30 and not report.failed
    return db


def test_pipeline_state_is_consistent_on_both_stores(filled, run_cli):
    with open_store(filled) as store:
        assert store.check_consistency() == []
        assert store.count_search("Vostochny") == 2  # the seed and its original
    groups = [
        json.loads(x)
        for x in run_cli("copies", "--format", "jsonl", "--db", filled).stdout.splitlines()
    ]
    seed_group = next(g for g in groups if any(u.endswith("seed.txt") for u in g["member_urls"]))
    assert len(seed_group["member_urls"]) == 2
    assert seed_group["republished"] and seed_group["republished"][0]["after_days"] >= 400
    stories = run_cli("stories", "--format", "jsonl", "--db", filled).stdout.splitlines()
    assert stories and all(json.loads(s)["article_urls"] for s in stories)
    quotes = [
        json.loads(q)
        for q in run_cli("quotes", "--format", "jsonl", "--db", filled).stdout.splitlines()
    ]
    assert any(q["speaker"] == "Wi Sung-lac" for q in quotes)
    rows = [
        json.loads(x)
        for x in run_cli("list", "--format", "jsonl", "--db", filled).stdout.splitlines()
    ]
    seed = next(r for r in rows if r["title"].startswith("Why Kim Jong Un"))
    shown = json.loads(run_cli("show", str(seed["id"]), "--format", "json", "--db", filled).stdout)
    assert shown["original_id"] is not None and shown["story_id"] is not None
    assert shown["quotes"] and shown["entities"]
    assert run_cli("check", "--db", filled).returncode == 0
