"""Copy tables and queries: signatures, LSH buckets, groups and their origin.

Only SQL lives here; :class:`~newsdesk.store.sql.SqlStore` gets these through
:class:`CopyStoreMixin`, and the detection itself (signatures, verification,
origin choice) is in :mod:`newsdesk.connect.duplicates`.  Portable
SQLAlchemy Core only, so the PostgreSQL store gets it for free.

* ``copy_signatures``: per article its exact-text hash, word count, raw
  MinHash (kept so the index can be re-banded without re-reading bodies) and
  shingle set (so a later copy is verified without re-tokenising this body).
  Every article that went through copy linking has a row, a body too short to
  group an empty one (``text_hash`` ``''``): a missing row is how a crash that
  cut linking off is found (:mod:`newsdesk.store.durability`).
  It also holds the LSH band keys (``bands``, 32 packed int64) and a
  ``seq`` handed out under the write lock: the bucket index is derived data
  kept in memory (:mod:`newsdesk.store.copy_index`), topped up from the rows
  past the last ``seq`` it read.  ``copy_bands`` (32 rows per article) was
  how the buckets were stored before; it is dropped by a migration.
* ``copy_groups`` / ``copy_members``: the groups, each with its chosen
  original and the reason, recomputed whenever the group changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    exists,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError, StoreFull
from ..model import CopyGroup, CopyMember, CopySignature
from .copy_index import BandIndex
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
    Column("shingles", LargeBinary),  # sorted uint32 shingle hashes (NULL: rows from before)
    Column("bands", LargeBinary),  # LSH band keys, little-endian int64 (NULL: no signature)
    Column("seq", BigInteger, index=True),  # write order: what the memory index has read
)

# Retired (the buckets are in memory now): created by the old migration step
# and dropped by a later one, so it is kept out of ``metadata`` (what copydb
# and ``create_all`` see).
retired = MetaData()
copy_bands = Table(
    "copy_bands",
    retired,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    # No foreign key: 32 rows per article, each checked against ``articles`` cost
    # as much as the insert; ``check_consistency`` finds band rows of missing articles.
    Column("article_id", Integer, primary_key=True, autoincrement=False),
    Index("ix_copy_bands_article", "article_id"),
    # SQLite: the rows live in the (key, article_id) index itself, so a new row
    # is one B-tree insert instead of a table row plus an index entry.
    sqlite_with_rowid=False,
)

# The highest ``seq`` ever handed out.  An article update deletes its row, which
# may hold the highest ``seq``; without this another process could hand that
# number out again and a reader that had seen it would skip the new row.  Kept
# out of ``metadata``: coordination between writers, not data to copy.
copy_seq = Table(
    "copy_seq",
    retired,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("top", BigInteger, nullable=False),
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

TABLES = [copy_signatures, copy_bands, copy_groups, copy_members]  # (bands: see migrations)


def create_tables(conn: Connection) -> None:
    """Migration step: the copy tables (issue 5)."""
    metadata.create_all(conn, tables=TABLES)


def add_shingles_column(conn: Connection) -> None:
    """Migration step: ``copy_signatures.shingles`` (databases made before it)."""
    if "shingles" in {c["name"] for c in inspect(conn).get_columns("copy_signatures")}:
        return
    kind = LargeBinary().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE copy_signatures ADD COLUMN shingles {kind}")


def bands_in_signatures(conn: Connection) -> None:
    """Migration step: band keys and ``seq`` in ``copy_signatures``; the bucket
    rows of ``copy_bands`` move there and the table goes (the buckets are held
    in memory now, see :mod:`newsdesk.store.copy_index`)."""
    have = {c["name"] for c in inspect(conn).get_columns("copy_signatures")}
    blob = LargeBinary().compile(dialect=conn.dialect)
    if "bands" not in have:
        conn.exec_driver_sql(f"ALTER TABLE copy_signatures ADD COLUMN bands {blob}")
    if "seq" not in have:
        big = BigInteger().compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE copy_signatures ADD COLUMN seq {big}")
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_copy_signatures_seq ON copy_signatures (seq)"
    )
    conn.execute(
        update(copy_signatures)
        .where(copy_signatures.c.seq.is_(None))
        .values(seq=copy_signatures.c.article_id)
    )
    if inspect(conn).has_table("copy_bands"):
        packed: dict[int, list[int]] = defaultdict(list)
        for key, article_id in conn.exec_driver_sql(
            "SELECT key, article_id FROM copy_bands ORDER BY article_id, key"
        ):
            packed[int(article_id)].append(int(key))
        if packed:
            conn.execute(
                update(copy_signatures)
                .where(copy_signatures.c.article_id == bindparam("aid"))
                .values(bands=bindparam("packed")),
                [
                    {"aid": a, "packed": np.array(k, dtype="<i8").tobytes()}
                    for a, k in packed.items()
                ],
            )
        conn.exec_driver_sql("DROP TABLE copy_bands")


# -- queries on a connection -------------------------------------------------


def _signature_row(article_id: int, sig: CopySignature | None) -> dict[str, Any]:
    if sig is None:  # too short to group: the row only records that linking ran
        return {
            "article_id": article_id,
            "text_hash": "",
            "words": 0,
            "minhash": b"",
            "shingles": None,
            "bands": None,
        }
    return {
        "article_id": article_id,
        "text_hash": sig.text_hash,
        "words": sig.words,
        "minhash": sig.minhash,
        "shingles": sig.shingles or None,
        "bands": np.array(sig.bands, dtype="<i8").tobytes(),
    }


def forget_signatures(conn: Connection, article_ids: list[int]) -> None:
    for part in _chunks(article_ids):
        conn.execute(delete(copy_signatures).where(copy_signatures.c.article_id.in_(part)))


def index_signatures(
    conn: Connection, items: list[tuple[int, CopySignature | None]], first: int
) -> None:
    """Signature rows of many articles numbered on from ``first`` (:func:`top_seq`
    read before this transaction deleted anything, so a number a reader has
    seen is never handed out again): one ``executemany`` (``COPY`` on
    PostgreSQL).  The caller holds the write lock (:func:`lock_index`), so
    ``seq`` grows in commit order."""
    if not items:
        return
    rows = [_signature_row(i, sig) for i, sig in items]
    for n, row in enumerate(rows, start=first + 1):
        row["seq"] = n
    columns = list(rows[0])
    if conn.dialect.name == "postgresql":
        _copy_in(conn, copy_signatures, [tuple(r.values()) for r in rows], columns)
    elif conn.dialect.name == "sqlite":  # tuples straight to the driver
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO copy_signatures ({', '.join(columns)}) VALUES ({marks})",
            [tuple(r.values()) for r in rows],
        )
    else:
        conn.execute(insert(copy_signatures), rows)


def lock_index(conn: Connection) -> None:
    """One copy-linking writer at a time, so ``seq`` grows in commit order and a
    reader that saw ``seq`` n has seen every row below it.  SQLite: ``BEGIN
    IMMEDIATE`` already holds the write lock; PostgreSQL: a table lock that
    readers pass through."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE copy_signatures IN SHARE ROW EXCLUSIVE MODE")


def top_seq(conn: Connection) -> int:
    """The highest ``seq`` handed out so far (rows present, and ever)."""
    present = conn.execute(select(func.coalesce(func.max(copy_signatures.c.seq), 0))).scalar()
    ever = conn.execute(select(copy_seq.c.top).where(copy_seq.c.id == 1)).scalar()
    return max(int(present), int(ever or 0))


def set_top_seq(conn: Connection, top: int) -> None:
    if not conn.execute(update(copy_seq).where(copy_seq.c.id == 1).values(top=top)).rowcount:
        conn.execute(insert(copy_seq).values(id=1, top=top))


def add_seq_counter(conn: Connection) -> None:
    """Migration step: ``copy_seq``, so a deleted top row's ``seq`` is never reused."""
    copy_seq.create(conn, checkfirst=True)


def new_rows(conn: Connection, after: int) -> list[Any]:
    """``(seq, article id, bands)`` of the signature rows past ``after``."""
    query = (
        select(copy_signatures.c.seq, copy_signatures.c.article_id, copy_signatures.c.bands)
        .where(copy_signatures.c.seq > after)
        .order_by(copy_signatures.c.seq)
    )
    return [tuple(r) for r in conn.execute(query)]


def _copy_in(conn: Connection, table: Table, rows: list[Any], columns: list[str]) -> None:
    """PostgreSQL ``COPY ... FROM STDIN`` inside the open transaction."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def lookup(
    conn: Connection,
    index: BandIndex,
    text_hashes: list[str],
    keys: list[int] | np.ndarray,
    per_key: int,
    without: list[int] | None = None,
) -> tuple[dict[str, int], np.ndarray]:
    """What the index holds for a batch: ``{text hash: lowest article id}`` and
    the ``(key, article id)`` bucket rows for ``keys``, the newest ``per_key``
    of each bucket (a bucket crowded by a much-republished text costs no more
    than ``per_key`` rows per key), sorted by key then id.  ``index`` is first
    brought up to date with the rows written since it was last read;
    ``without``: articles whose rows this transaction deleted."""
    exact: dict[str, int] = {}
    for part in _chunks(sorted(set(text_hashes))):
        query = (
            select(copy_signatures.c.text_hash, func.min(copy_signatures.c.article_id))
            .where(copy_signatures.c.text_hash.in_(part))
            .group_by(copy_signatures.c.text_hash)
        )
        exact.update({row[0]: int(row[1]) for row in conn.execute(query)})
    index.top_up(new_rows(conn, index.seen_seq))
    return exact, index.newest(np.asarray(keys, dtype=np.int64), per_key, without or [])


def stored_shingles(conn: Connection, article_ids: list[int]) -> dict[int, bytes | None]:
    """Shingle sets of indexed articles (``None`` for rows stored before the column)."""
    out: dict[int, bytes | None] = {}
    for part in _chunks(sorted(set(article_ids))):
        query = select(copy_signatures.c.article_id, copy_signatures.c.shingles).where(
            copy_signatures.c.article_id.in_(part)
        )
        out.update({row.article_id: row.shingles for row in conn.execute(query)})
    return out


def join_many(conn: Connection, edges: list[tuple[int, int]]) -> list[int]:
    """Put each verified pair in one group, merging the groups they touch.

    Union-find over the articles and the groups they are already in, so two
    pairs reaching one existing group end in the same group; per component the
    lowest existing group id survives, as in :func:`join`.  Returns the groups
    written (whose origin must be chosen again).
    """
    if not edges:
        return []
    ids = sorted({i for edge in edges for i in edge})
    current: dict[int, int] = {}
    for part in _chunks(ids):
        query = select(copy_members.c.article_id, copy_members.c.group_id).where(
            copy_members.c.article_id.in_(part)
        )
        current.update({row.article_id: row.group_id for row in conn.execute(query)})
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in [*edges, *((i, -g) for i, g in current.items())]:  # groups as -id
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    components: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        components[find(x)].append(x)
    now = datetime.now(UTC)
    fresh = [c for c in components.values() if not any(x < 0 for x in c)]
    new_ids: list[int] = []
    if fresh and conn.dialect.name == "sqlite":
        # The write lock is held: number them here (RETURNING in order would
        # send one INSERT per group).
        first = int(conn.execute(select(func.coalesce(func.max(copy_groups.c.id), 0))).scalar())
        new_ids = list(range(first + 1, first + 1 + len(fresh)))
        conn.execute(insert(copy_groups), [{"id": g, "updated_at": now} for g in new_ids])
    elif fresh:
        new_ids = list(
            conn.execute(
                insert(copy_groups).returning(copy_groups.c.id, sort_by_parameter_order=True),
                [{"updated_at": now} for _ in fresh],
            ).scalars()
        )
    target_of = {id(c): g for c, g in zip(fresh, new_ids, strict=True)}
    members: list[dict[str, int]] = []
    targets: list[int] = []
    moves: list[dict[str, int]] = []
    for comp in components.values():
        groups = sorted(-x for x in comp if x < 0)
        target = groups[0] if groups else target_of[id(comp)]
        targets.append(target)
        moves += [{"gone": g, "target": target} for g in groups[1:]]
        members += [
            {"article_id": x, "group_id": target} for x in comp if x > 0 and x not in current
        ]
    if moves:
        conn.execute(
            update(copy_members)
            .where(copy_members.c.group_id == bindparam("gone"))
            .values(group_id=bindparam("target")),
            moves,
        )
        for part in _chunks([m["gone"] for m in moves]):
            conn.execute(delete(copy_groups).where(copy_groups.c.id.in_(part)))
    if members:
        conn.execute(insert(copy_members), members)
    for part in _chunks(sorted(targets)):
        conn.execute(update(copy_groups).where(copy_groups.c.id.in_(part)).values(updated_at=now))
    return sorted(targets)


def set_origins(conn: Connection, origins: list[tuple[int, int, str]]) -> None:
    """``(group id, original id, reason)`` for many groups: one ``executemany``."""
    if not origins:
        return
    now = datetime.now(UTC)
    conn.execute(
        update(copy_groups)
        .where(copy_groups.c.id == bindparam("gid"))
        .values(original_id=bindparam("oid"), origin_reason=bindparam("why"), updated_at=now),
        [{"gid": g, "oid": o, "why": why} for g, o, why in origins],
    )


def unlinked(conn: Connection, limit: int) -> list[int]:
    """Articles copy linking never reached (a killed run's last batch), oldest first."""
    query = (
        select(articles.c.id)
        .where(~exists().where(copy_signatures.c.article_id == articles.c.id))
        .order_by(articles.c.id)
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


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


class CopyBatch:
    """The copy-index writes of one batch of articles, all on one connection in
    one transaction: a crash keeps all of the batch's linking or none of it,
    and a missing ``copy_signatures`` row then says which articles to redo."""

    def __init__(self, conn: Connection, index: BandIndex) -> None:
        self.conn = conn
        self.band_index = index
        self.forgotten: list[int] = []
        lock_index(conn)
        # Never below what any process was handed (an article update deletes its
        # row, see ``SqlStore.add_article``) nor what this one has seen.
        self.first_seq = max(top_seq(conn), index.seen_seq)

    def forget(self, article_ids: list[int]) -> list[int]:
        """Take re-linked articles out of the index and their groups; returns the
        groups that remain (their origin must be chosen again)."""
        left = [g for i in article_ids if (g := leave(self.conn, i)) is not None]
        forget_signatures(self.conn, article_ids)
        self.forgotten += article_ids
        return left

    def lookup(
        self, text_hashes: list[str], keys: list[int] | np.ndarray, per_key: int
    ) -> tuple[dict[str, int], np.ndarray]:
        return lookup(self.conn, self.band_index, text_hashes, keys, per_key, self.forgotten)

    def shingles(self, article_ids: list[int]) -> dict[int, bytes | None]:
        return stored_shingles(self.conn, article_ids)

    def bodies(self, article_ids: list[int]) -> dict[int, str]:
        return bodies(self.conn, article_ids)

    def index(self, items: list[tuple[int, CopySignature | None]]) -> None:
        # Replace, not just insert: another ingest's closing sweep (articles
        # without a row) may have linked some of them while they waited here.
        forget_signatures(self.conn, [i for i, _ in items])
        index_signatures(self.conn, items, self.first_seq)
        set_top_seq(self.conn, self.first_seq + len(items))

    def join(self, edges: list[tuple[int, int]]) -> list[int]:
        return join_many(self.conn, edges)

    def groups(self, group_ids: list[int]) -> list[CopyGroup]:
        return load_groups(self.conn, group_ids)

    def set_origins(self, origins: list[tuple[int, int, str]]) -> None:
        set_origins(self.conn, origins)


class CopyStoreMixin:
    """Thin :class:`~newsdesk.store.sql.SqlStore` methods over the functions above."""

    engine: Any
    _writer: Any

    @contextmanager
    def copy_batch(self) -> Iterator[CopyBatch]:
        """One write transaction for a batch's copy linking (see :class:`CopyBatch`)."""
        from .durability import _is_full  # (durability imports this module)

        try:
            with self._writer.begin() as conn:
                if getattr(self, "_band_index", None) is None:
                    self._band_index = BandIndex()
                yield CopyBatch(conn, self._band_index)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not link copies: {exc}") from exc
        except self.engine.dialect.dbapi.Error as exc:  # from COPY and the raw lookups
            if _is_full(exc):
                raise StoreFull(f"the database is full ({exc}); run the same ingest again") from exc
            raise StoreError(f"could not link copies: {exc}") from exc

    def articles_without_copy_index(self, limit: int = 1000) -> list[int]:
        """Articles copy linking never reached (a crash), oldest first."""
        with self.engine.connect() as conn:
            return unlinked(conn, limit)

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
