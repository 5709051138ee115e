"""``newsdesk quotes``, ``newsdesk enrich`` and the quote fields of ``show``, end to end."""

from __future__ import annotations

import json
import shutil

from support import SEED

FIELDS = ["article_url", "kind", "text", "speaker", "role", "cue", "start", "end"]


def test_ingest_enriches_and_quotes_lists_the_ledger(run_cli, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SEED, pages / "seed.txt")
    (pages / "german.txt").write_text(
        "Die Brücke wird gebaut\n\n"
        + "Der Bürgermeister sagte am Montag, dass die Brücke noch vor dem Winter wieder "
        "aufgebaut werde und dass die Stadt das Geld dafür bereits im Haushalt habe. "
        "Die Opposition kritisierte den Plan und forderte eine Abstimmung im Stadtrat, "
        "denn die Kosten seien in den letzten Jahren immer weiter gestiegen. " * 3,
        encoding="utf-8",
    )
    run_cli("ingest", str(pages), check=None)

    lines = run_cli("quotes", "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(x) for x in lines]
    assert rows and all(list(r) == FIELDS for r in rows)
    assert {r["kind"] for r in rows} == {"direct", "partial", "indirect"}

    wi = [
        json.loads(x)
        for x in run_cli("quotes", "--speaker", "Wi", "--format", "jsonl").stdout.splitlines()
    ]
    assert wi and all(r["speaker"] == "Wi Sung-lac" for r in wi)
    assert any(r["role"] and "ambassador to Russia" in r["role"] for r in wi)

    listed = [json.loads(x) for x in run_cli("list", "--format", "jsonl").stdout.splitlines()]
    seed_id = next(r["id"] for r in listed if "Kim Jong Un" in r["title"])
    shown = json.loads(run_cli("show", str(seed_id), "--format", "json").stdout)
    assert shown["enrichment"] == {"status": "done", "reason": None}
    names = {e["name"] for e in shown["entities"]}
    assert {"Vladimir Putin", "Kim Jong Un", "Kremlin"} <= names
    body = shown["body"]
    for q in shown["quotes"]:
        assert body[q["start"] : q["end"]] == q["text"]

    other_ids = [r["id"] for r in listed if r["id"] != seed_id]
    for other in other_ids:
        skipped = json.loads(run_cli("show", str(other), "--format", "json").stdout)
        assert skipped["enrichment"]["status"] == "skipped"
        assert "not English" in skipped["enrichment"]["reason"]
        assert skipped["quotes"] == []


def test_enrich_can_be_deferred_and_run_later(run_cli, tmp_path, monkeypatch):
    db = tmp_path / "later.db"
    monkeypatch.setenv("NEWSDESK_ENRICH", "0")
    run_cli("ingest", str(SEED), db=db)
    monkeypatch.delenv("NEWSDESK_ENRICH")
    assert run_cli("quotes", "--format", "jsonl", db=db).stdout == ""

    done = run_cli("enrich", db=db)
    assert "enriched 1" in done.stdout and "articles/s" in done.stdout
    assert run_cli("quotes", "--format", "jsonl", db=db).stdout.strip()
    again = run_cli("enrich", db=db)
    assert "enriched 0" in again.stdout  # nothing new to do
    redo = run_cli("enrich", "--all", db=db)
    assert "enriched 1" in redo.stdout
    rows = run_cli("quotes", "--format", "jsonl", db=db).stdout.splitlines()
    assert len(rows) == len(set(rows))  # re-running replaced, did not duplicate
