"""Learn the indirect-attribution table from PolNeAR ``train/`` (never ``dev/``).

Every candidate cue of :func:`newsdesk.enrich.attributions.candidates` in a
training article is labelled an attribution when a gold Cue span holds the cue
word and the candidate's content matches that attribution's Content span (the
benchmark's rule: word sets overlapping by half the larger set).  The table
counts, per (word, content shape, subject kind) and two coarser keys, how often
a candidate was seen and how often it was a cue; keys seen fewer than
``--min-count`` times are left out.  The acceptance threshold is chosen on
train with two-fold cross-fitting (each half scored by the table of the other
half), maximising the all-attributions F1 of the benchmark there.

The output, ``newsdesk/enrich/attribution_cues.json``, holds words and
counts only, no text of the corpus (PolNeAR is for evaluation and training
only; it is never copied into the project).

Run: ``.venv/bin/python bench/attributions_train.py [--limit N] [--docs CACHE.spacy]``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from quotes import DATA, Gold, Pred, Tally, load, score, words  # noqa: E402

from newsdesk.enrich import attributions as attr  # noqa: E402
from newsdesk.enrich.entities import find_entities  # noqa: E402
from newsdesk.enrich.nlp import load_nlp  # noqa: E402
from newsdesk.enrich.quotes import (  # noqa: E402
    MIN_WORDS,
    _Context,
    _speaker,
    find_quote_spans,
    find_quotes,
    paragraph_spans,
    word_count,
)

STRENGTH = 5.0
Counts = dict[str, list[int]]


def cue_spans(path: Path) -> list[list[tuple[int, int]]]:
    """Cue pieces of each attribution, in the order ``read_ann`` gives Content."""
    spans: dict[str, list[tuple[int, int]]] = {}
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if re.match(r"T\d+\t", line):
            tid, info = line.split("\t")[:2]
            offsets = info.split(" ", 1)[1]
            spans[tid] = [tuple(map(int, p.split())) for p in offsets.split(";")]  # type: ignore[misc]
    for line in lines:
        if re.match(r"E\d+\t", line):
            ev = dict(a.split(":", 1) for a in line.split("\t", 1)[1].split())
            if ev.get("Content") in spans:
                out.append(spans.get(ev.get("Cue", ""), []))
    return out


def article_items(name: str, text: str, gold: list[Gold], doc: object) -> dict:
    """Direct quotes, candidates and their labels for one training article."""
    anns = sorted((DATA / "train" / "attributions").glob(name + "_*.ann"))
    cues = cue_spans(anns[0]) if anns else []
    index = find_entities(doc)
    quotes = find_quotes(doc, text, index.canonical)
    spans = [q for q in find_quote_spans(text) if word_count(text[q.start : q.end]) >= MIN_WORDS]
    ctx = _Context(doc, text, spans, index.canonical)
    cands = attr.candidates(ctx, quotes)
    labels = []
    for c in cands:
        cw = words(text[c.start : c.end])
        hit = False
        for g, pieces in zip(gold, cues, strict=False):
            if not any(s <= c.cue.idx < e for s, e in pieces):
                continue
            gw = words(g.text)
            if len(gw & cw) >= max(len(gw), len(cw)) / 2:
                hit = True
                break
        labels.append(hit)
    speakers = [_speaker(c.subject, ctx)[0] if c.subject is not None else None for c in cands]
    return {
        "text": text,
        "gold": gold,
        "quotes": quotes,
        "cands": cands,
        "labels": labels,
        "speakers": speakers,
    }


def keys(c: attr.Candidate) -> tuple[str, str, str]:
    return (
        f"{c.form}|{c.shape}|{c.subject_kind}",
        f"{c.form}|{c.shape}",
        f"{c.shape}|{c.subject_kind}",
    )


def count(items: Iterable[dict]) -> tuple[Counts, Counts, Counts]:
    full: Counts = defaultdict(lambda: [0, 0])
    form: Counts = defaultdict(lambda: [0, 0])
    shape: Counts = defaultdict(lambda: [0, 0])
    for item in items:
        for c, y in zip(item["cands"], item["labels"], strict=True):
            for table, key in zip((full, form, shape), keys(c), strict=True):
                table[key][0] += 1
                table[key][1] += int(y)
    return full, form, shape


def prune(table: Counts, min_count: int) -> dict[str, list[int]]:
    return {k: v for k, v in sorted(table.items()) if v[0] >= min_count}


def predictions(item: dict, table: attr.Table) -> list[Pred]:
    """The benchmark's all-attributions predictions for one article at ``table``."""
    text = item["text"]
    paragraphs = paragraph_spans(text)
    merged: dict[object, Pred] = {}
    for n, q in enumerate(item["quotes"]):
        para = next(i for i, (s, e) in enumerate(paragraphs) if s <= q.start <= e)
        key: object = (para, q.cue, q.speaker) if q.cue else n
        if key in merged:
            m = merged[key]
            m.start, m.end = min(m.start, q.start), max(m.end, q.end)
            m.text = text[m.start : m.end]
        else:
            merged[key] = Pred(q.start, q.end, q.text, q.speaker)
    out = list(merged.values())
    for c, speaker in zip(item["cands"], item["speakers"], strict=True):
        if table.score(c) >= table.threshold:
            out.append(Pred(c.start, c.end, text[c.start : c.end], speaker))
    return out


def evaluate(items: list[dict], tables: list[attr.Table]) -> Tally:
    total = Tally()
    for item, table in zip(items, tables, strict=True):
        total.add(score(item["gold"], predictions(item, table)))
    return total


def make_table(items: list[dict], min_count: int, threshold: float) -> attr.Table:
    full, form, shape = count(items)
    return attr.Table(
        prune(full, min_count), prune(form, min_count), prune(shape, 1), STRENGTH, threshold
    )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--docs", type=Path, default=None, help="spaCy DocBin of train/ parses")
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--out", type=Path, default=attr.TABLE)
    args = parser.parse_args(list(argv) if argv is not None else None)

    data = load("train", args.limit)
    nlp = load_nlp()
    if args.docs is not None:
        from spacy.tokens import DocBin

        docs: Iterable[object] = DocBin().from_disk(args.docs).get_docs(nlp.vocab)
    else:
        docs = nlp.pipe(text for _n, text, _g in data)
    items = [
        article_items(name, text, gold, doc)
        for (name, text, gold), doc in zip(data, docs, strict=False)
    ]
    halves = [items[0::2], items[1::2]]
    cross = [make_table(halves[1], args.min_count, 0.0), make_table(halves[0], args.min_count, 0.0)]
    ordered = halves[0] + halves[1]
    best = (0.0, 0.5)
    for step in range(10, 75, 5):
        threshold = step / 100
        for t in cross:
            t.threshold = threshold
        tables = [cross[0]] * len(halves[0]) + [cross[1]] * len(halves[1])
        p, r, f, s = evaluate(ordered, tables).row()
        print(f"threshold {threshold:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f} speaker {s:.3f}")
        best = max(best, (f, threshold))
    final = make_table(items, args.min_count, best[1])
    positives = sum(sum(i["labels"]) for i in items)
    seen = sum(len(i["labels"]) for i in items)
    data_out = {
        "about": "Indirect-attribution cue table learned on PolNeAR train by "
        "bench/attributions_train.py: per key [candidates seen, of them cues]; words and "
        "counts only, no corpus text.",
        "articles": len(items),
        "candidates": seen,
        "cues": positives,
        "strength": STRENGTH,
        "threshold": best[1],
        "full": final.full,
        "form": final.form,
        "shape": final.shape,
    }
    args.out.write_text(json.dumps(data_out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(items)} articles, {seen} candidates, {positives} cues; threshold {best[1]:.2f}")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
