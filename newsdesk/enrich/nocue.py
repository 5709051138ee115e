"""Speakers of quotes that have no reporting verb of their own.

The quote finder (:mod:`.quotes`) attributes a quote from its cue; a quote with
none is someone's words all the same.  Words woven into a sentence belong to its
subject when that names or describes someone; a quoted paragraph signed at the
end of the next quoted paragraph is that speaker's; else the last person named
in this or the previous paragraph (a quote is most often the words of the person
the paragraph is about), else the last person the story named.  Verbs that lead a
quote in without being cue words live here too: an "as" clause ('As X put it,
“...”') and a clause a colon ends ('Rubio fired back: “...”').  Moved out of
:mod:`.quotes` to keep both modules short; everything reads the parse and the
quote spans handed in as plain values.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .speakers import PERSON_PRONOUNS, SUBJECT_DEPS
from .speakers import Context as _Context
from .speakers import speaker_of as _speaker

if TYPE_CHECKING:  # quotes imports this module
    from .quotes import QuoteSpan


def _tokens_between(doc: Any, start: int, end: int) -> Any:
    return doc.char_span(start, end, alignment_mode="expand")


@dataclass
class Attribution:
    """Who said a quote and how that was found (the quote filter reads ``how``)."""

    speaker: str | None
    role: str | None
    cue: str | None
    cue_index: int | None  # token index of the cue, to group quotes by it
    how: str = "listed"  # how it was found: listed, edge, label, colon (see quote_filter)
    loose: bool = False  # a cue in a later sentence, not tied to the quote


def fallback(q: QuoteSpan, ctx: _Context) -> Attribution | None:
    """No cue: the subject of the quote's sentence if it is a name, else the last
    person named in this or the previous paragraph (a quote is most often
    words of the person the paragraph is about), else the last person named."""
    own = own_subject(q, ctx)
    if own is not None:
        return own
    floor = ctx.paragraphs[max(0, q.paragraph - 1)][0]
    near = before = None
    for start, ent in ctx.persons:
        if start >= q.start:
            break
        p_start = ctx.paragraph_starts[bisect_right(ctx.paragraph_starts, start) - 1]
        if in_open_quote(ctx.body, p_start, start):
            continue  # named inside someone's quoted paragraph
        before = ent
        if start >= floor:
            near = ent
    best = near or before  # nobody near: the last person the story named
    if best is None:
        return None
    return Attribution(ctx.resolve(best.text), None, None, None, "fallback")


def sentence_subject(span: Any, q: QuoteSpan, ctx: _Context) -> Any | None:
    """The subject of the sentence a quote stands in, when it names or describes
    someone: "Moore thanked him for “stepping up”", "A 2014 House report found “no
    evidence ...”", "Trump issued a statement saying that Scalia was “...”" (the
    main clause's subject, not the reported clause's); never a subject that holds
    the quote ("the cries of “Bitch!” rattled him")."""
    chain = [span.root, *span.root.ancestors]
    verbs = [t for t in chain if t.dep_ == "ROOT" or t.tag_.startswith("VB")]
    verbs = [t for t in verbs if not ctx.token_in_quote(t)]
    # a relative clause with a subject of its own is a statement of its own ("an
    # interview, in which Clinton expressed confidence that ... “...”"): its subject
    # first, then the main clause
    rel = [t for t in verbs if t.dep_ == "relcl"]
    if rel:
        verbs = [t for t in verbs if not any(r in t.ancestors for r in rel) or t in rel]
        verbs = [t for t in verbs if t not in rel] + rel[-1:]
    for verb in reversed(verbs):  # the main clause first
        subs = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and not ctx.token_in_quote(c)]
        noun = verb.head
        if not subs and verb.dep_ == "acl" and noun.dep_ == "ROOT" and noun.pos_ != "VERB":
            # "Two analysts, A and B, found that ...": a sentence the parser left with
            # no main verb, its subject as root and the verb hung on it
            subs = [noun]
        if not subs:
            continue
        sub = subs[0]
        if sub.left_edge.idx <= q.start and sub.right_edge.idx >= q.end - 1:
            return None  # the quote is part of the subject
        if names_or_describes(sub):
            return sub
    return None


def names_or_describes(tok: Any) -> bool:
    if tok.ent_type_ in {"PERSON", "ORG", "NORP"} or tok.lower_ in PERSON_PRONOUNS:
        return True
    if tok.pos_ == "PROPN" and tok.ent_type_ in {"", "PERSON", "ORG", "NORP"}:
        return True
    # a described source: "The GOP presidential candidate", "A 2014 House report"
    return tok.tag_ in {"NN", "NNS"} and any(
        c.dep_ in {"det", "compound", "amod", "poss"} for c in tok.children
    )


def next_speaker(
    n: int, spans: list[QuoteSpan], found: list[Attribution | None], ctx: _Context
) -> Attribution | None:
    """A quoted paragraph with no cue and no quote before it, followed by a quoted
    paragraph its speaker signs ('¶“Not only can he win ...” ¶“He may be the only
    one ...,” Viguerie notes.'): the same speaker, attributed once at the end."""
    q = spans[n]
    p_start, p_end = ctx.paragraphs[q.paragraph]
    if q.start - 1 != p_start or q.end + 2 < p_end or n + 1 >= len(spans):
        return None
    nxt, att = spans[n + 1], found[n + 1]
    opens = nxt.paragraph == q.paragraph + 1 and nxt.start - 1 == ctx.paragraphs[nxt.paragraph][0]
    if not opens or att is None or att.how != "listed" or att.speaker is None or att.loose:
        return None
    if att.cue_index is None or ctx.doc[att.cue_index].idx < nxt.end:
        return None  # the cue after that quote, written against it
    return Attribution(att.speaker, att.role, att.cue, att.cue_index, "next")


def own_subject(q: QuoteSpan, ctx: _Context) -> Attribution | None:
    """Words woven into a sentence with no cue are its subject's ("Ryan worried that
    the safety net was becoming “a hammock ...”", "Pew found that “...”"): that beats
    carrying the previous quote's speaker on, which suits whole quoted sentences."""
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is None or not len(span):
        return None
    if in_open_quote(ctx.body, ctx.paragraphs[q.paragraph][0], q.start - 1):
        return None  # '¶"The Department isn’t about “Equal Justice” ...': quoted speech
    subject = sentence_subject(span, q, ctx)
    if subject is None:
        return None
    speaker, role = _speaker(subject, ctx)
    return Attribution(speaker, role, None, None, "subject") if speaker else None


def in_open_quote(body: str, p_start: int, pos: int) -> bool:
    """Does ``pos`` lie inside a quotation that opens its paragraph and is still open
    there (a quoted paragraph, often left unclosed when the next one goes on)?"""
    if body[p_start : p_start + 1] not in {'"', "“"}:
        return False
    # any mark counts: a pair inside adds two, and a closer written as an opener
    # ('“It's unusual,“ said ...') still closes
    return sum(body.count(m, p_start, pos) for m in '"“”') % 2 == 1


def as_clause(q: QuoteSpan, ctx: _Context) -> Any | None:
    """'As Vulture put it, “...”', 'As the Rainmakers sang, "..."': the verb of an
    "as" clause just before the quote, with its subject, reports it."""
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is None or len(span) == 0:
        return None
    p_start = ctx.paragraphs[q.paragraph][0]
    for tok in reversed(ctx.doc[max(0, span.start - 12) : span.start]):
        if tok.idx < p_start or ctx.token_in_quote(tok):
            break
        verb = tok.head
        before = ctx.doc[tok.i - 1] if tok.i > 0 else None
        # it opens its sentence: "As X put it, “...”", "~ As Vulture put it, “...”"
        opens = before is None or tok.i == tok.sent.start or before.text in {"~", "—", "-", ":"}
        reports = verb.tag_.startswith("VB") and verb.i < span.start
        if tok.lower_ == "as" and opens and reports and has_subject(verb):
            return verb
    return None


def colon_lead(q: QuoteSpan, ctx: _Context) -> Any | None:
    """The main verb of a clause that a colon ends right before the quote, with its
    subject: 'When Trump suggested ..., Rubio fired back forcefully: “...”'.  Whoever
    leads the words in is their speaker, over a cue in a clause of its own."""
    span = _tokens_between(ctx.doc, q.start, q.end)
    if span is None or len(span) == 0:
        return None
    k = span.start - 1
    while k >= 0 and (ctx.doc[k].is_quote or ctx.doc[k].is_space):
        k -= 1
    if k < 1 or ctx.doc[k].text != ":" or ctx.doc[k].idx < ctx.paragraphs[q.paragraph][0]:
        return None
    # the topmost verb above the word before the colon that stands before it (the
    # parser often hangs the lead-in on the quote's own verb)
    tok, lead = ctx.doc[k - 1], None
    while True:
        if tok.pos_ in {"VERB", "AUX"} and has_subject(tok) and not _wh_subject(tok):
            lead = tok
        if tok.head.i == tok.i or tok.head.i > k:
            break
        if lead is not None and not (tok.dep_ == "ccomp" and tok.head.pos_ == "VERB"):
            break  # up only to a verb reporting this one ("X imagined Y was thinking:")
        tok = tok.head
    if lead is None or ctx.token_in_quote(lead):
        return None
    if any(t.text in {"-", "–", "—"} for t in ctx.doc[lead.i : k]):
        return None  # "Pollsters agree - Carl Bialik:": a label after the dash
    return lead


def _wh_subject(verb: Any) -> bool:
    """A clause whose subject is "what"/"who" ("apologized for what happened:")."""
    return any(c.dep_ in SUBJECT_DEPS and c.tag_ in {"WP", "WDT"} for c in verb.children)


def in_clause(cue: Any, verb: Any) -> bool:
    """Is ``cue`` the verb or in its main line (not in an adverbial clause)?"""
    tok = cue
    while tok.i != verb.i:
        if tok.dep_ in {"advcl", "relcl", "acl"} or tok.head.i == tok.i:
            return False
        tok = tok.head
    return True


def has_subject(verb: Any) -> bool:
    return any(c.dep_ in SUBJECT_DEPS for c in verb.children)
