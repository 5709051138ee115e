"""``/api/v1``: JSON over the very store calls the pages make.

Mounted as its own small Starlette app so that every error under it, a
missing route and a wrong method included, is JSON
(``{"error": {"status", "message"}}``) while the site keeps its HTML error
pages.  Parameters are validated as :mod:`.openapi` declares them; anything
else is a 400 with the reason.

Cursors are opaque to clients: ``b.<id>`` (the article id to continue below,
for lists in ingest order) or ``o.<offset>`` (for ranked search results),
base64url-encoded.  A client only ever passes back what it was given.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import export
from ..errors import StoreError
from ..model import SearchHit, StoredArticle, Story
from ..pipeline import stories as pipeline_stories
from ..store.search import COUNT_AT_MOST, SearchFilters
from . import render
from .openapi import MAX_EXPORT, MAX_LIMIT, document
from .site import MAX_FILTER_CHARS, MAX_PAGE, MAX_QUERY_CHARS, SQLITE_MAX_INT, Site, parse_day

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def endpoint(fn: Handler) -> Handler:
    """Turn every failure of a handler into a JSON error with its status."""

    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except ApiError as exc:
            return error_response(exc.status, exc.message)
        except StoreError as exc:
            log.warning("API store error on %s: %s", request.url.path, exc)
            return error_response(503, "The store could not answer; try again shortly.")
        except Exception:
            log.exception("API error on %s", request.url.path)
            return error_response(500, "Internal error.")

    return wrapped


# -- parameters ---------------------------------------------------------------


def _int(request: Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 20:
        raise ApiError(400, f"{name} must be an integer")
    value = int(raw)
    if not lo <= value <= hi:
        raise ApiError(400, f"{name} must be between {lo} and {hi}")
    return value


def _text(request: Request, name: str, limit: int) -> str:
    raw = request.query_params.get(name, "")
    if len(raw) > limit:
        raise ApiError(400, f"{name} is longer than {limit} characters")
    return "".join(ch for ch in raw if ch.isprintable()).strip()


def _path_id(request: Request, name: str) -> int:
    value: int = request.path_params[name]
    if not 1 <= value <= SQLITE_MAX_INT:
        raise ApiError(404, "not found")
    return value


def encode_cursor(kind: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}.{value}".encode()).decode().rstrip("=")


def decode_cursor(raw: str | None, kind: str) -> int | None:
    if not raw:
        return None
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ApiError(400, "cursor is not one this API gave out") from None
    prefix, _, number = text.partition(".")
    if prefix != kind or not number.isdigit() or not 0 < int(number) <= SQLITE_MAX_INT:
        raise ApiError(400, "cursor is not one this API gave out")
    return int(number)


# -- shapes -------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def summary(stored: StoredArticle) -> dict[str, Any]:
    a = stored.article
    return {
        "id": stored.id,
        "title": a.title,
        "url": a.url,
        "site_name": a.site_name,
        "source": a.source,
        "section": a.section,
        "published_at": _iso(a.published_at),
        "ingested_at": stored.ingested_at.isoformat(),
    }


def hit(h: SearchHit) -> dict[str, Any]:
    """The hit with a plain snippet and the match offsets in it (no markup to trust)."""
    text: list[str] = []
    matches: list[list[int]] = []
    start: int | None = None
    size = 0
    for ch in h.snippet:
        if ch == render.MARK_START:
            start = size
        elif ch == render.MARK_END:
            if start is not None and size > start:
                matches.append([start, size])
            start = None
        elif ch.isprintable() or ch in "\t\n":
            text.append(ch)
            size += 1
    if start is not None and size > start:
        matches.append([start, size])
    return {
        "id": h.id,
        "title": h.title,
        "url": h.url,
        "source": h.source,
        "section": h.section,
        "published_at": _iso(h.published_at),
        "snippet": "".join(text),
        "matches": matches,
    }


def story_json(story: Story, with_articles: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": story.id,
        "title": story.title,
        "n_articles": story.n_articles,
        "n_sources": story.n_sources,
        "sources": list(story.sources),
        "first_seen": _iso(story.first_seen),
        "last_seen": _iso(story.last_seen),
        "score": float(story.score),
    }
    if with_articles:
        out["articles"] = [
            {"id": a.id, "title": a.title, "url": a.url, "source": a.source, "at": a.at.isoformat()}
            for a in story.articles
        ]
    return out


# -- routes -------------------------------------------------------------------


def create_api(site: Site) -> Starlette:
    store = site.store
    default_limit = min(site.page_size, MAX_LIMIT)

    @endpoint
    async def articles(request: Request) -> Response:
        limit = _int(request, "limit", default_limit, 1, MAX_LIMIT) or default_limit
        before = decode_cursor(request.query_params.get("cursor"), "b")
        source = _text(request, "source", MAX_FILTER_CHARS)
        if source:
            rows = await site.call(store.source_articles, source, limit + 1, before)
        else:
            rows = await site.call(store.latest, limit + 1, before)
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = encode_cursor("b", rows[-1].id) if more and rows else None
        return JSONResponse({"items": [summary(r) for r in rows], "next_cursor": cursor})

    @endpoint
    async def article(request: Request) -> Response:
        article_id = _path_id(request, "article_id")
        stored = await site.call(store.get_article, article_id)
        if stored is None:
            raise ApiError(404, f"no article {article_id}")
        story = await site.call(store.story_of, article_id)
        entities = await site.call(store.article_entities, article_id)
        quotes = await site.call(store.article_quotes, article_id)
        body = {
            "id": stored.id,
            **stored.article.to_dict(),
            "ingested_at": stored.ingested_at.isoformat(),
            "story_id": (story or {}).get("story_id"),
            "entities": _jsonable(entities),
            "quotes": _jsonable(quotes),
        }
        return JSONResponse(body)

    @endpoint
    async def search(request: Request) -> Response:
        query = _text(request, "q", MAX_QUERY_CHARS)
        raw = {
            name: _text(request, name, MAX_FILTER_CHARS) for name in ("source", "section", "person")
        }
        try:
            since = parse_day(_text(request, "since", 40))
            until = parse_day(_text(request, "until", 40), end=True)
        except ValueError:
            raise ApiError(400, "since and until must be dates: YYYY-MM-DD") from None
        filters = SearchFilters(
            since=since,
            until=until,
            source=raw["source"] or None,
            section=raw["section"] or None,
            person=raw["person"] or None,
        )
        limit = _int(request, "limit", default_limit, 1, MAX_LIMIT) or default_limit
        offset = decode_cursor(request.query_params.get("cursor"), "o") or 0
        if not query and not filters.person:
            return JSONResponse(
                {"total": 0, "total_is_lower_bound": False, "items": [], "next_cursor": None}
            )
        hits, total = await site.call(store.search_page, query, limit, offset, filters)
        end = offset + len(hits)
        more = end < total and end < MAX_PAGE * MAX_LIMIT
        cursor = encode_cursor("o", end) if more and hits else None
        return JSONResponse(
            {
                "total": min(total, COUNT_AT_MOST),
                "total_is_lower_bound": total > COUNT_AT_MOST,
                "items": [hit(h) for h in hits],
                "next_cursor": cursor,
            }
        )

    @endpoint
    async def stories(request: Request) -> Response:
        limit = _int(request, "limit", 10, 1, 50) or 10
        top = await site.call(pipeline_stories.top_stories, store, limit)
        return JSONResponse({"items": [story_json(s) for s in top]})

    @endpoint
    async def story(request: Request) -> Response:
        story_id = _path_id(request, "story_id")
        found = await site.call(store.get_story, story_id)
        if found is None:
            raise ApiError(404, f"no story {story_id}")
        return JSONResponse(story_json(found))

    @endpoint
    async def sources(request: Request) -> Response:
        limit = _int(request, "limit", 100, 1, 500) or 100
        rows = await site.call(store.sources, limit)
        return JSONResponse({"items": [{"name": n, "articles": c} for n, c in rows]})

    @endpoint
    async def export_file(request: Request) -> Response:
        fmt = request.query_params.get("format", "jsonl") or "jsonl"
        if fmt not in export.FORMATS:
            raise ApiError(400, "format must be jsonl, csv or parquet")
        limit = _int(request, "limit", None, 1, MAX_EXPORT)
        headers = {"Content-Disposition": f'attachment; filename="newsdesk.{fmt}"'}
        media = export.MEDIA_TYPES[fmt]
        if fmt == "parquet":
            path = await site.call(_parquet_file, store, limit)
            return StreamingResponse(_read_and_remove(path), media_type=media, headers=headers)
        rows = export.iter_rows(store, limit)
        chunks = export.jsonl_chunks(rows) if fmt == "jsonl" else export.csv_chunks(rows)
        # A sync iterator: Starlette runs each step in the threadpool.
        return StreamingResponse(chunks, media_type=media, headers=headers)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document())

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "Internal error."
        return error_response(status, str(detail))

    return Starlette(
        routes=[
            Route("/articles", articles),
            Route("/articles/{article_id:int}", article),
            Route("/search", search),
            Route("/stories", stories),
            Route("/stories/{story_id:int}", story),
            Route("/sources", sources),
            Route("/export", export_file),
            Route("/openapi.json", openapi),
        ],
        exception_handlers={HTTPException: http_error},
    )


def _parquet_file(store: Any, limit: int | None) -> str:
    """Parquet needs a seekable footer pass, so it is written to a temp file first."""
    handle, path = tempfile.mkstemp(prefix="newsdesk-export-", suffix=".parquet")
    os.close(handle)
    try:
        export.write_parquet(export.iter_rows(store, limit), path)
    except BaseException:
        os.unlink(path)
        raise
    return path


def _read_and_remove(path: str, chunk: int = 1 << 16) -> Iterator[bytes]:
    try:
        with open(path, "rb") as fh:
            while data := fh.read(chunk):
                yield data
    finally:
        os.unlink(path)
