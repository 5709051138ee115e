"""Sitemaps (and Google News sitemaps) to page URLs.

A sitemap is either a ``<urlset>`` of pages or a ``<sitemapindex>`` of more
sitemaps; ``.xml.gz`` ones are gzipped; some are plain text, one URL a line.
Parsing uses defusedxml, so a sitemap declaring entities (billion laughs,
XXE) is refused, never expanded.  Decompression is bounded like any fetched
body.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import MalformedInput, TooLarge

MAX_URLS = 50_000  # the sitemap protocol's own limit per file


@dataclass
class SitemapPage:
    """One ``<url>``: the page, and what a news sitemap says about it."""

    url: str
    lastmod: str | None = None
    title: str | None = None
    published_at: str | None = None


@dataclass
class Sitemap:
    """A parsed sitemap: pages, or (for an index) more sitemaps to read."""

    pages: list[SitemapPage] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def gunzip_limited(data: bytes, max_bytes: int) -> bytes:
    """Undo gzip (a ``.xml.gz`` sitemap) without ever holding more than ``max_bytes``."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = z.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt gzip sitemap: {exc}") from None
    if len(out) > max_bytes:
        raise TooLarge(f"sitemap is over the {max_bytes}-byte limit after decompression")
    return out


def parse_sitemap(data: bytes, max_bytes: int = 50 * 1024 * 1024) -> Sitemap:
    """Parse one sitemap file; raise :class:`MalformedInput` when it is none."""
    data = gunzip_limited(data, max_bytes)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped)
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise MalformedInput(f"sitemap refused: {type(exc).__name__} (XML attack?)") from None
    except ET.ParseError as exc:
        raise MalformedInput(f"sitemap does not parse: {exc}") from None
    kind = _local(root.tag)
    result = Sitemap()
    if kind == "sitemapindex":
        for node in root:
            loc = _web(_child_text(node, "loc"))
            if _local(node.tag) == "sitemap" and loc:
                result.sitemaps.append(loc)
    elif kind == "urlset":
        for node in root:
            loc = _web(_child_text(node, "loc"))
            if _local(node.tag) != "url" or not loc:
                continue
            news = next((c for c in node if _local(c.tag) == "news"), None)
            result.pages.append(
                SitemapPage(
                    url=loc,
                    lastmod=_child_text(node, "lastmod"),
                    title=_child_text(news, "title") if news is not None else None,
                    published_at=(
                        _child_text(news, "publication_date") if news is not None else None
                    ),
                )
            )
            if len(result.pages) >= MAX_URLS:
                break
    else:
        raise MalformedInput(f"not a sitemap: root element is <{kind}>")
    return result


def _text_sitemap(data: bytes) -> Sitemap:
    result = Sitemap()
    for line in data.decode("utf-8", errors="replace").splitlines()[:MAX_URLS]:
        url = _web(line.strip())
        if url:
            result.pages.append(SitemapPage(url=url))
    if not result.pages:
        raise MalformedInput("not a sitemap: neither XML nor a list of URLs")
    return result


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(node: ET.Element | None, name: str) -> str | None:
    if node is None:
        return None
    for child in node:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _web(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None
