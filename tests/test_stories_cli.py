"""The story commands end to end: ingest a .jsonl, then stories / related / show."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "connect"))

from stories_data import FLOOD, LONER, QUAKE, write  # noqa: E402


def test_stories_related_and_show(run_cli, tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    records += [(f"https://f{i}.example/venice", f"f{i}", t) for i, t in enumerate(FLOOD)]
    records.append(("https://bakery.example/", "bakery", LONER))
    run_cli("ingest", str(write(tmp_path / "in.jsonl", records)))

    lines = [json.loads(x) for x in run_cli("stories", "--format", "jsonl").stdout.splitlines()]
    assert all(set(line) == {"story_id", "title", "article_urls"} for line in lines)
    groups = sorted(sorted(line["article_urls"]) for line in lines)
    assert sorted(u for u, _, _ in records if "napa" in u) in groups
    assert ["https://bakery.example/"] in groups

    rows = [json.loads(x) for x in run_cli("list", "--format", "jsonl").stdout.splitlines()]
    napa = next(r["id"] for r in rows if r["url"] == "https://q0.example/napa")
    shown = json.loads(run_cli("show", str(napa), "--format", "json").stdout)
    assert isinstance(shown["story_id"], int)
    assert len(shown["see_also"]) == 4  # the other four sources of the quake story
    assert all(0 < s["score"] <= 1 and s["source"] != "q0" for s in shown["see_also"])
    assert all(m["id"] != shown["story_id"] for m in shown["more_like_this"])

    text = run_cli("related", str(napa)).stdout
    assert f"story: {shown['story_id']}" in text and "see also:" in text
    top = run_cli("stories", "--top", "--format", "jsonl").stdout.splitlines()
    assert json.loads(top[0])["story_id"] == shown["story_id"]  # 5 sources lead
    run_cli("related", "999999", check=1)
