"""The in-memory bucket index against a plain sort of the same rows."""

from __future__ import annotations

import random

import numpy as np

from newsdesk.store.copy_index import BandIndex


def _packed(keys: list[int]) -> bytes:
    return np.array(keys, dtype="<i8").tobytes()


def _expected(rows: dict[int, list[int]], asked: list[int], per_key: int) -> list[tuple]:
    pairs = sorted((k, i) for i, ks in rows.items() for k in set(ks) if k in set(asked))
    out = []
    for key in sorted(set(asked)):
        bucket = [p for p in pairs if p[0] == key]
        out += bucket[-per_key:]
    return out


def test_top_up_in_any_order_with_relinks_matches_a_sort():
    rng = random.Random(3)
    index = BandIndex()
    rows: dict[int, list[int]] = {}
    seq = 0
    for _batch in range(30):
        batch = []
        for _ in range(rng.randint(0, 20)):
            article = rng.randint(1, 200)  # ids arrive out of order, some again
            keys = [rng.randint(-5, 5) for _ in range(4)] if rng.random() > 0.1 else []
            seq += 1
            batch = [b for b in batch if b[1] != article]  # one row per article
            batch.append((seq, article, _packed(keys) if keys else None))
        for _seq, article, blob in batch:
            rows.pop(article, None)
            if blob:
                rows[article] = list(np.frombuffer(blob, dtype="<i8"))
        index.top_up(batch)
        asked = [rng.randint(-6, 6) for _ in range(5)]
        got = [tuple(r) for r in index.newest(np.array(asked), 3).tolist()]
        assert got == _expected(rows, asked, 3)
    assert index.seen_seq == seq


def test_newest_leaves_out_forgotten_articles():
    index = BandIndex()
    index.top_up([(1, 1, _packed([7])), (2, 2, _packed([7])), (3, 3, None)])
    assert index.newest(np.array([7, 7]), 5).tolist() == [[7, 1], [7, 2]]
    assert index.newest(np.array([7]), 5, without=[2]).tolist() == [[7, 1]]
    assert index.newest(np.array([8]), 5).shape == (0, 2)
