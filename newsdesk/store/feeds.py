"""Feed subscriptions and the entries already handled, for the crawler.

Only SQL lives here; :class:`~newsdesk.store.sql.SqlStore` gets these methods
through :class:`FeedStoreMixin`, and the polling policy is in
:mod:`newsdesk.ingest.schedule`, the orchestration in :mod:`newsdesk.pipeline.crawl`.

* ``feeds``: one row per subscription with its polling state (conditional-GET
  validators, next poll, consecutive failures, why it was disabled).
* ``feed_entries``: the entries of each feed already handled (stored, failed
  or fallen back), so a changed feed only costs its new entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import Feed
from .schema import articles, metadata
from .values import CHUNK
from .values import utc as _utc

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("title", Text),
    Column("section", Text),
    Column("site_url", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("interval", Integer, nullable=False),
    Column("next_poll_at", DateTime(timezone=True), index=True),
    Column("last_fetch_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_status", String(32)),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),
    Column("disabled_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

feed_entries = Table(
    "feed_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("key", Text, nullable=False),
    Column("url", Text),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("feed_id", "key"),
)

_STATE = [f.name for f in fields(Feed) if f.name not in ("id", "url")]


def create_tables(conn: Connection) -> None:
    """Migration step: the feed tables (issue 4)."""
    metadata.create_all(conn, tables=[feeds, feed_entries])


def _feed(row: Any) -> Feed:
    values = {name: getattr(row, name) for name in ("id", "url", *_STATE)}
    for name in ("next_poll_at", "last_fetch_at", "last_success_at"):
        values[name] = _utc(values[name])
    return Feed(**values)


class FeedStoreMixin:
    """Feed methods of the SQL store (needs ``engine`` and ``_writer``)."""

    engine: Any
    _writer: Any

    def add_feed(
        self,
        url: str,
        *,
        interval: int,
        title: str | None = None,
        section: str | None = None,
    ) -> tuple[Feed, bool]:
        """Subscribe; an existing URL is enabled again and due now. True if new."""
        now = datetime.now(UTC)
        try:
            with self._writer.begin() as conn:
                row = conn.execute(select(feeds).where(feeds.c.url == url)).first()
                if row is None:
                    new_id = conn.execute(
                        insert(feeds).values(
                            url=url,
                            title=title,
                            section=section,
                            interval=interval,
                            failures=0,
                            created_at=now,
                        )
                    ).inserted_primary_key[0]
                    created = True
                else:
                    new_id, created = row.id, False
                    changes: dict[str, Any] = {
                        "disabled_reason": None,
                        "failures": 0,
                        "next_poll_at": None,
                    }
                    if section:
                        changes["section"] = section
                    if title and not row.title:
                        changes["title"] = title
                    conn.execute(update(feeds).where(feeds.c.id == row.id).values(**changes))
                fresh = conn.execute(select(feeds).where(feeds.c.id == new_id)).one()
                return _feed(fresh), created
        except SQLAlchemyError as exc:
            raise StoreError(f"could not add feed {url}: {exc}") from exc

    def _feed_where(self, ref: str | int) -> Any:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            return feeds.c.id == int(ref)
        return feeds.c.url == ref

    def get_feed(self, ref: str | int) -> Feed | None:
        """A feed by id or URL."""
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(self._feed_where(ref))).first()
        return None if row is None else _feed(row)

    def remove_feed(self, ref: str | int) -> bool:
        """Unsubscribe (by id or URL); stored articles stay.  False if unknown."""
        try:
            with self._writer.begin() as conn:
                row = conn.execute(select(feeds.c.id).where(self._feed_where(ref))).first()
                if row is None:
                    return False
                conn.execute(delete(feed_entries).where(feed_entries.c.feed_id == row.id))
                conn.execute(delete(feeds).where(feeds.c.id == row.id))
                return True
        except SQLAlchemyError as exc:
            raise StoreError(f"could not remove feed {ref}: {exc}") from exc

    def feeds(self) -> list[Feed]:
        with self.engine.connect() as conn:
            return [_feed(r) for r in conn.execute(select(feeds).order_by(feeds.c.id))]

    def due_feeds(self, now: datetime, limit: int | None = None) -> list[Feed]:
        """Enabled feeds whose next poll is due, the most overdue first."""
        now = _utc(now)  # SQLite compares text: every time is stored as UTC
        query = (
            select(feeds)
            .where(feeds.c.disabled_reason.is_(None))
            .where(or_(feeds.c.next_poll_at.is_(None), feeds.c.next_poll_at <= now))
            .order_by(feeds.c.next_poll_at.is_not(None), feeds.c.next_poll_at, feeds.c.id)
        )
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_feed(r) for r in conn.execute(query)]

    def save_feed(self, feed: Feed) -> None:
        """Write a feed's polling state (everything but its id and URL)."""
        values = {name: getattr(feed, name) for name in _STATE}
        for name in ("next_poll_at", "last_fetch_at", "last_success_at"):
            values[name] = _utc(values[name])  # SQLite would keep the wall-clock time
        try:
            with self._writer.begin() as conn:
                conn.execute(update(feeds).where(feeds.c.id == feed.id).values(**values))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not save feed {feed.url}: {exc}") from exc

    def seen_entries(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` this feed has already handled."""
        keys = list(dict.fromkeys(keys))
        seen: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(keys), CHUNK):
                query = select(feed_entries.c.key).where(
                    feed_entries.c.feed_id == feed_id, feed_entries.c.key.in_(keys[i : i + CHUNK])
                )
                seen.update(conn.execute(query).scalars())
        return seen

    def mark_entries(self, feed_id: int, entries: Iterable[tuple[str, str | None]]) -> None:
        """Record ``(key, url)`` entries as handled; already known ones are kept."""
        pending = dict(entries)
        if not pending:
            return
        now = datetime.now(UTC)
        try:
            with self._writer.begin() as conn:
                keys = list(pending)
                for i in range(0, len(keys), CHUNK):
                    known = conn.execute(
                        select(feed_entries.c.key).where(
                            feed_entries.c.feed_id == feed_id,
                            feed_entries.c.key.in_(keys[i : i + CHUNK]),
                        )
                    ).scalars()
                    for key in known:
                        pending.pop(key, None)
                if pending:
                    conn.execute(
                        insert(feed_entries),
                        [
                            {"feed_id": feed_id, "key": k, "url": u, "seen_at": now}
                            for k, u in pending.items()
                        ],
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"could not record entries of feed {feed_id}: {exc}") from exc

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of ``urls`` are already stored articles (no need to fetch again)."""
        urls = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(urls), CHUNK):
                query = select(articles.c.url).where(articles.c.url.in_(urls[i : i + CHUNK]))
                found.update(conn.execute(query).scalars())
        return found
