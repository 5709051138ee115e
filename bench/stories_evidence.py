"""When to split a topic: the feature-evidence rule on ECB+, its knobs and a split-half check.

    .venv/bin/python bench/stories_evidence.py --db ALL_DB

A topic is split when its best bisection is clearly less similar between
than within its halves (``split_ratio``) *or* when features back it
(:func:`~newsdesk.connect.stories.split_evidence`: features on a much larger
share of one half, hypergeometric p < ``evidence_p``, at least
``evidence_features`` of them); a cut whose side is under ``min_side``
articles is redone without those outliers (up to ``outliers`` of the
group).  This script clusters in memory with the product functions, on the
articles and entities of a database ``bench/stories.py`` ingested (its
``all.db``), all articles in one batch; topics are built once (they do not
depend on these knobs), then split with each setting.  It prints B-cubed F1
on all topics and on the even / odd ones, which topics a setting changes
against the old rule, and a split-half check: the knobs tuned on one half
and reported on the other, next to the old rule there.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from stories import bcubed  # noqa: E402
from stories_knobs import NOW, load, print_split_half  # noqa: E402

from newsdesk.connect import features  # noqa: E402
from newsdesk.connect.stories import Member, StoryParams, TopicIndex, split_topic  # noqa: E402

OLD = StoryParams(min_side=2, evidence_p=0.0)  # the rule before: ratio only, no outlier cut


def topics(items, named) -> list[list[Member]]:  # type: ignore[no-untyped-def]
    counts = [
        features.article_terms(a.title, (p.text for p in a.paragraphs), named.get(i))
        for i, a in items
    ]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    index = TopicIndex([], StoryParams())
    for (i, a), c in zip(items, counts, strict=True):
        vector = features.weigh(c, lambda t: df.get(t, 0), len(items))
        index.add(Member(i, vector, NOW, None, a.title or "", dated=False))
    return [t.new_members for t in index.topics.values()]


def split_all(groups: list[list[Member]], params: StoryParams) -> dict[int, tuple[int, int]]:
    pred = {}
    for t, members in enumerate(groups):
        for g, story in enumerate(split_topic(members, params)):
            for m in story:
                pred[m.article_id] = (t, g)
    return pred


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="an all.db that bench/stories.py ingested")
    args = parser.parse_args()
    items, named, by_url = load(args.db)
    gold = {i: by_url[a.url] for i, a in items}
    groups = topics(items, named)

    def f1(pred: dict, half: int | None = None) -> float:
        ids = [i for i, _ in items if half is None or gold[i]["topic"] % 2 == half]
        return bcubed([pred[i] for i in ids], [gold[i]["event_cluster"] for i in ids])[2]

    def run(params: StoryParams) -> tuple[float, float, float]:
        pred = split_all(groups, params)
        return f1(pred), f1(pred, 0), f1(pred, 1)

    default = StoryParams()
    rows = [("old rule (ratio only, min_side 2)", OLD), ("**default**", default)]
    rows += [(f"evidence_p {p:g}", replace(default, evidence_p=p)) for p in (1e-3, 1e-5)]
    rows += [(f"evidence_features {k}", replace(default, evidence_features=k)) for k in (1, 3)]
    rows += [(f"evidence_gap {g}", replace(default, evidence_gap=g)) for g in (0.0, 0.8)]
    rows += [(f"min_side {s}", replace(default, min_side=s)) for s in (2, 4)]
    rows += [(f"outliers {o}", replace(default, outliers=o)) for o in (0.0, 0.3)]
    rows += [(f"split_ratio {r}", replace(default, split_ratio=r)) for r in (0.2, 0.35)]
    rows += [("split_ratio 0 (evidence alone)", replace(default, split_ratio=0.0))]
    rows += [("evidence off, min_side 3", replace(default, evidence_p=0.0))]
    print("| setting | F1 all | even topics | odd |")
    print("|---|---|---|---|")
    for label, params in rows:
        a, e, o = run(params)
        print(f"| {label} | {a:.3f} | {e:.3f} | {o:.3f} |")

    old, new = split_all(groups, OLD), split_all(groups, default)
    print("\nTopics the default changes (B-cubed F1 within the topic, old -> new):")
    for members in groups:
        ids = [m.article_id for m in members]
        g = [gold[i]["event_cluster"] for i in ids]
        before = bcubed([old[i] for i in ids], g)[2]
        after = bcubed([new[i] for i in ids], g)[2]
        if abs(before - after) > 1e-9:
            topic = sorted({gold[i]["topic"] for i in ids})
            print(f"  ECB+ topic {topic}: {before:.3f} -> {after:.3f} ({len(ids)} articles)")

    # Split-half: the rule's knobs tuned on one half, every tie reported on the other.
    grid = {
        (p, k, s): run(replace(default, evidence_p=p, evidence_features=k, min_side=s))
        for p, k, s in itertools.product((1e-3, 3e-4, 1e-4, 3e-5, 1e-5), (1, 2, 3), (2, 3, 4))
    }
    print_split_half(grid, run(OLD), "old rule")


if __name__ == "__main__":
    main()
