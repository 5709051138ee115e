"""Learn the direct-quote filter from PolNeAR ``train/`` (never ``dev/``).

Every quote of 3+ words that :func:`newsdesk.enrich.quotes.quote_candidates`
finds in a training article is labelled speech when it overlaps a gold Content
span (any attribution of the annotator file): the filter learns "is this
someone's words", not the benchmark's mark pairing (a quote with a straight
opening and a curly closing mark is speech, though the README's “…” / "…"
pairing leaves it out of the direct-quote gold).  A logistic regression over
:func:`newsdesk.enrich.quote_filter.features` (features seen fewer than
``--min-count`` times left out) is fitted to those labels.  The acceptance
threshold is chosen on train by two-fold cross-fitting (each half of the
articles scored by the model fitted on the other half) against the benchmark's
direct-quote scoring (``bench/quotes.py``): the highest threshold whose
cross-fitted recall stays within ``--max-recall-loss`` of the unfiltered
recall, so the filter trades precision for as little recall as the issue allows.

The output, ``newsdesk/enrich/quote_filter.json``, holds feature names (parse
labels and a few function words) and numbers only, no text of the corpus.

Run: ``.venv/bin/python bench/quotes_train.py [--limit N] [--docs CACHE.spacy]``
(the cache of parses is written on the first run and read on later ones).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from logistic import fit_logistic  # noqa: E402
from quotes import Gold, Pred, Tally, gold_direct, load, score  # noqa: E402

from newsdesk.enrich import quote_filter as qf  # noqa: E402
from newsdesk.enrich.entities import find_entities  # noqa: E402
from newsdesk.enrich.nlp import load_nlp, parse  # noqa: E402
from newsdesk.enrich.quotes import quote_candidates, word_count  # noqa: E402

L2 = 1e-3
MIN_WEIGHT = 0.02


def article_items(text: str, gold: list[Gold], doc: object) -> dict:
    """The scored direct quotes of one article, their features and labels."""
    index = find_entities(doc)
    pairs = [
        (q, c)
        for q, c in quote_candidates(doc, text, index.canonical)
        if q.kind != "indirect" and word_count(q.text) >= 3
    ]
    preds = [Pred(q.start, q.end, q.text, q.speaker) for q, _c in pairs]
    feats = [qf.features(c, doc, text) if c is not None else [] for _q, c in pairs]
    speech = [any(s < p.end and e > p.start for g in gold for s, e in g.spans) for p in preds]
    return {"gold": gold_direct(text, gold), "preds": preds, "feats": feats, "labels": speech}


def fit(items: list[dict], min_count: int, l2: float, steps: int = 400) -> qf.Model:
    """Logistic regression (full-batch Adam, L2) over features seen ``min_count``+ times."""
    rows_f = [feats for item in items for feats in item["feats"]]
    labels = [int(y) for item in items for y in item["labels"]]
    weights, bias = fit_logistic(
        rows_f,
        labels,
        min_count=min_count,
        l2=l2,
        steps=steps,
        rate=0.05,
        digits=3,
        min_weight=MIN_WEIGHT,
        count_rows=True,
    )
    return qf.Model(weights, bias, 0.5)


def evaluate(items: list[dict], models: list[qf.Model], threshold: float) -> Tally:
    """The benchmark's direct-quote tally with the quotes each model rejects left out."""
    total = Tally()
    for item, model in zip(items, models, strict=True):
        keep = [
            p
            for p, feats in zip(item["preds"], item["feats"], strict=True)
            if not feats or model.score(feats) >= threshold
        ]
        total.add(score(item["gold"], keep))
    return total


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--docs", type=Path, default=None, help="DocBin cache of train/ parses")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--max-recall-loss", type=float, default=0.005)
    parser.add_argument("--out", type=Path, default=qf.TABLE)
    args = parser.parse_args(list(argv) if argv is not None else None)

    data = load("train", args.limit)
    nlp = load_nlp()
    from spacy.tokens import DocBin

    if args.docs is not None and args.docs.exists():
        docs = list(DocBin().from_disk(args.docs).get_docs(nlp.vocab))
    else:
        docs = list(parse(text for _n, text, _g in data))
        if args.docs is not None:
            DocBin(docs=docs, store_user_data=False).to_disk(args.docs)
    items = [
        article_items(text, gold, doc) for (_n, text, gold), doc in zip(data, docs, strict=True)
    ]
    halves = [items[0::2], items[1::2]]
    cross = [fit(halves[1], args.min_count, args.l2), fit(halves[0], args.min_count, args.l2)]
    ordered = halves[0] + halves[1]
    models = [cross[0]] * len(halves[0]) + [cross[1]] * len(halves[1])
    base = evaluate(ordered, models, 0.0)
    p0, r0, f0, _s = base.row()
    print(
        f"unfiltered: P {p0:.3f} R {r0:.3f} F1 {f0:.3f} ({base.pred} predicted, {base.gold} gold)"
    )
    chosen = 0.0
    for step in range(5, 96, 5):
        threshold = step / 100
        t = evaluate(ordered, models, threshold)
        p, r, f, _s = t.row()
        print(f"threshold {threshold:.2f}: P {p:.3f} R {r:.3f} F1 {f:.3f} ({t.pred} predicted)")
        if r >= r0 - args.max_recall_loss - 1e-9:
            chosen = threshold
    final = fit(items, args.min_count, args.l2)
    positives = sum(sum(i["labels"]) for i in items)
    seen = sum(len(i["labels"]) for i in items)
    out = {
        "about": "Direct-quote filter learned on PolNeAR train by bench/quotes_train.py: "
        "logistic weights per feature (parse labels, shapes, function words); no corpus text.",
        "articles": len(items),
        "quotes": seen,
        "speech": positives,  # overlapping a gold Content span
        "threshold": chosen,
        "bias": final.bias,
        "weights": final.weights,
    }
    args.out.write_text(
        json.dumps(out, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{len(items)} articles, {seen} quotes, {positives} speech; threshold {chosen:.2f}")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(final.weights)} weights)")


if __name__ == "__main__":
    main()
