"""Copy matching for a batch of articles at once: candidates, votes, verification.

Pure numpy over arrays, no SQL: the store hands over what its index holds for
the batch's keys (:class:`Indexed`), :func:`plan_batch` picks the candidates,
the caller fetches the shingles it lacks and :func:`verify` checks every pair
in one vectorised pass.  The per-article version spent most of its time in
Python loops over 32 bands and one ``intersect1d`` per pair; here a batch of
a thousand articles costs a handful of array operations.

The rules are those of the sequential index, so the groups come out the same
whichever way articles arrive: an article with the exact words of an indexed
one is its copy (no LSH needed); otherwise the articles sharing the most LSH
buckets with it (at most ``MAX_CANDIDATES``, the newest per bucket) are
verified by shingle containment.  Within a batch an article is matched against
the rows before it, as if they had been indexed one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import CopySignature
from .duplicates import BANDS, MIN_CONTAINMENT, MIN_SIZE_RATIO

MAX_CANDIDATES = 50  # verified per new article, and kept per bucket (the newest)


@dataclass
class Indexed:
    """What an index holds for one batch's signatures.

    ``keys`` / ``ids`` are the indexed ``(band key, article id)`` rows whose key
    one of the batch's signatures has, sorted by key then id, at most
    ``MAX_CANDIDATES`` (the newest) per key; ``exact`` maps a text hash to an
    indexed article with exactly those words.
    """

    exact: dict[str, int] = field(default_factory=dict)
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    ids: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


@dataclass
class Plan:
    """What a batch needs checked: settled exact copies and LSH pairs to verify."""

    exact: list[tuple[int, int]]  # (article, copy): same words, no verification needed
    rows: np.ndarray  # batch row of each candidate pair
    candidates: np.ndarray  # article id of each candidate pair


def band_matrix(signatures: Sequence[CopySignature]) -> np.ndarray:
    """``(len, BANDS)`` int64 band keys."""
    if not signatures:
        return np.empty((0, BANDS), dtype=np.int64)
    return np.array([s.bands for s in signatures], dtype=np.int64).reshape(-1, BANDS)


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + count)`` for every pair, without a loop."""
    total = int(counts.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - offsets)


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (``np.unique`` without its hashing pass)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def newest_per_key(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the last ``limit`` rows of each ``[lo, hi)`` range (a bucket)."""
    start = np.maximum(lo, hi - limit)
    return _expand(start, hi - start)


def plan_batch(
    ids: Sequence[int],
    signatures: Sequence[CopySignature | None],
    indexed: Indexed,
    limit: int = MAX_CANDIDATES,
) -> Plan:
    """Candidates for every signed row of a batch, against the index and earlier rows."""
    exact: list[tuple[int, int]] = []
    known = dict(indexed.exact)
    signed: list[int] = []  # rows with a signature (their bands go in the index)
    query: list[bool] = []  # ... of which these look for LSH candidates
    for row, (article_id, sig) in enumerate(zip(ids, signatures, strict=True)):
        if sig is None:
            continue
        signed.append(row)
        other = known.setdefault(sig.text_hash, article_id)
        if other != article_id:
            exact.append((article_id, other))
        query.append(other == article_id)
    if not signed:
        return Plan(exact, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    id_of = np.asarray(ids, dtype=np.int64)
    rows_signed = np.asarray(signed, dtype=np.int64)
    keys = band_matrix([signatures[r] for r in signed])  # type: ignore[misc]
    asks = np.asarray(query, dtype=bool)
    q_rows = np.repeat(rows_signed[asks], BANDS)
    q_keys = keys[asks].ravel()

    # Indexed rows sharing a key (the store already kept the newest per key).
    lo = np.searchsorted(indexed.keys, q_keys, "left")
    hi = np.searchsorted(indexed.keys, q_keys, "right")
    hits = hi > lo
    found = newest_per_key(indexed.keys, lo[hits], hi[hits], limit)
    pair_rows = [np.repeat(q_rows[hits], (hi - np.maximum(lo, hi - limit))[hits])]
    pair_ids = [indexed.ids[found]]

    # Earlier rows of this batch sharing a key: sort (key, row), look back in the run.
    all_keys = keys.ravel()
    all_rows = np.repeat(rows_signed, BANDS)
    order = np.lexsort((all_rows, all_keys))
    k_sorted, r_sorted = all_keys[order], all_rows[order]
    run_start = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
    run_of = np.repeat(run_start, np.diff(np.r_[run_start, len(k_sorted)]))
    rank = np.arange(len(k_sorted)) - run_of
    is_query = np.zeros(len(ids), dtype=bool)
    is_query[rows_signed[asks]] = True
    back = np.where(is_query[r_sorted], np.minimum(rank, limit), 0)
    if back.any():
        pos = _expand(np.arange(len(k_sorted)) - back, back)
        pair_rows.append(np.repeat(r_sorted, back))
        pair_ids.append(id_of[r_sorted[pos]])

    rows = np.concatenate(pair_rows)
    cands = np.concatenate(pair_ids)
    keep = cands != id_of[rows]
    if not keep.any():
        return Plan(exact, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    code = (rows[keep] << 32) | cands[keep]
    code.sort()
    first = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    votes = np.diff(np.r_[first, len(code)])
    code = code[first]
    rows, cands = code >> 32, code & 0xFFFFFFFF
    # Most shared buckets first, then the newest; at most ``limit`` per row.
    order = np.lexsort((-cands, -votes, rows))
    rows, cands = rows[order], cands[order]
    first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    top = rank < limit
    return Plan(exact, rows[top], cands[top])


def verify(
    left: Sequence[np.ndarray],
    right: Sequence[np.ndarray],
    min_containment: float = MIN_CONTAINMENT,
) -> np.ndarray:
    """For each pair of sorted unique shingle sets: is it a verified copy?

    Containment (shared over the smaller set) at least ``min_containment`` and
    the smaller set at least ``MIN_SIZE_RATIO`` of the larger, as
    :attr:`~newsdesk.connect.duplicates.Similarity.is_copy`; all pairs in one
    sort: each value tagged with its pair number, so equal neighbours are the
    shared shingles of that pair.
    """
    n = len(left)
    if not n:
        return np.zeros(0, dtype=bool)
    la = np.fromiter((len(a) for a in left), dtype=np.int64, count=n)
    lb = np.fromiter((len(b) for b in right), dtype=np.int64, count=n)
    tags = np.arange(n, dtype=np.uint64) << np.uint64(32)
    codes = np.concatenate(
        [
            np.repeat(tags, la) | np.concatenate(left).astype(np.uint64),
            np.repeat(tags, lb) | np.concatenate(right).astype(np.uint64),
        ]
    )
    codes.sort()
    same = codes[1:] == codes[:-1]
    shared = np.bincount((codes[1:][same] >> np.uint64(32)).astype(np.int64), minlength=n)
    small = np.minimum(la, lb)
    large = np.maximum(la, lb)
    with np.errstate(divide="ignore", invalid="ignore"):
        containment = np.where(small > 0, shared / np.maximum(small, 1), 0.0)
        ratio = np.where(large > 0, small / np.maximum(large, 1), 0.0)
    return (containment >= min_containment) & (ratio >= MIN_SIZE_RATIO) & (small > 0)
