"""The logistic regression both learned tables are fitted with (training only).

The product evaluates the shipped weights with its own few lines of code; this
is the fitting side, shared by ``bench/attributions_train.py`` and
``bench/quotes_train.py``: full-batch Adam with an L2 penalty over sparse
binary features, no library beyond numpy, so a retrain needs nothing the
``bench`` extra does not have.
"""

from __future__ import annotations

from collections import Counter

import numpy as np


def fit_logistic(
    rows_f: list[list[str]],
    labels: list[int],
    *,
    min_count: int,
    l2: float,
    steps: int,
    rate: float,
    digits: int,
    min_weight: float,
    count_rows: bool = False,
) -> tuple[dict[str, float], float]:
    """``(weights, bias)`` over the features seen ``min_count``+ times.

    ``count_rows``: count a feature once per row rather than per occurrence.
    Weights under ``min_weight`` are dropped (a smaller file, the same decisions)
    and the rest rounded to ``digits``.
    """
    seen: Counter[str] = Counter()
    for feats in rows_f:
        seen.update(set(feats) if count_rows else feats)
    names = sorted(f for f, n in seen.items() if n >= min_count)
    index = {f: n for n, f in enumerate(names)}
    rows, cols = [], []
    for r, feats in enumerate(rows_f):
        for f in feats:
            if f in index:
                rows.append(r)
                cols.append(index[f])
    row, col = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    y = np.array(labels, dtype=float)
    n_rows, n_feats = len(labels), len(names)
    w, b = np.zeros(n_feats), 0.0
    m, v = np.zeros(n_feats + 1), np.zeros(n_feats + 1)
    beta1, beta2 = 0.9, 0.999
    for step in range(1, steps + 1):
        z = np.bincount(row, weights=w[col], minlength=n_rows) + b
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        g = (p - y) / n_rows
        grad = np.append(np.bincount(col, weights=g[row], minlength=n_feats) + l2 * w, g.sum())
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        delta = rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
        w -= delta[:-1]
        b -= delta[-1]
    weights = {
        f: round(float(x), digits) for f, x in zip(names, w, strict=True) if abs(x) >= min_weight
    }
    return weights, round(float(b), 3)
