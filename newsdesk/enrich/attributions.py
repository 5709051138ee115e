"""Indirect attributions: reported speech with no quotation marks.

"Kim and Putin are sending the message ..., Wi said" is the second tier of
the quote ledger, ``kind="indirect"``: the clause a reporting verb governs
(its ``ccomp``), or the rest of the sentence around "according to".  Direct
quotes are found first (:mod:`newsdesk.enrich.quotes`); an attribution that
overlaps one is left out, so each stretch of text is reported once.

The speaker helpers of the quote module are reused as they are, so a
reported clause and a quote by the same person name them the same way.
"""

from __future__ import annotations

from typing import Any

from ..model import Quote
from .cues import CUE_WORDS, INDIRECT_WORDS
from .quotes import (
    MIN_WORDS,
    Resolver,
    _according_to,
    _Context,
    _fill_roles,
    _speaker,
    _subject,
    find_quote_spans,
    word_count,
)


def add_attributions(doc: Any, body: str, resolve: Resolver, quotes: list[Quote]) -> list[Quote]:
    """``quotes`` with the article's indirect attributions added, in text order."""
    spans = [q for q in find_quote_spans(body) if word_count(body[q.start : q.end]) >= MIN_WORDS]
    ctx = _Context(doc, body, spans, resolve)
    out = quotes + _indirect(ctx, quotes)
    out.sort(key=lambda x: x.start)
    return _fill_roles(out)


def _indirect(ctx: _Context, quotes: list[Quote]) -> list[Quote]:
    """Reported speech: the clause each cue governs, where it holds no quote."""
    out: list[Quote] = []
    doc = ctx.doc
    for tok in doc:
        if ctx.token_in_quote(tok):
            continue
        content: tuple[int, int] | None = None
        if _according_to(tok):
            content = _according_content(tok)
        elif tok.lower_ in INDIRECT_WORDS and tok.tag_.startswith("VB"):
            clauses = [c for c in tok.children if c.dep_ == "ccomp" and not ctx.token_in_quote(c)]
            if tok.lower_ not in CUE_WORDS:  # "polls show that ...", not "showed up"
                clauses = [c for c in clauses if any(m.lower_ == "that" for m in c.children)]
            if any(c.dep_ == "prt" for c in tok.children):
                clauses = []
            if clauses:
                c = clauses[0]
                content = (c.left_edge.idx, c.right_edge.idx + len(c.right_edge))
        if content is None:
            continue
        start, end = _trim_span(ctx.body, *content)
        if end <= start or word_count(ctx.body[start:end]) < 3:
            continue
        if any(ctx.quoted[start:end]) or any(q.start < end and q.end > start for q in quotes):
            continue
        subject = _subject(tok, ctx)
        speaker, role = _speaker(subject, ctx) if subject is not None else (None, None)
        if speaker is None:
            continue
        cue = "according to" if tok.lower_ == "according" else tok.text
        out.append(Quote(ctx.body[start:end], start, end, "indirect", speaker, role, cue))
    return out


def _according_content(tok: Any) -> tuple[int, int] | None:
    """The sentence around an "according to X" phrase, the phrase left out."""
    sent = tok.sent
    phrase_end = max(t.i for t in tok.subtree) + 1 if list(tok.subtree) else tok.i + 2
    to = tok.doc[tok.i + 1]
    phrase_end = max(phrase_end, max(t.i for t in to.subtree) + 1)
    before = (sent.start_char, tok.idx)
    after_tok = tok.doc[phrase_end] if phrase_end < len(tok.doc) else None
    after = (after_tok.idx, sent.end_char) if after_tok is not None else (sent.end_char,) * 2
    best = max(before, after, key=lambda s: s[1] - s[0])
    return best if best[1] > best[0] else None


def _trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (body[start].isspace() or body[start] in ",;:—–-"):
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ",;:.—–-"):
        end -= 1
    return start, end
