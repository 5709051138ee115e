"""Wires copy detection to the store: link a new article to its copies, and
assemble what the CLI and the web page show about an article's copies.

The signature is computed in the extraction workers (``pipeline._work``);
here, in the one writing process, it is indexed, the store's candidates are
verified by a real similarity (:mod:`newsdesk.connect.duplicates`), the group
is joined or merged and its original chosen again, so an article ingested
later joins its group and an earlier copy arriving later becomes the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsdesk.connect import duplicates
from newsdesk.connect.duplicates import CopyDiff, DiffSide
from newsdesk.errors import NewsdeskError
from newsdesk.extract.encoding import decode_text
from newsdesk.model import CopyGroup, CopyMember, CopySignature, StoredArticle
from newsdesk.store.base import Store

MAX_CANDIDATES = 50  # verified per new article; more only when buckets are crowded


def link_copies(
    store: Store,
    article_id: int,
    signature: CopySignature | None,
    body: str | None = None,
    *,
    updated: bool = False,
) -> int | None:
    """Index one stored article and put it in the group of its verified copies.

    ``updated`` articles leave their old group first (their text changed).
    ``body`` saves re-reading the article when a candidate needs verifying.
    Returns the article's group id, or ``None`` when it has no copies.
    """
    touched: list[int] = []
    if updated and (old := store.leave_copy_group(article_id)) is not None:
        touched.append(old)
    store.index_copy_signature(article_id, signature)
    group: int | None = None
    if signature is not None:
        found = store.copy_candidates(article_id, signature, MAX_CANDIDATES)
        mine: np.ndarray | None = None
        matches: list[int] = []
        for other, same_text, other_body in found:
            if same_text:
                matches.append(other)
                continue
            if mine is None:
                if body is None:
                    stored = store.get_article(article_id)
                    body = stored.article.body if stored else ""
                mine = duplicates.shingles(body)
            if duplicates.similarity(mine, duplicates.shingles(other_body)).is_copy:
                matches.append(other)
        if matches:
            group = store.join_copy_group(article_id, matches)
            touched.append(group)
    for group_id in dict.fromkeys(touched):
        rechoose_origin(store, group_id)
    return group


def rechoose_origin(store: Store, group_id: int) -> None:
    """Choose the group's original again and record it if it changed."""
    group = store.copy_group(group_id)
    if group is None or len(group.members) < 2:
        return
    origin = duplicates.choose_origin(group.members)
    if (origin.original_id, origin.reason) != (group.original_id, group.origin_reason):
        store.set_copy_origin(group_id, origin.original_id, origin.reason)


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
