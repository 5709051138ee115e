"""What only PostgreSQL needs: the weighted tsvector index and its queries.

The ``simple`` configuration (no stemming, no stop words) matches SQLite's
``unicode61`` tokenizer, so a query finds the same articles on both stores,
and it treats every language alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    func,
    literal_column,
    select,
)

from .query import parse
from .schema import articles

PG_FTS_DDL = [
    """ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(body, '')), 'B')
    ) STORED""",
    "CREATE INDEX articles_search_idx ON articles USING GIN (search)",
]


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

_SEARCH_COL = literal_column("articles.search")
_HEADLINE_OPTIONS = (
    "StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=20, MaxFragments=1, FragmentDelimiter=…"
)


def with_phrase(prepared: str | None, words: tuple[str, ...]) -> str:
    """AND a phrase (a person's name) onto a ``to_tsquery`` expression."""
    phrase = " <-> ".join(f"'{w.lower()}'" for w in words)
    return f"({phrase})" if prepared is None else f"({prepared}) & ({phrase})"


def _tsquery(match: str) -> Any:
    return func.to_tsquery(literal_column("'simple'"), bindparam("query", match))


def rank_select(match: str, where: list[ColumnElement[bool]], newest: bool) -> Select[Any]:
    """Ids only, best first (or newest first): headlines are made for the page alone."""
    query = _tsquery(match)
    order = [] if newest else [func.ts_rank_cd(_SEARCH_COL, query).desc()]
    return (
        select(articles.c.id)
        .where(_SEARCH_COL.op("@@")(query), *where)
        .order_by(*order, articles.c.id.desc())
    )


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
        .select_from(articles)
        .where(_SEARCH_COL.op("@@")(_tsquery(match)), *where)
    )


# After a large load: planner statistics, so the GIN index is chosen at once
# instead of after autovacuum's next pass.
OPTIMIZE = ["ANALYZE"]
