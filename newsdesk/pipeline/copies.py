"""Wires copy detection to the store: link stored articles to their copies, and
assemble what the CLI and the web page show about an article's copies.

The signature (with its shingle set) is computed in the extraction workers
(``pipeline._work``); here, in the one writing process, a batch of stored
articles is linked in one store transaction (:func:`link_copy_batch`): the
index's candidates for the whole batch are fetched at once, verified by a
real shingle containment (:mod:`newsdesk.connect.copy_match`), groups joined
or merged and their originals chosen again, so an article ingested later
joins its group and an earlier copy arriving later becomes the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsdesk.connect import copy_match, duplicates
from newsdesk.connect.duplicates import CopyDiff, DiffSide
from newsdesk.errors import NewsdeskError
from newsdesk.extract.encoding import decode_text
from newsdesk.model import CopyGroup, CopyMember, CopySignature, StoredArticle
from newsdesk.store.base import Store


@dataclass
class CopyItem:
    """One stored article waiting to be linked to its copies."""

    article_id: int
    signature: CopySignature | None
    fresh: bool = True  # stored just now: nothing of it is in the copy index yet


def link_copy_batch(store: Store, items: list[CopyItem]) -> dict[int, int]:
    """Index a batch of stored articles and put each in the group of its verified copies.

    All of it in one store transaction (:meth:`Store.copy_batch`): re-linked
    articles (changed text, or a redo after a crash) leave their old group; the
    index's bucket rows and exact hashes for the whole batch come back in a few
    ``IN`` queries; candidates are chosen and verified for all articles at once
    (:mod:`newsdesk.connect.copy_match`), against the index and the batch's
    earlier articles; the batch's rows are written with ``executemany``; the
    groups are joined or merged and their originals chosen again.  An article
    ingested later so joins its group, and an earlier copy arriving later
    becomes the original.  Returns ``{article id: group id}`` of those grouped.
    """
    latest: dict[int, CopyItem] = {}
    for item in items:  # one article twice in a batch: its last text counts
        seen = latest.pop(item.article_id, None)
        fresh = item.fresh and (seen is None or seen.fresh)
        latest[item.article_id] = CopyItem(item.article_id, item.signature, fresh)
    batch = list(latest.values())
    if not batch:
        return {}
    ids = [i.article_id for i in batch]
    sigs = [i.signature for i in batch]
    signed = [s for s in sigs if s is not None]
    with store.copy_batch() as tx:
        touched = tx.forget([i.article_id for i in batch if not i.fresh])
        keys = copy_match.band_matrix(signed)
        exact, found = tx.lookup(
            [s.text_hash for s in signed], keys.ravel(), copy_match.MAX_CANDIDATES
        )  # found: (key, id) rows sorted by key, then id
        indexed = copy_match.Indexed(exact, found[:, 0], found[:, 1])
        plan = copy_match.plan_batch(ids, sigs, indexed)
        mine = {i: duplicates.shingle_array(s) for i, s in zip(ids, sigs, strict=True) if s}
        theirs = _shingles(tx, [c for c in set(plan.candidates.tolist()) if c not in mine])
        theirs.update(mine)
        ok = copy_match.verify(
            [mine[ids[r]] for r in plan.rows.tolist()],
            [theirs[c] for c in plan.candidates.tolist()],
        )
        pairs = zip(plan.rows[ok].tolist(), plan.candidates[ok].tolist(), strict=True)
        edges = plan.exact + [(ids[r], c) for r, c in pairs]
        tx.index(list(zip(ids, sigs, strict=True)))
        touched += tx.join(edges)
        origins = []
        grouped: dict[int, int] = {}
        for group in tx.groups(sorted(set(touched))):
            grouped.update({m.id: group.id for m in group.members})
            if len(group.members) < 2:
                continue
            origin = duplicates.choose_origin(group.members)
            if (origin.original_id, origin.reason) != (group.original_id, group.origin_reason):
                origins.append((group.id, origin.original_id, origin.reason))
        tx.set_origins(origins)
    return {i: grouped[i] for i in ids if i in grouped}


def _shingles(tx: Any, article_ids: list[int]) -> dict[int, np.ndarray]:
    """Stored shingle sets; rows from before they were stored: from the body."""
    stored = tx.shingles(article_ids)
    out = {i: np.frombuffer(b, dtype="<u4") for i, b in stored.items() if b is not None}
    missing = [i for i in article_ids if i not in out]
    for i, body in tx.bodies(missing).items():
        out[i] = duplicates.shingles(body)
    for i in missing:
        out.setdefault(i, np.empty(0, dtype=np.uint32))
    return out


def link_copies(
    store: Store,
    article_id: int,
    signature: CopySignature | None,
    body: str | None = None,
    *,
    updated: bool = False,
) -> int | None:
    """Link one stored article (a batch of one); ``updated``: it was linked before.

    Returns the article's group id, or ``None`` when it has no copies.
    """
    del body  # the signature carries the shingles
    return link_copy_batch(store, [CopyItem(article_id, signature, fresh=not updated)]).get(
        article_id
    )


# -- what the CLI and the web show -------------------------------------------


def member_url(member: CopyMember) -> str | None:
    """The address a reader can follow: the URL, else where the page was read from."""
    return member.url or member.location


def _original(group: CopyGroup) -> CopyMember | None:
    return next((m for m in group.members if m.id == group.original_id), None)


def group_record(group: CopyGroup) -> dict[str, Any]:
    """One line of ``newsdesk copies --format jsonl``."""
    original = _original(group)
    return {
        "group_id": group.id,
        "original_url": member_url(original) if original else None,
        "origin_reason": group.origin_reason,
        "member_urls": [member_url(m) for m in group.members],
        "republished": [
            {
                "url": member_url(m),
                "after_days": duplicates.republished_after_days(m, original) if original else None,
            }
            for m in group.members
            if original is None or m.id != original.id
        ],
    }


@dataclass
class CopyView:
    """An article's place among its copies: the group, the original, the diff."""

    group: CopyGroup
    this: CopyMember
    original: CopyMember | None
    after_days: int | None = None
    stale: bool = False
    diff: CopyDiff | None = None
    others: list[tuple[CopyMember, int | None, bool]] = field(default_factory=list)

    @property
    def is_original(self) -> bool:
        return self.original is not None and self.original.id == self.this.id

    def to_json(self) -> dict[str, Any]:
        """The fields ``show --format json`` gains."""
        return {
            "copy_group": [m.id for m in self.group.members],
            "original_id": self.original.id if self.original else None,
            "origin_reason": self.group.origin_reason,
            "republished_after_days": self.after_days,
            "stale_republish": self.stale,
            "copy_diff": self.diff.to_dict() if self.diff is not None else None,
        }


NO_COPIES: dict[str, Any] = {
    "copy_group": [],
    "original_id": None,
    "origin_reason": None,
    "republished_after_days": None,
    "stale_republish": False,
    "copy_diff": None,
}


def _page_lines(store: Store, stored: StoredArticle) -> list[str] | None:
    """The raw lines of a text-dump page (HTML pages: ``None``, body only)."""
    if stored.article.content_type != "text":
        return None
    document = store.get_document(stored.id)
    if document is None:
        return None
    try:
        return decode_text(document.content).splitlines()
    except NewsdeskError:
        return None


def _side(store: Store, stored: StoredArticle) -> DiffSide:
    a = stored.article
    return DiffSide(
        title=a.title,
        paragraphs=[p.text for p in a.paragraphs],
        page_lines=_page_lines(store, stored),
        source_link=a.source_link,
        contributors=list(a.contributors),
    )


def copy_view(store: Store, stored: StoredArticle) -> CopyView | None:
    """Everything about ``stored``'s copies, or ``None`` if it has none."""
    group = store.copy_group_of(stored.id)
    if group is None or len(group.members) < 2:
        return None
    this = next(m for m in group.members if m.id == stored.id)
    original = _original(group)
    view = CopyView(group=group, this=this, original=original)
    if original is not None:
        for m in group.members:
            if m.id == stored.id:
                continue
            days = None if m.id == original.id else duplicates.republished_after_days(m, original)
            view.others.append((m, days, duplicates.is_stale(days)))
        if original.id != stored.id:
            view.after_days = duplicates.republished_after_days(this, original)
            view.stale = duplicates.is_stale(view.after_days)
            original_article = store.get_article(original.id)
            if original_article is not None:
                view.diff = duplicates.copy_diff(
                    _side(store, stored), _side(store, original_article)
                )
    return view


def copies_json(store: Store, stored: StoredArticle) -> dict[str, Any]:
    view = copy_view(store, stored)
    return dict(NO_COPIES) if view is None else view.to_json()
