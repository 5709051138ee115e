"""Who is speaking: the speaker and role behind a reporting verb, in one parse.

Shared by direct quotes (:mod:`.quotes`) and reported speech: given the cue
verb, find its subject (climbing from "..., adding" to the reporting verb
above, else a name the parser left beside the verb, else the name right after
an inverted "said Go Myong-hyun"), then turn that token into a name through the
article's alias map, with the role as written (an apposition, or the title
before the name).  A described speaker ("a spokesman for committee Democrats")
keeps its description; "he"/"she" is the last person named outside a quote.
Everything reads the parse and a name resolver handed in as plain values.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from .cues import CUE_WORDS
from .described import clean_end, core_tokens, described_as, strip_det, text_of, tied_person

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
ORG_PRONOUNS = frozenset({"it"})
SKIP_SPEAKERS = frozenset({"i", "we", "you", "they", "who", "which", "that", "this", "one"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
TITLE_WORDS = 6
Resolver = Callable[[str], str]


def paragraph_spans(body: str, sep: str = "\n\n") -> list[tuple[int, int]]:
    """Character span of each paragraph of ``Article.body`` (joined by blank lines,
    or by ``sep``)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in body.split(sep):
        spans.append((pos, pos + len(part)))
        pos += len(part) + len(sep)
    return spans


class Context:
    """Per-article lookups shared by every quote: token positions, quoted chars."""

    def __init__(self, doc: Any, body: str, spans: Iterable[Any], resolve: Resolver) -> None:
        self.doc = doc
        self.body = body
        self.resolve = resolve
        self.paragraphs = paragraph_spans(body)
        self.paragraph_starts = [start for start, _end in self.paragraphs]
        self.quoted = bytearray(len(body) + 1)
        for q in spans:
            # 2: a short quoted name inside a phrase ('the authors of the “Growth and
            # Opportunity Project”'), which a described speaker may hold
            short = len(body[q.start : q.end].split()) <= TITLE_WORDS
            self.quoted[q.start : q.end] = (b"\x02" if short else b"\x01") * (q.end - q.start)
        self.persons = [
            (e.start_char, e) for e in doc.ents if e.label_ == "PERSON" and not self.in_quote(e)
        ]
        self.appositions: list[tuple[int, str, str]] | None = None  # built when first asked
        self.orgs = [
            (e.start_char, e) for e in doc.ents if e.label_ == "ORG" and not self.in_quote(e)
        ]

    def in_quote(self, item: Any) -> bool:
        start = item.idx if hasattr(item, "idx") else item.start_char
        return bool(self.quoted[start])

    def token_in_quote(self, token: Any) -> bool:
        return bool(self.quoted[token.idx])

    def in_title(self, token: Any) -> bool:
        """Inside a short quoted stretch that starts with a capital: a title or name."""
        if self.quoted[token.idx] != 2:
            return False
        start = token.idx
        while start > 0 and self.quoted[start - 1] == 2:
            start -= 1
        return self.body[start : start + 1].isupper()


def according_to(tok: Any) -> bool:
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to"


def subject_of(cue: Any, ctx: Context, quote: tuple[int, int] | None = None) -> Any | None:
    """The speaker token of a cue verb (or of "according to").

    ``quote`` is the (start, end) of the quote the cue reports, when there is one:
    a subject on the far side of it from the cue belongs to the quoted sentence,
    which the parser often runs into the attribution ("The rejection signals
    “the end,” said Wilders": *rejection* is not the speaker)."""
    if cue.lower_ == "according":
        to = ctx.doc[cue.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return objs[0] if objs else None
    verb = cue
    if cue.dep_ in {"advcl", "conj", "xcomp"} and not _subjects(cue, ctx, quote):
        # "..., adding, “...”" hangs off the reported clause: the speaker is the
        # subject of the reporting verb above it, not of that clause
        for anc in cue.ancestors:
            if anc.lower_ in CUE_WORDS and _subjects(anc, ctx, quote):
                verb = anc
                break
    for _ in range(4):
        # "Rubio was asked by moderator Gerard Baker ...": the agent speaks; not the
        # agent of a verb the cue is joined to ("Silverman was joined on stage by Al
        # Franken and joked, ..." is Silverman's joke)
        agents = [c for c in verb.children if c.dep_ == "agent" and verb.lower_ in CUE_WORDS]
        objs = [c for c in agents[0].children if c.dep_ == "pobj"] if agents else []
        if objs and not ctx.token_in_quote(objs[0]):
            return objs[0]
        subs = _subjects(verb, ctx, quote)
        if subs:
            return subs[0]
        if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
            verb = verb.head
            continue
        owner = _noun_owner(verb)
        if owner is not None:
            verb = owner
            continue
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.i != verb.head.i:
            # "Husted continued by saying", "Braynard is quoted as saying"
            verb = verb.head.head
            continue
        break
    before = _noun_before(cue, ctx)
    if before is not None:
        return before
    left = _name_left_of(cue, ctx)
    if left is not None:
        return left
    return _name_after(cue, ctx)


def _noun_before(cue: Any, ctx: Context) -> Any | None:
    """The noun right before a verb the parser left without a subject is its subject,
    as English puts it there ("In an interview with Morning Joe hosts Joe Scarborough
    and Mika Brzezinski, the Democratic presidential candidate stated ...")."""
    k = cue.i - 1
    while k > cue.sent.start and cue.doc[k].tag_ in {"RB", "MD"}:
        k -= 1
    if k < cue.sent.start or k < 0:
        return None
    tok = cue.doc[k]
    owner = _relative_owner(cue.doc[k - 1] if tok.text == "," and k > 0 else tok, cue, ctx)
    if owner is not None:
        return owner
    if tok.text == "," and k - 1 > cue.sent.start:
        # "Levine, who has given money to Rubio, said": past the clause between commas
        j = k - 1
        while j > max(cue.sent.start, k - 16) and cue.doc[j].text != ",":
            j -= 1
        name = cue.doc[j - 1] if cue.doc[j].text == "," and j > cue.sent.start else None
        if name is None or ctx.token_in_quote(name):
            return None
        # "One attendee, who like others spoke ..., said": "who" speaks of a person
        who = cue.doc[j + 1].tag_ == "WP" and name.tag_ in {"NN", "NNP"}
        return name if name.ent_type_ == "PERSON" or who else None
    if ctx.token_in_quote(tok) or tok.dep_ in {"pobj", "dobj", "poss"}:
        return None
    return tok if tok.tag_ in {"NN", "NNS", "NNP", "NNPS"} else None


def _relative_owner(last: Any, cue: Any, ctx: Context) -> Any | None:
    """The noun a relative clause ending right before the cue describes: "a White House
    official who spoke anonymously to discuss strategy said" (the parser hangs the
    noun elsewhere and leaves the verb without subject)."""
    for anc in [last, *last.ancestors]:
        if anc.i >= cue.i:
            return None
        if anc.dep_ == "relcl" and anc.pos_ in {"VERB", "AUX"} and anc.right_edge.i == last.i:
            noun = anc.head
            if noun.dep_ == "appos" and noun.head.ent_type_ == "PERSON":
                noun = noun.head  # "Nate Silver, the polling guru who founded ..."
            ok = noun.i < anc.i and noun.tag_ in {"NN", "NNS", "NNP", "NNPS"}
            return noun if ok and not ctx.token_in_quote(noun) else None
    return None


LISTENER_VERBS = frozenset(
    [
        "told",
        "tell",
        "tells",
        "telling",
        "asked",
        "ask",
        "asks",
        "asking",
        "urged",
        "urges",
        "urging",
        "warned",
        "warns",
        "warning",
    ]
)


def _preposition(tok: Any) -> bool:
    """A preposition with its object the parser made a subject ("Of Carson, Levine, who
    ..., said": "Of"); the noun before the verb is looked for instead.  A name the
    tagger calls a preposition ("From agreed", Al From) has no object."""
    return tok.pos_ == "ADP" and any(c.dep_ in {"pobj", "pcomp"} for c in tok.children)


def _subjects(verb: Any, ctx: Context, quote: tuple[int, int] | None) -> list[Any]:
    """The verb's subjects outside quotes, nearest the verb first, leaving out one
    on the far side of ``quote`` from the verb."""
    subs = [
        c
        for c in verb.children
        if c.dep_ in SUBJECT_DEPS and not ctx.token_in_quote(c) and not _preposition(c)
    ]
    if not subs:
        subs = [c for c in verb.children if _name_as_modal(c, verb)]
    if quote is not None:
        start, end = quote
        subs = [
            c
            for c in subs
            if not (c.idx < start and verb.idx >= end) and not (c.idx >= end and verb.idx < start)
        ]
    return sorted(subs, key=lambda c: abs(c.i - verb.i))


def _noun_owner(verb: Any) -> Any | None:
    """ "BLM issued a statement saying ...", "in a letter saying ...": the cue hangs
    off the statement, and whoever issued it speaks (the verb above the noun)."""
    if verb.dep_ != "acl" or verb.head.tag_ not in {"NN", "NNS"}:
        return None
    noun = verb.head
    if noun.dep_ == "dobj":
        return noun.head if noun.head.tag_.startswith("VB") else None
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.tag_.startswith("VB"):
        return noun.head.head
    return None


def _name_as_modal(tok: Any, verb: Any) -> bool:
    """A capitalised "modal" before a past form is a name the tagger took for one:
    in "Will wrote" or "..., Will urged" (columnist George Will) no modal can stand,
    as a modal takes the base form."""
    return (
        tok.dep_ == "aux"
        and tok.tag_ == "MD"
        and tok.is_title
        and tok.i + 1 == verb.i
        and verb.tag_ in {"VBD", "VBN", "VBZ"}
    )


def _name_after(cue: Any, ctx: Context) -> Any | None:
    """Inverted or misparsed: "..., said Go Myong-hyun, a defense expert", "said
    retired neurosurgeon Ben Carson", "added another New Hampshire Democrat";
    never the listener ("told AFP")."""
    doc = ctx.doc
    if cue.i + 1 >= len(doc):
        return None
    nxt = doc[cue.i + 1]
    inverted = cue.i > 0 and (doc[cue.i - 1].is_punct or doc[cue.i - 1].is_quote)
    if nxt.dep_ in {"dobj", "dative", "iobj"} and (cue.lower_ in LISTENER_VERBS or not inverted):
        return None  # "told AFP", "recalled the freeze": what the verb acts on
    if not inverted and nxt.dep_ in SUBJECT_DEPS and nxt.head.i != cue.i and nxt.head.i > cue.i:
        return None  # "a release saying Murphy owes ...": the reported clause's subject
    # the noun phrase right after the verb, up to its first comma or stop
    phrase = []
    for tok in doc[cue.i + 1 : min(cue.i + 9, len(doc))]:
        if tok.is_punct and tok.text != "-" or tok.is_space or ctx.token_in_quote(tok):
            break
        if tok.tag_.startswith("VB") and tok.dep_ != "amod" or tok.tag_ in {"IN", "WDT", "WP"}:
            break
        phrase.append(tok)
    people = [t for t in phrase if t.ent_type_ == "PERSON"]
    if people and inverted:
        return people[0]
    if nxt.pos_ == "PROPN" or nxt.ent_type_ in NAME_LABELS or is_name_word(nxt):
        return nxt
    nouns = [t for t in phrase if t.tag_.startswith("NN")]
    if inverted and phrase and phrase[0].tag_ in {"DT", "JJ", "VBN", "CD"} and nouns:
        return nouns[-1]
    if nxt.lower_ in {"the", "a", "an"} and cue.i + 2 < len(doc):
        return doc[cue.i + 2]
    return None


def _name_left_of(cue: Any, ctx: Context) -> Any | None:
    """A name the parser failed to tie to the cue, between the quote and it:
    "“...,” Ramos, 58, told AFP" or "Harry Bond, 30, of Raleigh, ..., said".
    The leftmost person wins (the subject comes first), else a proper noun; a
    person within 25 words of the cue before one further away ("Trump, the
    frontrunner ... after winning the primaries, said")."""
    near = _name_in_reach(cue, ctx, 25)
    if near is not None and near.ent_type_ == "PERSON":
        return near
    far = _name_in_reach(cue, ctx, 40)
    if far is not None and far.ent_type_ == "PERSON":
        return far
    return near


def _name_in_reach(cue: Any, ctx: Context, reach: int) -> Any | None:
    doc = ctx.doc
    i = cue.i - 1
    stop = max(cue.sent.start, cue.i - reach)
    while i >= stop and not ctx.token_in_quote(doc[i]) and not doc[i].is_quote:
        i -= 1
    segment = [t for t in doc[i + 1 : cue.i] if not t.is_punct]
    if not segment or any(t.tag_.startswith("VB") and t.dep_ == "ROOT" for t in segment):
        return None
    people = [t for t in segment if t.ent_type_ == "PERSON"]
    if people:
        return people[0]
    names = [t for t in segment if t.ent_type_ in {"ORG", "NORP"} or t.pos_ == "PROPN"]
    return names[0] if names else None


def is_name_word(token: Any) -> bool:
    """Capitalised word the tagger may have missed as a name ("said Go Myong-hyun")."""
    return token.is_alpha and token.is_title and token.lower_ not in {"the", "a", "an"}


def _name_before(tok: Any, label: str) -> bool:
    """A capitalised proper noun just before a name, as part of it ("Ana" Ruiz)."""
    return tok.pos_ == "PROPN" and tok.ent_type_ in ("", label) and tok.is_title


def _name_run(token: Any) -> tuple[int, int]:
    """Token range of the proper name holding ``token`` (entity, else PROPN run)."""
    doc = token.doc
    if token.ent_type_ == "" and is_name_word(token):
        start = token.i
        while start > 0 and _name_before(doc[start - 1], ""):
            start -= 1
        end = token.i + 1
        while end < len(doc) and (
            doc[end].ent_type_ == "PERSON" or doc[end].pos_ == "PROPN" or is_name_word(doc[end])
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


def speaker_of(token: Any, ctx: Context) -> tuple[str | None, str | None]:
    """(speaker name, role as written) for a subject token."""
    low = token.lower_
    if low in PERSON_PRONOUNS:
        return _antecedent(token, ctx), None
    if low in ORG_PRONOUNS:
        return last_before(ctx.orgs, token.idx, ctx), None
    if low in SKIP_SPEAKERS or token.ent_type_ in {"DATE", "TIME", "CARDINAL", "ORDINAL"}:
        return None, None
    doc = token.doc
    role = _role(token, ctx)
    if token.pos_ == "PROPN" or token.ent_type_ in NAME_LABELS or is_name_word(token):
        start, end = _name_run(token)
        end = clean_end(doc, start, end - 1) + 1
        name_span = doc[start:end]
        for tok in name_span:
            role = role or _role(tok, ctx)
        label = token.ent_type_
        if label == "NORP" and any(c.dep_ == "det" for c in token.children):
            # "another New Hampshire Democrat": one member of a group, described
            core = core_tokens(token)
            return strip_det(text_of(doc, core[0].i, core[-1].i + 1)) or None, role
        if label in {"ORG", "NORP", "GPE"}:
            person = _known_person(name_span.text, ctx)
            if person:  # "Husted said": NER often calls a lone surname an ORG
                return person, role or _title_before(token, start)
            owners = [c for c in token.children if c.dep_ == "poss" and c.i < start]
            if owners:
                start = owners[0].left_edge.i
            return strip_det(text_of(doc, start, end)) or None, role
        if role is None:
            role = _title_before(token, start)
        return ctx.resolve(name_span.text), role
    core = core_tokens(token)
    if not core:
        return None, role
    text = strip_det(text_of(doc, core[0].i, clean_end(doc, core[0].i, core[-1].i) + 1))
    if not text or not any(c.isalpha() for c in text):
        return None, role
    # "the former ambassador Lee" style: a name inside the core phrase, or in
    # apposition: "A top strategist, John Weaver, tells reporters"
    appos = [t for c in token.children if c.dep_ == "appos" for t in c.subtree]
    for tok in core + appos:
        if tok.ent_type_ == "PERSON" and not ctx.token_in_quote(tok):
            s, e = _name_run(tok)
            return ctx.resolve(doc[s:e].text), text
    described = described_as(token, ctx) or text
    if any(c.dep_ == "det" and c.lower_ == "the" for c in token.children):
        person = tied_person(token, {text.lower(), described.lower()}, ctx)
        if person:  # "Hillary Clinton, the former secretary of state, ..." earlier
            return person, described
    return described, role


def _known_person(name: str, ctx: Context) -> str | None:
    """The full name a lone surname stands for in this article ("Husted" -> Jon Husted)."""
    words = name.split()
    if len(words) != 1:
        return None
    full = ctx.resolve(name)
    parts = full.split()
    return full if len(parts) > 1 and parts[-1] == words[0].strip(".,’'") else None


def _role(token: Any, ctx: Context) -> str | None:
    for child in token.children:
        if child.dep_ == "appos" and not ctx.token_in_quote(child):
            text = text_of(token.doc, child.left_edge.i, child.right_edge.i + 1)
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
    text = text_of(doc, pre[0].i, name_start).strip(" ,")
    return text if any(c.isalpha() for c in text) and text.lower() not in {"the"} else None


def _antecedent(pronoun: Any, ctx: Context) -> str | None:
    """Who "he"/"she" is: the last person named as a subject in this or the previous
    paragraph ("Trump attacked Romney. ... he said" is Trump), else the last person named."""
    here = bisect_right(ctx.paragraph_starts, pronoun.idx) - 1
    floor = ctx.paragraph_starts[max(0, here - 1)]
    subjects = [(s, e) for s, e in ctx.persons if s >= floor and e.root.dep_ in SUBJECT_DEPS]
    return last_before(subjects, pronoun.idx, ctx) or last_before(ctx.persons, pronoun.idx, ctx)


def last_before(mentions: list[tuple[int, Any]], pos: int, ctx: Context) -> str | None:
    """The last mention before ``pos``, resolved through the alias map ("his" -> him)."""
    best = None
    for start, ent in mentions:
        if start >= pos:
            break
        best = ent
    if best is None:
        return None
    # an entity the tagger ran on past the name ('Juan "Chico" Manriquez of')
    end = clean_end(best.doc, best.start, best.end - 1) + 1
    return ctx.resolve(text_of(best.doc, best.start, end))


def names_someone(tok: Any) -> bool:
    named = tok.pos_ == "PROPN" or tok.ent_type_ in NAME_LABELS or is_name_word(tok)
    return named or tok.lower_ in PERSON_PRONOUNS
