"""Copy detection as pure functions (the store side: tests/store/test_copies_store.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from support import COPY_WORDS as WORDS
from support import SHARED
from support import copy_paragraphs as text

from newsdesk.connect import copy_match
from newsdesk.connect import duplicates as dup
from newsdesk.model import CopyMember

EARLY = datetime(2023, 9, 13, tzinfo=UTC)
LATE = datetime(2024, 10, 25, tzinfo=UTC)


def member(i: int, **kw) -> CopyMember:
    return CopyMember(id=i, title=f"t{i}", **kw)


def test_copies_verified_and_different_texts_not():
    a = "\n\n".join(text(1))
    junk = "\n\n".join(text(1)[:3] + ["See also: something else entirely"] + text(1)[3:])
    truncated = "\n\n".join(text(1)[:5] + ["Read more at example.com"])
    assert dup.is_copy(a, junk) and dup.is_copy(a, truncated)
    assert not dup.is_copy(a, "\n\n".join(text(2)))


def test_short_and_empty_bodies_have_no_signature():
    assert dup.copy_signature("") is None
    assert dup.copy_signature("Subscribe to read the rest of this story.") is None
    assert not dup.is_copy("short text here", "short text here")


def test_huge_document_is_signed_quickly():
    huge = " ".join(WORDS) * 200_000  # ~38M characters
    start = time.perf_counter()
    sig = dup.copy_signature(huge)
    assert sig is not None and sig.words == dup.MAX_WORDS
    assert time.perf_counter() - start < 2.0


def test_signatures_are_stable_across_processes():
    body = "\n\n".join(text(3))
    expected = dup.copy_signature(body)
    assert expected is not None
    code = (
        "import sys; from newsdesk.connect.duplicates import copy_signature;"
        "print(copy_signature(sys.stdin.read()).bands[:4])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=body, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == str(expected.bands[:4])


def test_origin_signals_in_order():
    pointed = dup.choose_origin(
        [
            member(1, url="https://a.example/x", published_at=LATE, date_source="meta"),
            member(2, url="https://b.example/y", canonical_url="https://www.a.example/x/"),
        ]
    )
    assert pointed.original_id == 1 and "canonical link" in pointed.reason
    wire = dup.choose_origin(
        [
            member(1, url="https://paper.example/a", lead="LONDON (Reuters) — Prices rose."),
            member(2, url="https://www.reuters.com/a", lead="LONDON (Reuters) — Prices rose."),
        ]
    )
    assert wire.original_id == 2 and "REUTERS" in wire.reason
    dated = dup.choose_origin(
        [
            member(1, page_date=LATE, source_link="Source link"),
            member(2, published_at=EARLY, date_source="meta"),
        ]
    )
    assert dated.original_id == 2 and "2023-09-13" in dated.reason
    assert "#1 is a copy" in dated.reason
    undated = dup.choose_origin([member(1, words=300), member(2, words=900)])
    assert undated.original_id == 2 and "most complete" in undated.reason


def test_republished_after_days_and_stale_flag():
    original = member(2, published_at=EARLY, date_source="meta")
    assert dup.republished_after_days(member(1, page_date=LATE), original) == 408
    assert dup.republished_after_days(member(1), original) is None
    assert dup.is_stale(408) and not dup.is_stale(2) and not dup.is_stale(None)


def test_copy_diff_lists_what_changed():
    original = dup.DiffSide(title="Summit ends", paragraphs=text(4))
    edited = text(4)
    edited[2], edited[3] = edited[3], edited[2]
    edited[0] = edited[0].replace("summit", "meeting")
    copy = dup.DiffSide(
        title="WATCH: Summit ends",
        paragraphs=edited[:-1] + ["A paragraph the copy wrote itself."],
        page_lines=[
            "Menu",
            *edited[:2],
            "See also  Cats",
            *edited[2:-1],
            "A paragraph the copy wrote itself.",
            "Source link",
            "Latest",
        ],
        source_link="Source link",
    )
    diff = dup.copy_diff(copy, original)
    assert diff.title_changed == ("Summit ends", "WATCH: Summit ends")
    assert diff.paragraphs_dropped == [text(4)[-1]]
    assert diff.paragraphs_added == ["A paragraph the copy wrote itself."]
    assert diff.paragraphs_changed == [(text(4)[0], edited[0])]
    assert diff.reordered
    assert diff.junk_inserted == ["See also Cats", "Source link"]  # not "Menu" or "Latest"


@pytest.mark.skipif(not (SHARED / "bench" / "stories-ecbplus").exists(), reason="no ../shared")
def test_same_event_articles_are_mostly_not_copies():
    """ECB+: different outlets' articles on one event.  A few are one wire story
    run twice (near verbatim); the rest must stay apart."""
    path = SHARED / "bench" / "stories-ecbplus" / "docs.jsonl"
    by_event: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        row = json.loads(line)
        by_event.setdefault(row["event_cluster"], []).append(row["text"])
    pairs = copies = 0
    for texts in by_event.values():
        sh = [dup.shingles(t) for t in texts if dup.word_count(t) >= dup.MIN_WORDS]
        for i in range(len(sh)):
            for j in range(i + 1, len(sh)):
                pairs += 1
                copies += dup.similarity(sh[i], sh[j]).is_copy
    assert pairs > 1000 and copies / pairs < 0.01


def test_batch_verify_agrees_with_pairwise_similarity():
    bodies = ["\n\n".join(text(s)) for s in range(6)]
    bodies += ["\n\n".join(text(1)[:4]), "\n\n".join(text(2)[1:]), "\n\n".join(text(3)[:1])]
    sets = [dup.shingles(b) for b in bodies]
    pairs = [(i, j) for i in range(len(sets)) for j in range(len(sets)) if i != j]
    got = copy_match.verify([sets[i] for i, _ in pairs], [sets[j] for _, j in pairs])
    want = [dup.similarity(sets[i], sets[j]).is_copy for i, j in pairs]
    assert got.tolist() == want and any(want)


def test_batch_plan_finds_earlier_rows_and_exact_copies():
    bodies = ["\n\n".join(text(1)), "\n\n".join(text(2)), "\n\n".join(text(1)[1:]), "short"]
    bodies.append(bodies[0].upper())  # the same words
    sigs = [dup.copy_signature(b) for b in bodies]
    plan = copy_match.plan_batch([10, 11, 12, 13, 14], sigs, copy_match.Indexed())
    assert plan.exact == [(14, 10)]
    pairs = list(zip(plan.rows.tolist(), plan.candidates.tolist(), strict=True))
    assert (2, 10) in pairs
    assert all(c < 10 + r for r, c in pairs)  # only rows before it


def test_origin_on_one_day_with_and_without_a_time():
    """A member with a time of day and one without, on the same day: comparable."""
    timed = member(1, published_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC), date_source="meta")
    untimed = member(2, published_at=datetime(2024, 5, 1, tzinfo=UTC), date_source="meta")
    assert dup.choose_origin([untimed, timed]).original_id == 1
