"""What only PostgreSQL needs: the weighted tsvector index and its queries.

The ``simple`` configuration (no stemming, no stop words) matches SQLite's
``unicode61`` tokenizer, so a query finds the same articles on both stores,
and it treats every language alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    case,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.exc import DBAPIError

from .query import parse
from .schema import articles

# Per session: no JIT compilation.  A search is a short query whose cost the
# planner overestimates (phrase selectivity); compiling it takes longer than
# running it.  A deployment can set more on the server (see README).
ENGINE_OPTIONS: dict[str, Any] = {"connect_args": {"options": "-c jit=off"}}

PG_FTS_DDL = [
    """ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(body, '')), 'B')
    ) STORED""",
    "CREATE INDEX articles_search_idx ON articles USING GIN (search)",
]


# -- schema version 8: a narrow search table (issue 9) ---------------------------
#
# The weighted tsvector used to be a generated column of ``articles``.  A row
# of ``articles`` is wide (body, paragraphs JSON, tsvector: about 5 kB), so the
# tsvector was moved out of line into TOAST and pglz-compressed: re-checking a
# phrase on a candidate (the GIN index has no positions) cost a TOAST index
# lookup, two or three page reads and a slow decompression, and ranking read
# it all again.  ``article_search`` holds only (id, tsvector), the tsvector
# kept in the row (STORAGE MAIN) and lz4-compressed where the server has lz4,
# so the candidates of a query sit on a few dense pages of one small table.
# Triggers keep it in step with ``articles``, whoever writes to it.


def tsvector_of(row: str) -> str:
    """The indexed document of an ``articles`` row: title weighted A, body B."""
    return (
        f"setweight(to_tsvector('simple', coalesce({row}.title, '')), 'A') || "
        f"setweight(to_tsvector('simple', coalesce({row}.body, '')), 'B')"
    )


SEARCH_TABLE_DDL = [
    """CREATE TABLE article_search (
        id integer PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        search tsvector NOT NULL
    )""",
    "ALTER TABLE article_search ALTER COLUMN search SET STORAGE MAIN",
    # Bulk loads insert many rows per statement: one trigger call per statement.
    f"""CREATE FUNCTION newsdesk_article_search_insert() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO article_search (id, search)
            SELECT n.id, {tsvector_of("n")} FROM new_rows n;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER articles_search_ai AFTER INSERT ON articles
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION newsdesk_article_search_insert()""",
    f"""CREATE FUNCTION newsdesk_article_search_update() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE article_search SET search = {tsvector_of("NEW")} WHERE id = NEW.id;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER articles_search_au AFTER UPDATE OF title, body ON articles
        FOR EACH ROW
        WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body)
        EXECUTE FUNCTION newsdesk_article_search_update()""",
    # Existing articles: their generated column already holds the same tsvector.
    "INSERT INTO article_search (id, search) SELECT id, search FROM articles",
    "DROP INDEX articles_search_idx",
    "ALTER TABLE articles DROP COLUMN search",
    "CREATE INDEX article_search_idx ON article_search USING GIN (search)",
    "ANALYZE article_search",
]


def create_search_table(conn: Connection) -> None:
    """Migration step (schema version 8): move the tsvector to ``article_search``."""
    for statement in SEARCH_TABLE_DDL[:2]:
        conn.exec_driver_sql(statement)
    try:  # lz4 decompresses several times faster than pglz; not every build has it
        with conn.begin_nested():
            conn.exec_driver_sql(
                "ALTER TABLE article_search ALTER COLUMN search SET COMPRESSION lz4"
            )
    except DBAPIError:
        pass
    # Building the GIN index over an existing archive sorts far faster with room.
    conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for statement in SEARCH_TABLE_DDL[2:]:
        conn.exec_driver_sql(statement)


def prepare_query(query: str) -> str | None:
    """The parsed query as ``to_tsquery`` input: words are ``\\w+`` runs, so
    quoting each one makes the expression safe whatever was typed."""
    out: list[str] = []
    for part in parse(query):
        if isinstance(part, str):
            out.append("|")
            continue
        if out and out[-1] != "|":
            out.append("&")
        phrase = " <-> ".join(f"'{w.lower()}'" for w in part.words)
        out.append(
            f"({phrase}){':*' if part.prefix else ''}"
            if len(part.words) > 1
            else phrase + (":*" if part.prefix else "")
        )
    return " ".join(out) or None


# -- filtered search as Core statements (issue 8; filters in store/search.py) --

_search = table("article_search", column("id"), column("search"))
_SEARCH_COL = _search.c.search
_HEADLINE_OPTIONS = (
    "StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=20, MaxFragments=1, FragmentDelimiter=…"
)


def with_phrase(prepared: str | None, words: tuple[str, ...]) -> str:
    """AND a phrase (a person's name) onto a ``to_tsquery`` expression."""
    phrase = " <-> ".join(f"'{w.lower()}'" for w in words)
    return f"({phrase})" if prepared is None else f"({prepared}) & ({phrase})"


def _tsquery(match: str) -> Any:
    return func.to_tsquery(literal_column("'simple'"), bindparam("query", match))


# Matching a candidate re-reads its tsvector (phrases need positions the GIN
# index lacks): count and rank in one pass (see search.SearchStoreMixin).
RANK_IN_ONE_PASS = True


def ranked_page_select(
    match: str, cap: int, rank_at_most: int, limit: int, offset: int
) -> Select[Any]:
    """One pass over the first ``cap + 1`` matches: each row's id and ``n``, how
    many matches were seen.  Ranked (as :func:`rank_select`) when ``n`` is at
    most ``rank_at_most``, else newest first among them.  The rank is computed
    as each match is read, while its tsvector is at hand: carrying tsvectors to
    rank them later costs more than ranking a few thousand that go unused."""
    query = _tsquery(match)
    found = (
        select(_search.c.id, func.ts_rank_cd(_SEARCH_COL, query).label("r"))
        .where(_SEARCH_COL.op("@@")(query))
        .limit(cap + 1)
        .subquery("found")
    )
    counted = select(found.c.id, found.c.r, func.count().over().label("n")).subquery("c")
    rank = case((counted.c.n <= rank_at_most, counted.c.r))
    return (
        select(counted.c.id, counted.c.n)
        .order_by(rank.desc(), counted.c.id.desc())
        .limit(limit)
        .offset(offset)
    )


def rank_select(match: str, where: list[ColumnElement[bool]], newest: bool) -> Select[Any]:
    """Ids only, best first (or newest first): headlines are made for the page alone."""
    order = [] if newest else [func.ts_rank_cd(_SEARCH_COL, _tsquery(match)).desc()]
    return (
        select(_search.c.id)
        .select_from(_from(where))
        .where(_SEARCH_COL.op("@@")(_tsquery(match)), *where)
        .order_by(*order, _search.c.id.desc())
    )


def _from(where: list[ColumnElement[bool]]) -> Any:
    """The search table, joined to ``articles`` only when a filter needs it."""
    return _search.join(articles, articles.c.id == _search.c.id) if where else _search


def hits_select(match: str, ids: list[int]) -> Select[Any]:
    a = articles
    headline = func.ts_headline(
        literal_column("'simple'"),
        a.c.body,
        _tsquery(match),
        bindparam("headline", _HEADLINE_OPTIONS),
    )
    return select(
        a.c.id,
        a.c.title,
        a.c.url,
        a.c.published_at,
        a.c.source,
        a.c.section,
        headline.label("snippet"),
    ).where(a.c.id.in_(ids))


def count_select(match: str, where: list[ColumnElement[bool]]) -> Select[Any]:
    return (
        select(func.count())
        .select_from(_from(where))
        .where(_SEARCH_COL.op("@@")(_tsquery(match)), *where)
    )


# After a large load: the GIN index's pending list merged (else every query
# scans it), and planner statistics, so the index is chosen at once instead of
# after autovacuum's next pass.
OPTIMIZE = ["SELECT gin_clean_pending_list('article_search_idx'::regclass)", "ANALYZE"]
