"""The pages added for issue 8: search with filters, one source's articles,
the sources index and the sanitized original of an article.

Each handler is one or two store calls and a template; the API in
:mod:`.api` makes the very same calls, so the two can never disagree.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import StoreError
from ..ingest.charsets import decode
from ..store.search import COUNT_AT_MOST, SearchFilters
from .sanitize import clean_html
from .site import (
    MAX_PAGE,
    MAX_QUERY_CHARS,
    SQLITE_MAX_INT,
    Site,
    int_param,
    is_local,
    parse_day,
    text_param,
)

log = logging.getLogger(__name__)

FILTER_NAMES = ("since", "until", "source", "section", "person")
SOURCES_SHOWN = 500


def search_link(query: str, filters: dict[str, str] | None = None, page: int = 1) -> str:
    """A /search link keeping the query and every filter, properly encoded."""
    params: dict[str, str | int] = {"q": query} if query else {}
    params.update({k: v for k, v in (filters or {}).items() if v})
    if page > 1:
        params["page"] = page
    return "/search?" + urlencode(params) if params else "/search"


def source_url(name: str) -> str:
    """``/source/<name>``; every character that could end the path is escaped."""
    return "/source/" + quote(name, safe="")


def typed_filters(request: Request) -> dict[str, str]:
    return {name: text_param(request, name) for name in FILTER_NAMES}


def read_filters(request: Request) -> tuple[dict[str, str], SearchFilters]:
    """The filter fields as typed (for the form) and as store filters.

    Raises ``ValueError`` with a reader-facing message on a malformed date.
    """
    raw = typed_filters(request)
    try:
        since = parse_day(raw["since"])
        until = parse_day(raw["until"], end=True)
    except ValueError:
        raise ValueError("Dates must be written as YYYY-MM-DD, for example 2024-03-05.") from None
    filters = SearchFilters(
        since=since,
        until=until,
        source=raw["source"] or None,
        section=raw["section"] or None,
        person=raw["person"] or None,
    )
    return raw, filters


def routes(site: Site) -> list[Route]:
    page_size = site.page_size
    store = site.store

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        number = min(int_param(request, "page", 1) or 1, MAX_PAGE)
        context: dict[str, Any] = {
            "query": query,
            "page_number": number,
            "hits": [],
            "total": 0,
            "pages": 0,
            "error": None,
            "filters": {name: "" for name in FILTER_NAMES},
            "searched": False,
        }
        try:
            raw, filters = read_filters(request)
            context["filters"] = raw
        except ValueError as exc:
            context["error"] = str(exc)
            context["filters"] = typed_filters(request)
            filters = None
        if context["error"]:
            pass
        elif query and len(query) > MAX_QUERY_CHARS:
            context["error"] = f"That search is too long; use at most {MAX_QUERY_CHARS} characters."
        elif query or (filters and filters.person):
            context["searched"] = True
            try:
                hits, total = await site.call(
                    store.search_page, query, page_size, (number - 1) * page_size, filters
                )
            except StoreError as exc:
                log.warning("search failed for %r: %s", query, exc)
                context["error"] = (
                    "We could not run that search. Try plain words, without quotes or operators."
                )
            else:
                pages = min(-(-total // page_size), MAX_PAGE)
                context.update(total=total, hits=hits, pages=pages, count_at_most=COUNT_AT_MOST)
        what = query or (filters.person if filters and filters.person else "")
        title = f"Search: {what}" if what else "Search"
        return site.page(request, "search.html", title=title, **context)

    async def source(request: Request) -> Response:
        name = request.path_params["name"].strip()[:MAX_QUERY_CHARS]
        before = int_param(request, "before", None)
        rows = await site.call(store.source_articles, name, page_size + 1, before) if name else []
        if not rows and before is None:
            raise HTTPException(404)
        more = len(rows) > page_size
        rows = rows[:page_size]
        return site.page(
            request,
            "source.html",
            title=name,
            source=name,
            items=rows,
            paged=before,
            next_before=rows[-1].id if more and rows else None,
        )

    async def sources(request: Request) -> Response:
        rows = await site.call(store.sources, SOURCES_SHOWN)
        return site.page(request, "sources.html", title="Sources", sources=rows)

    async def original(request: Request) -> Response:
        article_id: int = request.path_params["article_id"]
        if article_id > SQLITE_MAX_INT:
            raise HTTPException(404)
        stored = await site.call(store.get_article, article_id)
        document = await site.call(store.get_document, article_id) if stored else None
        if stored is None or document is None:
            raise HTTPException(404)
        raw = document.raw_bytes
        text = decode(raw) if raw else ""
        # Markup only around nh3's output: the one sanctioned HTML on the site.
        html = Markup(clean_html(text)) if document.content_type == "html" else None
        return site.page(
            request,
            "original.html",
            title=f"Original: {stored.article.title}",
            item=stored,
            document=document,
            clean=html,
            text=None if html is not None else text,
        )

    env = site.templates.env
    env.globals["search_link"] = search_link
    env.globals["source_url"] = source_url
    env.globals["show_admin"] = lambda request: site.admin_enabled and is_local(request)
    return [
        Route("/search", search, name="search"),
        Route("/source/{name:path}", source, name="source"),
        Route("/sources", sources, name="sources"),
        Route("/article/{article_id:int}/original", original, name="original"),
    ]
