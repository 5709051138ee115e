"""Story clustering by arrival order: the same ECB+ articles fed in batches.

    .venv/bin/python bench/stories_order.py --db ALL_DB [--runs "0/1000 1/25 2/25 3/25"]
        [--params "recheck=0.07"]

Runs the product's :func:`~newsdesk.pipeline.stories.cluster_articles` on the
stored articles (and entities) of a database ``bench/stories.py`` ingested
(its ``all.db``, copied, never written), with the story tables emptied, and
feeds them in batches: ``SEED/BATCH`` per run, seed 0 = corpus order, else a
shuffle with that seed.  Prints B-cubed F1 on all topics and on the even and
odd topics (split-half), and the number of stories.  Seconds per run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from sqlalchemy import text  # noqa: E402
from stories import DATA, scores, stored_clusters, write_jsonl  # noqa: E402

from newsdesk.connect.stories import StoryParams  # noqa: E402
from newsdesk.pipeline.stories import cluster_articles  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

STORY_TABLES = ["article_stories", "stories", "story_topics", "story_terms"]


def run(db: Path, work: Path, seed: int, batch: int, params: StoryParams, by_url: dict) -> dict:
    """One arrival order: F1 on all / even / odd topics and the number of stories."""
    copy = work / f"order_{seed}_{batch}.db"
    shutil.copy(db, copy)
    with open_store(str(copy)) as store:
        with store._writer.begin() as conn:
            for table in STORY_TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
        items = [(s.id, s.article) for s in store.latest(len(by_url) + 10)][::-1]
        if seed:
            random.Random(seed).shuffle(items)
        for start in range(0, len(items), batch):
            cluster_articles(store, items[start : start + batch], params)
    pred, gold, _ = stored_clusters(str(copy), by_url)
    copy.unlink()
    topic = {d["event_cluster"]: d["topic"] for d in by_url.values()}
    out = {"F1": scores(pred, gold)["F1"], "stories": len(set(pred))}
    for name, half in (("even", 0), ("odd", 1)):
        idx = [i for i, g in enumerate(gold) if topic[g] % 2 == half]
        out[name] = scores([pred[i] for i in idx], [gold[i] for i in idx])["F1"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--runs", default="0/1000 0/25 1/25 2/25 3/25 1/100")
    parser.add_argument("--params", default="", help='StoryParams fields, e.g. "recheck=0.06"')
    args = parser.parse_args()
    fields = dict(kv.split("=", 1) for kv in args.params.split(",") if kv.strip())
    params = StoryParams(**{k.strip(): float(v) for k, v in fields.items()})
    docs = [json.loads(line) for line in (args.data / "docs.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        by_url = write_jsonl(docs, Path(tmp) / "docs.jsonl")
        for spec in args.runs.split():
            seed, batch = (int(x) for x in spec.split("/"))
            r = run(args.db, Path(tmp), seed, batch, params, by_url)
            print(
                f"seed {seed} batch {batch}: F1 {r['F1']:.3f} "
                f"(even {r['even']:.3f} odd {r['odd']:.3f}) stories {r['stories']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
