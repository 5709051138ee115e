"""Indirect attributions: reported speech and stance with no quotation marks.

"Kim and Putin are sending the message ..., Wi said" is the second tier of
the quote ledger, ``kind="indirect"``.  Direct quotes are found first
(:mod:`newsdesk.enrich.quotes`); an attribution never cuts one.

Every verb, copula and noun outside quotation marks is a *candidate* cue, with
the contents its parse gives it (:mod:`.attribution_spans`: the clause it
governs, its complements, a noun's object, the sentence around "according to
X", what follows a "Name:" lead-in); contents stay in the cue's paragraph and
take whole the quotes their edges fall in (curly, straight and ''double
apostrophe'' marks).  Reported speech may hold a partial quote ("he said it has
“something to offer”") or run into a direct one ("said the budget was “a
betrayal ...”", given three reported words of its own); a direct quote alone is
the quote module's.  A content that ends its sentence is a candidate a second
time, run on through the next sentence (a quote that opens it taken whole), as
reported speech often is.

Which candidates are attributions is read from a logistic model
(:mod:`.attribution_model`) learned on the PolNeAR training split; of the
candidates it takes, one per cue and none reporting nearly the same words as a
likelier one are kept (:func:`accepted`).  The parse is the one the article
already has, so this adds no second model and little time.

The speaker helpers of the quote module are reused as they are, so a
reported clause and a quote by the same person name them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model import Quote
from .attribution_model import Model, load_model
from .attribution_spans import (
    NAME_LABELS,
    contents,
    sentence_or_line,
    trailing_aside,
    trim_span,
)
from .cues import CUE_WORDS
from .quotes import (
    MIN_WORDS,
    PERSON_PRONOUNS,
    SUBJECT_DEPS,
    Resolver,
    _according_to,
    _Context,
    _fill_roles,
    _speaker,
    _subject,
    find_quote_spans,
    word_count,
)
from .speakers import last_before

RELATIVE = frozenset({"who", "that", "which", "whom"})
OTHER_PRONOUNS = frozenset({"i", "we", "you", "they", "me", "us", "them"})
PHRASE_BREAKS = frozenset({",", "—", "–", "(", ";", ":"})
# reported words a content needs around a direct quote to be an attribution of its own
LEAD_WORDS = 3
_WORDS = re.compile(r"\w+(?:['’]\w+)*")
_TWO_APOSTROPHES = re.compile("''")
# a comma and a relative pronoun: what follows describes the content, it is not said
_ASIDE = re.compile(r",\s+(?:who|which|whose|whom)\b")


@dataclass
class Candidate:
    """A possible cue with the content its parse gives it and the key it is scored by."""

    cue: Any
    start: int
    end: int
    shape: str
    subject: Any | None
    subject_kind: str
    sent: int = 0  # the cue's sentence, numbered through the article

    @property
    def form(self) -> str:
        return "according" if _according_to(self.cue) else self.cue.lower_


def add_attributions(doc: Any, body: str, resolve: Resolver, quotes: list[Quote]) -> list[Quote]:
    """``quotes`` with the article's indirect attributions added, in text order."""
    spans = [q for q in find_quote_spans(body) if word_count(body[q.start : q.end]) >= MIN_WORDS]
    ctx = _Context(doc, body, spans, resolve)
    model = load_model()
    found: list[Quote] = []
    for cand in accepted(candidates(ctx, quotes), model, body):
        speaker, role = _who(cand.subject, ctx, cand.cue)
        cue = "according to" if cand.form == "according" else cand.cue.text
        text = body[cand.start : cand.end]
        found.append(
            Quote(text, cand.start, cand.end, "indirect", speaker, role, cue, cand.cue.idx)
        )
    out = quotes + found
    out.sort(key=lambda x: x.start)
    return _fill_roles(out)


def accepted(cands: list[Candidate], model: Model, body: str) -> list[Candidate]:
    """The candidates the model takes; of two that report nearly the same words
    (half of the larger word set shared, as with "says she thinks ..." and
    "thinks ..."), only the likelier, except that one whose content holds the
    other's cue wins ("X, Wi said" over the noun "message" inside X): the words
    on the page are the outer speaker's, the inner one is their claim."""
    scored = [(p, n, c) for n, (c, p) in enumerate(zip(cands, model.scores(cands), strict=True))]
    scored = [x for x in scored if x[0] >= model.threshold]
    scored.sort(key=lambda x: -x[0])
    kept: list[tuple[int, Candidate, set[str]]] = []
    cues: set[int] = set()
    for _score, n, cand in scored:
        if cand.cue.i in cues:
            continue  # one content per cue: the likelier of its two lengths
        cues.add(cand.cue.i)
        bag = set(_WORDS.findall(body[cand.start : cand.end].lower()))
        clash = [
            k
            for k, (_n, _c, other) in enumerate(kept)
            if len(bag & other) >= max(len(bag), len(other)) / 2
        ]
        if clash and not all(cand.start <= kept[k][1].cue.idx < cand.end for k in clash):
            continue
        for k in reversed(clash):
            del kept[k]
        kept.append((n, cand, bag))
    kept.sort(key=lambda x: x[0])
    return [c for _n, c, _b in kept]


def candidates(ctx: _Context, quotes: list[Quote]) -> list[Candidate]:
    """Every possible (cue, content) pair of the article outside quoted speech; a cue
    whose content ends its sentence has a second candidate running on through the
    next sentence of the paragraph (":func:`_next_sentence`), and
    :func:`accepted` takes at most one of the two."""
    out: list[Candidate] = []
    marks = _apostrophe_quotes(ctx)
    sents = _Sentences(ctx)
    for tok in ctx.doc:
        if ctx.token_in_quote(tok):
            continue
        for span, shape in contents(tok, ctx):
            out.extend(_candidates_of(tok, span, shape, ctx, quotes, marks, sents))
    return out


def _candidates_of(
    tok: Any,
    span: tuple[int, int],
    shape: str,
    ctx: _Context,
    quotes: list[Quote],
    marks: bytearray,
    sents: _Sentences,
) -> list[Candidate]:
    """The candidates of one content the parse gives a cue: trimmed, kept to the
    cue's paragraph and to whole quotes, and once more run on through the next
    sentence; none when the content holds the cue or its speaker."""
    body = ctx.body
    p_start, p_end = _paragraph(ctx, tok.idx)
    start, end = trim_span(body, max(span[0], p_start), min(span[1], p_end))
    start, end = _whole_quotes(ctx.quoted, start, end, p_start, p_end)
    start, end = _whole_quotes(marks, start, end, p_start, p_end)
    if not shape.endswith(("ccomp", "para", "according", "colon")):
        aside = _ASIDE.search(body, start, end)
        if aside is not None and not ctx.quoted[aside.start()]:
            end = aside.start()  # "the raucous crowd[, which chanted his name]"
    if shape not in {"colon", "according"}:
        end = trailing_aside(tok, start, end, shape.endswith(("ccomp", "para")))
    if end <= start or start <= tok.idx < end or not any(c.isalnum() for c in body[start:end]):
        return []
    subject = _cue_subject(tok, ctx)
    if subject is not None and start <= subject.idx < end:
        return []  # a misparse: the speaker inside what they said
    kind = _subject_kind(subject)
    spans = [(start, end, "")]
    more = _next_sentence(tok, sents, marks, end, p_end)
    if more is not None:
        spans.append((start, more[0], more[1]))
    out = []
    for a, b, extra in spans:
        inside = _quotes_inside(ctx, quotes, a, b)
        if inside is None:
            continue
        n = word_count(body[a:b])
        size = "1" if n == 1 else "2" if n <= 3 else "4"
        full = f"{shape}/{size}{'+q' if inside else ''}{extra}"
        out.append(Candidate(tok, a, b, full, subject, kind, sents.index[tok.i]))
    return out


class _Sentences:
    """The article's sentences, listed once: ``Token.sent`` walks the parse each time."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.spans = list(ctx.doc.sents)
        self.index = [0] * len(ctx.doc)
        for n, sent in enumerate(self.spans):
            self.index[sent.start : sent.end] = [n] * (sent.end - sent.start)
        self._cues: dict[int, bool] = {}

    def has_cue(self, n: int) -> bool:
        """Whether sentence ``n`` holds a reporting word outside quotation marks."""
        if n not in self._cues:
            ctx = self.ctx
            self._cues[n] = any(
                t.lower_ in CUE_WORDS and not ctx.token_in_quote(t) for t in self.spans[n]
            )
        return self._cues[n]


def _next_sentence(
    tok: Any, sents: _Sentences, marks: bytearray, end: int, p_end: int
) -> tuple[int, str] | None:
    """Where the content would end if it ran on through the next sentence: reported
    speech often does ("''We're anxious,'' he said. ''The attacks are getting
    closer.''", "He said he would not vote for Cruz. “Not this time.”").  Only
    when the content ends its sentence, or stops at the cue's own short clause
    ("..., he said."); the shape says whether the next sentence opens with a
    quotation mark and whether it holds a reporting word of its own."""
    n = sents.index[tok.i]
    sent = sents.spans[n]
    body = sents.ctx.body
    if end > sent.end_char or n + 1 >= len(sents.spans):
        return None
    rest = word_count(body[end : sent.end_char])
    if rest and tok.idx < end:
        return None
    nxt = sents.spans[n + 1]
    if nxt.start_char >= p_end:
        return None
    stop = trim_span(body, nxt.start_char, min(nxt.end_char, p_end))[1]
    if word_count(body[nxt.start_char : stop]) < 2:
        return None
    quoted = sents.ctx.quoted
    first = nxt.start_char
    opens = "q" if body[first] in "“\"'‘" or marks[first] or quoted[first] else ""
    if rest > 6 and not (opens and (marks[end - 1] or quoted[end - 1])):
        return None  # a long cue clause ends the report, unless a quote goes on after it
    if opens:  # a quote that opens the sentence is taken whole, over all its sentences
        while stop < p_end and (marks[stop] or quoted[stop]):
            stop += 1
        while stop < p_end and body[stop] in "'’”\"":
            stop += 1  # the closing mark
        stop = trim_span(body, nxt.start_char, stop)[1]
    long = "l" if rest > 6 else ""
    return stop, f"+n{opens}{long}{'c' if sents.has_cue(n + 1) else ''}"


def _apostrophe_quotes(ctx: _Context) -> bytearray:
    """Characters between paired double apostrophes (''like this''), a quotation
    style some newspapers use and the quote scanner leaves alone, per paragraph."""
    body = ctx.body
    marks = bytearray(len(body) + 1)
    if "''" not in body:
        return marks
    for p_start, p_end in ctx.paragraphs:
        found = [m.start() for m in _TWO_APOSTROPHES.finditer(body, p_start, p_end)]
        for a, b in zip(found[0::2], found[1::2], strict=False):
            marks[a + 2 : b] = b"\x01" * (b - a - 2)
    return marks


def _whole_quotes(
    quoted: bytearray, start: int, end: int, p_start: int, p_end: int
) -> tuple[int, int]:
    """The content widened to whole quotes where its parse edge falls inside one:
    the parser often hangs a quote's last words or closing mark on the reporting
    verb ("... if he keeps “doing what he’s doing.”"), while what was said runs to
    the end of the quote."""
    if end > start and quoted[end - 1]:
        while end < p_end and quoted[end]:
            end += 1
    if end > start and quoted[start]:
        while start > p_start and quoted[start - 1]:
            start -= 1
    return start, end


def _quotes_inside(ctx: _Context, quotes: list[Quote], start: int, end: int) -> bool | None:
    """Whether quoted words lie inside the content ("he said it has “something to
    offer”", "said that the plan was “a disaster for the state.”"); None when the
    content cuts a quote or is a direct quote with no reported words of its own
    around it ("“...,” he said"), which the quote module reports on its own."""
    inside = False
    for q in quotes:
        if q.start < end and q.end > start:
            if q.start < start or q.end > end:
                return None
            if q.kind != "partial" and _own_words(ctx, start, end) < LEAD_WORDS:
                return None
            inside = True
    if not inside and any(ctx.quoted[start:end]):
        inside = True
        if ctx.quoted[start] or ctx.quoted[end - 1]:
            return None
    return inside


def _own_words(ctx: _Context, start: int, end: int) -> int:
    """Words of the content outside quotation marks."""
    body, quoted = ctx.body, ctx.quoted
    text = "".join(ch if not quoted[i] else " " for i, ch in enumerate(body[start:end], start))
    return word_count(text)


def _paragraph(ctx: _Context, pos: int) -> tuple[int, int]:
    """The paragraph holding ``pos``: the parser may run a sentence across two."""
    for start, end in ctx.paragraphs:
        if start <= pos <= end:
            return start, end
    return 0, len(ctx.body)


def _cue_subject(tok: Any, ctx: _Context) -> Any | None:
    """Who holds the view: the verb's subject (climbing to the verb it hangs off),
    a noun's owner ("Trump's support"), or the object of "according to"."""
    if tok.text == ":":
        lead = tok.doc[sentence_or_line(tok)[0] : tok.i]
        if not tok.tag_:  # no parse: the first name
            names = [t for t in lead if t.ent_type_ in NAME_LABELS]
            subject = names[-1] if names else None
        else:
            subject = next(
                (t for t in lead if t.head.i == t.i or not lead[0].i <= t.head.i < tok.i), None
            )
    elif _according_to(tok) or tok.lower_ in CUE_WORDS:
        subject = _subject(tok, ctx)
    elif tok.pos_ == "NOUN":
        owners = [c for c in tok.children if c.dep_ == "poss"]
        subject = owners[0] if owners else None
        if subject is None and tok.dep_ in {"pobj", "dobj"}:
            verb = tok.head.head if tok.dep_ == "pobj" else tok.head
            subject = _verb_subject(verb, ctx)
    else:
        subject = _verb_subject(tok, ctx)
    if subject is None and tok.pos_ in {"VERB", "AUX"}:
        for anc in list(tok.ancestors)[:3]:
            subject = _verb_subject(anc, ctx)
            if subject is not None:
                break
    if subject is not None and subject.lower_ in RELATIVE:
        verb = subject.head
        if verb.dep_ == "relcl":
            subject = verb.head
    if subject is not None and (
        _paragraph(ctx, subject.idx) != _paragraph(ctx, tok.idx)
        or subject.ent_type_ in {"DATE", "TIME"}
    ):
        subject = None  # a dateline or time stamp the parser ran into the sentence
    if subject is None and tok.pos_ in {"VERB", "AUX"}:
        subject = _name_just_before(tok)
    return subject


def _name_just_before(tok: Any) -> Any | None:
    """A name right before the verb ("12:15 p.m. President Obama says ..."), when the
    parse gave the verb no subject."""
    i = tok.i - 1
    while i >= tok.sent.start and tok.doc[i].pos_ in {"ADV", "AUX", "PART"}:
        i -= 1
    if i < tok.sent.start:
        return None
    prev = tok.doc[i]
    if prev.pos_ == "PROPN" or prev.ent_type_ in NAME_LABELS:
        return prev
    return None


def _who(subject: Any | None, ctx: _Context, cue: Any = None) -> tuple[str | None, str | None]:
    """(speaker, role) of a subject token: a name as the quote module resolves it;
    "his" as "he"; a source that is no name ("a new poll by Gallup", "six in 10
    voters") as its whole phrase, which is how the text identifies it."""
    if subject is None:
        return None, None
    low = subject.lower_
    if low in {"his", "its"}:
        return last_before(ctx.persons if low == "his" else ctx.orgs, subject.idx, ctx), None
    if subject.pos_ in {"NOUN", "NUM"} or subject.pos_ in {"ADJ", "DET"}:
        named = [
            c
            for c in subject.children
            if c.dep_ == "appos" and (c.pos_ == "PROPN" or c.ent_type_ in NAME_LABELS)
        ]
        if named:  # "his brother, Alastair Osman": the name
            return _speaker(named[0], ctx)
        phrase = _phrase(subject, ctx.body, cue)
        if phrase is not None:
            return phrase, None
    return _speaker(subject, ctx)


def _phrase(head: Any, body: str, cue: Any | None = None) -> str | None:
    """The noun phrase of ``head`` as written: the unbroken run of its words around
    it, without relative clauses, appositions, conjuncts, the cue's own clause ("the
    PAC backing Bush" is "PAC") or anything after a comma or dash; leading
    determiner dropped.  None when it holds a person's name (the quote module
    resolves those) or runs long."""
    drop: set[int] = set()
    for child in head.children:
        late = child.dep_ in {"relcl", "appos", "punct", "cc", "conj"} and child.i > head.i
        if late or (cue is not None and child.left_edge.i <= cue.i <= child.right_edge.i):
            drop.update(t.i for t in child.subtree)
    kept = {t.i for t in head.subtree} - drop
    doc = head.doc
    first = last = head.i
    while first - 1 in kept and doc[first - 1].text not in PHRASE_BREAKS:
        first -= 1
    while last + 1 in kept and doc[last + 1].text not in PHRASE_BREAKS:
        last += 1
    if last - first >= 20 or any(doc[k].ent_type_ == "PERSON" for k in range(first, last + 1)):
        return None
    while first < last and doc[first].lower_ in {"the", "a", "an"}:
        first += 1
    text = body[doc[first].idx : doc[last].idx + len(doc[last])].strip(" ,;:—")
    return text or None


def _verb_subject(verb: Any, ctx: _Context) -> Any | None:
    for _ in range(4):
        subs = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not ctx.token_in_quote(c)]
        if subs:
            return subs[0]
        agents = [c for c in verb.children if c.dep_ == "agent"]
        objs = [c for a in agents for c in a.children if c.dep_ == "pobj"]
        if objs:
            return objs[0]
        if verb.dep_ in {"relcl", "acl"}:  # "the PAC backing Bush", "a poll found"
            return verb.head
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
            verb = verb.head
            continue
        break
    return None


def _subject_kind(subject: Any | None) -> str:
    if subject is None:
        return "none"
    low = subject.lower_
    if low in PERSON_PRONOUNS or low == "it":
        return "pron"
    if low in OTHER_PRONOUNS:
        return "other"
    if subject.pos_ == "PROPN" or subject.ent_type_ in NAME_LABELS:
        return "name"
    if subject.pos_ == "NOUN":
        return "noun"
    return "other"
