"""Speakers written as labels on the quote itself, not reported by a verb.

Two layouts of quote boxes, comment threads and transcripts: a name signed
after the quote with a dash ('“...” ― Jane Doe', or on the line under it:
'"..."' then '- Jane Doe, Philadelphia.'), and a transcript line quoted whole
with its speaker label inside the marks ('"RAMOS: Secretary Clinton, did you
...'). Both read the text (and, for the label, the entity tags of the parse);
the caller resolves the name through the article's alias map.
"""

from __future__ import annotations

import re
from typing import Any

from .speakers import SKIP_SPEAKERS

_NAME = r"([A-Z][\w.'’-]*(?:[^\S\n][A-Z][\w.'’-]*){0,3})[^\S\n]*(?:$|\n|[(,.])"
# after the closing mark on the same line, or at the start of the next line
_SIGNED = re.compile(r"[”\"][^\S\n]*[―—–][^\S\n]*" + _NAME)
_SIGNED_BELOW = re.compile(r"[”\"][^\S\n]*\n\s*[-―—–][^\S\n]*" + _NAME)
_INNER_LABEL = re.compile(r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):\s")
LABEL_MIN_WORDS = 6  # after the label: "Backfire: Carly Fiorina's ..." is a title, not a line
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def signed_name(body: str, close: int) -> str | None:
    """The name signed after a quote whose closing mark is at ``close``."""
    end = min(len(body), close + 80)
    found = _SIGNED.match(body, close, end) or _SIGNED_BELOW.match(body, close, end)
    if found is None or found.group(1).lower() in SKIP_SPEAKERS:
        return None
    return found.group(1)


_SIGNED_INSIDE = re.compile(
    r"\n[^\S\n]*[-―—–]?[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n][A-Z][\w.'’-]*){1,3})"
    r"(?:,[^\n]{0,80})?[.]?[^\S\n]*$"
)


def signed_inside(body: str, start: int, end: int) -> str | None:
    """The name signed on the last line inside a quoted block ('"I worry that ...
    tax cuts.\nDean Baker, Center for Economic and Policy Research."'): a line of
    two to four capitalised words, with an affiliation after a comma, closing a
    quote that holds at least one line of speech before it."""
    found = _SIGNED_INSIDE.search(body, start, end)
    if found is None or len(_WORD.findall(body[start : found.start()])) < LABEL_MIN_WORDS:
        return None
    return found.group(1)


def transcript_label(doc: Any, body: str, start: int, end: int) -> str | None:
    """The speaker label a quoted transcript line opens with ("RAMOS: ..." is Ramos):
    a capitalised label that is all capitals (the transcript convention) or a person
    the parser names, followed by a line of speech; the caller checks that the quote
    opens its paragraph (a tweet quoted after its cue may hold "Clinton: '...'")."""
    found = _INNER_LABEL.match(body, start, end)
    if found is None or len(_WORD.findall(body[found.end() : end])) < LABEL_MIN_WORDS:
        return None
    label = found.group(1)
    span = doc.char_span(found.start(1), found.end(1), alignment_mode="expand")
    person = span is not None and any(t.ent_type_ == "PERSON" for t in span)
    if not (label.isupper() and len(label) > 2 or person) or label.lower() in SKIP_SPEAKERS:
        return None
    return label.title() if label.isupper() else label
