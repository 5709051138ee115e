"""Copy tables and queries: signatures, LSH buckets, groups and their origin.

Only SQL lives here; :class:`~newsdesk.store.sql.SqlStore` gets these through
:class:`CopyStoreMixin`, and the detection itself (signatures, verification,
origin choice) is in :mod:`newsdesk.connect.duplicates`.  Portable
SQLAlchemy Core only, so the PostgreSQL store gets it for free.

* ``copy_signatures``: per article its exact-text hash, word count and raw
  MinHash (kept so the index can be re-banded without re-reading bodies).
* ``copy_bands``: one row per LSH band key; ``(key, article_id)`` is the key,
  so "who shares a bucket with me" is one indexed ``IN`` query.
* ``copy_groups`` / ``copy_members``: the groups, each with its chosen
  original and the reason, recomputed whenever the group changes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    desc,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import CopyGroup, CopyMember, CopySignature
from .schema import articles, metadata
from .values import chunks as _chunks
from .values import utc as _utc

LEAD_CHARS = 400  # where wire credits and "Originally published" notes sit

copy_signatures = Table(
    "copy_signatures",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("text_hash", String(32), nullable=False, index=True),
    Column("words", Integer, nullable=False),
    Column("minhash", LargeBinary, nullable=False),
)

copy_bands = Table(
    "copy_bands",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Index("ix_copy_bands_article", "article_id"),
)

copy_groups = Table(
    "copy_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("original_id", Integer, ForeignKey("articles.id")),
    Column("origin_reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

copy_members = Table(
    "copy_members",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("group_id", Integer, ForeignKey("copy_groups.id"), nullable=False, index=True),
)

TABLES = [copy_signatures, copy_bands, copy_groups, copy_members]


def create_tables(conn: Connection) -> None:
    """Migration step: the copy tables (issue 5)."""
    metadata.create_all(conn, tables=TABLES)


# -- queries on a connection -------------------------------------------------


def index_signature(conn: Connection, article_id: int, sig: CopySignature | None) -> None:
    """Replace an article's signature and bucket rows (none for a short body)."""
    conn.execute(delete(copy_bands).where(copy_bands.c.article_id == article_id))
    conn.execute(delete(copy_signatures).where(copy_signatures.c.article_id == article_id))
    if sig is None:
        return
    conn.execute(
        insert(copy_signatures).values(
            article_id=article_id, text_hash=sig.text_hash, words=sig.words, minhash=sig.minhash
        )
    )
    keys = sorted(set(sig.bands))
    conn.execute(insert(copy_bands), [{"key": k, "article_id": article_id} for k in keys])


def candidates(
    conn: Connection, article_id: int, sig: CopySignature, limit: int
) -> list[tuple[int, bool]]:
    """Articles with the same text (``True``), then those sharing the most buckets."""
    exact = [
        row[0]
        for row in conn.execute(
            select(copy_signatures.c.article_id)
            .where(copy_signatures.c.text_hash == sig.text_hash)
            .where(copy_signatures.c.article_id != article_id)
            .limit(limit)
        )
    ]
    out = [(i, True) for i in exact]
    if exact:
        return out  # same words as an indexed article: its group is this one's group
    shared = func.count().label("shared")
    query = (
        select(copy_bands.c.article_id, shared)
        .where(copy_bands.c.key.in_(sorted(set(sig.bands))))
        .where(copy_bands.c.article_id != article_id)
        .group_by(copy_bands.c.article_id)
        .order_by(desc(shared), desc(copy_bands.c.article_id))
        .limit(limit)
    )
    return out + [(row.article_id, False) for row in conn.execute(query)]


def bodies(conn: Connection, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in _chunks(ids):
        for row in conn.execute(
            select(articles.c.id, articles.c.body).where(articles.c.id.in_(part))
        ):
            out[row.id] = row.body
    return out


def group_id_of(conn: Connection, article_id: int) -> int | None:
    return conn.execute(
        select(copy_members.c.group_id).where(copy_members.c.article_id == article_id)
    ).scalar()


def join(conn: Connection, article_id: int, others: list[int]) -> int:
    """Put the article and ``others`` in one group, merging groups they are in.

    The lowest existing group id survives a merge, so a group's id is stable
    for as long as the group exists.
    """
    ids = sorted({article_id, *others})
    current: dict[int, int] = {}
    for part in _chunks(ids):
        query = select(copy_members.c.article_id, copy_members.c.group_id).where(
            copy_members.c.article_id.in_(part)
        )
        current.update({row.article_id: row.group_id for row in conn.execute(query)})
    now = datetime.now(UTC)
    groups = sorted(set(current.values()))
    if groups:
        target = groups[0]
    else:
        target = conn.execute(insert(copy_groups).values(updated_at=now)).inserted_primary_key[0]
    for gone in groups[1:]:
        conn.execute(
            update(copy_members).where(copy_members.c.group_id == gone).values(group_id=target)
        )
        conn.execute(delete(copy_groups).where(copy_groups.c.id == gone))
    new = [{"article_id": i, "group_id": target} for i in ids if i not in current]
    if new:
        conn.execute(insert(copy_members), new)
    conn.execute(update(copy_groups).where(copy_groups.c.id == target).values(updated_at=now))
    return int(target)


def leave(conn: Connection, article_id: int) -> int | None:
    """Take an article out of its group; a group left with one member is dissolved.

    Returns the group that remains (its origin must be chosen again), if any.
    """
    group = group_id_of(conn, article_id)
    if group is None:
        return None
    conn.execute(delete(copy_members).where(copy_members.c.article_id == article_id))
    left = conn.execute(
        select(func.count()).select_from(copy_members).where(copy_members.c.group_id == group)
    ).scalar()
    if (left or 0) >= 2:
        return int(group)
    conn.execute(delete(copy_members).where(copy_members.c.group_id == group))
    conn.execute(delete(copy_groups).where(copy_groups.c.id == group))
    return None


def set_origin(conn: Connection, group_id: int, original_id: int, reason: str) -> None:
    conn.execute(
        update(copy_groups)
        .where(copy_groups.c.id == group_id)
        .values(original_id=original_id, origin_reason=reason, updated_at=datetime.now(UTC))
    )


def load_groups(conn: Connection, group_ids: list[int]) -> list[CopyGroup]:
    """Groups with their members' facts, in the order asked for."""
    heads: dict[int, Any] = {}
    members: dict[int, list[CopyMember]] = defaultdict(list)
    for part in _chunks(group_ids):
        for row in conn.execute(select(copy_groups).where(copy_groups.c.id.in_(part))):
            heads[row.id] = row
        query = (
            select(
                copy_members.c.group_id,
                articles.c.id,
                articles.c.title,
                articles.c.url,
                articles.c.location,
                articles.c.site_name,
                articles.c.canonical_url,
                articles.c.source_link,
                articles.c.published_at,
                articles.c.date_source,
                articles.c.page_date,
                func.substr(articles.c.body, 1, LEAD_CHARS).label("lead"),
                func.coalesce(copy_signatures.c.words, 0).label("words"),
            )
            .join(articles, articles.c.id == copy_members.c.article_id)
            .outerjoin(copy_signatures, copy_signatures.c.article_id == articles.c.id)
            .where(copy_members.c.group_id.in_(part))
            .order_by(articles.c.id)
        )
        for row in conn.execute(query):
            members[row.group_id].append(
                CopyMember(
                    id=row.id,
                    title=row.title,
                    url=row.url,
                    location=row.location,
                    site_name=row.site_name,
                    canonical_url=row.canonical_url,
                    source_link=row.source_link,
                    published_at=_utc(row.published_at),
                    date_source=row.date_source,
                    page_date=_utc(row.page_date),
                    words=row.words,
                    lead=row.lead or "",
                )
            )
    return [
        CopyGroup(
            id=g,
            members=members[g],
            original_id=heads[g].original_id,
            origin_reason=heads[g].origin_reason,
        )
        for g in group_ids
        if g in heads
    ]


# -- the SqlStore methods ------------------------------------------------------


class CopyStoreMixin:
    """Thin :class:`~newsdesk.store.sql.SqlStore` methods over the functions above."""

    engine: Any
    _writer: Any

    def index_copy_signature(self, article_id: int, signature: CopySignature | None) -> None:
        """Store (or clear) an article's signature and its LSH bucket keys."""
        try:
            with self._writer.begin() as conn:
                index_signature(conn, article_id, signature)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not index copies of article {article_id}: {exc}") from exc

    def copy_candidates(
        self, article_id: int, signature: CopySignature, limit: int = 50
    ) -> list[tuple[int, bool, str]]:
        """``(id, same_text, body)`` of the articles that may be copies, to verify."""
        with self.engine.connect() as conn:
            found = candidates(conn, article_id, signature, limit)
            texts = bodies(conn, [i for i, same in found if not same])
        return [(i, same, texts.get(i, "")) for i, same in found]

    def join_copy_group(self, article_id: int, others: list[int]) -> int:
        try:
            with self._writer.begin() as conn:
                return join(conn, article_id, others)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not group copies of article {article_id}: {exc}") from exc

    def leave_copy_group(self, article_id: int) -> int | None:
        try:
            with self._writer.begin() as conn:
                return leave(conn, article_id)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not ungroup article {article_id}: {exc}") from exc

    def set_copy_origin(self, group_id: int, original_id: int, reason: str) -> None:
        try:
            with self._writer.begin() as conn:
                set_origin(conn, group_id, original_id, reason)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not record the original of group {group_id}: {exc}") from exc

    def copy_group(self, group_id: int) -> CopyGroup | None:
        with self.engine.connect() as conn:
            found = load_groups(conn, [group_id])
        return found[0] if found else None

    def copy_group_of(self, article_id: int) -> CopyGroup | None:
        with self.engine.connect() as conn:
            group = group_id_of(conn, article_id)
            found = load_groups(conn, [group]) if group is not None else []
        return found[0] if found else None

    def copy_groups(self, limit: int | None = None) -> list[CopyGroup]:
        """Every group (two or more members), oldest group first."""
        query = select(copy_groups.c.id).order_by(copy_groups.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            ids = [row[0] for row in conn.execute(query)]
            return load_groups(conn, ids)
