"""Where an attribution's content lies, read from the parse of a candidate cue.

:mod:`newsdesk.enrich.attributions` asks :func:`contents` for the spans a word
could report: the clause a verb governs (``ccomp``; one per clause when the parse
hangs one on each side: "X, he said, Y"), the clause a reporting verb hangs off
("Still, he said, officials ..."), its complements to the right ("urged Congress
to act"), a noun's prepositional object or clause ("his support for Cruz"), the
sentence around "according to X", and what follows a short "Name:" lead-in
(also in a headline the parser skipped).  A reported clause stops before a
second reporting verb or a participle after a comma ("noted that X[ and asked
whether Y]"), and a content before a trailing aside that comments on it (", a
neurosurgeon who ...").  Kept apart so the candidate and speaker logic stays
readable on its own.
"""

from __future__ import annotations

from typing import Any

from .cues import CUE_WORDS
from .quotes import _according_to, _Context

# complements that carry what is said, thought or wanted
COMPLEMENT_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "dative", "prep", "attr", "acomp", "oprd", "pcomp"}
)


SETTING_PREPS = frozenset(
    {"in", "on", "at", "during", "after", "before", "since", "while", "amid", "ahead", "until"}
)


NOUN_DEPS = frozenset({"prep", "acl", "ccomp"})


NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# what may trail a content after a comma and comment on it (for a clause, only a
# description of one of its nouns: its own adverbial clauses are part of what was said)
ASIDE_DEPS = frozenset({"appos", "relcl", "advcl", "npadvmod", "advmod"})


CLAUSE_ASIDE_DEPS = frozenset({"appos", "relcl"})


def contents(tok: Any, ctx: _Context) -> list[tuple[tuple[int, int], str]]:
    """Content spans of a candidate cue and their shapes, from the parse."""
    if tok.pos_ in {"VERB", "AUX"} and not _according_to(tok):
        clauses = [c for c in tok.children if c.dep_ == "ccomp" and not ctx.token_in_quote(c)]
        if len(clauses) > 1:  # one on each side: "X, he said, Y"; the parse may hang either
            return [(_clause(c), f"{tok.pos_[0]}:ccomp") for c in clauses]
    found = _content(tok, ctx)
    return [found] if found is not None else []


def _content(tok: Any, ctx: _Context) -> tuple[tuple[int, int], str] | None:
    """Content span of a candidate cue and its shape, from the parse."""
    if _according_to(tok):
        span = _according_content(tok)
        return (span, "according") if span is not None else None
    if tok.text == ":":
        return _colon_content(tok)
    pos = tok.pos_
    if pos in {"VERB", "AUX"}:
        clauses = [c for c in tok.children if c.dep_ == "ccomp" and not ctx.token_in_quote(c)]
        if clauses:
            c = max(clauses, key=lambda c: c.right_edge.i - c.left_edge.i)
            return _clause(c), f"{pos[0]}:ccomp"
        if tok.dep_ == "parataxis" and tok.lower_ in CUE_WORDS:
            span = _host_content(tok)
            return (span, f"{pos[0]}:para") if span is not None else None
        comps = [c for c in tok.children if c.i > tok.i and _complement(c)]
        while len(comps) > 1 and comps[-1].dep_ == "prep" and comps[-1].lower_ in SETTING_PREPS:
            comps.pop()  # "... in February", "... at a rally": when and where, not what
        if not comps:
            return None
        return _edges(comps[0], comps[-1]), f"{pos[0]}:{comps[0].dep_}"
    if pos == "NOUN":
        comps = [c for c in tok.children if c.dep_ in NOUN_DEPS and c.i > tok.i]
        if not comps:
            return None
        first = comps[0]
        dep = f"prep-{first.lower_}" if first.dep_ == "prep" else first.dep_
        return _edges(first, comps[-1]), f"N:{dep}"
    return None


def _complement(child: Any) -> bool:
    """Whether a verb's child to its right says what is said or wanted: an object,
    a clause or phrase complement, or a "for X to do Y" clause ("called for the
    allies to send troops"), which the parser hangs as an adverbial clause."""
    if child.dep_ in COMPLEMENT_DEPS:
        return True
    first = child.left_edge
    return child.dep_ == "advcl" and first.lower_ == "for" and first.dep_ == "mark"


def _host_content(tok: Any) -> tuple[int, int] | None:
    """ "Still, he said, officials have to decide ...": the parser hangs the reporting
    verb off the clause it reports; the content is that clause without the verb's
    own words, its longest unbroken stretch."""
    own = {t.i for t in tok.subtree}
    runs: list[tuple[int, int]] = []
    for t in tok.head.subtree:
        if t.i in own or t.is_punct:
            continue
        if runs and runs[-1][1] == t.i - 1:
            runs[-1] = (runs[-1][0], t.i)
        elif runs and all(tok.doc[k].is_punct for k in range(runs[-1][1] + 1, t.i)):
            if not any(k in own for k in range(runs[-1][1] + 1, t.i)):
                runs[-1] = (runs[-1][0], t.i)
            else:
                runs.append((t.i, t.i))
        else:
            runs.append((t.i, t.i))
    if not runs:
        return None
    first, last = max(runs, key=lambda r: r[1] - r[0])
    doc = tok.doc
    return doc[first].idx, doc[last].idx + len(doc[last])


def _colon_content(tok: Any) -> tuple[tuple[int, int], str] | None:
    """A headline or lead-in "Cruz: We will win Iowa": a short name or phrase, a
    colon, then what was said, up to the end of the sentence (of the line, in a
    paragraph the parse skipped: a headline often has no reporting word)."""
    first, last = sentence_or_line(tok)
    lead = tok.doc[first : tok.i]
    if not 1 <= len(lead) <= 8:
        return None
    if tok.tag_:
        if not any(t.pos_ in {"PROPN", "NOUN"} for t in lead):
            return None
    elif not any(t.ent_type_ in NAME_LABELS for t in lead):
        return None
    end = tok.doc[last - 1]
    if end.i <= tok.i:
        return None
    return (tok.idx + 1, end.idx + len(end)), "colon"


def sentence_or_line(tok: Any) -> tuple[int, int]:
    """Token bounds of ``tok``'s sentence; in a paragraph the parse skipped (no
    tags, every token its own sentence), of its line."""
    if tok.tag_:
        return tok.sent.start, tok.sent.end
    doc = tok.doc
    first = tok.i
    while first > 0 and "\n" not in doc[first - 1].text_with_ws and not doc[first - 1].is_space:
        first -= 1
    last = tok.i
    while last < len(doc) and "\n" not in doc[last].text_with_ws and not doc[last].is_space:
        last += 1
    if last < len(doc) and not doc[last].is_space:
        last += 1  # the line's last token, its newline in the space after it
    return first, last


def _clause(head: Any) -> tuple[int, int]:
    """A reported clause's span, without what the parser hangs on its verb but belongs
    to the reporting sentence: a second reporting verb ("noted that X[ and asked
    whether Y]", "said X[ but added ...]") or a participle after a comma ("declared
    that X[, throwing the party into ...]")."""
    right = head.right_edge
    for child in head.children:
        if child.i <= head.i:
            continue
        reports = child.dep_ == "conj" and child.pos_ == "VERB" and child.lower_ in CUE_WORDS
        after_comma = child.doc[child.left_edge.i - 1].text == ","
        if reports or (child.dep_ == "advcl" and child.tag_ == "VBG" and after_comma):
            stop = child.left_edge.i - 1
            while stop > head.i and (child.doc[stop].is_punct or child.doc[stop].dep_ == "cc"):
                stop -= 1
            right = child.doc[stop]
            break
    return head.left_edge.idx, right.idx + len(right)


def trailing_aside(tok: Any, start: int, end: int, clause: bool = False) -> int:
    """The content's end before a trailing aside after a comma that comments on it
    rather than being said: an apposition ("voted for Ben Carson[, a neurosurgeon
    who ...]"), a relative or adverbial clause ("[, where he trailed ...]"), an
    adverbial phrase ("[, down sharply from ...]").  It must run to the content's end
    and hang off a word inside it."""
    doc = tok.doc
    span = doc.char_span(start, end, alignment_mode="expand") if start < end else None
    if span is None or len(span) == 0:
        return end
    for t in span:
        if t.i == span.start or doc[t.left_edge.i - 1].text != ",":
            continue
        if t.left_edge.i <= span.start or t.right_edge.i < span.end - 1:
            continue
        if t.head.i < span.start or t.head.i >= span.end:
            continue
        if t.dep_ in CLAUSE_ASIDE_DEPS or (not clause and t.dep_ in ASIDE_DEPS):
            comma = doc[t.left_edge.i - 1]
            return comma.idx
    return end


def _edges(first: Any, last: Any) -> tuple[int, int]:
    right = last.right_edge
    return first.left_edge.idx, right.idx + len(right)


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


def trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge spaces and punctuation, and a dangling "and"/"but"/"or" at the end."""
    while True:
        while start < end and (body[start].isspace() or body[start] in ",;:—–-"):
            start += 1
        while end > start and (body[end - 1].isspace() or body[end - 1] in ",;:.—–-"):
            end -= 1
        tail = body[max(start, end - 4) : end].lower()
        for word in (" and", " but", " or"):
            if tail.endswith(word):
                end -= len(word)
                break
        else:
            return start, end
