"""The learned part of indirect attributions: which candidates are attributions.

:mod:`newsdesk.enrich.attributions` lists every possible (cue, content) pair of
an article from its parse; a logistic model learned on the PolNeAR training
split (``attribution_cues.json``, written by ``bench/attributions_train.py``)
scores each from the words and parse labels :func:`features` names.  The file
holds feature names, weights, the acceptance threshold and a list of cue words,
no text of the corpus.  Kept apart from the candidate rules so each module stays
readable on its own.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cues import CUE_WORDS
from .quotes import SUBJECT_DEPS

TABLE = Path(__file__).with_name("attribution_cues.json")


# inflectional endings, longest first: "argued", "argues", "arguing" -> "argu"
_ENDINGS = ("ing", "ed", "es", "s", "e")


def stem(word: str) -> str:
    """The word without an inflectional ending, so the forms of one verb or noun
    share their evidence: a cue seen a few times as "criticizes" borrows what
    "criticized" and "criticizing" showed (the parse the product has carries no
    lemmas, and a crude ending rule is enough for grouping forms)."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def features(cand: Any) -> list[str]:
    """What the learned weights look at: the cue word (and its stem), the content's
    shape, the subject's kind, the cue's place in the parse, what the content holds
    (names, verbs, its last word), and their combinations."""
    cue = cand.cue
    form, shape, kind = cand.form, cand.shape, cand.subject_kind
    base = shape.split("/")[0]
    dep = cue.dep_
    st = stem(form)
    out = [
        f"st={st}",
        f"stb={st}|{base}",
        f"stk={st}|{kind}",
        f"std={st}|{dep}",
        f"sts={st}|{shape}",
        f"f={form}",
        f"s={shape}",
        f"b={base}",
        f"k={kind}",
        f"d={dep}",
        f"t={cue.tag_}",
        f"fs={form}|{base}",
        f"fsl={form}|{shape}",
        f"fk={form}|{kind}",
        f"fd={form}|{dep}",
        f"sk={shape}|{kind}",
        f"sd={base}|{dep}",
        f"ts={cue.tag_}|{base}",
        f"fsk={form}|{base}|{kind}",
    ]
    if cand.end <= cue.idx:
        out.append(f"left={base}")
    if any(c.dep_ == "neg" for c in cue.children):
        out.append("neg")
    for depth, anc in enumerate(list(cue.ancestors)[:3]):
        if anc.lower_ in CUE_WORDS:
            out.append(f"under={depth}|{base}")
            break
    if dep != "ROOT":
        out.append(f"h={cue.head.lower_}|{dep}")
    if cand.subject is not None:
        out.append(f"e={cand.subject.ent_type_}|{kind}")
        if cand.subject.pos_ == "PRON":
            out.append(f"p={cand.subject.lower_}")
    first = cue.doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if first is not None and len(first):
        out.append(f"c0={first[0].lower_ if first[0].pos_ != 'PROPN' else 'NAME'}|{base}")
        n = len(first)
        size = "1" if n < 2 else "3" if n < 4 else "7" if n < 8 else "15" if n < 16 else "30"
        clause = any(t.dep_ in SUBJECT_DEPS for t in first)
        out.append(f"n={size}|{base}|{'cl' if clause else 'np'}")
        out.append(f"fcl={form}|{'cl' if clause else 'np'}")
        out.append(f"stc={st}|{'cl' if clause else 'np'}")
        names = {t.ent_type_ for t in first if t.ent_type_}
        out.append("ce=" + ("P" if "PERSON" in names else "O" if names else "-"))
        out.append("ct=" + (first[-1].lower_ if not first[-1].is_alpha else "w"))
        out.append(f"cv={min(sum(1 for t in first if t.pos_ in ('VERB', 'AUX')), 3)}")
    if kind == "noun":
        out.append(f"sw={cand.subject.lower_}")  # type: ignore[union-attr]
    for child in cue.children:
        if child.dep_ == "prt":
            out.append(f"prt={form}|{child.lower_}")
    return out


def _bucket(p: float) -> str:
    return str(min(9, int(p * 10)))


def context_features(cands: list[Any], first: list[float]) -> list[list[str]]:
    """What the second look adds to :func:`features`: how the first look scored this
    candidate and its neighbours.  A cue inside a likely content ("said he *thinks*
    ..."), a content holding a likelier cue, a rank below other cues of the
    sentence, or a likelier length of the same cue all speak against it; one
    logistic model cannot see them, as each candidate is scored alone."""
    by_sent: dict[int, list[int]] = {}
    for n, c in enumerate(cands):
        by_sent.setdefault(c.sent, []).append(n)
    best: dict[int, float] = {}
    longest: dict[int, int] = {}
    for c, p in zip(cands, first, strict=True):
        best[c.cue.i] = max(best.get(c.cue.i, 0.0), p)
        longest[c.cue.i] = max(longest.get(c.cue.i, 0), c.end)
    out = []
    for c, p in zip(cands, first, strict=True):
        base = c.shape.split("/")[0]
        b = _bucket(p)
        feats = [f"s1={b}", f"s1b={b}|{base}"]
        near = [m for s in (c.sent - 1, c.sent, c.sent + 1) for m in by_sent.get(s, ())]
        cue_i = c.cue.i
        rivals = {cands[m].cue.i for m in by_sent[c.sent] if cands[m].cue.i != cue_i}
        rank = 1 + sum(1 for r in rivals if best[r] > p)
        feats.append(f"rk={min(rank, 3)}|{base}")
        others = [m for m in near if cands[m].cue.i != cue_i]
        around = [first[m] for m in others if cands[m].start <= c.cue.idx < cands[m].end]
        if around:
            feats.append(f"in={_bucket(max(around))}|{base}")
        held = [first[m] for m in others if c.start <= cands[m].cue.idx < c.end]
        if held:
            feats.append(f"has={_bucket(max(held))}|{base}")
        same = [first[m] for m in by_sent[c.sent] if cands[m].cue.i == cue_i and cands[m] is not c]
        if same:
            length = "long" if c.end >= longest[cue_i] else "short"
            feats.append(f"var={'hi' if max(same) > p else 'lo'}|{length}")
        out.append(feats)
    return out


def _sigmoid(total: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


@dataclass
class Model:
    """Logistic weights per feature (see :func:`features`), the second look's weights
    over those features and :func:`context_features`, and the acceptance threshold,
    all learned on PolNeAR train; see the module note."""

    weights: dict[str, float]
    bias: float
    threshold: float
    cue_words: frozenset[str] = frozenset()
    context_weights: dict[str, float] | None = None
    context_bias: float = 0.0

    def first(self, feats: list[str]) -> float:
        """The first look: each candidate on its own."""
        return _sigmoid(self.bias + sum(self.weights.get(f, 0.0) for f in feats))

    def scores(self, cands: list[Any]) -> list[float]:
        """Probability that each candidate is an attribution (the second look when the
        table has one)."""
        feats = [features(c) for c in cands]
        first = [self.first(f) for f in feats]
        if self.context_weights is None:
            return first
        w = self.context_weights
        return [
            _sigmoid(self.context_bias + sum(w.get(x, 0.0) for x in f + extra))
            for f, extra in zip(feats, context_features(cands, first), strict=True)
        ]


def cue_words() -> frozenset[str]:
    """Words (as written, lower case) that were a cue often enough on train: a
    paragraph without any of them (and without quotation marks) holds hardly any
    attribution, so a parser that skips paragraphs may use this as its gate."""
    return load_model().cue_words


@lru_cache(maxsize=1)
def load_model(path: Path = TABLE) -> Model:
    """The learned model shipped with the package (feature names and weights only)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    context = data.get("context")
    return Model(
        data["weights"],
        data["bias"],
        data["threshold"],
        frozenset(data.get("cue_words", ())),
        context["weights"] if context else None,
        context["bias"] if context else 0.0,
    )
