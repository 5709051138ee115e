"""Search with filters, and one site's articles: the queries behind the search
page, the source page and the API (issue 8).

Written in SQLAlchemy Core once; only the full-text match, its rank and its
snippet come from the backend module (:mod:`.sqlite` FTS5, :mod:`.postgres`
tsvector), so a filter is the same ``WHERE`` clause on both databases.

The ``person`` filter asks for articles that name the person: the name is
ANDed to the full-text query as a phrase.  That works on every store, with or
without the entity tables of ``enrich``, and finds the same articles a reader
would find by typing the name in quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import SearchHit, StoredArticle
from .query import _WORD
from .schema import articles

MAX_FILTER_CHARS = 200  # a site or section name, not a document
# Above this many matches, results come newest first instead of by relevance.
RANK_AT_MOST = 5_000
# Counting stops here: past it a reader learns "more than 10,000", and an exact
# count of a common word would cost more than the page it heads.
COUNT_AT_MOST = 10_000


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search; every field is optional and they combine with AND.

    ``since`` is inclusive and ``until`` exclusive, both on ``published_at``
    (an article with no known date never matches a date filter).  ``source``
    matches the site name or the source label, whichever the reader saw.
    """

    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    section: str | None = None
    person: str | None = None

    @property
    def empty(self) -> bool:
        return not any((self.since, self.until, self.source, self.section, self.person))


def person_words(name: str | None) -> tuple[str, ...]:
    """The words of a person's name, as the full-text index sees them."""
    return tuple(_WORD.findall((name or "")[:MAX_FILTER_CHARS]))


def source_clause(source: str) -> ColumnElement[bool]:
    """Site name or source label: the home page shows one or the other."""
    return or_(articles.c.site_name == source, articles.c.source == source)


def filter_clauses(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """The non-text filters as Core clauses on ``articles``."""
    clauses: list[ColumnElement[bool]] = []
    if filters.since is not None:
        clauses.append(articles.c.published_at >= filters.since)
    if filters.until is not None:
        clauses.append(articles.c.published_at < filters.until)
    if filters.source:
        clauses.append(source_clause(filters.source[:MAX_FILTER_CHARS]))
    if filters.section:
        clauses.append(func.lower(articles.c.section) == filters.section[:MAX_FILTER_CHARS].lower())
    return clauses


class SearchStoreMixin:
    """Search and source listing of the SQL store (needs ``engine`` and ``_fts``)."""

    engine: Any
    _fts: Any

    def _match(self, query: str, filters: SearchFilters | None) -> str | None:
        prepared = self._fts.prepare_query(query)
        words = person_words(filters.person if filters else None)
        if words:
            return self._fts.with_phrase(prepared, words)
        return prepared

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[SearchHit]:
        """Full-text search, best first, title matches weighted above body matches.

        With a ``person`` filter the query may be empty: the name alone is searched.
        A query matching more than :data:`RANK_AT_MOST` articles is answered newest
        first.  Ids are found first and snippets made for the page's rows only.
        """
        return self._page(query, limit, offset, filters, count=False)[0]

    def search_page(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> tuple[list[SearchHit], int]:
        """What a results page shows: :meth:`search`'s hits and :meth:`count_search`'s
        count (up to ``COUNT_AT_MOST + 1``), the same answers as the two calls.

        One question asked once: the count also decides ranked or newest first,
        and on PostgreSQL (where matching a row re-reads its tsvector) an
        unfiltered query is counted and ranked in a single pass over its matches.
        """
        hits, total = self._page(query, limit, offset, filters, count=True)
        return hits, total or 0

    def _page(
        self,
        query: str,
        limit: int,
        offset: int,
        filters: SearchFilters | None,
        count: bool,
    ) -> tuple[list[SearchHit], int | None]:
        match = self._match(query, filters)
        if match is None:
            return [], 0
        where = filter_clauses(filters) if filters else []
        try:
            with self.engine.connect() as conn:
                ids, total = self._ranked_ids(conn, match, where, limit, offset, count)
                rows = conn.execute(self._fts.hits_select(match, ids)).all() if ids else []
        except SQLAlchemyError as exc:
            raise StoreError(f"search failed: {exc}") from exc
        order = {article_id: i for i, article_id in enumerate(ids)}
        rows.sort(key=lambda row: order[row.id])
        hits = [
            SearchHit(
                id=row.id,
                title=row.title,
                url=row.url,
                snippet=row.snippet or "",
                published_at=_parse_dt(row.published_at),
                source=row.source,
                section=row.section,
            )
            for row in rows
        ]
        return hits, total

    def _ranked_ids(
        self,
        conn: Any,
        match: str,
        where: list[ColumnElement[bool]],
        limit: int,
        offset: int,
        count: bool,
    ) -> tuple[list[int], int | None]:
        """The page's ids, best first (newest first above :data:`RANK_AT_MOST`
        matches), and with ``count`` the number of matches up to ``COUNT_AT_MOST + 1``.

        Ranking every match costs more than it is worth when a query matches a
        large part of the archive ("the", "said"): then newest first, which the
        index gives without scoring anything.  Where matching a row is costly
        (PostgreSQL re-checks phrase positions in each candidate's tsvector),
        counting and ordering are one pass over the first matches, up to the
        cap; a window count says whether they were all of them.
        """
        total: int | None = None
        newest: bool | None = None  # not known yet
        if not where and self._fts.RANK_IN_ONE_PASS:
            cap = max(COUNT_AT_MOST, RANK_AT_MOST) if count else RANK_AT_MOST
            page = self._fts.ranked_page_select(match, cap, RANK_AT_MOST, limit, offset)
            rows = conn.execute(page).all()
            if not rows and offset == 0:
                return [], 0  # no match at all
            if rows:
                total = min(rows[0].n, COUNT_AT_MOST + 1) if count else None
                if rows[0].n <= cap:  # every match seen: ranked, or newest first
                    return [row.id for row in rows], total
                newest = True  # more than cap: the newest are not among those seen
        if count and total is None:
            statement = _capped(self._fts.count_select(match, where), COUNT_AT_MOST + 1)
            total = int(conn.execute(statement).scalar() or 0)
        if newest is None:
            if count and not where and total is not None and COUNT_AT_MOST >= RANK_AT_MOST:
                newest = total > RANK_AT_MOST  # the same count, capped higher
            else:
                capped_count = _capped(self._fts.count_select(match, []), RANK_AT_MOST + 1)
                newest = (conn.execute(capped_count).scalar() or 0) > RANK_AT_MOST
        ranked = self._fts.rank_select(match, where, newest).limit(limit).offset(offset)
        return [row.id for row in conn.execute(ranked)], total

    def count_search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        at_most: int | None = COUNT_AT_MOST,
    ) -> int:
        """How many articles match, counted up to ``at_most + 1`` (``None``: exact).

        A result above ``at_most`` means "more than ``at_most``".
        """
        match = self._match(query, filters)
        if match is None:
            return 0
        where = filter_clauses(filters) if filters else []
        statement = self._fts.count_select(match, where)
        if at_most is not None:
            statement = _capped(statement, at_most + 1)
        try:
            with self.engine.connect() as conn:
                return int(conn.execute(statement).scalar() or 0)
        except SQLAlchemyError as exc:
            raise StoreError(f"search failed: {exc}") from exc

    def source_articles(
        self, source: str, limit: int = 20, before_id: int | None = None
    ) -> list[StoredArticle]:
        """One site's articles, newest first by ingest order (cursor: ``before_id``)."""
        from .sql import _stored  # the one row -> StoredArticle mapping

        stmt: Select[Any] = (
            select(articles)
            .where(source_clause(source[:MAX_FILTER_CHARS]))
            .order_by(articles.c.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            stmt = stmt.where(articles.c.id < before_id)
        with self.engine.connect() as conn:
            return [_stored(row) for row in conn.execute(stmt)]

    def sources(self, limit: int = 500) -> list[tuple[str, int]]:
        """Every site (name, article count), largest first: the sources index."""
        name = func.coalesce(articles.c.site_name, articles.c.source)
        stmt = (
            select(name.label("name"), func.count().label("n"))
            .where(and_(name.is_not(None), name != ""))
            .group_by(name)
            .order_by(func.count().desc(), name)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.name, int(row.n)) for row in conn.execute(stmt)]


def _capped(count_statement: Select[Any], limit: int) -> Select[Any]:
    """``count(*)`` of at most ``limit`` matching rows: the scan stops there."""
    inner = count_statement.with_only_columns(literal_column("1")).limit(limit).subquery()
    return select(func.count()).select_from(inner)


def _parse_dt(value: Any) -> datetime | None:
    from .sql import _parse_dt as parse

    return parse(value)
