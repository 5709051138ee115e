"""Story tables and queries: term statistics, topics, stories, article vectors.

Only SQL lives here; :class:`~newsdesk.store.sql.SqlStore` exposes these as
thin methods and the clustering itself is in :mod:`newsdesk.connect.stories`.
Everything is portable SQLAlchemy Core (no upsert dialects): document
frequencies are updated with one ``UPDATE`` executemany for known terms and one
``INSERT`` for new ones, inside the caller's transaction.

* ``story_terms``: document frequency per feature; the row with the empty term
  counts the documents, so IDF is maintained incrementally.
* ``story_topics``: loose groups, with the sum of their articles' vectors.
* ``stories``: one real-world event each, with headline, span and sources.
* ``article_stories``: per article its vector, time, source, topic and story,
  and its raw feature counts (since schema version 12), so that its vector can
  be weighed again with today's document frequencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    inspect,
    null,
    or_,
    select,
    type_coerce,
    update,
)

from ..model import Story, StoryArticle
from .quotes import article_entities, entities
from .schema import articles, metadata
from .values import chunks as _chunks
from .values import utc as _utc

DOC_COUNT = ""  # the story_terms row that counts documents

story_terms = Table(
    "story_terms",
    metadata,
    # text on PostgreSQL since schema version 7 (a term can be longer than 200)
    Column("term", String(200), primary_key=True),
    Column("df", Integer, nullable=False),
)

story_topics = Table(
    "story_topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("size", Integer, nullable=False),
    Column("total", JSON, nullable=False),
    # Span of the topic's dated articles; NULL when none of them has a date.
    Column("first_seen", DateTime(timezone=True)),
    Column("last_seen", DateTime(timezone=True), index=True),
    Column("touched_at", DateTime(timezone=True), nullable=False, index=True),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic_id", Integer, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("article_id", Integer, nullable=False),  # the representative article
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False, index=True),
    Column("n_articles", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("total", JSON, nullable=False),
)

article_stories = Table(
    "article_stories",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("topic_id", Integer, nullable=False, index=True),
    Column("story_id", Integer, nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("dated", Boolean, nullable=False),
    Column("source", Text),
    Column("title", Text, nullable=False),
    Column("vector", JSON, nullable=False),
    # Raw feature counts (NULL for rows stored before schema version 12).
    Column("counts", JSON(none_as_null=True)),
)

TABLES = [story_terms, story_topics, stories, article_stories]


def create_tables(conn: Connection) -> None:
    """Migration step: the story tables (appended to the migration list)."""
    metadata.create_all(conn, tables=TABLES)


def add_counts_column(conn: Connection) -> None:
    """Migration step: ``article_stories.counts`` (databases made before it), so
    a stored article can be weighed again with today's document frequencies."""
    if "counts" in {c["name"] for c in inspect(conn).get_columns("article_stories")}:
        return
    kind = JSON().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE article_stories ADD COLUMN counts {kind}")


# -- term statistics ---------------------------------------------------------


def add_doc_freqs(conn: Connection, deltas: Mapping[str, int], n_docs: int) -> None:
    """Add ``deltas`` to the document frequencies and ``n_docs`` to the count."""
    deltas = {**deltas, DOC_COUNT: n_docs}
    terms = list(deltas)
    known: set[str] = set()
    for chunk in _chunks(terms):
        known.update(
            conn.execute(select(story_terms.c.term).where(story_terms.c.term.in_(chunk))).scalars()
        )
    if known:
        conn.execute(
            update(story_terms)
            .where(story_terms.c.term == bindparam("t"))
            .values(df=story_terms.c.df + bindparam("d")),
            [{"t": t, "d": deltas[t]} for t in known],
        )
    fresh = [{"term": t, "df": deltas[t]} for t in terms if t not in known]
    if fresh:
        conn.execute(insert(story_terms), fresh)


SCAN_AT = 2000  # terms asked for at once from which reading the whole table may be cheaper


def doc_freqs(conn: Connection, terms: Iterable[str]) -> tuple[dict[str, int], int]:
    """Document frequency of each term (absent = 0) and the number of documents.

    Many terms at once (weighing a topic's stored articles again) are read in
    one scan when the table is not much larger than the request: hundreds of
    ``IN`` chunks cost more.
    """
    wanted = [*set(terms), DOC_COUNT]
    found: dict[str, int] = {}
    if len(wanted) > SCAN_AT:
        rows = conn.execute(select(func.count()).select_from(story_terms)).scalar() or 0
        if rows <= 4 * len(wanted):
            keep = set(wanted)
            found = {t: df for t, df in conn.execute(select(story_terms)) if t in keep}
            return found, found.pop(DOC_COUNT, 0)
    for chunk in _chunks(wanted):
        rows = conn.execute(select(story_terms).where(story_terms.c.term.in_(chunk)))
        found.update({row.term: row.df for row in rows})
    return found, found.pop(DOC_COUNT, 0)


# -- topics and members ------------------------------------------------------


def topics_between(
    conn: Connection, start: datetime, end: datetime, touched_since: datetime
) -> list[Any]:
    """Topics whose span overlaps ``[start, end]``, and undated ones touched lately."""
    query = select(story_topics).where(
        or_(
            and_(story_topics.c.last_seen >= start, story_topics.c.first_seen <= end),
            and_(story_topics.c.first_seen.is_(None), story_topics.c.touched_at >= touched_since),
        )
    )
    return list(conn.execute(query))


def members_of_topics(conn: Connection, topic_ids: list[int]) -> list[Any]:
    """Stored members of topics; the vector only where no counts are kept (the
    caller weighs the others again, so decoding both would be wasted)."""
    vector = case((article_stories.c.counts.is_(None), article_stories.c.vector), else_=null())
    columns = [c for c in article_stories.c if c.name != "vector"]
    out: list[Any] = []
    for chunk in _chunks(topic_ids):
        query = select(*columns, type_coerce(vector, JSON).label("vector")).where(
            article_stories.c.topic_id.in_(chunk)
        )
        out.extend(conn.execute(query))
    return out


def members_of_story(conn: Connection, story_id: int) -> list[Any]:
    query = select(article_stories).where(article_stories.c.story_id == story_id)
    return list(conn.execute(query))


def known_article_ids(conn: Connection, article_ids: list[int]) -> set[int]:
    out: set[int] = set()
    for chunk in _chunks(article_ids):
        query = select(article_stories.c.article_id).where(article_stories.c.article_id.in_(chunk))
        out.update(conn.execute(query).scalars())
    return out


def entity_names_of(conn: Connection, article_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """``{article id: [(entity name, mentions), ...]}`` for enriched articles that name any."""
    out: dict[int, list[tuple[str, int]]] = {}
    for chunk in _chunks(article_ids):
        query = (
            select(article_entities.c.article_id, entities.c.name, article_entities.c.mentions)
            .join(entities, entities.c.id == article_entities.c.entity_id)
            .where(article_entities.c.article_id.in_(chunk))
        )
        for article_id, name, mentions in conn.execute(query):
            out.setdefault(int(article_id), []).append((str(name), int(mentions)))
    return out


def save_topic(conn: Connection, key: int, size: int, total: dict[str, float], first, last) -> int:  # type: ignore[no-untyped-def]
    """Insert a new topic (``key < 0``) or update one; return its id."""
    values = {
        "size": size,
        "total": total,
        "first_seen": _utc(first),
        "last_seen": _utc(last),
        "touched_at": datetime.now(UTC),
    }
    if key > 0:
        conn.execute(update(story_topics).where(story_topics.c.id == key).values(**values))
        return key
    return int(conn.execute(insert(story_topics).values(**values)).inserted_primary_key[0])


def delete_topics(conn: Connection, topic_ids: list[int]) -> None:
    for chunk in _chunks(topic_ids):
        conn.execute(delete(story_topics).where(story_topics.c.id.in_(chunk)))


def delete_stories_of_topics(conn: Connection, topic_ids: list[int], keep: set[int]) -> None:
    """Drop the stories of re-split topics that no group kept."""
    for chunk in _chunks(topic_ids):
        query = select(stories.c.id).where(stories.c.topic_id.in_(chunk))
        gone = [sid for sid in conn.execute(query).scalars() if sid not in keep]
        if gone:
            conn.execute(delete(stories).where(stories.c.id.in_(gone)))


def save_story(conn: Connection, story_id: int | None, values: dict[str, Any]) -> int:
    values = {
        **values,
        "first_seen": _utc(values["first_seen"]),
        "last_seen": _utc(values["last_seen"]),
        "total": values["total"],
    }
    if story_id is not None:
        conn.execute(update(stories).where(stories.c.id == story_id).values(**values))
        return story_id
    return int(conn.execute(insert(stories).values(**values)).inserted_primary_key[0])


def insert_members(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Store new articles' vectors (replacing a re-ingested article's old row)."""
    ids = [r["article_id"] for r in rows]
    for chunk in _chunks(ids):
        conn.execute(delete(article_stories).where(article_stories.c.article_id.in_(chunk)))
    if rows:
        conn.execute(
            insert(article_stories),
            [
                {
                    **r,
                    "at": _utc(r["at"]),
                    "vector": _rounded(r["vector"]),
                    "counts": r.get("counts"),
                }
                for r in rows
            ],
        )


def assign_members(conn: Connection, assignments: list[tuple[int, int, int]]) -> None:
    """Set (topic, story) for each ``(article_id, topic_id, story_id)``."""
    if assignments:
        conn.execute(
            update(article_stories)
            .where(article_stories.c.article_id == bindparam("aid"))
            .values(topic_id=bindparam("tid"), story_id=bindparam("sid")),
            [{"aid": a, "tid": t, "sid": s} for a, t, s in assignments],
        )


def _rounded(vector: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 5) for k, v in vector.items()}


# -- reading -----------------------------------------------------------------


def story_id_of(conn: Connection, article_id: int) -> int | None:
    query = select(article_stories.c.story_id).where(article_stories.c.article_id == article_id)
    return conn.execute(query).scalar()


def member_row(conn: Connection, article_id: int) -> Any:
    query = select(article_stories).where(article_stories.c.article_id == article_id)
    return conn.execute(query).first()


def story_rows(
    conn: Connection,
    *,
    ids: list[int] | None = None,
    topic_ids: list[int] | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[Any]:
    query = select(stories).order_by(stories.c.last_seen.desc(), stories.c.id.desc())
    if ids is not None:
        query = query.where(stories.c.id.in_(ids))
    if topic_ids is not None:
        query = query.where(stories.c.topic_id.in_(topic_ids))
    if since is not None:
        query = query.where(stories.c.last_seen >= since)
    if limit is not None:
        query = query.limit(limit)
    return list(conn.execute(query))


def latest_story_time(conn: Connection) -> datetime | None:
    return _utc(conn.execute(select(func.max(stories.c.last_seen))).scalar())


def recent_counts(conn: Connection, story_ids: list[int], since: datetime) -> dict[int, int]:
    """Articles per story seen at or after ``since`` (growth for Top Stories)."""
    out: dict[int, int] = {}
    for chunk in _chunks(story_ids):
        query = (
            select(article_stories.c.story_id, func.count())
            .where(article_stories.c.story_id.in_(chunk), article_stories.c.at >= since)
            .group_by(article_stories.c.story_id)
        )
        out.update({sid: int(n) for sid, n in conn.execute(query)})
    return out


def story_articles(conn: Connection, story_ids: list[int]) -> dict[int, list[StoryArticle]]:
    """Each story's articles in time order (the story page's timeline)."""
    out: dict[int, list[StoryArticle]] = {sid: [] for sid in story_ids}
    for chunk in _chunks(story_ids):
        query = (
            select(
                article_stories.c.story_id,
                article_stories.c.article_id,
                article_stories.c.at,
                article_stories.c.source,
                articles.c.title,
                articles.c.url,
            )
            .join(articles, articles.c.id == article_stories.c.article_id)
            .where(article_stories.c.story_id.in_(chunk))
            .order_by(article_stories.c.at, article_stories.c.article_id)
        )
        for row in conn.execute(query):
            out[row.story_id].append(
                StoryArticle(
                    id=row.article_id,
                    title=row.title,
                    url=row.url,
                    source=row.source,
                    at=_utc(row.at) or datetime.now(UTC),
                )
            )
    return out


def to_story(row: Any, members: list[StoryArticle] | None = None) -> Story:
    return Story(
        title=row.title,
        article_ids=[m.id for m in members or []],
        first_seen=_utc(row.first_seen),
        last_seen=_utc(row.last_seen),
        id=row.id,
        representative_id=row.article_id,
        n_articles=row.n_articles,
        n_sources=row.n_sources,
        sources=list(row.sources or []),
        articles=list(members or []),
    )


# -- the store's methods -----------------------------------------------------


class StoryStoreMixin:
    """The story methods of :class:`~newsdesk.store.sql.SqlStore` (thin: SQL above).

    Reads return plain row mappings; the clustering step turns them into its
    own dataclasses, so the store never imports a stage.
    """

    engine: Any
    _writer: Any

    def add_story_terms(self, deltas: Mapping[str, int], n_docs: int) -> None:
        with self._writer.begin() as conn:
            add_doc_freqs(conn, deltas, n_docs)

    def story_doc_freqs(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        with self.engine.connect() as conn:
            return doc_freqs(conn, terms)

    def story_known_articles(self, article_ids: list[int]) -> set[int]:
        with self.engine.connect() as conn:
            return known_article_ids(conn, article_ids)

    def story_entity_names(self, article_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
        with self.engine.connect() as conn:
            return entity_names_of(conn, article_ids)

    def story_topics_between(
        self, start: datetime, end: datetime, touched_since: datetime
    ) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [_topic_dict(r) for r in topics_between(conn, start, end, touched_since)]

    def story_topic_members(self, topic_ids: list[int]) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [_member_dict(r) for r in members_of_topics(conn, topic_ids)]

    def save_story_run(self, run: Mapping[str, Any]) -> None:
        """Write one clustering run in one transaction.

        ``run`` holds ``new_members`` (article_stories rows, topic/story 0),
        ``topics`` (``key, size, total, first, last``; negative key = new),
        ``merged`` (topic ids merged away) and ``stories``: per story its
        ``topic_key``, ``story_id`` (None = new), column values and
        ``article_ids``.
        """
        with self._writer.begin() as conn:
            insert_members(conn, list(run["new_members"]))
            ids = {
                t["key"]: save_topic(conn, t["key"], t["size"], t["total"], t["first"], t["last"])
                for t in run["topics"]
            }
            touched = [i for i in [*ids.values(), *run["merged"]] if i > 0]
            kept = {s["story_id"] for s in run["stories"] if s["story_id"] is not None}
            delete_stories_of_topics(conn, touched, kept)
            delete_topics(conn, [i for i in run["merged"] if i > 0])
            assignments: list[tuple[int, int, int]] = []
            for s in run["stories"]:
                topic_id = ids[s["topic_key"]]
                story_id = save_story(conn, s["story_id"], {**s["values"], "topic_id": topic_id})
                assignments.extend((a, topic_id, story_id) for a in s["article_ids"])
            assign_members(conn, assignments)

    def story_of(self, article_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = member_row(conn, article_id)
        return None if row is None else _member_dict(row)

    def story_members(self, story_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [_member_dict(r) for r in members_of_story(conn, story_id)]

    def get_story(self, story_id: int) -> Story | None:
        with self.engine.connect() as conn:
            rows = story_rows(conn, ids=[story_id])
            if not rows:
                return None
            return to_story(rows[0], story_articles(conn, [story_id])[story_id])

    def stories(self, limit: int | None = None, with_articles: bool = True) -> list[Story]:
        """Stories, most recently active first."""
        with self.engine.connect() as conn:
            rows = story_rows(conn, limit=limit)
            members = story_articles(conn, [r.id for r in rows]) if with_articles else {}
        return [to_story(r, members.get(r.id)) for r in rows]

    def story_totals(
        self, *, ids: list[int] | None = None, topic_ids: list[int] | None = None
    ) -> list[tuple[int, dict[str, float]]]:
        """``(story id, vector sum)`` pairs: candidates for "More like this"."""
        with self.engine.connect() as conn:
            rows = story_rows(conn, ids=ids, topic_ids=topic_ids)
        return [(r.id, dict(r.total or {})) for r in rows]

    def stories_since(self, since: datetime | None, growth_since: datetime) -> list[Story]:
        """Stories active since ``since`` (all if None), with recent-article counts.

        ``Story.score`` carries the number of articles seen since
        ``growth_since``; the ranking itself is the caller's.
        """
        with self.engine.connect() as conn:
            rows = story_rows(conn, since=since)
            recent = recent_counts(conn, [r.id for r in rows], growth_since)
        out = []
        for r in rows:
            story = to_story(r)
            story.score = float(recent.get(r.id, 0))
            out.append(story)
        return out

    def latest_story_time(self) -> datetime | None:
        with self.engine.connect() as conn:
            return latest_story_time(conn)

    def stories_with_articles(self, story_ids: list[int]) -> list[Story]:
        with self.engine.connect() as conn:
            rows = {r.id: r for r in story_rows(conn, ids=story_ids)}
            members = story_articles(conn, list(rows))
        return [to_story(rows[i], members.get(i)) for i in story_ids if i in rows]


def _topic_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "size": row.size,
        "total": dict(row.total or {}),
        "first": _utc(row.first_seen),
        "last": _utc(row.last_seen),
    }


def _member_dict(row: Any) -> dict[str, Any]:
    return {
        "article_id": row.article_id,
        "topic_id": row.topic_id,
        "story_id": row.story_id,
        "at": _utc(row.at),
        "dated": bool(row.dated),
        "source": row.source,
        "title": row.title,
        "vector": dict(row.vector or {}),
        "counts": None if row.counts is None else dict(row.counts),
    }
