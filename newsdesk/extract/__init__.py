"""Document -> Article.  ``extract`` is the one entry point every caller uses
(the CLI's ``extract``, ingest, the benchmarks), so there is one code path."""

from __future__ import annotations

from ..model import Article, Document
from .body import extract_body, is_body
from .html import extract_html
from .text import extract_text


def extract(doc: Document) -> Article:
    """Raise :class:`~newsdesk.errors.InputError` or ``ExtractionError`` on failure."""
    if is_body(doc):  # already the clean article text: keep it as given
        return extract_body(doc)
    if doc.content_type == "text":
        return extract_text(doc)
    return extract_html(doc)


__all__ = ["extract", "extract_html", "extract_text"]
