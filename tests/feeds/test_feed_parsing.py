"""Feeds, OPML and sitemaps: formats, hostile XML, charsets, broken input."""

from __future__ import annotations

import gzip

import pytest

from newsdesk.errors import MalformedInput, TooLarge
from newsdesk.ingest.feeds import parse_feed, parse_opml, write_opml
from newsdesk.ingest.sitemaps import parse_sitemap
from newsdesk.model import Feed

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
"""


def rss(title: str, item: str = "Item", encoding: str = "utf-8") -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>"
        f"<item><title>{item}</title><link>http://example.org/a</link>"
        f"<guid>g1</guid><pubDate>Tue, 12 Sep 2023 08:00:00 +0200</pubDate>"
        f"<description>&lt;p&gt;Summary&lt;/p&gt;</description></item></channel></rss>"
    )
    return text.encode(encoding)


def test_rss2_entry_fields():
    feed = parse_feed(rss("News"), url="http://example.org/feed")
    assert feed.title == "News" and feed.version == "rss20"
    (entry,) = feed.entries
    assert entry.url == "http://example.org/a" and entry.title == "Item"
    assert entry.published_at == "2023-09-12T06:00:00+00:00"
    assert entry.content == "<p>Summary</p>"


def test_atom_rss1_rss091_and_json_feed():
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>Atom news</title><link href="http://example.org/"/>
    <entry><id>tag:example.org,2023:1</id><title>A1</title><link href="/a1"/>
    <updated>2023-09-12T08:00:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
    </entry></feed>"""
    parsed = parse_feed(atom, url="http://example.org/atom.xml")
    assert parsed.version == "atom10" and parsed.entries[0].url == "http://example.org/a1"
    assert parsed.entries[0].content == "<p>Body</p>"
    rdf = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://example.org/">
    <title>RDF news</title>
    <link>http://example.org/</link></channel>
    <item rdf:about="http://example.org/r1"><title>R1</title><link>http://example.org/r1</link></item>
    </rdf:RDF>"""
    assert parse_feed(rdf).entries[0].url == "http://example.org/r1"
    rss091 = b"""<rss version="0.91"><channel><title>Old</title>
    <item><title>O1</title><link>http://example.org/o1</link></item></channel></rss>"""
    assert parse_feed(rss091).version == "rss091u"
    jsonfeed = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON news",
    "items": [{"id": "1", "url": "http://example.org/j1", "title": "J1",
    "content_html": "<p>Hi</p>", "date_published": "2023-09-12T08:00:00Z",
    "authors": [{"name": "Ann"}]}]}"""
    parsed = parse_feed(jsonfeed)
    assert parsed.title == "JSON news" and parsed.entries[0].author == "Ann"
    assert parsed.entries[0].published_at == "2023-09-12T08:00:00+00:00"


def test_feedparser_crash_input_is_a_feed_error():
    # feedparser 6.0.14 raises ValueError on this; it must be a recorded error.
    with pytest.raises(MalformedInput):
        parse_feed(b'<?xml version="1.0" encoding="utf\x008"?><rss/>')


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"<html><body>not a feed</body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"{}",
        b"[1, 2",
    ],
)
def test_garbage_is_malformed(data):
    with pytest.raises(MalformedInput):
        parse_feed(data)


def test_feed_body_is_never_a_file_name():
    # feedparser would open() bytes as a path; ours hands it a stream.
    with pytest.raises(MalformedInput):
        parse_feed(b"/etc/passwd")


def test_malformed_xml_is_read_leniently():
    broken = b"""<rss version="2.0"><channel><title>Broken & co</title>
    <item><title>Still here</title><link>http://example.org/b</link></item>
    <item><title>Unclosed <b>tag</title><link>http://example.org/c</link>
    </channel>"""
    parsed = parse_feed(broken)
    assert [e.url for e in parsed.entries][:1] == ["http://example.org/b"]


def test_billion_laughs_and_xxe_refused_in_feeds():
    with pytest.raises(MalformedInput, match="entities"):
        parse_feed(BILLION_LAUGHS + b"<rss><channel><title>&lol9;</title></channel></rss>")
    with pytest.raises(MalformedInput, match="entities"):
        parse_feed(XXE + b"<rss><channel><title>&xxe;</title></channel></rss>")


@pytest.mark.parametrize(
    "encoding,title",
    [
        ("windows-1252", "Café crème – “quotes”"),
        ("koi8-r", "Новости дня"),
        ("shift_jis", "日本のニュース"),
        ("gb2312", "中文新闻"),
        ("iso-8859-1", "Größe"),
    ],
)
def test_declared_charsets(encoding, title):
    assert parse_feed(rss(title, title, encoding)).title == title
    assert parse_feed(rss(title, title, encoding)).entries[0].title == title


def test_header_charset_that_lies():
    # The server says UTF-8, the bytes (and the XML declaration) are koi8-r.
    data = rss("Новости", "Статья", "koi8-r")
    parsed = parse_feed(data, "application/rss+xml; charset=utf-8")
    assert parsed.title == "Новости" and parsed.entries[0].title == "Статья"
    # Declared latin-1 but really UTF-8: the valid UTF-8 wins.
    utf8 = rss("Zürich – Genève", encoding="utf-8").replace(
        b'encoding="utf-8"', b'encoding="iso-8859-1"'
    )
    assert parse_feed(utf8).title == "Zürich – Genève"
    # No declaration at all: detected.
    bare = (
        "<rss version='2.0'><channel><title>Привет, мир: последние новости</title></channel></rss>"
    )
    assert parse_feed(bare.encode("cp1251")).title == "Привет, мир: последние новости"


# -- OPML ----------------------------------------------------------------------

OPML = b"""<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="World"><outline type="rss" text="A" xmlUrl="http://a.example/feed"/>
<outline type="rss" text="B" xmlUrl="http://b.example/rss" htmlUrl="http://b.example/"/></outline>
<outline type="rss" text="C" xmlUrl="http://c.example/atom" category="/Tech"/>
<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_opml_import_with_folders_as_sections():
    subs = parse_opml(OPML)
    assert [(s.url, s.title, s.section) for s in subs] == [
        ("http://a.example/feed", "A", "World"),
        ("http://b.example/rss", "B", "World"),
        ("http://c.example/atom", "C", "Tech"),
    ]


def test_opml_export_round_trip():
    feeds = [
        Feed(id=1, url="http://a.example/feed", title="A & B", section="World"),
        Feed(id=2, url="http://c.example/atom?x=1&y=2"),
    ]
    again = parse_opml(write_opml(feeds).encode())
    assert [(s.url, s.section) for s in again] == [
        ("http://a.example/feed", "World"),
        ("http://c.example/atom?x=1&y=2", None),
    ]
    assert again[0].title == "A & B"


def test_opml_attacks_refused():
    for prefix in (BILLION_LAUGHS, XXE):
        with pytest.raises(MalformedInput, match="refused"):
            parse_opml(prefix + b"<opml><body><outline text='&lol9;'/></body></opml>")
    with pytest.raises(MalformedInput):
        parse_opml(b"<opml><body><outline")
    with pytest.raises(MalformedInput, match="not OPML"):
        parse_opml(b"<rss/>")


# -- sitemaps ------------------------------------------------------------------

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>http://example.org/a</loc><news:news><news:publication_date>2023-09-12T08:00:00Z</news:publication_date>
 <news:title>Council budget</news:title></news:news></url>
 <url><loc>http://example.org/b</loc><lastmod>2023-09-11</lastmod></url>
 <url><loc>ftp://example.org/c</loc></url>
</urlset>"""


def test_news_sitemap_and_index_and_gzip():
    parsed = parse_sitemap(NEWS_SITEMAP)
    assert [p.url for p in parsed.pages] == ["http://example.org/a", "http://example.org/b"]
    assert parsed.pages[0].title == "Council budget"
    assert parsed.pages[0].published_at == "2023-09-12T08:00:00Z"
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>http://example.org/s1.xml.gz</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index).sitemaps == ["http://example.org/s1.xml.gz"]
    assert len(parse_sitemap(gzip.compress(NEWS_SITEMAP)).pages) == 2
    assert len(parse_sitemap(b"http://example.org/x\nhttp://example.org/y\n").pages) == 2


def test_sitemap_attacks_and_bombs_refused():
    for prefix in (BILLION_LAUGHS, XXE):
        with pytest.raises(MalformedInput, match="refused"):
            parse_sitemap(prefix + b"<urlset><url><loc>&lol9;</loc></url></urlset>")
    with pytest.raises(TooLarge):
        parse_sitemap(gzip.compress(bytes(10 * 1024 * 1024)), max_bytes=1024 * 1024)
    with pytest.raises(MalformedInput):
        parse_sitemap(b"<urlset><url><loc>http://x/</loc>")
