"""Who said what: quoted and reported speech in one parsed article.

Quotation marks are found by a scanner on the text itself (the parser does not
pair them reliably, and news text has stray, curly, straight and wrong-way
marks), per paragraph.  A quote whose paragraph ends while it is open is kept
only where newswriting leaves it open on purpose: it continues in the next
paragraph, which opens with a quotation mark again.

Each quote is then attributed from the parse of the sentences around it: the
reporting verb (the *cue*: said, wrote, told, according to ...) nearest the
quote and outside it, preferring one whose clause holds the quote; the
speaker is that verb's subject, or the name right after it ("said Lee
Jai-chun, a former ..."); the role is the speaker's apposition or the title
written before the name.  "he"/"she" is the last person named outside a quote
before it, and every name goes through the article's alias map, so "Wi said"
is Wi Sung-lac.  A quote with no cue of its own that opens its paragraph (or
follows an attributed quote in the same one) continues the previous speaker.

Reported speech ("Kim and Putin are sending the message ..., Wi said") is the
second tier, ``kind="indirect"``, found in :mod:`newsdesk.enrich.attributions`.

The function takes the parse and a name resolver as plain values so it never
imports the entity stage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Quote
from .cues import CUE_WORDS

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
ORG_PRONOUNS = frozenset({"it"})
SKIP_SPEAKERS = frozenset({"i", "we", "you", "they", "who", "which", "that", "this", "one"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
CORE_DROP_DEPS = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advmod", "prep"})

OPENERS = "“„«‘"[:3]  # single quotes are apostrophes too often to trust
CLOSERS = "”»"
STRAIGHT = '"'
MIN_WORDS = 2  # shorter quoted bits are scare quotes ("sensitive")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass
class QuoteSpan:
    """Text between a pair of quotation marks, marks excluded."""

    start: int
    end: int
    paragraph: int
    closed: bool = True


Resolver = Callable[[str], str]


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """Character span of each paragraph of ``Article.body`` (joined by blank lines)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in body.split("\n\n"):
        spans.append((pos, pos + len(part)))
        pos += len(part) + 2
    return spans


def find_quote_spans(body: str) -> list[QuoteSpan]:
    """Every quoted stretch, paragraph by paragraph; see the module note on open quotes."""
    paragraphs = paragraph_spans(body)
    out: list[QuoteSpan] = []
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_at: int | None = None
        for i in range(p_start, p_end):
            ch = body[i]
            if open_at is None:
                if ch in OPENERS or ch == STRAIGHT or (ch in CLOSERS and _starts_word(body, i)):
                    open_at = i
            elif ch in CLOSERS or ch == STRAIGHT:
                out.append(QuoteSpan(open_at + 1, i, index))
                open_at = None
            elif ch in OPENERS and not _inner_opening(body, open_at, i):
                open_at = i  # an unmatched opener before: start again here
        if open_at is not None:
            nxt = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            continues = nxt is not None and nxt[1] > nxt[0] and body[nxt[0]] in OPENERS + STRAIGHT
            if continues or open_at == p_start:
                out.append(QuoteSpan(open_at + 1, p_end, index, closed=False))
    return [_trim(body, q) for q in out if q.end > q.start]


def _starts_word(body: str, i: int) -> bool:
    """A closing mark used as an opener: at a word start, followed by a letter."""
    before = body[i - 1] if i > 0 else " "
    after = body[i + 1] if i + 1 < len(body) else " "
    return before.isspace() and after.isalnum()


def _inner_opening(body: str, open_at: int, i: int) -> bool:
    return False


def _trim(body: str, q: QuoteSpan) -> QuoteSpan:
    start, end = q.start, q.end
    while start < end and body[start].isspace():
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ",;:"):
        end -= 1
    return QuoteSpan(start, end, q.paragraph, q.closed)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# -- attribution -------------------------------------------------------------


@dataclass
class _Attribution:
    speaker: str | None
    role: str | None
    cue: str | None
    cue_index: int | None  # token index of the cue, to group quotes by it


class _Context:
    """Per-article lookups shared by every quote: token positions, quoted chars."""

    def __init__(self, doc: Any, body: str, spans: list[QuoteSpan], resolve: Resolver) -> None:
        self.doc = doc
        self.body = body
        self.resolve = resolve
        self.paragraphs = paragraph_spans(body)
        self.quoted = bytearray(len(body) + 1)
        for q in spans:
            self.quoted[q.start : q.end] = b"\x01" * (q.end - q.start)
        self.persons = [
            (e.start_char, e) for e in doc.ents if e.label_ == "PERSON" and not self.in_quote(e)
        ]
        self.orgs = [
            (e.start_char, e) for e in doc.ents if e.label_ == "ORG" and not self.in_quote(e)
        ]

    def in_quote(self, item: Any) -> bool:
        start = item.idx if hasattr(item, "idx") else item.start_char
        return bool(self.quoted[start])

    def token_in_quote(self, token: Any) -> bool:
        return bool(self.quoted[token.idx])


def _according_to(tok: Any) -> bool:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to"


def _tokens_between(doc: Any, start: int, end: int) -> Any:
    return doc.char_span(start, end, alignment_mode="expand")


def _frame(ctx: _Context, q: QuoteSpan) -> list[Any]:
    """Sentences around the quote, within its paragraph: where its cue may be."""
    p_start, p_end = ctx.paragraphs[q.paragraph]
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is None or len(span) == 0:
        return []
    sents = []
    first, last = span[0].sent, span[-1].sent
    sent = first
    while True:
        sents.append(sent)
        if sent.end >= last.end or sent.end >= len(ctx.doc):
            break
        sent = ctx.doc[sent.end].sent
    # a colon-ended lead-in before, a short "Wi said." after
    if first.start > 0:
        prev = ctx.doc[first.start - 1].sent
        if prev.start_char >= p_start and prev.text.rstrip().endswith(":"):
            sents.insert(0, prev)
    if last.end < len(ctx.doc):
        nxt = ctx.doc[last.end].sent
        if nxt.end_char <= p_end and len(nxt) <= 12 and nxt.start_char >= q.end:
            sents.append(nxt)
    return sents


def _cue_tokens(sents: Sequence[Any], ctx: _Context, words: frozenset[str]) -> list[Any]:
    out = []
    for sent in sents:
        for tok in sent:
            if ctx.token_in_quote(tok):
                continue
            if (tok.lower_ in words and tok.tag_.startswith("VB")) or _according_to(tok):
                out.append(tok)
    return out


def _governs(cue: Any, q: QuoteSpan) -> bool:
    """Does the cue's clause hold (part of) the quote?"""
    for child in cue.children:
        if child.dep_ in {"ccomp", "dobj", "xcomp", "advcl", "parataxis", "oprd", "attr"}:
            left, right = child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
            if left < q.end and right > q.start:
                return True
    return cue.head.i != cue.i and cue.dep_ in {"parataxis"} and False


def _choose_cue(cues: list[Any], q: QuoteSpan) -> Any | None:
    if not cues:
        return None
    governing = [c for c in cues if _governs(c, q)]
    pool = governing or cues

    def distance(c: Any) -> int:
        if c.idx >= q.end:
            return c.idx - q.end
        return max(0, q.start - (c.idx + len(c)))

    return min(pool, key=distance)


def _subject(cue: Any, ctx: _Context) -> Any | None:
    """The speaker token of a cue verb (or of "according to")."""
    if cue.lower_ == "according":
        to = ctx.doc[cue.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return objs[0] if objs else None
    verb = cue
    if cue.dep_ in {"advcl", "conj", "xcomp"}:
        # "..., adding, “...”" hangs off the reported clause: the speaker is the
        # subject of the reporting verb above it, not of that clause
        for anc in cue.ancestors:
            if anc.lower_ in CUE_WORDS and any(c.dep_ in SUBJECT_DEPS for c in anc.children):
                verb = anc
                break
    for _ in range(4):
        subs = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not ctx.token_in_quote(c)]
        if subs:
            return subs[0]
        agents = [c for c in verb.children if c.dep_ == "agent"]
        if agents:
            objs = [c for c in agents[0].children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
            verb = verb.head
            continue
        break
    # inverted or misparsed: "..., said Go Myong-hyun, a defense expert"
    if cue.i + 1 < len(ctx.doc):
        nxt = ctx.doc[cue.i + 1]
        if nxt.pos_ == "PROPN" or nxt.ent_type_ in NAME_LABELS or _is_name_word(nxt):
            return nxt
        if nxt.lower_ in {"the", "a", "an"} and cue.i + 2 < len(ctx.doc):
            return ctx.doc[cue.i + 2]
    return None


def _is_name_word(token: Any) -> bool:
    """Capitalised word the tagger may have missed as a name ("said Go Myong-hyun")."""
    return token.is_alpha and token.is_title and token.lower_ not in {"the", "a", "an"}


def _name_before(tok: Any, label: str) -> bool:
    """A capitalised proper noun just before a name, as part of it ("Ana" Ruiz)."""
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("", label) and tok.is_title


def _name_run(token: Any) -> tuple[int, int]:
    """Token range of the proper name holding ``token`` (entity, else PROPN run)."""
    doc = token.doc
    if token.ent_type_ == "" and _is_name_word(token):
        start = token.i
        while start > 0 and _name_before(doc[start - 1], ""):
            start -= 1
        end = token.i + 1
        while end < len(doc) and (
            doc[end].ent_type_ == "PERSON" or doc[end].pos_ == "PROPN" or _is_name_word(doc[end])
        ):
            end += 1
            if end < len(doc) and doc[end].text == "-" and end + 1 < len(doc):
                end += 2
        return start, end
    if token.ent_type_ in NAME_LABELS:
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                start, end = ent.start, ent.end
                while (
                    start > 0
                    and doc[start - 1].pos_ == "PROPN"
                    and doc[start - 1].ent_type_ in ("", ent.label_)
                ):
                    if doc[start - 1].is_title and doc[start - 1].lower_ not in ("the",):
                        start -= 1
                    else:
                        break
                return start, end
    start = end = token.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and not doc[start - 1].is_punct:
        start -= 1
    while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN" and not doc[end + 1].is_punct:
        end += 1
    # hyphenated names are split into tokens: "Jai", "-", "chun"
    while start > 1 and doc[start - 1].text == "-" and doc[start - 2].pos_ == "PROPN":
        start -= 2
    return start, end + 1


def _core_tokens(head: Any) -> list[Any]:
    """The head's noun phrase without appositions, clauses and trailing modifiers."""
    keep = [head]
    stack = [c for c in head.children if c.dep_ not in CORE_DROP_DEPS or c.i < head.i]
    while stack:
        tok = stack.pop()
        if tok.dep_ in {"appos", "relcl", "acl", "punct"}:
            continue
        keep.append(tok)
        stack.extend(tok.children)
    keep.sort(key=lambda t: t.i)
    return keep


def _speaker(token: Any, ctx: _Context) -> tuple[str | None, str | None]:
    """(speaker name, role as written) for a subject token."""
    low = token.lower_
    if low in PERSON_PRONOUNS:
        return _last_before(ctx.persons, token.idx, ctx), None
    if low in ORG_PRONOUNS:
        return _last_before(ctx.orgs, token.idx, ctx), None
    if low in SKIP_SPEAKERS or token.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL"}:
        return None, None
    doc = token.doc
    role = _role(token, ctx)
    if token.pos_ == "PROPN" or token.ent_type_ in NAME_LABELS or _is_name_word(token):
        start, end = _name_run(token)
        name_span = doc[start:end]
        for tok in name_span:
            role = role or _role(tok, ctx)
        label = token.ent_type_
        if label in {"ORG", "NORP", "GPE"}:
            owners = [c for c in token.children if c.dep_ == "poss" and c.i < start]
            if owners:
                start = owners[0].left_edge.i
            return _strip_det(_text_of(doc, start, end)) or None, role
        if role is None:
            role = _title_before(token, start)
        return ctx.resolve(name_span.text), role
    core = _core_tokens(token)
    if not core:
        return None, role
    text = _strip_det(_text_of(doc, core[0].i, core[-1].i + 1))
    if not text or not any(c.isalpha() for c in text):
        return None, role
    # "the former ambassador Lee" style: a name inside the core phrase
    for tok in core:
        if tok.ent_type_ == "PERSON":
            s, e = _name_run(tok)
            return ctx.resolve(doc[s:e].text), text
    return text, role


def _text_of(doc: Any, start: int, end: int) -> str:
    if start >= end:
        return ""
    return doc.text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1])]


def _strip_det(text: str) -> str:
    text = text.strip(" ,;:")
    for det in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(det):
            return text[len(det) :]
    return text


def _role(token: Any, ctx: _Context) -> str | None:
    for child in token.children:
        if child.dep_ == "appos" and not ctx.token_in_quote(child):
            text = _text_of(token.doc, child.left_edge.i, child.right_edge.i + 1)
            return text.strip(" ,;:.") or None
    return None


def _title_before(token: Any, name_start: int) -> str | None:
    """Words written before the name in its phrase: "Russian President" Vladimir Putin."""
    doc = token.doc
    pre = [
        c
        for c in token.subtree
        if c.i < name_start and c.dep_ in {"compound", "amod", "nmod", "poss"} and not c.is_punct
    ]
    if not pre:
        return None
    text = _text_of(doc, pre[0].i, name_start).strip(" ,")
    return text if any(c.isalpha() for c in text) and text.lower() not in {"the"} else None


def _last_before(mentions: list[tuple[int, Any]], pos: int, ctx: _Context) -> str | None:
    best = None
    for start, ent in mentions:
        if start >= pos:
            break
        best = ent
    return ctx.resolve(best.text) if best is not None else None


def _attribute(q: QuoteSpan, ctx: _Context) -> _Attribution | None:
    sents = _frame(ctx, q)
    cue = _choose_cue(_cue_tokens(sents, ctx, CUE_WORDS), q)
    if cue is None:
        return None
    subject = _subject(cue, ctx)
    speaker, role = _speaker(subject, ctx) if subject is not None else (None, None)
    cue_text = "according to" if cue.lower_ == "according" else cue.text
    return _Attribution(speaker, role, cue_text, cue.i)


def _fallback(q: QuoteSpan, ctx: _Context) -> _Attribution | None:
    """No cue: the subject of the quote's sentence if it is a name, else the last
    person named in this or the previous paragraph (a quote is most often
    words of the person the paragraph is about)."""
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is not None and len(span):
        root = span[0].sent.root
        for child in root.children:
            named = child.ent_type_ in {"PERSON", "ORG"} or child.lower_ in PERSON_PRONOUNS
            if child.dep_ in SUBJECT_DEPS and named and not ctx.token_in_quote(child):
                speaker, role = _speaker(child, ctx)
                if speaker:
                    return _Attribution(speaker, role, None, None)
    floor = ctx.paragraphs[max(0, q.paragraph - 1)][0]
    best = None
    for start, ent in ctx.persons:
        if start >= q.start:
            break
        if start >= floor:
            best = ent
    if best is None:
        return None
    return _Attribution(ctx.resolve(best.text), None, None, None)


def _kind(body: str, q: QuoteSpan, p_start: int) -> str:
    """``direct`` for a sentence quoted whole, ``partial`` for words woven into ours."""
    i = q.start - 2  # before the opening mark
    while i >= p_start and body[i].isspace():
        i -= 1
    before = body[i] if i >= p_start else ""
    first = body[q.start]
    if (before == "" or before in ":,.?!—–-(;") and (first.isupper() or first.isdigit()):
        return "direct"
    if before == "" and q.start - 1 == p_start:
        return "direct"
    return "partial"


def find_quotes(doc: Any, body: str, resolve: Resolver) -> list[Quote]:
    """Quoted speech of one article, in text order; ``doc`` is the parse of ``body``.

    Indirect attributions are added by :mod:`newsdesk.enrich.attributions`.
    """
    spans = [q for q in find_quote_spans(body) if word_count(body[q.start : q.end]) >= MIN_WORDS]
    ctx = _Context(doc, body, spans, resolve)
    quotes: list[Quote] = []
    last: _Attribution | None = None
    last_paragraph = -2
    for q in spans:
        p_start = ctx.paragraphs[q.paragraph][0]
        kind = _kind(body, q, p_start)
        att = _attribute(q, ctx)
        opens_paragraph = q.start - 1 == p_start
        if att is None and last is not None:
            same_para = last_paragraph == q.paragraph
            next_para = last_paragraph == q.paragraph - 1 and opens_paragraph
            if same_para or next_para:
                att = last
        if att is None:
            att = _fallback(q, ctx)
        elif att.speaker is None:
            fallback = _fallback(q, ctx)
            if fallback is not None:
                att = _Attribution(fallback.speaker, att.role, att.cue, att.cue_index)
        if att is None and kind == "partial" and word_count(body[q.start : q.end]) < 3:
            continue  # unattributed words in quotes: scare quotes, titles
        text = body[q.start : q.end]
        if att is None:
            quotes.append(Quote(text, q.start, q.end, kind))  # type: ignore[arg-type]
            last = None
        else:
            quotes.append(
                Quote(text, q.start, q.end, kind, att.speaker, att.role, att.cue)  # type: ignore[arg-type]
            )
            last = att
        last_paragraph = q.paragraph
    return _fill_roles(quotes)


def _fill_roles(quotes: list[Quote]) -> list[Quote]:
    """A role is written once, at the speaker's first quote: give it to the rest."""
    roles: dict[str, str] = {}
    for q in quotes:
        if q.speaker and q.role:
            roles.setdefault(q.speaker, q.role)
    for q in quotes:
        if q.speaker and not q.role:
            q.role = roles.get(q.speaker)
    return quotes
