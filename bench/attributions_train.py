"""Learn the indirect-attribution table from PolNeAR ``train/`` (never ``dev/``).

Every candidate cue of :func:`newsdesk.enrich.attributions.candidates` in a
training article is labelled an attribution when a gold Cue span holds the cue
word and the candidate's content matches that attribution's Content span (the
benchmark's rule: word sets overlapping by half the larger set).  A logistic
regression over :func:`newsdesk.enrich.attribution_model.features` (features seen
fewer than ``--min-count`` times left out) is fitted to those labels.  The
acceptance threshold is chosen on train with two-fold cross-fitting (each half
scored by the model fitted on the other half), maximising the
all-attributions F1 of the benchmark there.

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
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from logistic import fit_logistic  # noqa: E402
from quotes import DATA, Gold, Pred, Tally, load, merge_by_cue, score, words  # noqa: E402

from newsdesk.enrich import attribution_model as am  # noqa: E402
from newsdesk.enrich import attributions as attr  # noqa: E402
from newsdesk.enrich.entities import find_entities  # noqa: E402
from newsdesk.enrich.nlp import load_nlp  # noqa: E402
from newsdesk.enrich.quotes import (  # noqa: E402
    MIN_WORDS,
    _Context,
    find_quote_spans,
    find_quotes,
    word_count,
)
from newsdesk.model import Quote  # noqa: E402

L2 = 1e-4
# words that were a cue CUE_WORD_MIN+ times and in CUE_WORD_RATE+ of their
# candidates: where a paragraph may hold an attribution (see attribution_model.cue_words)
CUE_WORD_MIN = 5
CUE_WORD_RATE = 0.1
MIN_WEIGHT = 0.05  # smaller weights are dropped: a smaller file, the same decisions


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
    speakers = [attr._who(c.subject, ctx, c.cue)[0] for c in cands]
    return {
        "text": text,
        "gold": gold,
        "quotes": quotes,
        "cands": cands,
        "labels": labels,
        "speakers": speakers,
        "feats": [am.features(c) for c in cands],
    }


def fit_rows(
    rows_f: list[list[str]], labels: list[int], min_count: int, l2: float, steps: int = 300
) -> tuple[dict[str, float], float]:
    """Logistic regression (full-batch Adam, L2) over features seen ``min_count``+ times."""
    return fit_logistic(
        rows_f,
        labels,
        min_count=min_count,
        l2=l2,
        steps=steps,
        rate=0.1,
        digits=2,
        min_weight=MIN_WEIGHT,
    )


def fit_first(items: list[dict], min_count: int, l2: float) -> am.Model:
    """The first look alone: every candidate scored on its own features."""
    rows = [f for item in items for f in item["feats"]]
    labels = [int(y) for item in items for y in item["labels"]]
    return am.Model(*fit_rows(rows, labels, min_count, l2), 0.5)


def fit(items: list[dict], min_count: int, l2: float) -> am.Model:
    """Both looks.  The second look learns from first-look scores cross-fitted on
    ``items`` (each half scored by the first look fitted on the other half), so it
    sees scores as unseen articles get them, not the first look's fit to its own
    training data."""
    first = fit_first(items, min_count, l2)
    halves = [items[0::2], items[1::2]]
    inner = [fit_first(halves[1], min_count, l2), fit_first(halves[0], min_count, l2)]
    rows: list[list[str]] = []
    labels: list[int] = []
    for half, model in zip(halves, inner, strict=True):
        for item in half:
            probs = [model.first(f) for f in item["feats"]]
            extra = am.context_features(item["cands"], probs)
            rows.extend(f + x for f, x in zip(item["feats"], extra, strict=True))
            labels.extend(int(y) for y in item["labels"])
    first.context_weights, first.context_bias = fit_rows(rows, labels, min_count, l2)
    return first


def predictions(item: dict, table: am.Model) -> list[Pred]:
    """The benchmark's all-attributions predictions for one article at ``table``."""
    text = item["text"]
    speakers = {id(c): s for c, s in zip(item["cands"], item["speakers"], strict=True)}
    found = [
        Quote(
            text[c.start : c.end],
            c.start,
            c.end,
            "indirect",
            speakers[id(c)],
            None,
            c.form,
            c.cue.idx,
        )
        for c in attr.accepted(item["cands"], table, text)
    ]
    # merged as the product's output is: a quote inside an accepted content is part of it
    return merge_by_cue(text, sorted(item["quotes"] + found, key=lambda q: q.start))


def evaluate(items: list[dict], tables: list[am.Model]) -> Tally:
    total = Tally()
    for item, table in zip(items, tables, strict=True):
        total.add(score(item["gold"], predictions(item, table)))
    return total


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--docs", type=Path, default=None, help="spaCy DocBin of train/ parses")
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--out", type=Path, default=am.TABLE)
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
    cross = [fit(halves[1], args.min_count, args.l2), fit(halves[0], args.min_count, args.l2)]
    ordered = halves[0] + halves[1]
    tables = [cross[0]] * len(halves[0]) + [cross[1]] * len(halves[1])
    best = (0.0, 0.5)
    for step in range(10, 75, 5):
        threshold = step / 100
        for t in cross:
            t.threshold = threshold
        p, r, f, s = evaluate(ordered, tables).row()
        print(f"threshold {threshold:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f} speaker {s:.3f}")
        best = max(best, (f, threshold))
    final = fit(items, args.min_count, args.l2)
    by_form: Counter[str] = Counter()
    cue_by_form: Counter[str] = Counter()
    for item in items:
        for c, y in zip(item["cands"], item["labels"], strict=True):
            by_form[c.form] += 1
            cue_by_form[c.form] += int(y)
    cue_words = sorted(
        f
        for f, k in cue_by_form.items()
        if k >= CUE_WORD_MIN and k / by_form[f] >= CUE_WORD_RATE and f.isalpha()
    )
    positives = sum(sum(i["labels"]) for i in items)
    seen = sum(len(i["labels"]) for i in items)
    data_out = {
        "about": "Indirect-attribution model learned on PolNeAR train by "
        "bench/attributions_train.py: logistic weights per feature (cue words and parse "
        "labels); no corpus text.",
        "articles": len(items),
        "candidates": seen,
        "cues": positives,
        "threshold": best[1],
        "cue_words": cue_words,
        "bias": final.bias,
        "weights": final.weights,
        "context": {"bias": final.context_bias, "weights": final.context_weights},
    }
    args.out.write_text(json.dumps(data_out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(items)} articles, {seen} candidates, {positives} cues; threshold {best[1]:.2f}")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
