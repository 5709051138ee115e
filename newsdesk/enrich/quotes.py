"""Who said what: quoted and reported speech in one parsed article.

Quotation marks are found by a scanner on the text itself (the parser does not
pair them reliably, and news text has stray, curly, straight and wrong-way
marks), per paragraph.  A quote whose paragraph ends while it is open is kept
only where newswriting leaves it open on purpose: it continues in the next
paragraph, which opens with a quotation mark again.

Each quote is then attributed from the parse of the sentences around it: the
reporting verb (the *cue*: said, wrote, told, according to ...) nearest the
quote, outside it and inside its paragraph (spaCy's sentences can run across
a paragraph break), preferring one whose clause holds the quote; failing a
listed verb, any verb right after a quote that ends in , ? or ! with a named
subject ("“...?” Hannity pressed"), a speaker label ('Bush: "..."') or a
colon-ended lead-in.  The speaker and role come from :mod:`.speakers`: the
verb's subject as a full name through the article's alias map ("Wi said" is
Wi Sung-lac; "he" is the last person named outside a quote).  A quote with no
cue of its own that opens its paragraph (or follows an attributed quote in the
same one) continues the previous speaker.

Reported speech ("Kim and Putin are sending the message ..., Wi said") is the
second tier, ``kind="indirect"``, found in :mod:`newsdesk.enrich.attributions`.

The function takes the parse and a name resolver as plain values so it never
imports the entity stage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Quote
from .cues import CUE_WORDS
from .nocue import Attribution as _Attribution
from .nocue import as_clause, colon_lead, has_subject, in_clause
from .nocue import fallback as _fallback
from .nocue import next_speaker as _next_speaker
from .nocue import own_subject as _own_subject
from .quote_filter import MIN_FILTERED_WORDS
from .quote_filter import Candidate as FilterCandidate
from .quote_filter import features as filter_features
from .quote_filter import load_model as load_filter
from .signatures import signed_inside, signed_name, transcript_label
from .speakers import (
    PERSON_PRONOUNS,  # noqa: F401 (attributions reads it from here)
    SKIP_SPEAKERS,
    SUBJECT_DEPS,
    Resolver,
    paragraph_spans,
)
from .speakers import Context as _Context
from .speakers import according_to as _according_to
from .speakers import names_someone as _names_someone
from .speakers import speaker_of as _speaker
from .speakers import subject_of as _subject

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


_URL = re.compile(r"https?://\S*|www\.\S*|\S+\.(?:com|org|net|gov|edu)\S*|@\w+")
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)


def is_speech(text: str) -> bool:
    """Could these quoted words be someone's words?  Not a quoted bit under
    ``MIN_WORDS`` words, nor a date or link standing alone between marks
    ("March 7, 2016", "pic.twitter.com/...": embedded posts write them so)."""
    words = _WORD.findall(_URL.sub(" ", text))
    if len(_WORD.findall(text)) < MIN_WORDS:
        return False
    return not all(w.isdigit() or w.lower() in _MONTHS for w in words)


# -- attribution -------------------------------------------------------------


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
    before = first.start - 1
    while before > 0 and ctx.doc[before].is_space:  # the blank line between paragraphs
        before -= 1
    if before >= 0:
        prev = ctx.doc[before].sent
        opens = q.start - 1 == p_start  # 'Breitbart News responded:' ends the paragraph before
        if (prev.start_char >= p_start or opens) and prev.text.rstrip().endswith(":"):
            sents.insert(0, prev)
    if last.end < len(ctx.doc):
        nxt = ctx.doc[last.end].sent
        # right after the closing mark ('...!" the nominee, Donald Trump, tweeted Sunday
        # after ...') the sentence may be long; one further on must be short
        gap = ctx.body[q.end - 1 : nxt.start_char]
        adjacent = bool(set(gap[:2]) & {",", "?", "!"}) and not gap[1:].strip(" ,”\"’'")
        short = len(nxt) <= 12 or adjacent
        if _text_end(nxt) <= p_end and short and nxt.start_char >= q.end:
            sents.append(nxt)
    return sents


def _text_end(sent: Any) -> int:
    """End of a sentence's last non-space token (spaCy keeps "\n\n" in the sentence)."""
    for tok in reversed(sent):
        if not tok.is_space:
            return tok.idx + len(tok)
    return sent.start_char


# base forms only as what a verb with a subject goes on to do ("went on to say")
_BASE_CUES = frozenset({"say", "add", "write", "tell", "ask"})


def _cue_tokens(sents: Sequence[Any], ctx: _Context, words: frozenset[str]) -> list[Any]:
    out = []
    for sent in sents:
        for tok in sent:
            if ctx.token_in_quote(tok) or _in_compound(tok):
                continue
            listed = tok.lower_ in words and tok.tag_.startswith("VB") and not _passive(tok)
            goes_on = tok.lower_ in _BASE_CUES and tok.dep_ == "xcomp" and has_subject(tok.head)
            if listed or goes_on or _according_to(tok):
                out.append(tok)
    return out


def _passive(tok: Any) -> bool:
    """A passive cue with no agent ("the staffer was charged with battery", "she was
    told"): its subject did not say anything."""
    deps = {c.dep_ for c in tok.children}
    return "auxpass" in deps and "agent" not in deps


def _in_compound(tok: Any) -> bool:
    """Part of a hyphenated word ("the self-described Islamic State"): no cue."""
    if tok.i == 0:
        return False
    before = tok.doc[tok.i - 1]
    return before.text == "-" and not before.whitespace_


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


def _adjacent_cue(cues: list[Any], q: QuoteSpan, ctx: _Context) -> Any | None:
    """A cue written against the quote: after it ('“...,” Trump said', '“...?” asked
    the boy', only a subject between) or just before its opening mark ('Beck joked,
    “...”'). It wins over a cue further off that the parser hangs the quote on
    ('“...,” Trump said, after Becky Quick said ...')."""
    if not cues:
        return None
    doc, found = ctx.doc, {c.i for c in cues}
    span = _tokens_between(doc, q.start, q.end)
    if span is None or len(span) == 0:
        return None
    p_start = ctx.paragraphs[q.paragraph][0]
    # words woven into a sentence too ('Nothing he said "will help," the senator
    # said'), but then only a subject may stand between ("..., for instance, and
    # Trump vowed" is another clause)
    whole = _kind(ctx.body, q, p_start) == "direct"
    if not {",", "?", "!"}.isdisjoint(ctx.body[q.end - 1 : q.end + 2]):
        k = span.end
        while k < len(doc) and (doc[k].is_punct or doc[k].is_space) and k - span.end < 3:
            k += 1
        for tok in doc[k : min(k + 8, len(doc))]:
            if tok.i in found:
                return tok
            if tok.is_quote or ctx.token_in_quote(tok) or tok.tag_.startswith("VB"):
                break
            if not whole and tok.pos_ in {"CCONJ", "ADP", "ADV", "SCONJ"}:
                break
            if tok.is_punct and tok.text not in {",", "-"}:
                break
    k = span.start - 1
    while k >= 0 and doc[k].is_quote:
        k -= 1
    if k < 0 or doc[k].text not in {",", ":"}:
        return None
    for tok in reversed(doc[max(0, k - 4) : k]):
        if tok.i in found:
            return tok
        if tok.is_quote or ctx.token_in_quote(tok) or tok.tag_.startswith("VB"):
            break
    return None


def _attribute(q: QuoteSpan, ctx: _Context) -> _Attribution | None:
    opens = q.start - 1 == ctx.paragraphs[q.paragraph][0]  # a transcript line opens it
    label = transcript_label(ctx.doc, ctx.body, q.start, q.end) if opens else None
    label = label or (signed_name(ctx.body, q.end) if q.closed else None)
    label = label or signed_inside(ctx.body, q.start, q.end)
    if label is not None:
        return _Attribution(ctx.resolve(label), None, None, None, "label")
    sents = _frame(ctx, q)
    # spaCy's sentences may run across a paragraph break: the cue stays in the quote's
    # paragraph, or in a colon-ended lead-in just before it
    low = ctx.paragraphs[q.paragraph][0]
    if sents and sents[0].text.rstrip().endswith(":"):
        low = min(low, sents[0].start_char)
    p_end = ctx.paragraphs[q.paragraph][1]
    listed = [c for c in _cue_tokens(sents, ctx, CUE_WORDS) if low <= c.idx < p_end]
    adjacent = _adjacent_cue(listed, q, ctx)
    cue, how = adjacent or _outer_cue(_choose_cue(listed, q), listed), "listed"
    lead = None if adjacent is not None else colon_lead(q, ctx)
    if lead is not None and (cue is None or not in_clause(cue, lead) and cue not in lead.ancestors):
        cue, how = lead, "listed"
    if cue is None:
        cue, how = _choose_cue(_edge_verbs(q, ctx), q), "edge"
    if cue is None:
        cue, how = as_clause(q, ctx), "listed"
    if cue is None:
        return _label(q, ctx)
    subject = _subject(cue, ctx, (q.start, q.end))
    speaker, role = _speaker(subject, ctx) if subject is not None else (None, None)
    cue_text = "according to" if cue.lower_ == "according" else cue.text
    # '“A,” Clinton told reporters. “B.” Clinton left, but members told The Post ...':
    # a whole sentence quoted, its cue in a later sentence it is no part of
    loose = (
        adjacent is None
        and cue.idx >= q.end
        and ctx.body[q.end - 1 : q.end] in {".", "!", "?"}
        and len(ctx.body[q.end : cue.idx].split()) > 8
        and not _governs(cue, q)
    )
    return _Attribution(speaker, role, cue_text, cue.i, how, loose)


# after a sentence start, or after a dash: "Pollsters agree - Carl Bialik: “...”"
_LABEL = re.compile(
    r"(?:^|[.!?][”\"’]?\s+|\s[-–—]\s*)"
    r"([A-Z][\w.'’-]*(?:\s(?:and\s)?[A-Z][\w.'’-]*){0,3}):\s*$"
)


def _label(q: QuoteSpan, ctx: _Context) -> _Attribution | None:
    """A speaker written as a label before the quote: 'Bush: "The mission is ..."'."""
    p_start = ctx.paragraphs[q.paragraph][0]
    found = _LABEL.search(ctx.body[max(p_start, q.start - 60) : q.start - 1])
    if found is not None and found.group(1).lower() not in SKIP_SPEAKERS:
        return _Attribution(ctx.resolve(found.group(1)), None, None, None, "label")
    # a lead-in that ends with a colon: its subject speaks ("McConnell delivered a
    # blunt message to Trump: “...”", "Hoff’s letter makes the case: “...”")
    if not ctx.body[p_start : q.start - 1].rstrip().endswith(":"):
        return None
    span = _tokens_between(ctx.doc, q.start - 1, q.start)
    if span is None or span.start == 0:
        return None
    # the lead-in's verb: up from the colon, outside the quote (the parser may hang
    # the lead-in on the quoted sentence)
    colon = ctx.doc[span.start - 1]
    subs = []
    for verb in [colon, *colon.ancestors]:  # the main clause's subject wins
        if ctx.token_in_quote(verb) or verb.idx >= q.start:
            continue
        found = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not ctx.token_in_quote(c)]
        subs = found or subs
    if not subs or subs[0].idx < p_start:
        return None
    speaker, role = _speaker(subs[0], ctx)
    return _Attribution(speaker, role, None, None, "colon") if speaker else None


def _outer_cue(cue: Any | None, listed: list[Any]) -> Any | None:
    """A cue inside what another cue reports gives way to it: in "Trump said Fox
    executives were calling “every 15 minutes”" the words are Trump's report."""
    if cue is None:
        return None
    ids = {c.i for c in listed}
    child = cue
    for anc in cue.ancestors:
        if child.i == cue.i and child.dep_ == "advcl" and has_subject(child):
            break  # "..., while Cruz said that ...": a clause of its own, not a report
        if anc.i in ids and child.dep_ == "ccomp":
            cue = anc
        child = anc
    return cue


def _edge_verbs(q: QuoteSpan, ctx: _Context) -> list[Any]:
    """The verb right after a quote with a named subject: '“...?” Hannity pressed'.
    Any verb there reports the quote, listed or not (used when no listed cue is near)."""
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is None or len(span) == 0:
        return []
    doc, out = ctx.doc, []
    p_end = ctx.paragraphs[q.paragraph][1]
    if not {",", "?", "!"}.isdisjoint(ctx.body[q.end - 1 : q.end + 1]):  # the text or the comma
        j = span.end
        while j < len(doc) and (doc[j].is_punct or doc[j].is_space) and doc[j].idx < p_end:
            j += 1
        # the sentence goes on after the mark ('“...,” the nominee riffed', '“...?” a
        # staffer wondered'): a described subject reports it too
        goes_on = j < len(doc) and (ctx.body[q.end - 1] == "," or doc[j].text[:1].islower())
        goes_on = goes_on and ctx.body[q.end : doc[j].idx].strip(' ”"’,') == ""
        for tok in doc[j : min(j + (8 if goes_on else 6), len(doc))]:
            if tok.idx >= p_end or ctx.token_in_quote(tok) or tok.is_quote:
                break
            if tok.dep_ in SUBJECT_DEPS and tok.head.i == tok.i + 1:
                continue  # the subject, even tagged as a verb ('“...,” Trump shot back')
            if tok.tag_.startswith("VB") or tok.lower_ in CUE_WORDS:
                subs = [
                    c
                    for c in tok.children
                    if c.dep_ in SUBJECT_DEPS
                    and j <= c.i < tok.i
                    and (_names_someone(c) or goes_on and _described_subject(c))
                ]
                # inverted, '“...,” opined Cleveland’s Plain Dealer': the verb first
                after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                inverted = tok.i == j and after is not None and _names_someone(after)
                if subs or tok.lower_ in CUE_WORDS or (inverted and tok.tag_ in {"VBD", "VBZ"}):
                    out.append(tok)
                break
    return out


def _described_subject(tok: Any) -> bool:
    """A common noun with a determiner: "a Democratic staffer", "the nominee"."""
    return tok.tag_ in {"NN", "NNS"} and any(c.dep_ == "det" for c in tok.children)


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

    A quote of 3+ words the learned filter (:mod:`.quote_filter`) judges not to be
    anyone's words (a title, a slogan, a transcript line) is left out.  Indirect
    attributions are added by :mod:`newsdesk.enrich.attributions`.
    """
    model = load_filter()
    out = []
    for quote, cand in quote_candidates(doc, body, resolve):
        score = model.score(filter_features(cand, doc, body)) if model and cand else 1.0
        if model is not None and score < model.threshold:
            continue
        out.append(quote)
    return _fill_roles(out)


def quote_candidates(
    doc: Any, body: str, resolve: Resolver
) -> list[tuple[Quote, FilterCandidate | None]]:
    """Every quote the rules find, with what the filter judges (None: too short to judge)."""
    spans = [q for q in find_quote_spans(body) if is_speech(body[q.start : q.end])]
    ctx = _Context(doc, body, spans, resolve)
    quotes: list[tuple[Quote, FilterCandidate | None]] = []
    last: _Attribution | None = None
    last_paragraph = -2
    found = [_attribute(q, ctx) for q in spans]
    for n, q in enumerate(spans):
        p_start = ctx.paragraphs[q.paragraph][0]
        kind = _kind(body, q, p_start)
        att = found[n]
        opens_paragraph = q.start - 1 == p_start
        if att is not None and att.loose and last is not None and last_paragraph == q.paragraph:
            att = last  # the quote before it in the paragraph, with its speaker, goes on
        if att is None and kind == "partial":
            att = _own_subject(q, ctx)
        if att is None and last is not None:
            same_para = last_paragraph == q.paragraph
            next_para = last_paragraph == q.paragraph - 1 and opens_paragraph
            if same_para or next_para:
                att = _Attribution(last.speaker, last.role, last.cue, last.cue_index, "previous")
        if att is None:
            att = _next_speaker(n, spans, found, ctx) or _fallback(q, ctx)
        elif att.speaker is None:
            fallback = _fallback(q, ctx)
            if fallback is not None:
                att = _Attribution(fallback.speaker, att.role, att.cue, att.cue_index, att.how)
        if att is None and kind == "partial" and word_count(body[q.start : q.end]) < 3:
            continue  # unattributed words in quotes: scare quotes, titles
        text = body[q.start : q.end]
        cand = None
        if word_count(text) >= MIN_FILTERED_WORDS:
            cand = FilterCandidate(
                q.start,
                q.end,
                ctx.paragraphs[q.paragraph],
                q.closed,
                kind,
                att.how if att is not None else "none",
                doc[att.cue_index] if att is not None and att.cue_index is not None else None,
                att is not None and att.speaker is not None,
            )
        if att is None:
            quotes.append((Quote(text, q.start, q.end, kind), cand))  # type: ignore[arg-type]
            last = None
        else:
            at = doc[att.cue_index].idx if att.cue_index is not None else None
            quote = Quote(text, q.start, q.end, kind, att.speaker, att.role, att.cue, at)  # type: ignore[arg-type]
            quotes.append((quote, cand))
            last = att
        last_paragraph = q.paragraph
    return quotes


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
