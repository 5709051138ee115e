"""Fuzz targets: every parser newsdesk runs on input written by strangers.

Each target takes raw bytes and drives one parser the way newsdesk does.
Refusing the input with a :class:`~newsdesk.errors.NewsdeskError` (or a
``Failed`` record) is the correct outcome; any other exception is a crash.
The same targets run under atheris (``run_atheris.py``, coverage-guided) and
under hypothesis (``test_fuzz.py``, when atheris is missing), seeded from the
test fixtures by :func:`seeds`.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from newsdesk.enrich.quotes import find_quote_spans
from newsdesk.errors import NewsdeskError
from newsdesk.extract import dates as d
from newsdesk.extract import extract_html, extract_text
from newsdesk.ingest import iter_jsonl, iter_warc
from newsdesk.ingest.feeds import parse_feed, parse_opml
from newsdesk.ingest.sitemaps import parse_sitemap
from newsdesk.ingest.warc import parse_warc_date
from newsdesk.model import Document, Failed

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
REPO = TESTS.parent
CRASHES = HERE / "crashes"  # inputs that once crashed a parser: replayed by test_fuzz.py


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def feed(data: bytes) -> None:
    for content_type in (None, "application/rss+xml; charset=iso-8859-1"):
        try:
            parsed = parse_feed(data, content_type, "https://example.org/feed")
        except NewsdeskError:
            continue
        for entry in parsed.entries:
            assert entry.key


def html(data: bytes) -> None:
    doc = Document("fuzz.html", data, "html", url="https://example.org/a/b")
    try:
        article = extract_html(doc)
    except NewsdeskError:
        return
    assert article.title is not None and article.body


def text_cleaner(data: bytes) -> None:
    doc = Document("fuzz.txt", data, "text", url="https://example.org/news/story")
    try:
        extract_text(doc)
    except NewsdeskError:
        return


def warc(data: bytes) -> None:
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else None
    for wet in (False, True):
        with tempfile.NamedTemporaryFile(suffix=".warc.gz", dir=folder) as fh:
            fh.write(data)
            fh.flush()
            for item in iter_warc(fh.name, wet=wet, max_bytes=1 << 20):
                assert isinstance(item, Document | Failed)


def jsonl(data: bytes) -> None:
    for item in iter_jsonl(io.BytesIO(data), "fuzz.jsonl", max_bytes=1 << 20):
        assert isinstance(item, Document | Failed)


def opml(data: bytes) -> None:
    try:
        for sub in parse_opml(data):
            assert sub.url.lower().startswith(("http://", "https://"))
    except NewsdeskError:
        return


def sitemap(data: bytes) -> None:
    try:
        parse_sitemap(data, max_bytes=1 << 20)
    except NewsdeskError:
        return


def dates(data: bytes) -> None:
    s = _text(data)
    for fn in (d.parse_date, d.find_date, d.find_date_line, d.find_byline_date):
        found = fn(s)
        assert found is None or 1990 <= found.year <= 2100, (fn.__name__, found)
    parse_warc_date(s)  # an archive's own date: any value, but never an exception


def quotes(data: bytes) -> None:
    body = _text(data)
    for span in find_quote_spans(body):
        assert 0 <= span.start <= span.end <= len(body)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "feed": feed,
    "html": html,
    "text": text_cleaner,
    "warc": warc,
    "jsonl": jsonl,
    "opml": opml,
    "sitemap": sitemap,
    "dates": dates,
    "quotes": quotes,
}


def _warc_seed() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    body = b"<html><body><article><h1>T</h1><p>" + b"Words here. " * 40 + b"</p></article>"
    writer.write_record(
        writer.create_warc_record(
            "https://ex.org/1", "response", payload=io.BytesIO(body), http_headers=headers
        )
    )
    writer.write_record(
        writer.create_warc_record(
            "https://ex.org/1", "conversion", payload=io.BytesIO(b"Title\n\nSome text.\n")
        )
    )
    return out.getvalue()


def seeds(name: str) -> list[bytes]:
    """Starting inputs for one target, from the test fixtures and the sample."""
    sys_path = str(TESTS)
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from webserver import article_html, rss

    fixtures = TESTS / "fixtures"
    found: list[bytes] = []
    if name == "feed":
        found += [
            rss([("g1", "https://ex.org/a", "A & B"), ("g2", "/rel", "<b>C</b>")]),
            b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            b'<entry><id>1</id><link href="https://ex.org/x"/><title>X</title>'
            b"<updated>2024-01-02T03:04:05Z</updated></entry></feed>",
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", '
            b'"url": "https://ex.org/j", "title": "J", "content_html": "<p>hi</p>"}]}',
        ]
    elif name == "html":
        found += [p.read_bytes()[:200_000] for p in sorted(fixtures.glob("*.html"))]
        found.append(article_html("Council agrees budget").encode())
    elif name in ("text", "quotes", "dates"):
        found += [p.read_bytes()[:100_000] for p in sorted(fixtures.glob("*.txt"))]
        found.append((REPO / "sample" / "republished-article.txt").read_bytes()[:100_000])
        if name == "dates":
            found += [b"2024-03-05T06:07:08Z", b"Published Nov. 19, 2019, 6:18 p.m.", b"12/31/99"]
        if name == "quotes":
            found.append('He said: \u201cWe will,\u201d and \u2018no\u2019. "Yes"'.encode())
    elif name == "warc":
        import gzip

        plain = _warc_seed()
        found += [plain, gzip.compress(plain)]
    elif name == "jsonl":
        found.append(
            b'{"url": "https://ex.org/1", "html": "<p>hello</p>", "title": "T"}\n'
            b'{"url": "https://ex.org/2", "text": "Title\\n\\nBody text."}\n{"body": 1}\nnot json\n'
        )
    elif name == "opml":
        found.append(
            b'<?xml version="1.0"?><opml version="2.0"><head><title>s</title></head><body>'
            b'<outline text="World"><outline text="A" xmlUrl="https://ex.org/a.xml"/></outline>'
            b'<outline text="B" type="rss" xmlUrl="http://ex.org/b" category="/Tech"/>'
            b"</body></opml>"
        )
    elif name == "sitemap":
        found += [
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
            b"<loc>https://ex.org/a</loc><lastmod>2024-01-01</lastmod><news:news>"
            b"<news:title>A</news:title><news:publication_date>2024-01-01T10:00:00Z"
            b"</news:publication_date></news:news></url></urlset>",
            b"<sitemapindex><sitemap><loc>https://ex.org/s2.xml</loc></sitemap></sitemapindex>",
            b"https://ex.org/one\nhttps://ex.org/two\n",
        ]
    crashes = CRASHES / name
    if crashes.is_dir():
        found += [p.read_bytes() for p in sorted(crashes.iterdir()) if p.is_file()]
    return found
