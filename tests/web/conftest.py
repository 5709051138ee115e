"""A real SQLite store and a real uvicorn server for the web tests.

The site is tested over a socket, as a browser sees it, so middleware order,
static files, lifespan and headers are all exercised for real.  One server per
test module keeps the suite fast; tests only read.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from newsdesk.model import Article, Document, Paragraph
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web import create_app

PAGE_SIZE = 2  # small, so a handful of articles exercises paging


def _doc(name: str, url: str | None = None) -> Document:
    return Document(
        location=f"tests/{name}.html",
        content=f"<html><body><p>{name}</p></body></html>".encode(),
        content_type="html",
        url=url,
    )


def _articles() -> dict[str, Article]:
    return {
        "bridge": Article(
            url="https://coast.example/local/bridge",
            title="Harbour bridge reopens after repairs",
            paragraphs=[
                Paragraph("The harbour bridge reopened on Tuesday after months of work."),
                Paragraph("Traffic returns", kind="h"),
                Paragraph("Engineers praised the zeppelinfield crossing design & its cables."),
            ],
            canonical_url="https://coast.example/bridge",
            site_name="Coast Times",
            section="Local",
            authors=["Ana Ruiz", "Ben Okafor"],
            contributors=["Cara Lind (photos)"],
            dateline="PORTVILLE",
            published_at=datetime(2024, 3, 5, 9, 30, tzinfo=UTC),
            date_source="meta",
            page_date=datetime(2024, 3, 7, 18, 0, tzinfo=UTC),
            source_link="https://wire.example/original",
            source="coast-feed",
        ),
        "undated": Article(
            url="https://inland.example/council",
            title="Council debates budget",
            paragraphs=[Paragraph("The council met to debate the budget for next year.")],
            site_name="Inland Post",
            section="Politics",
            source_link="/relative/path",
            source="inland-feed",
        ),
        "byline": Article(
            url="https://inland.example/rain",
            title="Rain expected all week",
            paragraphs=[Paragraph("Forecasters expect rain every day this week.")],
            site_name="Inland Post",
            published_at=datetime(2024, 4, 1, tzinfo=UTC),
            date_source="byline",
            page_date=datetime(2024, 4, 1, tzinfo=UTC),
        ),
        "hostile": Article(
            url="javascript:alert(2)",
            title="<script>alert(1)</script>",
            paragraphs=[
                Paragraph('<img src=x onerror=alert(1)> quietly hostile "text"'),
                Paragraph("<b>not bold</b>", kind="h"),
            ],
            canonical_url="data:text/html,<script>alert(3)</script>",
            site_name="<i>Evil</i> Site",
            section="<svg onload=alert(4)>",
            authors=["<a href='javascript:alert(5)'>x</a>"],
            dateline="<u>X</u>",
            source_link="javascript:alert(1)",
            source="evil",
            date_source="text",
            published_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        ),
    }


def _free_socket() -> socket.socket:
    """A bound socket handed to uvicorn, so there is no race for the port number."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run ``app`` under a real uvicorn server in a thread; yield its base URL.

    Lifespan is on, so startup and shutdown (closing an owned store) run too.
    """
    sock = _free_socket()
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """One populated store and server per module; tests only read from it."""
    db = str(tmp_path_factory.mktemp("web") / "t.db")
    store = open_store(db)
    try:
        ids: dict[str, int] = {}
        for name, article in _articles().items():
            ids[name], _status = store.add_article(article, _doc(name, article.url))
        app = create_app(Settings(db=db, page_size=PAGE_SIZE), store)
        with serve(app) as base_url:
            yield base_url, ids
    finally:
        store.close()


@pytest.fixture
def ids(site: tuple[str, dict[str, int]]) -> dict[str, int]:
    """Article ids in the test store by short name (bridge, undated, byline, hostile)."""
    return site[1]


@pytest.fixture
def client(site: tuple[str, dict[str, int]]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site[0], timeout=10, follow_redirects=False) as c:
        yield c


@pytest.fixture
def serve_app() -> Callable[[ASGIApp], AbstractContextManager[str]]:
    """For tests that need their own app (a broken store, an owned store)."""
    return serve


# -- one headless Chromium for every browser test (issue 10 shares it) ----------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    """Debian's Chromium under Playwright, started once per run (never ``playwright install``).

    Skips when Playwright or the browser is missing, and fails under CI=true.
    """
    import os
    from pathlib import Path

    executable = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright not installed")
        pytest.skip("playwright not installed")
    if not Path(executable).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium not installed (apt-get install chromium)")
        pytest.skip("chromium not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()
