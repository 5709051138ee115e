"""How much the story-clustering knobs matter on ECB+, and a split-half check.

    .venv/bin/python bench/stories_knobs.py [--db ALL_DB]

ECB+ has only 35 topics, so a knob set on it may fit those topics and nothing
else.  This script shows how much each knob moves B-cubed F1, and tunes the
new knobs on the even-numbered topics and reports on the odd ones (and the
other way round), next to the old defaults on the same half.

It clusters in memory with the same functions the pipeline uses
(:func:`~newsdesk.connect.features.article_terms`, :class:`TopicIndex`,
:func:`split_topic`), on the articles and entities of a database that
``bench/stories.py`` ingested (``--db``, its ``all.db``); without ``--db`` it
ingests the corpus first (several minutes: enrichment runs).  All articles
are clustered in one batch, as in the one-ingest run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from stories import DATA, scores, write_jsonl  # noqa: E402

from newsdesk.connect import features  # noqa: E402
from newsdesk.connect.stories import Member, StoryParams, TopicIndex, split_topic  # noqa: E402
from newsdesk.pipeline import ingest_paths  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

NOW = datetime(2026, 11, 29, tzinfo=UTC)
DEFAULT = ("entities", 2.0, 0.3, 3, 0.07)  # names, date weight, split ratio, reassign, join
OLD = ("capitalised", 0.0, 0.3, 0, 0.07)


def load(db: str | None) -> tuple[list, dict[int, list[tuple[str, int]]], dict[str, dict]]:
    docs = [json.loads(line) for line in (DATA / "docs.jsonl").open(encoding="utf-8")]
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-knobs-"))
    by_url = write_jsonl(docs, tmp / "ecbplus.jsonl")
    if db is None:
        db = str(tmp / "all.db")
        with open_store(db) as store:
            ingest_paths([tmp / "ecbplus.jsonl"], store, Settings.from_env(db=db))
    with open_store(db) as store:
        items = [(s.id, s.article) for s in store.latest(len(docs) + 10)][::-1]
        named = store.story_entity_names([i for i, _ in items])
    return items, named, by_url


def cluster(items, named, knobs) -> dict[int, tuple[int, int]]:  # type: ignore[no-untyped-def]
    names, date_weight, ratio, rounds, join = knobs
    features.DATE_WEIGHT = date_weight
    counts = [
        features.article_terms(
            a.title,
            (p.text for p in a.paragraphs),
            named.get(i) if names == "entities" else None,
        )
        for i, a in items
    ]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    params = StoryParams(split_ratio=ratio, reassign_rounds=rounds, join=join)
    index = TopicIndex([], params)
    for (i, a), c in zip(items, counts, strict=True):
        vector = features.weigh(c, lambda t: df.get(t, 0), len(items))
        index.add(Member(i, vector, NOW, None, a.title or "", dated=False))
    pred = {}
    for topic in index.topics.values():
        for g, group in enumerate(split_topic(topic.new_members, params)):
            for m in group:
                pred[m.article_id] = (topic.key, g)
    return pred


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="an all.db that bench/stories.py ingested")
    args = parser.parse_args()
    items, named, by_url = load(args.db)
    gold = {i: by_url[a.url] for i, a in items}

    def f1(pred: dict, half: int | None = None) -> float:
        ids = [i for i, _ in items if half is None or gold[i]["topic"] % 2 == half]
        return scores([pred[i] for i in ids], [gold[i]["event_cluster"] for i in ids])["F1"]

    grid = list(
        itertools.product(
            ["entities", "capitalised"],
            [0.0, 1.0, 2.0, 4.0],
            [0.2, 0.25, 0.3, 0.35, 0.4],
            [0, 3],
            [0.07],
        )
    )
    grid += [("entities", 2.0, 0.3, 3, j) for j in (0.05, 0.1)]
    results = {}
    for knobs in grid:
        pred = cluster(items, named, knobs)
        results[knobs] = (f1(pred), f1(pred, 0), f1(pred, 1))
    features.DATE_WEIGHT = DEFAULT[1]

    print("| names | date weight | split ratio | reassign | join | F1 all | even topics | odd |")
    print("|---|---|---|---|---|---|---|---|")
    for knobs, (a, e, o) in sorted(results.items(), key=lambda kv: -kv[1][0]):
        mark = " (default)" if knobs == DEFAULT else " (old)" if knobs == OLD else ""
        print("| " + " | ".join(str(k) for k in knobs) + f"{mark} | {a:.3f} | {e:.3f} | {o:.3f} |")

    # Split-half: the new knobs (names, date weight, ratio, reassign; join fixed) are
    # tuned on one half; every setting that ties for best there is reported on the other.
    tuned = {k: v for k, v in results.items() if k[4] == 0.07}
    print_split_half(tuned, results[OLD], "old defaults")


def print_split_half(grid: dict, base: tuple[float, float, float], base_name: str) -> None:
    """Tune on one half of the topics, report every tie on the other: (all, even, odd) F1s."""
    for tune, report, label in [(1, 2, "even -> odd"), (2, 1, "odd -> even")]:
        best = max(v[tune] for v in grid.values())
        ties = [k for k, v in grid.items() if abs(v[tune] - best) < 1e-9]
        got = [grid[k][report] for k in ties]
        print(
            f"split-half {label}: best on tuning half {best:.3f} ({len(ties)} settings tie); "
            f"on the other half {statistics.mean(got):.3f} (min {min(got):.3f}, "
            f"max {max(got):.3f}); {base_name} there {base[report]:.3f}"
        )


if __name__ == "__main__":
    main()
