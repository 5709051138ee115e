"""The feeds admin: reachable only locally, every POST needs the CSRF token."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from conftest import serve

from newsdesk.settings import Settings
from newsdesk.store import open_store
from newsdesk.web import create_app

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>
<outline text="World"><outline text="Wire" xmlUrl="https://wire.example/rss"/>
<outline text="Other" xmlUrl="https://other.example/atom.xml"/></outline></body></opml>"""


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    db = str(tmp_path_factory.mktemp("admin") / "a.db")
    with open_store(db) as store, serve(create_app(Settings(db=db), store)) as base:
        yield base, db


@pytest.fixture
def browser(admin_site: tuple[str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=admin_site[0], timeout=10) as c:
        yield c


def token(client: httpx.Client) -> str:
    page = client.get("/admin/feeds")
    assert page.status_code == 200
    assert "no-store" in page.headers["cache-control"]
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match and client.cookies.get("newsdesk_csrf") == match.group(1)
    return match.group(1)


def test_add_feed_with_token_then_status_lists_it(browser: httpx.Client) -> None:
    csrf = token(browser)
    r = browser.post(
        "/admin/feeds/add",
        data={"csrf": csrf, "url": "https://news.example/feed.xml", "section": "Tech"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/feeds?done=added"
    page = browser.get(r.headers["location"]).text
    assert "https://news.example/feed.xml" in page and "Tech" in page
    assert "not polled yet" in page and "Feed added" in page


def test_post_without_or_with_wrong_token_is_refused(browser: httpx.Client) -> None:
    csrf = token(browser)
    assert browser.post("/admin/feeds/add", data={"url": "https://a.example/f"}).status_code == 403
    bad = {"csrf": "x" * 43, "url": "https://a.example/f"}
    assert browser.post("/admin/feeds/add", data=bad).status_code == 403
    # the right token from another site's page is refused too
    cross = browser.post(
        "/admin/feeds/add",
        data={"csrf": csrf, "url": "https://a.example/f"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    sec = browser.post(
        "/admin/feeds/add",
        data={"csrf": csrf, "url": "https://a.example/f"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert sec.status_code == 403
    assert "https://a.example/f" not in browser.get("/admin/feeds").text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/", "not a url", ""])
def test_bad_feed_address_is_a_400_with_the_form_kept(browser: httpx.Client, url: str) -> None:
    csrf = token(browser)
    r = browser.post("/admin/feeds/add", data={"csrf": csrf, "url": url, "title": "Mine"})
    assert r.status_code == 400
    assert 'role="alert"' in r.text and 'value="Mine"' in r.text


def test_import_opml_upload_and_remove(browser: httpx.Client) -> None:
    csrf = token(browser)
    r = browser.post(
        "/admin/feeds/import",
        data={"csrf": csrf},
        files={"opml": ("subs.opml", OPML, "text/x-opml")},
    )
    assert r.status_code == 303
    page = browser.get(r.headers["location"]).text
    assert "OPML imported" in page and "(2 listed, 2 new)" in page
    assert "https://wire.example/rss" in page and "World" in page
    broken = browser.post(
        "/admin/feeds/import",
        data={"csrf": csrf},
        files={"opml": ("x.opml", b"<html>not opml</html>", "text/xml")},
    )
    assert broken.status_code == 400 and "could not be read" in broken.text
    feed_id = re.search(r'action="/admin/feeds/(\d+)/remove"', page)
    assert feed_id
    r = browser.post(f"/admin/feeds/{feed_id.group(1)}/remove", data={"csrf": csrf})
    assert r.status_code == 303
    assert browser.post("/admin/feeds/999999/remove", data={"csrf": csrf}).status_code == 404


def test_nav_shows_feeds_only_to_local_admins(browser: httpx.Client) -> None:
    assert 'href="/admin/feeds"' in browser.get("/").text


async def _get(app, path: str, client: tuple[str, int], headers: dict[str, str] | None = None):
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        return await c.get(path, headers=headers or {})


def test_admin_gate(tmp_path) -> None:
    import asyncio

    db = str(tmp_path / "g.db")
    with open_store(db) as store:
        local = create_app(Settings(db=db), store)
        run = asyncio.run
        assert run(_get(local, "/admin/feeds", ("127.0.0.1", 5000))).status_code == 200
        remote = run(_get(local, "/admin/feeds", ("10.1.2.3", 5000)))
        assert remote.status_code == 404
        assert 'href="/admin/feeds"' not in run(_get(local, "/", ("10.1.2.3", 5000))).text
        proxied = run(
            _get(local, "/admin/feeds", ("127.0.0.1", 5000), {"X-Forwarded-For": "1.2.3.4"})
        )
        assert proxied.status_code == 404
        off = create_app(Settings(db=db, admin="off"), store)
        assert run(_get(off, "/admin/feeds", ("127.0.0.1", 5000))).status_code == 404
        public = create_app(Settings(db=db, host="0.0.0.0"), store)
        assert run(_get(public, "/admin/feeds", ("127.0.0.1", 5000))).status_code == 404
        forced = create_app(Settings(db=db, host="0.0.0.0", admin="on"), store)
        assert run(_get(forced, "/admin/feeds", ("127.0.0.1", 5000))).status_code == 200
        assert run(_get(forced, "/admin/feeds", ("192.168.1.9", 5000))).status_code == 404
