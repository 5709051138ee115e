"""The web site over a real uvicorn server and a real SQLite store (see conftest)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsdesk.errors import StoreError
from newsdesk.settings import Settings
from newsdesk.store import SqlStore, open_store
from newsdesk.web import create_app, render

Serve = Callable[[Any], AbstractContextManager[str]]


class Tags(HTMLParser):
    """Collects every start tag with its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def hrefs(html: str) -> list[str]:
    return [a["href"] or "" for t, a in tags(html) if t == "a" and "href" in a]


def assert_no_active_content(html: str) -> None:
    for tag, attrs in tags(html):
        assert tag not in {"script", "img", "svg", "iframe", "object", "embed", "b", "i", "u"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src", "action"}:
                assert (value or "").startswith(("/", "http://", "https://", "#")), value


# -- pages ------------------------------------------------------------------


def test_healthz(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.text == "ok"


def test_home_lists_newest_articles_with_meta(client: httpx.Client, ids: dict[str, int]) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    # page size 2: the two newest (ingest order) are "hostile" then "byline"
    links = [h for h in hrefs(r.text) if h.startswith("/article/")]
    assert links == [f"/article/{ids['hostile']}", f"/article/{ids['byline']}"]
    assert "Rain expected all week" in r.text
    assert "Inland Post" in r.text
    assert '<time datetime="2024-04-01T00:00:00+00:00">1 April 2024</time>' in r.text
    assert f'href="/?before={ids["byline"]}"' in r.text
    assert_no_active_content(r.text)


def test_home_cursor_paging_reaches_every_article_once(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    seen: list[int] = []
    url: str | None = "/"
    for _ in range(10):
        assert url is not None
        r = client.get(url)
        assert r.status_code == 200
        seen += [int(h.rsplit("/", 1)[1]) for h in hrefs(r.text) if h.startswith("/article/")]
        older = re.search(r'href="(/\?before=\d+)" rel="next"', r.text)
        url = older.group(1) if older else None
        if url is None:
            break
    assert sorted(seen) == sorted(ids.values())
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize("before", ["abc", "-1", "0", "1e9", "99999999999999999999999"])
def test_home_ignores_bad_cursor(client: httpx.Client, before: str) -> None:
    r = client.get("/", params={"before": before})
    assert r.status_code == 200


def test_home_past_the_end(client: httpx.Client) -> None:
    r = client.get("/", params={"before": "1"})
    assert r.status_code == 200
    assert "No older articles." in r.text


def test_article_page_shows_fields_and_provenance(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    r = client.get(f"/article/{ids['bridge']}")
    assert r.status_code == 200
    html = r.text
    assert "<title>Harbour bridge reopens after repairs · newsdesk</title>" in html
    assert "<h1>Harbour bridge reopens after repairs</h1>" in html
    assert '<p class="kicker">Local</p>' in html
    assert "Coast Times" in html
    assert "By Ana Ruiz, Ben Okafor" in html
    assert '<time datetime="2024-03-05T09:30:00+00:00">5 March 2024, 09:30 UTC</time>' in html
    assert "from the page&#39;s metadata" in html
    # the page's own date differs, so it is shown apart and not as the publication date
    assert "Date shown on the page" in html
    assert "7 March 2024, 18:00 UTC" in html
    assert "PORTVILLE" in html
    assert "Cara Lind (photos)" in html
    # body: paragraphs and subheads, in order, text escaped
    body = html[html.index('class="story-body"') :]
    first = body.index("<p>The harbour bridge reopened on Tuesday after months of work.</p>")
    head = body.index("<h2>Traffic returns</h2>")
    last = body.index(
        "<p>Engineers praised the zeppelinfield crossing design &amp; its cables.</p>"
    )
    assert first < head < last
    # links out: only http(s), never leaking a referrer or opener
    for url in (
        "https://wire.example/original",
        "https://coast.example/bridge",
        "https://coast.example/local/bridge",
    ):
        assert f'<a href="{url}" rel="nofollow noopener noreferrer">{url}</a>' in html
    assert_no_active_content(html)


def test_article_without_date_says_unknown(client: httpx.Client, ids: dict[str, int]) -> None:
    r = client.get(f"/article/{ids['undated']}")
    assert r.status_code == 200
    assert "Publication date unknown" in r.text
    assert "Date shown on the page" not in r.text
    # a relative source link is not an http(s) URL: shown, but not as a link
    assert "/relative/path" in r.text
    assert "/relative/path" not in hrefs(r.text)


def test_article_page_date_equal_to_published_is_not_repeated(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    r = client.get(f"/article/{ids['byline']}")
    assert r.status_code == 200
    assert "(from the byline)" in r.text
    assert "Date shown on the page" not in r.text
    assert '<time datetime="2024-04-01T00:00:00+00:00">1 April 2024</time>' in r.text


def test_hostile_article_is_inert(client: httpx.Client, ids: dict[str, int]) -> None:
    r = client.get(f"/article/{ids['hostile']}")
    assert r.status_code == 200
    html = r.text
    assert_no_active_content(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html.lower()
    assert "javascript:" not in "".join(hrefs(html)).lower()
    assert "data:" not in "".join(hrefs(html)).lower()
    # still shown as text so a reader can see what the page claimed
    assert "javascript:alert(1)" in html
    # the listing is inert too
    assert_no_active_content(client.get("/").text)
    assert_no_active_content(client.get("/search", params={"q": "hostile"}).text)


@pytest.mark.parametrize(
    "path", ["/article/999999", "/article/abc", "/article/-1", "/article/" + "9" * 30, "/nope"]
)
def test_unknown_pages_are_404(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "Page not found" in r.text
    assert r.headers["content-type"].startswith("text/html")


def test_search_finds_body_word_and_highlights_it(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    r = client.get("/search", params={"q": "zeppelinfield"})
    assert r.status_code == 200
    assert "1 article matches “zeppelinfield”." in r.text
    assert f'href="/article/{ids["bridge"]}"' in r.text
    assert "<mark>zeppelinfield</mark>" in r.text
    assert "\x02" not in r.text and "\x03" not in r.text
    # the escaped & in the same snippet shows the snippet went through escaping
    assert "&amp; its" in r.text


def test_search_empty_query_shows_form_only(client: httpx.Client) -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        r = client.get("/search", params=params)
        assert r.status_code == 200
        assert '<form class="search-form"' in r.text
        assert "match" not in r.text
        assert 'class="article-list' not in r.text


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "AND OR", "*", "OR", "NEAR(a b", "title:x", "(((", "'", "-x", "^", '"', "a*b*"],
)
def test_search_fts_garbage_is_not_an_error(client: httpx.Client, q: str) -> None:
    r = client.get("/search", params={"q": q})
    assert r.status_code == 200
    assert "could not run that search" not in r.text  # the store escaped it


def test_search_query_is_echoed_escaped(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert_no_active_content(r.text)
    assert 'value="&#34;&gt;&lt;script&gt;' in r.text


def test_search_too_long_query(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "word " * 200})
    assert r.status_code == 200
    assert "too long" in r.text


def test_search_paging(client: httpx.Client) -> None:
    q = "bridge OR budget OR rain"
    first = client.get("/search", params={"q": q})
    assert "3 articles match" in first.text
    assert "page 1 of 2" in first.text
    assert len(re.findall(r'<article class="teaser">', first.text)) == 2
    assert 'href="/search?q=bridge+OR+budget+OR+rain&amp;page=2" rel="next"' in first.text
    second = client.get("/search", params={"q": q, "page": "2"})
    assert len(re.findall(r'<article class="teaser">', second.text)) == 1
    assert 'href="/search?q=bridge+OR+budget+OR+rain" rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    beyond = client.get("/search", params={"q": q, "page": "7"})
    assert beyond.status_code == 200
    assert "No results on this page." in beyond.text
    for bad in ("x", "-3", "0", "9" * 40):
        assert client.get("/search", params={"q": q, "page": bad}).status_code == 200


# -- headers and static files -----------------------------------------------

CSP = re.compile(
    r"^default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]{16,}'; style-src 'self'; "
    r"img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$"
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/article/{bridge}",
        "/search?q=bridge",
        "/search",
        "/healthz",
        "/article/424242",
        "/no/such/page",
        "/static/style.css",
        "/static/missing.css",
    ],
)
def test_security_headers_everywhere(client: httpx.Client, ids: dict[str, int], path: str) -> None:
    r = client.get(path.format(**ids))
    csp = r.headers["content-security-policy"]
    assert CSP.match(csp), csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


def test_nonce_is_fresh_per_request(client: httpx.Client) -> None:
    a = client.get("/healthz").headers["content-security-policy"]
    b = client.get("/healthz").headers["content-security-policy"]
    assert a != b


def test_static_stylesheet(client: httpx.Client) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert "font-family" in r.text
    assert "url(" not in r.text  # no external assets
    assert client.get("/static/../app.py").status_code == 404


def test_pages_have_no_scripts_or_external_assets(
    client: httpx.Client, ids: dict[str, int]
) -> None:
    for path in ("/", f"/article/{ids['bridge']}", "/search?q=rain", "/nope"):
        html = client.get(path).text
        assert html.startswith("<!doctype html>")
        assert '<html lang="en">' in html
        assert 'name="viewport"' in html
        for tag, attrs in tags(html):
            assert tag != "script"
            if tag == "link":  # the stylesheet, and our icon so no /favicon.ico request
                assert attrs["href"] in {"/static/style.css", "/static/favicon.svg"}
        assert 'href="#main"' in html  # skip link for keyboard users


# -- the app without a real server -------------------------------------------


class BrokenStore:
    """A store whose search always refuses, as a locked or corrupt database would."""

    def search(
        self, query: str, limit: int = 20, offset: int = 0, filters: Any = None
    ) -> list[Any]:
        raise StoreError('fts5: syntax error near "\'"')

    def count_search(self, query: str, filters: Any = None) -> int:
        raise StoreError("fts5: syntax error")

    def search_page(
        self, query: str, limit: int = 20, offset: int = 0, filters: Any = None
    ) -> tuple[list[Any], int]:
        raise StoreError('fts5: syntax error near "\'"')

    def latest(self, limit: int = 20, before_id: int | None = None) -> list[Any]:
        raise RuntimeError("boom")

    def close(self) -> None:
        pass


def test_store_error_in_search_is_a_friendly_message(serve_app: Serve) -> None:
    app = create_app(Settings(), BrokenStore())  # type: ignore[arg-type]
    with serve_app(app) as url:
        r = httpx.get(f"{url}/search", params={"q": "anything"})
    assert r.status_code == 200
    assert "We could not run that search" in r.text
    assert "fts5" not in r.text  # no internals leaked


def test_unexpected_error_is_a_500_page_with_headers(serve_app: Serve) -> None:
    app = create_app(Settings(), BrokenStore())  # type: ignore[arg-type]
    with serve_app(app) as url:
        r = httpx.get(f"{url}/")
    assert r.status_code == 500
    assert "Something went wrong" in r.text
    assert "boom" not in r.text
    assert CSP.match(r.headers["content-security-policy"])
    assert r.headers["x-frame-options"] == "DENY"


def test_create_app_opens_and_closes_its_own_store(
    tmp_path: Path, serve_app: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[object] = []
    real_close = SqlStore.close

    def spy_close(self: SqlStore) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(SqlStore, "close", spy_close)
    app = create_app(Settings(db=str(tmp_path / "own.db")))
    with serve_app(app) as url:
        r = httpx.get(f"{url}/")
        assert r.status_code == 200
        assert "No articles yet." in r.text
        assert closed == []
    assert closed == [app.state.store]


def test_create_app_leaves_a_given_store_open(
    tmp_path: Path, serve_app: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(str(tmp_path / "given.db"))
    closed: list[object] = []
    monkeypatch.setattr(SqlStore, "close", lambda self: closed.append(self))
    with serve_app(create_app(Settings(), store)) as url:
        assert httpx.get(f"{url}/healthz").text == "ok"
    assert closed == []


# -- render helpers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "html"),
    [
        ("a \x02b\x03 c", "a <mark>b</mark> c"),
        ("<x> \x02<y>\x03", "&lt;x&gt; <mark>&lt;y&gt;</mark>"),
        ("cut \x02off", "cut <mark>off</mark>"),
        ("stray\x03 close", "stray close"),
        ("\x02\x02double\x03\x03", "<mark>double</mark>"),
        ("ctl\x00\x07 chars", "ctl chars"),
        ("\"q\" & 's'", "&#34;q&#34; &amp; &#39;s&#39;"),
    ],
)
def test_highlight(snippet: str, html: str) -> None:
    assert str(render.highlight(snippet)) == html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.example/x", True),
        ("HTTP://a.example", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,x", False),
        ("//a.example/x", False),
        ("/relative", False),
        ("https:///nohost", False),
        ("https://a.example/\nx", False),
        ("", False),
        (None, False),
    ],
)
def test_is_http_url(url: str | None, ok: bool) -> None:
    assert render.is_http_url(url) is ok


def test_format_date() -> None:
    assert render.format_date(None) == "unknown"
    assert render.format_date(datetime(2024, 3, 5)) == "5 March 2024"
    assert render.format_date(datetime(2024, 3, 5, 9, 5)) == "5 March 2024, 09:05"
    assert render.format_date(datetime(2024, 3, 5, 9, 5, tzinfo=UTC)) == "5 March 2024, 09:05 UTC"
    ist = timezone(timedelta(hours=5, minutes=30))
    assert render.format_date(datetime(2024, 3, 5, 9, 5, tzinfo=ist)) == (
        "5 March 2024, 09:05 UTC+05:30"
    )
    assert render.format_date(datetime(2024, 3, 5, tzinfo=UTC)) == "5 March 2024"


def test_date_provenance_wording() -> None:
    assert render.date_provenance("meta") == "from the page's metadata"
    assert render.date_provenance("none") == "publication date unknown"
    assert render.date_provenance(None) == "publication date unknown"
    for source in ("byline", "text", "url", "feed", "input"):
        assert render.date_provenance(source).startswith(("from", "given"))


def test_same_instant() -> None:
    a = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert render.same_instant(a, a.astimezone(timezone(timedelta(hours=2))))
    assert render.same_instant(a, datetime(2024, 1, 1, 12))
    assert not render.same_instant(a, None)
    assert render.same_instant(None, None)


def test_search_url_encodes() -> None:
    assert render.search_url("a&b #c+d") == "/search?q=a%26b+%23c%2Bd"
    assert render.search_url("x", 3) == "/search?q=x&page=3"
