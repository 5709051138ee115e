"""HTML page -> Article, with trafilatura doing the heavy lifting.

trafilatura finds the body and most metadata; we keep its structure (subheads
stay subheads) and add what it does not give: where the date came from, the
page language, a dateline.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import trafilatura
from lxml import etree

from ..errors import NoArticle
from ..model import Article, Document, Paragraph
from .encoding import looks_binary

# Metadata-only date search: a date found in the page's visible text (a
# header clock, a "related" teaser) is not evidence of publication.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,40}?(?:,\s*[A-Z][A-Za-z.'’\- ]{1,30})?)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:—|–|--|-)\s+\S"
)
_BLOCK_TAGS = {"p", "head", "quote", "list", "table", "item", "code"}


def extract_html(doc: Document) -> Article:
    raw = doc.content if isinstance(doc.content, bytes) else doc.content.encode("utf-8")
    if not raw.strip():
        raise NoArticle("empty page")
    if looks_binary(raw):
        raise NoArticle("binary data, not an HTML page")
    try:
        result = trafilatura.bare_extraction(
            raw,
            url=doc.url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:  # pragma: no cover - defensive
        raise NoArticle(f"unparseable HTML: {exc}") from exc
    if result is None or result.body is None:
        raise NoArticle("no article body found in the page")
    paragraphs = _paragraphs(result.body, result.title)
    if not paragraphs:
        raise NoArticle("no article body found in the page")
    title = (result.title or doc.hints.get("title") or "").strip() or paragraphs[0].text[:120]
    published_at, date_source = _date(result.date, doc)
    return Article(
        url=doc.url or result.url,
        canonical_url=result.url,
        title=title,
        paragraphs=paragraphs,
        site_name=result.sitename,
        section=result.categories[0] if result.categories else None,
        authors=_authors(result.author),
        dateline=find_dateline(paragraphs[0].text) if paragraphs else None,
        published_at=published_at,
        date_source=date_source,
        language=_language(raw),
        source=doc.source or result.sitename or result.hostname,
        location=doc.location,
        content_type="html",
    )


def _paragraphs(body: etree._Element, title: str | None) -> list[Paragraph]:
    """Walk trafilatura's XML body; ``head`` elements are subheads."""
    out: list[Paragraph] = []
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _BLOCK_TAGS:
            continue
        if tag == "list":
            texts = [_text(item) for item in element.iter("item")]
        else:
            texts = [_text(element)]
        for text in texts:
            if not text:
                continue
            kind = "h" if tag == "head" else "p"
            if kind == "h" and not out and title and text.strip() == title.strip():
                continue  # the headline repeated as the first subhead
            out.append(Paragraph(text=text, kind=kind))
    return out


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _authors(author: str | None) -> list[str]:
    if not author:
        return []
    return [name.strip() for name in author.split(";") if name.strip()]


def _date(found: str | None, doc: Document) -> tuple[datetime | None, str]:
    if found:
        try:
            return datetime.fromisoformat(found).replace(tzinfo=UTC), "meta"
        except ValueError:
            pass
    hinted = doc.hints.get("published_at")
    if hinted:
        try:
            value = datetime.fromisoformat(hinted.replace("Z", "+00:00"))
            return (value if value.tzinfo else value.replace(tzinfo=UTC)), "input"
        except ValueError:
            pass
    return None, "none"


def _language(raw: bytes) -> str | None:
    match = _LANG.search(raw[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def find_dateline(first_paragraph: str) -> str | None:
    """``"SEOUL — Russian President…"`` -> ``"SEOUL"``: an upper-case place, then a dash."""
    match = _DATELINE.match(first_paragraph)
    if not match:
        return None
    place = match.group("place").strip(" ,")
    return place if sum(c.isalpha() for c in place) >= 3 else None
