"""Feed bytes to entries (RSS 0.9x/1.0/2.0, Atom, JSON Feed), and OPML in and out.

``parse_feed`` never raises anything but :class:`MalformedInput`: feedparser
is a large, lenient parser over hostile input and has crashed on inputs as
small as an XML declaration holding a NUL byte, so every call is fenced, and
the crash becomes the feed's recorded error.

XML attacks: a feed whose prolog declares entities is refused before any
parser sees it (billion laughs, external entities); feedparser's own DOCTYPE
scrubbing and expat's amplification limits stay as second lines.  OPML is
read with defusedxml, which refuses entity declarations and external
references outright.

Charsets are settled here (see :mod:`.charsets`): the bytes are decoded by
declared-then-detected charset and handed to feedparser as UTF-8, so a feed
mislabelled by its server still gets correct titles.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from ..errors import MalformedInput
from ..model import Feed, FeedEntry, ParsedFeed
from . import charsets

MAX_ENTRIES = 500  # a feed listing more is truncated to its first entries

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def parse_feed(data: bytes, content_type: str | None = None, url: str | None = None) -> ParsedFeed:
    """Parse one feed document; raise :class:`MalformedInput` for anything unusable."""
    head = data.lstrip()[:1]
    if not head:
        raise MalformedInput("empty feed")
    if head in (b"{", b"["):
        return _parse_json_feed(data, url)
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise MalformedInput("NUL byte in feed (binary data or a broken encoding declaration)")
    if _ENTITY_DECL.search(data[:65536]):
        raise MalformedInput("feed declares XML entities (refused: entity expansion, XXE)")
    codec = charsets.choose(
        data, charsets.header_charset(content_type), charsets.xml_declared(data)
    )
    text = data.decode(codec, errors="replace").lstrip("\ufeff")
    utf8 = _XML_DECL.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)
    # No content-location: feedparser would "resolve" guids against it too;
    # links are made absolute here, against the URL the feed came from.
    headers = {"content-type": "application/xml; charset=utf-8"}
    try:
        # A stream, never bytes: feedparser tries ``open(data)`` on bytes, so a
        # body of b"/etc/passwd" would be read as a file name.
        parsed = feedparser.parse(
            io.BytesIO(utf8), response_headers=headers, resolve_relative_uris=True
        )
        return _to_parsed(parsed, url)
    except MalformedInput:
        raise
    except Exception as exc:  # feedparser crashing on hostile input is a feed error
        raise MalformedInput(f"feed parser failed: {type(exc).__name__}: {exc}") from None


def _to_parsed(parsed: Any, url: str | None) -> ParsedFeed:
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not parsed.get("version") and not entries:
        reason = parsed.get("bozo_exception") or "no RSS, Atom or RDF root element"
        raise MalformedInput(f"not a feed: {reason}")
    result = ParsedFeed(
        title=_clean(feed.get("title")),
        site_url=_web_url(feed.get("link"), url),
        version=parsed.get("version") or None,
    )
    for item in entries[:MAX_ENTRIES]:
        link = _web_url(item.get("link"), url)
        content = None
        if item.get("content"):
            content = item["content"][0].get("value")
        content = content or item.get("summary")
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        key = item.get("id") or link or _digest(item.get("title"), content)
        if not key:
            continue
        result.entries.append(
            FeedEntry(
                key=str(key)[:1000],
                url=link,
                title=_clean(item.get("title")),
                published_at=_iso(stamp),
                author=_clean(item.get("author")),
                content=content or None,
            )
        )
    return result


def _parse_json_feed(data: bytes, url: str | None) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (feedparser 6.0 does not read it)."""
    try:
        doc = json.loads(data.decode(charsets.choose(data, "utf-8")))
    except (ValueError, RecursionError) as exc:
        raise MalformedInput(f"not a JSON feed: {exc}") from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise MalformedInput("JSON without a jsonfeed.org version is not a feed")
    items = doc.get("items")
    if not isinstance(items, list):
        raise MalformedInput("JSON feed has no items list")
    result = ParsedFeed(
        title=_clean(_str(doc.get("title"))),
        site_url=_web_url(_str(doc.get("home_page_url")), url),
        version="json" + str(doc.get("version", "")).rsplit("/", 1)[-1],
    )
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = _web_url(_str(item.get("url")), url)
        content = _str(item.get("content_html")) or _str(item.get("summary"))
        if not content and _str(item.get("content_text")):
            content = "".join(
                f"<p>{_escape(p)}</p>" for p in _str(item["content_text"]).split("\n\n")
            )
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = [a.get("name") for a in authors if isinstance(a, dict) and a.get("name")]
        key = _str(item.get("id")) or link or _digest(_str(item.get("title")), content)
        if not key:
            continue
        result.entries.append(
            FeedEntry(
                key=key[:1000],
                url=link,
                title=_clean(_str(item.get("title"))),
                published_at=_json_date(_str(item.get("date_published"))),
                author=", ".join(str(n) for n in names) or None,
                content=content or None,
            )
        )
    return result


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else (str(value) if isinstance(value, int) else None)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.split()) or None


def _web_url(link: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, or None (``javascript:``, ``file:``, junk)."""
    if not link:
        return None
    link = link.strip()
    absolute = urljoin(base, link) if base else link
    try:
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return absolute


def _iso(stamp: time.struct_time | None) -> str | None:
    if not stamp:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(stamp), UTC).isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def _json_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _digest(*parts: str | None) -> str | None:
    joined = "\n".join(p for p in parts if p)
    return f"sha256:{hashlib.sha256(joined.encode()).hexdigest()}" if joined else None


# -- OPML --------------------------------------------------------------------


@dataclass
class Subscription:
    """One feed listed in an OPML file."""

    url: str
    title: str | None = None
    section: str | None = None


def parse_opml(data: bytes) -> list[Subscription]:
    """Every ``<outline xmlUrl=...>``; a folder outline's title becomes the section."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise MalformedInput(f"OPML refused: {type(exc).__name__} (XML attack?)") from None
    except ET.ParseError as exc:
        raise MalformedInput(f"OPML does not parse: {exc}") from None
    if root.tag.lower() != "opml":
        raise MalformedInput(f"not OPML: root element is <{root.tag}>")
    found: list[Subscription] = []
    seen: set[str] = set()

    def walk(node: ET.Element, folder: str | None) -> None:
        for child in node:
            if child.tag.lower() != "outline":
                continue
            attrs = {k.lower(): v for k, v in child.attrib.items()}
            url = _web_url(attrs.get("xmlurl"), None)
            title = _clean(attrs.get("title") or attrs.get("text"))
            if url:
                if url not in seen:
                    seen.add(url)
                    section = _clean(attrs.get("category", "").split(",")[0].strip("/ "))
                    found.append(Subscription(url, title, section or folder))
            else:
                walk(child, title or folder)

    body = next((c for c in root if c.tag.lower() == "body"), None)
    if body is not None:
        walk(body, None)
    return found


def write_opml(feeds: Iterable[Feed], title: str = "newsdesk subscriptions") -> str:
    """OPML 2.0 with one folder outline per section."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(opml, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.section:
            if feed.section not in folders:
                folders[feed.section] = ET.SubElement(
                    body, "outline", text=feed.section, title=feed.section
                )
            parent = folders[feed.section]
        attrs = {"type": "rss", "text": feed.title or feed.url, "xmlUrl": feed.url}
        if feed.title:
            attrs["title"] = feed.title
        if feed.site_url:
            attrs["htmlUrl"] = feed.site_url
        ET.SubElement(parent, "outline", attrs)
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"
