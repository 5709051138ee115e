"""HTML page -> Article, with trafilatura doing the heavy lifting.

The page is parsed once; metadata and the body are both read from that tree.
The body comes from trafilatura in precision mode (it leaves out more of the
page furniture than the default), with a recall retry when that result is
short next to the page's own text, since precision mode sometimes drops half
of a list-like article.  We keep trafilatura's structure (subheads stay
subheads, table rows stay rows) and then apply :mod:`.htmlrules`, general
junk-line rules for what every extractor lets through (newsletter prompts,
"Read more" teasers, photo credits, trailing "About <company>" blurbs).

Metadata is read with trafilatura's own parts but only the ones an
:class:`~newsdesk.model.Article` needs, and the costly tree searches (author
bylines, category links) run only when the meta tags had nothing: the full
``extract_metadata`` costs about as much as the body extraction itself.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.core import bare_extraction
from trafilatura.htmlprocessing import delete_element
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
    normalize_authors,
)
from trafilatura.settings import Extractor
from trafilatura.utils import load_html, trim

from ..errors import NoArticle
from ..model import Article, Document
from .encoding import looks_binary
from .htmlrules import Block, clean_paragraphs

# Metadata-only date search: a date found in the page's visible text (a
# header clock, a "related" teaser) is not evidence of publication.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\- ]{1,40}?(?:,\s*[A-Z][A-Za-z.'’\- ]{1,30})?)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:—|–|--|-)\s+\S"
)
_WS = re.compile(r"\s+")

_SECTION = etree.XPath('/html/head/meta[@property="article:section"][@content]')
_HOVER_WORDS = (b"rollover", b"tooltip", b"popover", b"hovercard")
_HOVER = etree.XPath(
    "//*[contains(@class, 'rollover') or contains(@class, 'tooltip') or "
    "contains(@class, 'popover') or contains(@class, 'hovercard')]"
)

# trafilatura.xpaths.AUTHOR_XPATHS and AUTHOR_DISCARD_XPATHS as Python tests.
_AUTHOR_TAGS_1 = {"a", "address", "div", "link", "p", "span", "strong"}
_AUTHOR_TAGS_2 = {"a", "div", "h3", "h4", "p", "span"}
_AUTHOR_CLASS_1 = re.compile(r"author-?name|AuthorName|authorName")
_AUTHOR_ID_2 = re.compile(r"author|zuozhe|bianji|xiaobian")
_AUTHOR_CLASS_2 = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_AUTHOR_ID_3 = re.compile(r"[Aa]uthor")
_AUTHOR_CLASS_3 = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    r"article-(?:share|support)|print|category|meta-date|meta-reviewer"
)

# trafilatura's output vocabulary: blocks become paragraphs, containers are walked.
_BLOCKS = {"p", "head", "item", "row", "code", "quote"}
_CONTAINERS = {"body", "div", "list", "table", "doc", "main", "section", "article"}
_SKIP = {"graphic", "fw", "note"}

# Precision first; retry for recall when the result is shorter than this.
_RECALL_MIN_CHARS = 600


@dataclass
class _Meta:
    """The metadata an Article needs, read once from the parsed tree."""

    title: str | None = None
    author: str | None = None
    url: str | None = None
    hostname: str | None = None
    sitename: str | None = None
    date: str | None = None
    category: str | None = None
    description: str | None = None


def extract_html(doc: Document) -> Article:
    """Raise :class:`~newsdesk.errors.NoArticle` when the page holds no article body."""
    raw = doc.content if isinstance(doc.content, bytes) else doc.content.encode("utf-8")
    if not raw.strip():
        raise NoArticle("empty page")
    if looks_binary(raw):
        raise NoArticle("binary data, not an HTML page")
    try:
        tree = load_html(raw)
    except (ValueError, TypeError, etree.LxmlError) as exc:  # pragma: no cover - defensive
        raise NoArticle(f"unparseable HTML: {exc}") from exc
    if tree is None:
        raise NoArticle("unparseable HTML")
    language = _language(tree)
    meta = _metadata(tree, doc.url)
    if any(word in raw for word in _HOVER_WORDS):  # byte scans are far cheaper than the XPath
        _drop_hover_cards(tree)
    body = _body(tree, meta.url or doc.url)
    if body is None:
        raise NoArticle("no article body found in the page")
    title = (meta.title or doc.hints.get("title") or "").strip()
    paragraphs = clean_paragraphs(
        _blocks(body), title=title, description=meta.description, language=language
    )
    if not paragraphs:
        raise NoArticle("no article body found in the page")
    title = title or paragraphs[0].text[:120]
    published_at, date_source = _date(meta.date, doc)
    return Article(
        url=doc.url or meta.url,
        canonical_url=meta.url,
        title=title,
        paragraphs=paragraphs,
        site_name=meta.sitename,
        section=meta.category,
        authors=_authors(meta.author),
        dateline=find_dateline(paragraphs[0].text),
        published_at=published_at,
        date_source=date_source,
        language=language,
        source=doc.source or meta.sitename or meta.hostname,
        location=doc.location,
        content_type="html",
    )


def _body(tree: HtmlElement, url: str | None) -> etree._Element | None:
    """trafilatura's body in precision mode, or in recall mode when that looks cut short.

    Precision mode sometimes returns too little (a page of short items) or
    cuts paragraphs at inline links, leaving fragments that start in
    mid-sentence; only then is the page extracted again, for recall.
    ``bare_extraction`` copies a tree it is given, so the retry reuses the
    parsed tree.
    """
    precise = _run(tree, url, precision=True)
    if precise is not None and _length(precise) >= _RECALL_MIN_CHARS and not _broken(precise):
        return precise
    recall = _run(tree, url, precision=False)
    length = _length(precise)
    if recall is not None and _length(recall) > length + 50:
        return recall
    return precise


def _broken(body: etree._Element) -> bool:
    """Paragraphs that start in mid-sentence: precision mode cut them at links."""
    texts = [t for t in ("".join(p.itertext()).strip() for p in body.iter("p")) if t]
    cut = sum(1 for t in texts if t[0].islower() or t[0] in ")]},;:" or t[-1] in "([{")
    return cut >= 2 and cut >= 0.2 * len(texts)


def _drop_hover_cards(tree: HtmlElement) -> None:
    """Remove hover cards before extraction.

    A name linked in the text often carries a hidden card (the person's photo
    and latest headlines) that shows on hover; trafilatura reads it as part of
    the sentence and glues it on.  The card is a hover element nested inside
    the hover trigger; the trigger's own link (the name) stays, and so does
    the text after the card (its tail).
    """
    hover = set(_HOVER(tree))
    for element in hover:
        if element.tag != "a" and any(a in hover for a in element.iterancestors()):
            delete_element(element)


def _run(tree: HtmlElement, url: str | None, *, precision: bool) -> etree._Element | None:
    options = Extractor(
        fast=True,
        precision=precision,
        recall=not precision,
        comments=False,
        tables=True,
        links=True,  # kept so the rules can see a paragraph that is all link
        url=None,  # links are only counted, so no costly resolving of each href
        with_metadata=False,
    )
    try:
        result = bare_extraction(tree, options=options)
    except (ValueError, TypeError, etree.LxmlError):  # pragma: no cover - defensive
        return None
    if result is None or result.body is None or not len(result.body):
        return None
    return result.body


def _length(body: etree._Element | None) -> int:
    return 0 if body is None else len(_WS.sub(" ", "".join(body.itertext())).strip())


def _metadata(tree: HtmlElement, url: str | None) -> _Meta:
    """Meta tags and JSON-LD first; tree searches only for what they lacked.

    The same steps as ``trafilatura.metadata.extract_metadata`` minus tags and
    licence, which an Article does not carry.
    """
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    # trafilatura's JSON-LD reader has bugs of its own: a crash there costs only the JSON-LD.
    with contextlib.suppress(Exception):
        meta = extract_meta_json(tree, meta)
    out = _Meta(
        title=meta.title or extract_title(tree),
        author=meta.author or _byline(tree),
        url=meta.url or extract_url(tree, url),
        description=meta.description,
    )
    if out.url:
        match = META_URL.match(out.url)
        out.hostname = match[1] if match else None
    out.date = find_date(tree, url=out.url, **_DATE_PARAMS)  # it copies a tree it is given
    sitename = meta.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    out.sitename = sitename or out.hostname
    # The publisher's own article:section before trafilatura's search of the
    # page's category links, which is the costliest step here.
    categories = (
        meta.categories
        or [m.get("content", "") for m in _SECTION(tree)]
        or extract_catstags("category", tree)
    )
    out.category = categories[0].strip() if categories else None
    return out


def _byline(tree: HtmlElement) -> str | None:
    """trafilatura's ``extract_author`` in one pass over the tree, without its deep copy.

    The same three tiers of byline patterns (``trafilatura.xpaths.AUTHOR_XPATHS``)
    and the same regions to ignore (comments, sidebars, figures, dates), but
    tested on each element's attributes in Python: the regex XPaths over every
    element cost more than extracting the body.
    """
    tiers: list[list[HtmlElement]] = [[], [], []]
    for element in tree.iter():
        tag = element.tag
        if not isinstance(tag, str) or not element.attrib and tag != "author":
            continue
        tier = _byline_tier(element, tag)
        if tier is not None:
            tiers[tier].append(element)
    for candidates in tiers:
        for element in candidates:
            if _in_discarded(element):
                continue
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _byline_tier(element: HtmlElement, tag: str) -> int | None:
    get = element.get
    cls, ident, prop = get("class") or "", get("id") or "", get("itemprop") or ""
    if tag == "author" or (
        tag in _AUTHOR_TAGS_1
        and (
            "author" in (get("rel"), ident, cls)
            or prop == "author name"
            or get("data-testid") in ("AuthorCard", "AuthorURL")
            or _AUTHOR_CLASS_1.search(cls)
        )
    ):
        return 0
    if tag in _AUTHOR_TAGS_2 and (
        cls in ("byline", "username", "byl", "BBL")
        or "author" in prop
        or _AUTHOR_ID_2.search(ident)
        or _AUTHOR_CLASS_2.search(cls)
    ):
        return 1
    if (
        "Byline" in (get("data-component") or "")
        or "author" in prop
        or _AUTHOR_ID_3.search(ident)
        or _AUTHOR_CLASS_3.search(cls)
    ):
        return 2
    return None


def _in_discarded(element: HtmlElement) -> bool:
    """Inside comments, a sidebar, a figure or a date: not the article's byline."""
    node: HtmlElement | None = element
    while node is not None:
        tag = node.tag
        if tag in ("time", "figure"):
            return True
        if tag in ("a", "div", "section", "span"):
            cls, ident = node.get("class") or "", node.get("id") or ""
            if (
                ident == "comments"
                or cls in ("comments", "title", "date")
                or _DISCARD_ID.search(ident)
                or _DISCARD_CLASS.search(cls)
                or "Figure" in (node.get("data-component") or "")
            ):
                return True
        node = node.getparent()
    return False


def _blocks(body: etree._Element) -> list[Block]:
    """Walk trafilatura's XML body into blocks; ``head`` elements are subheads.

    Text that trafilatura leaves loose (a tail after a subhead, an inline
    element directly under a container) becomes a block of its own, so nothing
    it kept is lost; a table becomes one block per row.  Each block records how
    much of it was link text, which the junk rules use.
    """
    out: list[Block] = []
    pending: list[str] = []
    pending_links = [0, 0]  # link characters, links

    def flush() -> None:
        text = _norm("".join(pending))
        if text:
            share = min(1.0, pending_links[0] / len(text))
            out.append(Block(text, "p", "loose", share, pending_links[1]))
        pending.clear()
        pending_links[:] = [0, 0]

    def emit(element: etree._Element, text: str, tag: str) -> None:
        parts = [_norm(part) for part in re.split(r"\n\s*\n", text)]
        parts = [part for part in parts if part]
        if not parts:
            return
        chars, count = _links(element)
        share = min(1.0, chars / max(1, sum(len(part) for part in parts)))
        for part in parts:
            out.append(Block(part, "h" if tag == "head" else "p", tag, share, count))

    def walk(element: etree._Element) -> None:
        if element.text:
            pending.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _SKIP or not tag:
                pass
            elif tag == "row":
                flush()
                cells = [_norm(_inline(cell)) for cell in child]
                emit(child, " | ".join(cell for cell in cells if cell), "row")
            elif tag == "quote" and any(c.tag in _BLOCKS or c.tag == "list" for c in child):
                flush()
                walk(child)
                flush()
            elif tag in _BLOCKS:
                flush()
                emit(child, _inline(child), tag)
            elif tag in _CONTAINERS:
                flush()
                walk(child)
                flush()
            else:  # inline markup (hi, ref, span, lb) loose in a container
                pending.append(_inline(child))
                chars, count = _links(child)
                pending_links[0] += chars
                pending_links[1] += count
            if child.tail:
                pending.append(child.tail)

    walk(body)
    flush()
    return out


def _links(element: etree._Element) -> tuple[int, int]:
    """Characters of link text under an element, and how many links."""
    refs = [element] if element.tag == "ref" else list(element.iter("ref"))
    return sum(len(_norm("".join(ref.itertext()))) for ref in refs), len(refs)


def _inline(element: etree._Element) -> str:
    """Text of an element; a line break is a space, two in a row split a paragraph."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            parts.append("\n")
        elif tag in _SKIP:
            pass
        elif tag in _BLOCKS or tag in _CONTAINERS:
            parts.append("\n\n" + _inline(child) + "\n\n")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


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


def _language(tree: HtmlElement) -> str | None:
    """``<html lang="ru-RU">`` -> ``"ru"``; the rules in :mod:`.htmlrules` key on it."""
    value = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    match = _LANG.match(value.strip())
    return match.group(1).lower() if match else None


def find_dateline(first_paragraph: str) -> str | None:
    """``"SEOUL — Russian President…"`` -> ``"SEOUL"``: an upper-case place, then a dash."""
    match = _DATELINE.match(first_paragraph)
    if not match:
        return None
    place = match.group("place").strip(" ,")
    return place if sum(c.isalpha() for c in place) >= 3 else None
