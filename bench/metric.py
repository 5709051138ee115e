"""The article-extraction benchmark's own metric, shared by the text and HTML benchmarks.

Tokens are ``\\w+`` runs (Unicode, case kept); each page is compared as multisets
of token 4-grams.  Per page, tp/fp/fn are divided by tp+fp+fn so every page
weighs the same; precision and recall are averaged over pages, then combined
into F1.  This follows ``../shared/bench/article-extraction/README.md`` (and the
upstream Zyte ``evaluate.py``): a text shorter than n tokens is one shingle of
all its tokens, and an empty text has no shingles.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[str]:
    """Multiset of token n-grams; a text of fewer than n tokens is one shingle."""
    tokens = _TOKEN.findall(text or "")
    out: Counter[str] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        gram = " ".join(tokens[i : i + n])
        if gram:
            out[gram] += 1
    return out


@dataclass(frozen=True)
class PageScore:
    """Normalised tp/fp/fn of one page (they sum to 1 unless the page is empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when the prediction is empty: such a page is left out of the mean."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp + self.fp == 0:
            return None
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """None when the truth is empty: such a page is left out of the mean."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fn)


def score(truth: str, pred: str, n: int = 4) -> PageScore:
    """Compare one page's predicted body with its true body."""
    t, p = shingles(truth, n), shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    pages: int


def aggregate(scores: list[PageScore]) -> Summary:
    """Mean precision and recall over the pages where each is defined, then F1."""
    ps = [p for s in scores if (p := s.precision) is not None]
    rs = [r for s in scores if (r := s.recall) is not None]
    precision = statistics.fmean(ps) if ps else 0.0
    recall = statistics.fmean(rs) if rs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Summary(precision, recall, f1, len(scores))
