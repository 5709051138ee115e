"""The LSH bucket index held in memory: derived data, rebuilt from signature rows.

Writing 32 bucket rows per article and looking them up with ``IN`` queries
cost more than everything else copy linking does (the B-tree grows by 32
random keys per article).  The buckets are derived from the stored bands, so
each store object keeps them here instead: ``(key, article id)`` pairs in two
arrays sorted by key then id, built from ``copy_signatures`` the first time and
topped up at every batch with the rows whose ``seq`` is past the last one seen
(rows other processes committed included: ``seq`` is handed out under the
write lock, so it grows in commit order).  Only committed rows ever enter it,
so a rolled-back batch leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class BandIndex:
    """Sorted ``(band key, article id)`` pairs and the last ``seq`` read."""

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.int64)
        self.ids = np.empty(0, dtype=np.int64)
        self.seen_seq = 0
        self.members: set[int] = set()  # articles with rows here

    def top_up(self, rows: Iterable[tuple[int, int, bytes | None]]) -> None:
        """Add ``(seq, article id, packed bands)`` rows newer than ``seen_seq``.

        An article seen again was re-linked (its old row deleted, a new one
        written): its old pairs go first.
        """
        new_ids: list[int] = []
        blobs: list[bytes] = []
        owners: list[int] = []
        for seq, article_id, bands in rows:
            self.seen_seq = max(self.seen_seq, int(seq))
            new_ids.append(int(article_id))
            if bands:
                blobs.append(bands)
                owners.append(int(article_id))
        if not new_ids:
            return
        again = [i for i in new_ids if i in self.members]
        if again:
            self.drop(again)
        self.members.update(owners)
        if not blobs:
            return
        keys = np.frombuffer(b"".join(blobs), dtype="<i8").astype(np.int64)
        counts = np.array([len(b) // 8 for b in blobs], dtype=np.int64)
        ids = np.repeat(np.array(owners, dtype=np.int64), counts)
        order = np.lexsort((ids, keys))
        keys, ids = keys[order], ids[order]
        once = np.r_[True, (keys[1:] != keys[:-1]) | (ids[1:] != ids[:-1])]  # a pair once
        self._insert(keys[once], ids[once])

    def _insert(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Merge pairs sorted by (key, id) into the sorted arrays."""
        if not len(self.keys):
            self.keys, self.ids = keys, ids
            return
        at = np.searchsorted(self.keys, keys, "right")
        # Usually a new article is the newest of its buckets (``right`` is its
        # place); an older id arriving late goes before the newer ones.
        prev = np.maximum(at - 1, 0)
        late = np.flatnonzero((at > 0) & (self.keys[prev] == keys) & (self.ids[prev] > ids))
        for j in late.tolist():
            b = int(at[j])
            a = int(np.searchsorted(self.keys[:b], keys[j], "left"))
            at[j] = a + int(np.searchsorted(self.ids[a:b], ids[j]))
        self.keys = np.insert(self.keys, at, keys)
        self.ids = np.insert(self.ids, at, ids)

    def drop(self, article_ids: list[int]) -> None:
        keep = ~np.isin(self.ids, np.asarray(article_ids, dtype=np.int64))
        self.keys, self.ids = self.keys[keep], self.ids[keep]
        self.members.difference_update(article_ids)

    def newest(self, asked: np.ndarray, per_key: int, without: Iterable[int] = ()) -> np.ndarray:
        """``(n, 2)`` ``(key, id)`` rows for the ``asked`` keys, the newest
        ``per_key`` of each bucket, sorted by key then id; ``without``: ids to
        leave out (articles being re-linked, whose rows are gone)."""
        keys, ids = self.keys, self.ids
        gone = list(without)
        if gone:
            keep = ~np.isin(ids, np.asarray(gone, dtype=np.int64))
            keys, ids = keys[keep], ids[keep]
        asked = np.sort(np.asarray(asked, dtype=np.int64))  # distinct: sort, not np.unique's hash
        asked = asked[np.r_[True, asked[1:] != asked[:-1]]] if len(asked) else asked
        lo = np.searchsorted(keys, asked, "left")
        hi = np.searchsorted(keys, asked, "right")
        start = np.maximum(lo, hi - per_key)
        counts = hi - start
        total = int(counts.sum())
        if not total:
            return np.empty((0, 2), dtype=np.int64)
        offsets = np.repeat(np.cumsum(counts) - counts, counts)
        pos = np.repeat(start, counts) + (np.arange(total) - offsets)
        return np.stack([keys[pos], ids[pos]], axis=1)
