"""Copy detection: pair precision / recall, origin accuracy, docs/s at 10k and 100k.

Builds a corpus from the texts in ``../shared/bench/``:

* every article of PolNeAR (train+dev) and the article-extraction ground truth
  is an *original*; about 60% of them get 1-3 *copies*, each with one or two
  realistic edits: boilerplate lines inserted, paragraphs dropped, paragraphs
  reordered, title rewritten, first paragraph rewritten, truncated at 40-80%
  with "Read more at ...";
* every ECB+ article goes in unchanged: articles about the same event by
  different outlets, which are *not* copies of each other;
* to reach 10k / 100k documents, more originals (and their copies) are made by
  drawing paragraphs from the pool and replacing every fourth word at random,
  so they read like news but are new texts.

Every document gets dates and source signals the way pages have them (a copy
is dated hours to ~16 months after its original, often only by its page date;
some copies carry "Source link" or a canonical link; some originals have no
date), and the original is chosen with the same ``choose_origin`` the product
uses.  Documents arrive in random order, so copies often come before their
original and the origin has to change incrementally.

Index + query is timed end to end as the product runs it: signatures in 2
worker processes (the product computes them in the extraction workers), the
exact-hash / LSH lookup, exact verification and grouping in the main process.
``--store`` also times the SQLite-backed path the pipeline uses.

Run: ``.venv/bin/python bench/copies.py [--sizes 10000 100000] [--store 10000]``.
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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from newsdesk.connect import copy_match
from newsdesk.connect import duplicates as dup
from newsdesk.model import CopyMember, CopySignature

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
SOURCE_DUPLICATES: list[list[int]] = []

JUNK_LINES = [
    "See also  {t}",
    "Advertisement",
    "Subscribe to our newsletter for the latest updates",
    "Read more: {t}",
    "Related: {t}",
    "Click here to follow us on Google News",
    "Share this article",
    "Story continues below advertisement",
]


@dataclass
class Doc:
    id: int
    family: int
    title: str
    paragraphs: list[str]
    kind: str  # real | ecb | synthetic
    is_original: bool
    member: CopyMember = field(default=None)  # type: ignore[assignment]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


# -- data -----------------------------------------------------------------


def load_texts() -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """(originals, ecb) as (title, paragraphs)."""
    originals: list[tuple[str, list[str]]] = []
    for split in ("train", "dev"):
        for path in sorted((SHARED / "quotes-polnear" / split / "text").glob("*.txt")):
            paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
            if len(paras) >= 2:
                originals.append((paras[0], paras[1:]))
    truth = json.loads((SHARED / "article-extraction" / "ground-truth.json").read_text())
    for entry in truth.values():
        paras = [p.strip() for p in entry["articleBody"].split("\n") if p.strip()]
        if paras:
            originals.append((paras[0][:80], paras))
    ecb: list[tuple[str, list[str]]] = []
    for line in (SHARED / "stories-ecbplus" / "docs.jsonl").read_text().splitlines():
        row = json.loads(line)
        paras = [p.strip() for p in row["text"].split("\n") if p.strip()]
        ecb.append((paras[0][:80], paras))
    return originals, ecb


def synthetic(rng: random.Random, pool: list[str], vocab: list[str]) -> tuple[str, list[str]]:
    """A new text: pool paragraphs with every fourth word replaced."""
    paras = []
    for _ in range(rng.randint(6, 24)):
        words = rng.choice(pool).split()
        for i in range(rng.randrange(4), len(words), 4):
            words[i] = rng.choice(vocab)
        paras.append(" ".join(words))
    return " ".join(paras[0].split()[:10]), paras


# -- edits ----------------------------------------------------------------


def edit(rng: random.Random, title: str, paras: list[str], other_title: str) -> tuple[str, list]:
    kinds = rng.sample(["junk", "drop", "reorder", "title", "lead", "truncate"], rng.choice([1, 2]))
    paras = list(paras)
    for kind in kinds:
        if kind == "junk":
            for _ in range(rng.randint(2, 4)):
                line = rng.choice(JUNK_LINES).format(t=other_title)
                paras.insert(rng.randint(1, len(paras)), line)
        elif kind == "drop" and len(paras) >= 5:
            for _ in range(rng.randint(1, 2)):
                paras.pop(rng.randrange(1, len(paras)))
        elif kind == "reorder" and len(paras) >= 4:
            i = rng.randrange(1, len(paras) - 1)
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
        elif kind == "title":
            title = rng.choice(["WATCH: ", "Analysis | ", "", "Breaking: "]) + title.upper()
        elif kind == "lead" and paras:
            words = paras[0].split()
            rng.shuffle(words)
            paras[0] = "In a development on Wednesday, " + " ".join(words[: len(words) // 2])
        elif kind == "truncate" and len(paras) >= 3:
            keep = max(2, round(len(paras) * rng.uniform(0.4, 0.8)))
            paras = paras[:keep] + [f"Read more at site{rng.randint(1, 99)}.example"]
    return title, paras


def build(size: int, seed: int = 7) -> list[Doc]:
    rng = random.Random(seed)
    originals, ecb = load_texts()
    pool = [p for _, ps in originals for p in ps if len(p.split()) >= 12]
    vocab = sorted({w for p in pool[:3000] for w in p.split()})
    docs: list[Doc] = []
    family = 0

    def add_family(title: str, paras: list[str], kind: str, copies: int) -> None:
        nonlocal family
        family += 1
        base = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(3000))
        base += timedelta(hours=rng.randrange(6, 20))
        site = f"site{family}.example"
        url = f"https://{site}/news/{family}"
        dated = rng.random() < 0.85
        docs.append(
            Doc(
                len(docs) + 1,
                family,
                title,
                paras,
                kind,
                True,
                CopyMember(
                    id=len(docs) + 1,
                    title=title,
                    url=url,
                    published_at=base if dated else None,
                    date_source="meta" if dated else "none",
                    page_date=None if dated else base,
                    words=sum(len(p.split()) for p in paras),
                ),
            )
        )
        for c in range(copies):
            other = originals[rng.randrange(len(originals))][0]
            ctitle, cparas = edit(rng, title, paras, other)
            later = timedelta(hours=rng.randint(1, 12))
            if rng.random() < 0.8:
                later += timedelta(days=rng.randint(1, 500))
            when = base + later
            credible = rng.random() < 0.5
            signal = rng.random()
            member = CopyMember(
                id=len(docs) + 1,
                title=ctitle,
                url=f"https://copy{c}-{family}.example/{rng.randrange(10**6)}",
                published_at=when if credible else None,
                date_source="meta" if credible else "none",
                page_date=when,
                source_link=url if signal < 0.15 else ("Source link" if signal < 0.3 else None),
                canonical_url=url if 0.3 <= signal < 0.4 else None,
                words=sum(len(p.split()) for p in cparas),
            )
            docs.append(Doc(len(docs) + 1, family, ctitle, cparas, kind, False, member))

    for title, paras in originals:
        add_family(title, paras, "real", rng.choice([0, 0, 1, 1, 2, 3]))
    for title, paras in ecb:
        add_family(title, paras, "ecb", 0)
    # The source data holds copies of its own (one wire story run by two
    # outlets, in PolNeAR and in ECB+): near-verbatim pairs (containment >= 0.9)
    # are one family, so finding them is not scored as an error.
    firsts = {d.family: d for d in docs if d.is_original}
    index = MemoryIndex(min_containment=0.9)
    for d in firsts.values():
        index.add(d.family, sign(d.body))
    for group in index.groups():
        for d in docs:
            if d.family in group:
                d.family = min(group)
    SOURCE_DUPLICATES[:] = index.groups()
    while len(docs) < size:
        title, paras = synthetic(rng, pool, vocab)
        add_family(title, paras, "synthetic", rng.choice([0, 0, 1, 1, 2, 3]))
    if size:
        docs = docs[:size]
    rng.shuffle(docs)
    return docs


# -- the index ------------------------------------------------------------


def sign(body: str) -> CopySignature | None:
    """Worker side: what the extraction worker sends back with the article."""
    return dup.copy_signature(body)


class MemoryIndex:
    """The store's copy index held in arrays: the algorithm without the database.

    Same steps as ``pipeline.copies.link_copy_batch`` on the store: per batch,
    the index's rows for the batch's band keys (the newest ``MAX_CANDIDATES``
    per key) and exact hashes, :func:`copy_match.plan_batch`, one vectorised
    :func:`copy_match.verify`, union-find; then the batch's rows are added.
    Band rows live in two arrays sorted by (key, id), as in the store's index.
    """

    def __init__(self, min_containment: float = dup.MIN_CONTAINMENT) -> None:
        self.min_containment = min_containment
        self.exact: dict[str, int] = {}
        self.keys = np.empty(0, dtype=np.int64)
        self.ids = np.empty(0, dtype=np.int64)
        self.shingles: dict[int, np.ndarray] = {}
        self.parent: dict[int, int] = {}
        self.verified = 0

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def add(self, doc_id: int, sig: CopySignature | None) -> None:
        self.add_batch([doc_id], [sig])

    def add_batch(self, ids: list[int], sigs: list[CopySignature | None]) -> None:
        for i in ids:
            self.parent[i] = i
        signed = [s for s in sigs if s is not None]
        keys = copy_match.band_matrix(signed).ravel()
        asked = copy_match.unique_sorted(keys)
        lo = np.searchsorted(self.keys, asked, "left")
        hi = np.searchsorted(self.keys, asked, "right")
        found = copy_match.newest_per_key(self.keys, lo, hi, copy_match.MAX_CANDIDATES)
        indexed = copy_match.Indexed(self.exact, self.keys[found], self.ids[found])
        plan = copy_match.plan_batch(ids, sigs, indexed)
        mine = {i: dup.shingle_array(s) for i, s in zip(ids, sigs, strict=True) if s}
        self.shingles.update(mine)
        ok = copy_match.verify(
            [mine[ids[r]] for r in plan.rows.tolist()],
            [self.shingles[c] for c in plan.candidates.tolist()],
            self.min_containment,
        )
        self.verified += len(ok)
        pairs = zip(plan.rows[ok].tolist(), plan.candidates[ok].tolist(), strict=True)
        edges = plan.exact + [(ids[r], c) for r, c in pairs]
        for a, b in edges:
            ra, rb = self.find(a), self.find(b)
            if ra != rb:
                self.parent[max(ra, rb)] = min(ra, rb)
        for i, s in zip(ids, sigs, strict=True):
            if s is not None:
                self.exact.setdefault(s.text_hash, i)
        owners = np.repeat([i for i, s in zip(ids, sigs, strict=True) if s], dup.BANDS)
        order = np.lexsort((owners, keys))
        at = np.searchsorted(self.keys, keys[order], "right")
        self.keys = np.insert(self.keys, at, keys[order])
        self.ids = np.insert(self.ids, at, owners[order])

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return [g for g in out.values() if len(g) > 1]


BATCH = 1000  # articles per in-memory index batch (``pipeline.COPY_BATCH`` is 5,000)


def run_index(docs: list[Doc], workers: int) -> tuple[MemoryIndex, float]:
    index = MemoryIndex()
    start = time.perf_counter()
    bodies = (d.body for d in docs)
    ids: list[int] = []
    sigs: list[CopySignature | None] = []
    with Pool(workers) as pool:
        for doc, sig in zip(docs, pool.imap(sign, bodies, chunksize=64), strict=True):
            ids.append(doc.id)
            sigs.append(sig)
            if len(ids) >= BATCH:
                index.add_batch(ids, sigs)
                ids, sigs = [], []
    if ids:
        index.add_batch(ids, sigs)
    return index, time.perf_counter() - start


# -- scoring --------------------------------------------------------------


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(docs: list[Doc], groups: Iterable[list[int]]) -> dict[str, float]:
    by_id = {d.id: d for d in docs}
    families = Counter(d.family for d in docs)
    gold = sum(pairs(n) for n in families.values())
    predicted = tp = 0
    right = total_origin = 0
    grouped_original: dict[int, list[int]] = {}
    for group in groups:
        predicted += pairs(len(group))
        tp += sum(pairs(n) for n in Counter(by_id[i].family for i in group).values())
        for i in group:
            if by_id[i].is_original:
                grouped_original[i] = group
    for d in docs:
        if d.is_original and families[d.family] > 1:
            total_origin += 1
            group = grouped_original.get(d.id)
            if group is not None:
                chosen = dup.choose_origin([by_id[i].member for i in group]).original_id
                right += chosen == d.id
    return {
        "precision": tp / predicted if predicted else 1.0,
        "recall": tp / gold if gold else 1.0,
        "origin_accuracy": right / total_origin if total_origin else 1.0,
        "gold_pairs": gold,
        "predicted_pairs": predicted,
    }


def errors(docs: list[Doc], groups: list[list[int]], limit: int = 5) -> None:
    """Print a few false merges for inspection."""
    by_id = {d.id: d for d in docs}
    shown = 0
    for group in groups:
        fams = Counter(by_id[i].family for i in group)
        if len(fams) > 1 and shown < limit:
            shown += 1
            a, b = (next(i for i in group if by_id[i].family == f) for f in list(fams)[:2])
            sim = dup.similarity(dup.shingles(by_id[a].body), dup.shingles(by_id[b].body))
            print(f"  false merge {by_id[a].kind}/{by_id[b].kind}: {sim}", file=sys.stderr)
            print(f"    {by_id[a].body[:150]!r}\n    {by_id[b].body[:150]!r}", file=sys.stderr)


def datasketch_speed(docs: list[Doc], n: int = 300) -> tuple[float, float] | None:
    """Median µs per document for datasketch's MinHash vs ours, same shingles."""
    try:
        from datasketch import MinHash
    except ImportError:
        return None
    sample = [d.body for d in docs[:n]]
    start = time.perf_counter()
    for body in sample:
        words = body.lower().split()
        m = MinHash(num_perm=dup.NUM_PERM)
        m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)])
    theirs = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for body in sample:
        dup.copy_signature(body)
    ours = (time.perf_counter() - start) / n * 1e6
    return theirs, ours


def run_store(docs: list[Doc], url: str | None = None) -> tuple[float, dict[str, float]]:
    """The store-backed path ``ingest`` runs: signatures in 2 workers, then
    ``link_copy_batch`` per ``COPY_BATCH`` articles (one transaction each).
    The articles are stored first (untimed: that is the article store, not copy
    detection).  Returns the seconds and the quality of the groups the store holds."""
    from newsdesk.model import Article, Document, Paragraph
    from newsdesk.pipeline import COPY_BATCH
    from newsdesk.pipeline.copies import CopyItem, link_copy_batch
    from newsdesk.store import open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(url or str(Path(tmp) / "c.db")) as store:
        items = []
        for d in docs:
            article = Article(
                url=d.member.url,
                title=d.title,
                paragraphs=[Paragraph(p) for p in d.paragraphs],
                published_at=d.member.published_at,
                date_source=d.member.date_source,  # type: ignore[arg-type]
                page_date=d.member.page_date,
                source_link=d.member.source_link,
                canonical_url=d.member.canonical_url,
            )
            items.append(
                (article, Document(location=f"doc{d.id}", content=d.body, content_type="text"))
            )
        for start in range(0, len(items), 5000):
            store.add_articles_bulk(items[start : start + 5000])
        assert store.count_articles() == len(docs), "--store needs an empty database"
        ids = list(range(1, len(docs) + 1))  # a fresh database numbers them in order
        start = time.perf_counter()
        batch: list[CopyItem] = []
        with Pool(2) as pool:
            sigs = pool.imap(dup.copy_signature, (d.body for d in docs), chunksize=64)
            for article_id, sig in zip(ids, sigs, strict=True):
                batch.append(CopyItem(article_id, sig))
                if len(batch) >= COPY_BATCH:
                    link_copy_batch(store, batch)
                    batch = []
        if batch:
            link_copy_batch(store, batch)
        seconds = time.perf_counter() - start
        to_doc = {article_id: d.id for article_id, d in zip(ids, docs, strict=True)}
        groups = [[to_doc[m.id] for m in g.members] for g in store.copy_groups()]
        return seconds, score(docs, groups)


def real_texts(workers: int) -> None:
    """Quality on the real texts alone, and datasketch's MinHash speed against ours."""
    real = [d for d in build(0) if d.kind != "synthetic"]
    print(f"\nSource texts that are copies of each other: {len(SOURCE_DUPLICATES)} groups")
    index, _ = run_index(real, workers)
    s = score(real, index.groups())
    ecb = [d for d in real if d.kind == "ecb"]
    ecb_grouped = sum(1 for g in index.groups() for i in g if i in {d.id for d in ecb})
    print(
        f"\nReal texts only ({len(real)} docs, {sum(d.kind == 'ecb' for d in real)} ECB+): "
        f"precision {s['precision']:.4f}, recall {s['recall']:.4f}, "
        f"origin accuracy {s['origin_accuracy']:.4f}; ECB+ articles put in a group: {ecb_grouped}"
    )
    speed = datasketch_speed(real)
    if speed:
        print(f"MinHash per document: datasketch {speed[0]:.0f} µs, newsdesk {speed[1]:.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", type=int, nargs="*", default=[], help="also time the store")
    parser.add_argument("--store-url", default=None, help="database for --store (default SQLite)")
    parser.add_argument("--skip-real", action="store_true", help="no real-texts / datasketch run")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > args.workers:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.workers]))

    print(f"# {datetime.now(UTC).date()} · {platform.processor() or platform.machine()}")
    print(f"# cores used: {len(os.sched_getaffinity(0))}, python {platform.python_version()}")
    print("| documents | precision | recall | origin accuracy | docs/s | verified/doc |")
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        docs = build(size)
        index, seconds = run_index(docs, args.workers)
        groups = index.groups()
        s = score(docs, groups)
        print(
            f"| {len(docs):,} | {s['precision']:.4f} | {s['recall']:.4f} "
            f"| {s['origin_accuracy']:.4f} | {len(docs) / seconds:,.0f} "
            f"| {index.verified / len(docs):.2f} |"
        )
        errors(docs, groups)
        sys.stdout.flush()
    if not args.skip_real:
        real_texts(args.workers)
    for size in args.store:
        docs = build(size)
        seconds, s = run_store(docs, args.store_url)
        print(
            f"Store path ({args.store_url.split(':')[0] if args.store_url else 'sqlite'}), "
            f"{len(docs):,} docs: {len(docs) / seconds:,.0f} docs/s; precision "
            f"{s['precision']:.4f}, recall {s['recall']:.4f}, origin accuracy "
            f"{s['origin_accuracy']:.4f}"
        )


if __name__ == "__main__":
    main()
