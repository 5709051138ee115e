"""Story clustering on ECB+ (topics 1-35): newsdesk vs the TF-IDF baseline, one run.

    .venv/bin/python bench/stories.py [--data ../shared/bench/stories-ecbplus] [--workers 2]

Every article goes through the normal pipeline: a ``.jsonl`` with one
``{"url", "body"}`` per line (``body``: the corpus text is already the clean
article), ingested with :func:`newsdesk.pipeline.ingest_paths`, which stores
and clusters.  The number of clusters is never given.  Reported:

* B-cubed precision/recall/F1 and ARI against ``event_cluster`` (the README's
  metric), for newsdesk and for the baseline (TF-IDF with sublinear tf and
  English stop words, average-linkage cosine, distance threshold 0.85, as in
  the README), scored on the same articles;
* the same for an *incremental* run: articles in shuffled order, ingested in
  batches of 25 (each batch joins or merges stories already stored);
* "See also" precision@5 (share of returned articles of the same event) and
  "More like this" precision@5 (share of returned stories whose
  representative article is of the same topic), averaged over articles that
  got any; and coverage;
* docs/s: end-to-end ingest (extract, store, cluster) and the clustering step
  alone (:func:`cluster_articles` on already stored articles).

URLs: the corpus URL where it has one, else ``urn:ecbplus:DOC`` (no host, so
the source is unknown and each such article counts as its own source).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsdesk.pipeline import ingest_paths  # noqa: E402
from newsdesk.pipeline.stories import cluster_articles, related  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402

DATA = REPO.parent / "shared" / "bench" / "stories-ecbplus"


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    pc, gc, both = Counter(pred), Counter(gold), Counter(zip(pred, gold, strict=True))
    n = len(gold)
    p = sum(both[(a, b)] / pc[a] for a, b in zip(pred, gold, strict=True)) / n
    r = sum(both[(a, b)] / gc[b] for a, b in zip(pred, gold, strict=True)) / n
    return p, r, 2 * p * r / (p + r)


def ari(pred: list, gold: list) -> float:
    """Adjusted Rand index (Hubert & Arabie), no scikit-learn needed."""

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    n = len(gold)
    index = sum(c2(v) for v in Counter(zip(pred, gold, strict=True)).values())
    a = sum(c2(v) for v in Counter(pred).values())
    b = sum(c2(v) for v in Counter(gold).values())
    expected = a * b / c2(n)
    top = (a + b) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def scores(pred: list, gold: list) -> dict[str, float]:
    p, r, f = bcubed(pred, gold)
    return {"P": p, "R": r, "F1": f, "ARI": ari(pred, gold), "clusters": len(set(pred))}


def baseline(texts: list[str], threshold: float = 0.85) -> list[int]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return list(model.fit_predict(x.toarray()))


def write_jsonl(docs: list[dict], path: Path) -> dict[str, dict]:
    by_url = {}
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        for d in docs:
            url = d.get("url")
            if not url or url in seen:
                url = f"urn:ecbplus:{d['doc_id']}"
            seen.add(url)
            by_url[url] = d
            out.write(json.dumps({"url": url, "body": d["text"]}) + "\n")
    return by_url


def stored_clusters(db: str, by_url: dict[str, dict]) -> tuple[list, list, dict[int, dict]]:
    with open_store(db) as store:
        pred, gold, docs = [], [], {}
        for story in store.stories():
            for a in story.articles:
                pred.append(story.id)
                gold.append(by_url[a.url]["event_cluster"])
                docs[a.id] = by_url[a.url]
    return pred, gold, docs


def related_precision(db: str, docs: dict[int, dict]) -> dict[str, float]:
    see_p, more_p, see_n, more_n = [], [], 0, 0
    with open_store(db) as store:
        rep_topic = {s.id: docs[s.representative_id]["topic"] for s in store.stories()}
        for article_id, doc in docs.items():
            _sid, see, more = related(store, article_id)
            if see:
                see_n += 1
                hits = [docs[r.id]["event_cluster"] == doc["event_cluster"] for r in see[:5]]
                see_p.append(sum(hits) / len(hits))
            if more:
                more_n += 1
                hits = [rep_topic[r.id] == doc["topic"] for r in more[:5]]
                more_p.append(sum(hits) / len(hits))
    n = len(docs)
    return {
        "see_also_p5": sum(see_p) / max(len(see_p), 1),
        "see_also_coverage": see_n / n,
        "more_like_this_p5": sum(more_p) / max(len(more_p), 1),
        "more_like_this_coverage": more_n / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    docs = [json.loads(line) for line in (args.data / "docs.jsonl").open(encoding="utf-8")]
    tmp = Path(tempfile.mkdtemp(prefix="newsdesk-stories-"))
    jsonl = tmp / "ecbplus.jsonl"
    by_url = write_jsonl(docs, jsonl)
    settings = Settings.from_env(db=str(tmp / "all.db"), workers=args.workers)

    # 1. One ingest of the whole corpus: extract, store, cluster.
    t0 = time.perf_counter()
    with open_store(settings.db) as store:
        report = ingest_paths([jsonl], store, settings)
    ingest_s = time.perf_counter() - t0
    pred, gold, stored = stored_clusters(settings.db, by_url)
    ours = scores(pred, gold)
    rel = related_precision(settings.db, stored)

    # 2. The baseline on the same articles, same run.
    texts = [by_url[url]["text"] for url in by_url if by_url[url]["doc_id"]]
    gold_all = [by_url[url]["event_cluster"] for url in by_url]
    t1 = time.perf_counter()
    base = scores(baseline(texts), gold_all)
    base_s = time.perf_counter() - t1

    # 3. Incremental: shuffled order, 25 articles per ingest call.
    rng = random.Random(args.seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    inc_db = str(tmp / "incremental.db")
    inc_settings = Settings.from_env(db=inc_db, workers=1)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    with open_store(inc_db) as store:
        for start in range(0, len(order), 25):
            part = tmp / f"part{start}.jsonl"
            part.write_text("\n".join(lines[i] for i in order[start : start + 25]) + "\n")
            ingest_paths([part], store, inc_settings)
    inc = scores(*stored_clusters(inc_db, by_url)[:2])

    # 4. The clustering step alone, on stored articles (fresh story tables).
    step_db = str(tmp / "step.db")
    with open_store(step_db) as store:
        ingest_paths([jsonl], store, Settings.from_env(db=step_db, workers=args.workers))
    from sqlalchemy import text

    with open_store(step_db) as store:
        with store._writer.begin() as conn:
            for table in ["article_stories", "stories", "story_topics", "story_terms"]:
                conn.execute(text(f"DELETE FROM {table}"))
        items = [(s.id, s.article) for s in store.latest(len(docs) + 10)][::-1]
        t2 = time.perf_counter()
        for start in range(0, len(items), 100):
            cluster_articles(store, items[start : start + 100])
        step_s = time.perf_counter() - t2

    def fmt(name: str, s: dict) -> str:
        return (
            f"| {name} | {s['F1']:.3f} | {s['P']:.3f} | {s['R']:.3f} | {s['ARI']:.3f} "
            f"| {s['clusters']} |"
        )

    print(f"articles: {len(docs)}, stored {report.stored}, failed {len(report.failed)}")
    print("| run | B3 F1 | B3 P | B3 R | ARI | clusters |")
    print("|---|---|---|---|---|---|")
    print(fmt("newsdesk (one ingest)", ours))
    print(fmt("newsdesk (incremental, shuffled, 25 per ingest)", inc))
    print(fmt("baseline TF-IDF avg-link 0.85", base))
    print(
        f"See also P@5 (same event) {rel['see_also_p5']:.3f} "
        f"(coverage {rel['see_also_coverage']:.2f}); "
        f"More like this P@5 (same topic) {rel['more_like_this_p5']:.3f} "
        f"(coverage {rel['more_like_this_coverage']:.2f})"
    )
    print(
        f"docs/s: ingest end-to-end {len(docs) / ingest_s:.0f} ({args.workers} workers); "
        f"clustering step alone {len(items) / step_s:.0f} (batches of 100); "
        f"baseline clustering {len(docs) / base_s:.0f}"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
