"""Articles whose text is already the clean body (a JSONL ``"body"`` field).

Exports from a CMS, corpora and other pipelines hand over article text that
needs no cleaning; running the page-dump cleaner on it can only lose lines
(short paragraphs look like navigation to it).  Here each non-blank line is a
paragraph, kept as given.  The title is the ``title`` hint, else a first line
that reads as a headline (short, no closing full stop), else the opening words
of the first paragraph.
"""

from __future__ import annotations

import re

from ..errors import NoArticle
from ..model import Article, Document, Paragraph
from .dates import parse_date

BODY_HINT = "text_is_body"  # Document.hints key set by the JSONL reader
HEADLINE_MAX_WORDS = 20
TITLE_WORDS = 14
_SPACES = re.compile(r"[ \t\u00a0]+")


def is_body(doc: Document) -> bool:
    return doc.content_type == "text" and (doc.hints or {}).get(BODY_HINT) == "1"


def extract_body(doc: Document) -> Article:
    text = doc.content if isinstance(doc.content, str) else doc.content.decode("utf-8", "replace")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise NoArticle("the body is empty")
    hints = doc.hints or {}
    title = hints.get("title")
    first = 0
    while first < len(lines) - 1 and _date_only(lines[first]):
        first += 1  # a date line above the headline is not the headline
    if not title and first < len(lines) - 1 and _headline(lines[first]):
        title = lines.pop(first)
    if not title:
        words = lines[first].split()
        title = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
    published = parse_date(hints["published_at"]) if hints.get("published_at") else None
    return Article(
        url=doc.url,
        title=title,
        paragraphs=[Paragraph(line) for line in lines],
        published_at=published,
        date_source="input" if published else "none",
        source=doc.source or hints.get("source"),
        location=doc.location,
        content_type="text",
    )


def _headline(line: str) -> bool:
    return len(line.split()) <= HEADLINE_MAX_WORDS and not line.rstrip().endswith((".", "!", "?"))


def _date_only(line: str) -> bool:
    return len(line.split()) <= 8 and parse_date(line) is not None
