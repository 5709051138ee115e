"""Turning stored values into display text, safely.

Everything here either returns plain ``str`` (left to Jinja's autoescape) or a
:class:`markupsafe.Markup` built only from escaped text plus tags we wrote
ourselves; stored text is never trusted as HTML.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from markupsafe import Markup, escape

MARK_START = "\x02"
MARK_END = "\x03"

# What each Article.date_source means to a reader.  Unknown values fall back to
# a neutral wording rather than failing, since sources can be added later.
DATE_PROVENANCE: dict[str, str] = {
    "meta": "from the page's metadata",
    "byline": "from the byline",
    "text": "from the article text",
    "url": "from the page's address",
    "feed": "from the feed",
    "input": "given with the input",
    "none": "publication date unknown",
}

# C0 controls other than tab/newline/CR are not allowed in HTML text; the
# highlight markers are handled before this runs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKERS = re.compile(f"([{MARK_START}{MARK_END}])")


def date_provenance(source: str | None) -> str:
    """Reader-facing wording for where a publication date came from."""
    if not source:
        return DATE_PROVENANCE["none"]
    return DATE_PROVENANCE.get(source, f"from {source}")


def format_date(value: datetime | None) -> str:
    """Human date: time only when it carries information (not midnight), zone if known.

    Naive datetimes are shown without a zone rather than guessing one, since
    the extractor may not have known it either.
    """
    if value is None:
        return "unknown"
    text = f"{value.day} {value:%B %Y}"
    has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
    if has_time:
        text += f", {value:%H:%M}"
    if has_time and value.tzinfo is not None:
        text += f" {utc_offset_label(value)}"
    return text


def utc_offset_label(value: datetime) -> str:
    """``UTC`` or ``UTC+05:30``: ``%:z`` needs Python 3.12, so spell it out."""
    offset = value.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def search_url(query: str, page: int = 1) -> str:
    """A /search link with the query properly encoded (``&``, ``#``, ``+`` included)."""
    params: dict[str, str | int] = {"q": query}
    if page > 1:
        params["page"] = page
    return "/search?" + urlencode(params)


def iso_date(value: datetime | None) -> str:
    """Machine-readable form for ``<time datetime=...>``."""
    return "" if value is None else value.isoformat()


def same_instant(a: datetime | None, b: datetime | None) -> bool:
    """Whether two dates mean the same thing; mixed naive/aware compare by wall clock."""
    if a is None or b is None:
        return a is b
    if (a.tzinfo is None) != (b.tzinfo is None):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    return a == b


def is_http_url(value: str | None) -> bool:
    """True only for absolute http(s) URLs: the only kind we will put in an href.

    ``javascript:``, ``data:``, relative paths and anything with whitespace or
    control characters stay plain text.
    """
    if not value or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def highlight(snippet: str) -> Markup:
    """Escape a search snippet, then turn its ``\\x02``/``\\x03`` markers into ``<mark>``.

    Markers are treated as a small state machine so a snippet cut mid-match (an
    opening marker with no close, or a stray close) still yields balanced HTML.
    """
    out: list[str] = []
    open_mark = False
    for part in _MARKERS.split(snippet):
        if part == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif part:
            out.append(str(escape(_CONTROL.sub("", part))))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))


def plain_snippet(snippet: str) -> str:
    """The snippet without markers, e.g. for a ``title`` attribute or plain-text use."""
    return _CONTROL.sub("", _MARKERS.sub("", snippet))
