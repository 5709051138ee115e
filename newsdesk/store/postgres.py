"""What only PostgreSQL needs: the weighted tsvector index and its queries.

The ``simple`` configuration (no stemming, no stop words) matches SQLite's
``unicode61`` tokenizer, so a query finds the same articles on both stores,
and it treats every language alike.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

from .query import parse

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


SEARCH: TextClause = text(
    """
    SELECT a.id, a.title, a.url, a.published_at, a.source, a.section,
           ts_headline('simple', a.body, q,
                       'StartSel=' || chr(2) || ', StopSel=' || chr(3) ||
                       ', MaxWords=40, MinWords=20, MaxFragments=1, FragmentDelimiter=…')
             AS snippet
    FROM articles a, to_tsquery('simple', :query) q
    WHERE a.search @@ q
    ORDER BY ts_rank_cd(a.search, q) DESC, a.id DESC
    LIMIT :limit OFFSET :offset
    """
)

COUNT: TextClause = text(
    """
    SELECT count(*) FROM articles a, to_tsquery('simple', :query) q
    WHERE a.search @@ q
    """
)
