"""The ASGI app factory: routes, templates, static files and error pages.

The store API is synchronous (SQLAlchemy), so every store call runs in the
threadpool to keep the event loop free for other requests.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..pipeline import stories as pipeline_stories
from ..pipeline.copies import copy_view
from ..settings import Settings
from . import admin, api, pages, render
from .security import NONCE_KEY, SecurityHeadersMiddleware, request_nonce, security_headers
from .site import Site, admin_enabled

if TYPE_CHECKING:
    from ..store.base import Store

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
MAX_QUERY_CHARS = 300  # a search box, not a bulk API; bounds FTS work per request
TOP_STORIES = 8  # on the home page, above Latest
MAX_PAGE = 1000  # bounds OFFSET so deep paging cannot become a slow scan
SQLITE_MAX_INT = 2**63 - 1  # ids above this cannot exist and would overflow the driver

T = TypeVar("T")


def _templates() -> Jinja2Templates:
    """Jinja with autoescape forced on for every template and strict undefineds,
    so a typo in a template fails loudly in tests instead of rendering blank."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = render.format_date
    env.filters["isodate"] = render.iso_date
    env.filters["highlight"] = render.highlight
    env.globals["date_provenance"] = render.date_provenance
    env.globals["is_http_url"] = render.is_http_url
    env.globals["same_instant"] = render.same_instant
    env.globals["search_url"] = render.search_url
    env.globals["nav"] = None  # pages that belong to a nav item set it themselves
    return Jinja2Templates(env=env)


def _int_param(request: Request, name: str, default: int | None) -> int | None:
    """A positive integer query parameter; anything else means the default."""
    raw = request.query_params.get(name, "")
    if not raw.isdigit():  # isdigit: no sign, no spaces, no "1e9"
        return default
    value = int(raw)
    return value if 0 < value <= SQLITE_MAX_INT else default


def create_app(settings: Settings, store: Store | None = None) -> Starlette:
    """Build the site over ``store``, or over ``open_store(settings.db)`` if none is given.

    A store we opened is ours to close at shutdown; a store passed in belongs to
    the caller (tests, the CLI) and is left open.
    """
    owns_store = store is None
    if store is None:
        from ..store import open_store  # late import: keeps `newsdesk.web` light to import

        store = open_store(settings.db)
    the_store: Store = store
    templates = _templates()
    page_size = max(1, settings.page_size)
    site = Site(the_store, settings, templates, page_size)  # for pages, api, admin

    async def call(fn: Callable[..., T], *args: Any) -> T:
        return await run_in_threadpool(fn, *args)

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("title", None)
        context[NONCE_KEY] = getattr(request.state, NONCE_KEY, "")
        return templates.TemplateResponse(request, name, context, status_code=status)

    async def home(request: Request) -> Response:
        before = _int_param(request, "before", None)
        rows = await call(the_store.latest, page_size + 1, before)
        more = len(rows) > page_size
        rows = rows[:page_size]
        next_before = rows[-1].id if more and rows else None
        top = [] if before else await call(pipeline_stories.top_stories, the_store, TOP_STORIES)
        return page(
            request,
            "home.html",
            items=rows,
            next_before=next_before,
            paged=before,
            top_stories=top,
        )

    async def story(request: Request) -> Response:
        story_id: int = request.path_params["story_id"]
        if story_id > SQLITE_MAX_INT:
            raise HTTPException(404)
        found = await call(the_store.get_story, story_id)
        if found is None:
            raise HTTPException(404)
        return page(request, "story.html", title=found.title, story=found)

    async def article(request: Request) -> Response:
        article_id: int = request.path_params["article_id"]
        if article_id > SQLITE_MAX_INT:
            raise HTTPException(404)
        stored = await call(the_store.get_article, article_id)
        if stored is None:
            raise HTTPException(404)
        copies = await call(copy_view, the_store, stored)
        story_id, see_also, more = await call(pipeline_stories.related, the_store, article_id)
        entities = await call(the_store.article_entities, article_id)  # issue 7
        quotes = await call(the_store.article_quotes, article_id)
        return page(
            request,
            "article.html",
            title=stored.article.title or None,
            item=stored,
            copies=copies,
            story_id=story_id,
            see_also=see_also,
            more_like_this=more,
            entities=entities,
            quotes=quotes,
        )

    async def entity(request: Request) -> Response:
        entity_id: int = request.path_params["entity_id"]
        if entity_id > SQLITE_MAX_INT:
            raise HTTPException(404)
        found = await call(the_store.get_entity, entity_id)
        if found is None:
            raise HTTPException(404)
        articles = await call(the_store.entity_articles, entity_id)
        ledger = await call(the_store.entity_ledger, entity_id)
        return page(
            request,
            "entity.html",
            title=found["name"],
            entity=found,
            articles=articles,
            ledger=ledger,
        )

    async def speaker(request: Request) -> Response:
        name = request.path_params["name"].strip()[:MAX_QUERY_CHARS]
        ledger = await call(the_store.speaker_ledger, name) if name else []
        if not ledger:
            raise HTTPException(404)
        return page(
            request, "speaker.html", title=name, speaker=ledger[0]["speaker"], ledger=ledger
        )

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, "error.html", 404, title="Not found", code=404)

    async def server_error(request: Request, exc: Exception) -> Response:
        # ServerErrorMiddleware sits outside our middleware, so set headers here too.
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        nonce = request_nonce(request.scope)
        html = templates.get_template("error.html").render(
            request=request, title="Server error", code=500, csp_nonce=nonce
        )
        response = HTMLResponse(html, status_code=500)
        response.headers.update(security_headers(nonce))
        return response

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owns_store:
                the_store.close()

    app = Starlette(
        routes=[
            Route("/", home, name="home"),
            Route("/article/{article_id:int}", article, name="article"),
            Route("/story/{story_id:int}", story, name="story"),
            Route("/entity/{entity_id:int}", entity, name="entity"),
            Route("/speaker/{name:path}", speaker, name="speaker"),
            Route("/healthz", healthz, name="healthz"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
            *pages.routes(site),  # search, source, sources, original (issue 8)
            Mount("/api/v1", api.create_api(site), name="api"),
            *([Mount("/admin", admin.create_admin(site))] if admin_enabled(settings) else []),
        ],
        middleware=[Middleware(SecurityHeadersMiddleware)],
        exception_handlers={404: not_found, 500: server_error},
        lifespan=lifespan,
    )
    app.state.store = the_store
    app.state.settings = settings
    return app
