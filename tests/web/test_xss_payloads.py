"""Public-style XSS payloads stored as articles and rendered: nothing may run.

Every line of ``tests/fixtures/xss/payloads.txt`` (see its NOTICE.md) becomes
one article through the real pipeline (a JSONL record whose title, HTML body
and source are the payload) and, written straight into the store, one whose
every text field and link is the payload and whose archived page is it too.
Each page showing them (home, search, the article, its archived original)
is opened in headless Chromium: no dialog may open, no console error or page
error may appear (a CSP refusal there means markup got through escaping), no
request may leave 127.0.0.1, and ``window.__xss`` must stay unset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import serve

from newsdesk.model import Article, Document, Paragraph
from newsdesk.pipeline import ingest_paths
from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web import create_app

PAYLOADS = [
    line
    for line in (Path(__file__).parents[1] / "fixtures/xss/payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
MARK = "<img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    tmp = tmp_path_factory.mktemp("xss")
    db = str(tmp / "x.db")
    settings = Settings(db=db, workers=1, enrich=False, page_size=len(PAYLOADS) * 2 + 10)
    records = [
        {
            "url": f"https://hostile.example/p/{i}",
            "title": f"Payload {i} {p}",
            "html": f"<article><h1>{p}</h1>"
            + "".join(f"<p>Paragraph {k} of payload {i}: {p} {MARK}</p>" for k in range(3))
            + "</article>",
            "source": p[:60],
        }
        for i, p in enumerate(PAYLOADS)
    ]
    jsonl = tmp / "hostile.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with open_store(db) as store:
        ingest_paths([jsonl], store, settings)
        ids: list[int] = []
        for i, p in enumerate(PAYLOADS):
            article = Article(
                url=p if i % 2 else f"https://direct.example/{i}",
                title=f"Direct {i} {p}",
                paragraphs=[Paragraph(f"{p} body {i}"), Paragraph(p, "h"), Paragraph(p + MARK)],
                canonical_url=p,
                site_name=p,
                section=p[:40],
                authors=[p],
                contributors=[p],
                dateline=p[:30],
                source_link=p,
                source=p[:60],
            )
            raw = f"<html><head><title>{p}</title></head><body><p>{p}</p>{MARK}</body></html>"
            doc = Document(f"direct{i}.html", raw.encode(), "html", url=f"https://d.example/{i}")
            ids.append(store.add_article(article, doc)[0])
        ids += [a.id for a in store.latest(limit=len(PAYLOADS) * 2) if a.id not in ids]
        with serve(create_app(settings, store)) as base:
            yield base, ids


def _open(browser: object, base: str, paths: list[str]) -> list[str]:
    """Visit ``paths`` in one page; return every sign that a payload ran."""
    page = browser.new_page()  # type: ignore[attr-defined]
    signs: list[str] = []
    page.on("dialog", lambda d: (signs.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: signs.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: signs.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    local = urlsplit(base).netloc

    def on_request(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != local:
            signs.append(f"request left the site: {url}")

    page.on("request", on_request)
    try:
        for path in paths:
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(20)  # let timers and autofocus handlers fire
            if page.evaluate("() => window.__xss !== undefined"):
                signs.append(f"window.__xss set on {path}")
            if signs:
                signs.append(f"(on {path})")
                break
    finally:
        page.close()
    return signs


def test_listing_pages_run_no_payload(hostile_site, chromium_browser):
    base, _ids = hostile_site
    paths = ["/", "/search?q=payload", "/search?q=" + quote(PAYLOADS[0]), "/sources"]
    paths += ["/search?q=" + quote(p) for p in PAYLOADS[::7]]
    assert _open(chromium_browser, base, paths) == []


def test_article_pages_run_no_payload(hostile_site, chromium_browser):
    base, ids = hostile_site
    paths = [f"/article/{i}" for i in ids]
    assert _open(chromium_browser, base, paths) == []


def test_archived_originals_run_no_payload(hostile_site, chromium_browser):
    base, ids = hostile_site
    paths = [f"/article/{i}/original" for i in ids]
    assert _open(chromium_browser, base, paths) == []


def test_the_watch_sees_a_payload_that_runs(chromium_browser, serve_app):
    """Control: the same watch on a page that does not escape catches the payload."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def unsafe(_request: object) -> HTMLResponse:
        return HTMLResponse(f"<html><body>{PAYLOADS[0]}{MARK}</body></html>")

    with serve_app(Starlette(routes=[Route("/", unsafe)])) as base:
        signs = _open(chromium_browser, base, ["/"])
    assert any(s.startswith("dialog") for s in signs), signs
