"""Described speakers: the words of a noun phrase that names no one, cut whole.

A speaker the text describes ("a spokesman for committee Democrats", "a longtime
adviser to Trump") keeps the noun with what follows it, without clauses and
appositions, and never ends mid-phrase (on "and", "of" or a comma).  A definite
description an earlier apposition gave a named person ("Hillary Clinton, the former
secretary of state, ...") stands for that person.  Moved out of :mod:`.speakers`
to keep it short; everything reads the parse and the per-article context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # speakers imports this module
    from .speakers import Context

CORE_DROP_DEPS = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advmod", "prep"})


def core_tokens(head: Any) -> list[Any]:
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


def tied_person(token: Any, texts: set[str], ctx: Context) -> str | None:
    """The person an earlier apposition gave this definite description to: after
    "Hillary Clinton, the former secretary of state," "the former secretary of state
    said" is Clinton.  The last such person before ``token``; None if none."""
    if ctx.appositions is None:
        ctx.appositions = _appositions(ctx)
    found = None
    for pos, described, name in ctx.appositions:
        if pos >= token.sent.start_char:
            break  # in an earlier sentence: in its own, a comma'd phrase is often misread
        if described in texts:
            found = name
    return found


def _appositions(ctx: Context) -> list[tuple[int, str, str]]:
    """(position, description lowercased, person) for each "Name, the ..." in the
    article outside quotes: the description as a speaker would be read from it."""
    out = []
    for start, ent in ctx.persons:
        for child in ent.root.children:
            if child.dep_ != "appos" or child.pos_ != "NOUN" or ctx.token_in_quote(child):
                continue
            if not any(c.dep_ == "poss" or c.lower_ == "the" for c in child.children):
                continue  # "a friend" or "one ..." describes the person, not the role
            core = core_tokens(child)
            end = clean_end(child.doc, core[0].i, core[-1].i) + 1
            name = ctx.resolve(ent.text)
            out.append((start, strip_det(text_of(child.doc, core[0].i, end)).lower(), name))
            described = described_as(child, ctx)
            if described:
                out.append((start, described.lower(), name))
    return out


_LINKS = frozenset({"to", "for", "of", "at", "with", "from"})


def described_as(head: Any, ctx: Context) -> str | None:
    """A speaker described, not named, with what follows the noun: "a spokesman for
    committee Democrats", "a longtime adviser to Trump" (clauses and appositions left out)."""
    keep = [t for t in core_tokens(head)]
    doc = head.doc
    for child in head.rights:
        if child.dep_ == "acl" and any(t.is_punct for t in doc[head.i + 1 : child.left_edge.i]):
            # "an official, speaking on condition of anonymity": a participle after a
            # comma adds to the description, as a relative clause there does
            continue
        if child.dep_ in {"prep", "acl"} and not ctx.token_in_quote(child):
            keep.extend(t for t in _phrase(child) if not ctx.token_in_quote(t) or ctx.in_title(t))
        elif child.dep_ == "relcl" and _restrictive(head, child, ctx):
            # "the groups who wrote to her on Thursday": a clause with no comma before
            # it says which groups; one after a comma only adds to it
            keep.extend(t for t in child.subtree if not ctx.token_in_quote(t))
    last = max(t.i for t in keep)
    nxt = doc[last + 1] if last + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ in _LINKS and nxt.head.i != head.i:
        # "said one longtime adviser to Bill Clinton": the parser hung "to ..." on the verb
        tail = [t for t in nxt.subtree if t.i > last and not ctx.token_in_quote(t)]
        if tail and max(t.i for t in tail) - last <= 6:
            keep.extend(tail)
            last = max(t.i for t in keep)
    if last - head.i > 8:
        # a long list after the noun: keep it up to its first comma ("a group of 67
        # Latin American artists, writers, actors and scientists")
        comma = next((t.i for t in doc[head.i + 1 : last + 1] if t.text in {",", ";"}), last + 1)
        keep = [t for t in keep if t.i < comma]
        last = max(t.i for t in keep)
    if last - head.i > 8:
        # still long: the words up to where a phrase after the eighth word begins
        # ("a letter to Facebook from the chairman of the ...": up to "chairman")
        cut = next((t.i for t in reversed(doc[head.i + 1 : head.i + 9]) if t.dep_ == "prep"), None)
        if cut is None or cut <= head.i + 1:
            return None
        keep = [t for t in keep if t.i < cut]
        last = max(t.i for t in keep)
    first = min(t.i for t in keep)
    last = clean_end(doc, first, last)
    text = strip_det(text_of(head.doc, first, last + 1).rstrip(" “\"‘'([—–-"))
    if not any(c.isalpha() for c in text):
        return None
    return text + _naming_clause(head, last, ctx)


def _naming_clause(head: Any, last: int, ctx: Context) -> str:
    """A clause after a comma that names where a described speaker stands ("the
    designer, who works for another brand at G-III"): the description then names
    no one, so the clause, whole, is what identifies them; else nothing."""
    doc = head.doc
    if any(t.pos_ == "PROPN" for t in doc[head.left_edge.i : last + 1]):
        return ""
    for child in head.rights:
        if child.dep_ != "relcl" or child.i <= last or _restrictive(head, child, ctx):
            continue
        words = [t for t in child.subtree if t.i > last]
        if any(ctx.token_in_quote(t) for t in words) or len(words) > 12:
            return ""
        names = [t for t in words if t.pos_ == "PROPN" and t.ent_type_ not in {"DATE", "TIME"}]
        if words[0].lower_ != "who" or not names:
            return ""  # "who": a person; "which" clauses tell of a thing
        start, end = words[0].i, clean_end(doc, words[0].i, words[-1].i)
        return ", " + text_of(doc, start, end + 1)
    return ""


_OPEN_END = frozenset({"CCONJ", "ADP", "DET", "SCONJ", "PART", "AUX"})
_OPEN_MARKS = frozenset({",", ";", ":", "-", "–", "—", "(", "“", "‘", '"'})


def clean_end(doc: Any, first: int, last: int) -> int:
    """The last token of ``first..last`` after dropping a dangling end: a description
    cut inside a phrase must not end on "and", "of", "the" or a comma ("secretary of
    state and" -> "secretary of state"); a capitalised word stays ("Al From")."""
    while last > first:
        tok = doc[last]
        dangling = tok.text in _OPEN_MARKS if tok.is_punct else tok.pos_ in _OPEN_END
        if not dangling or tok.is_title:
            break
        last -= 1
    return last


def _restrictive(head: Any, clause: Any, ctx: Context) -> bool:
    """A relative clause written right after its noun phrase, no comma or quote between,
    and ending before the cue's quote."""
    between = head.doc[head.i + 1 : clause.left_edge.i]
    return not any(t.is_punct for t in between) and not any(
        ctx.token_in_quote(t) or t.is_quote for t in clause.subtree
    )


def _phrase(tok: Any) -> list[Any]:
    """``tok``'s subtree without the clauses and appositions hung on its nouns:
    "to Trump" of "a longtime adviser to Trump, who declined to be identified"."""
    out, stack = [tok], list(tok.children)
    while stack:
        t = stack.pop()
        if t.dep_ in {"relcl", "appos", "advcl", "parataxis"} or t.text in {",", ";", "("}:
            continue
        out.append(t)
        stack.extend(t.children)
    return out


def text_of(doc: Any, start: int, end: int) -> str:
    """Text of tokens ``start:end`` as written (``doc.text`` would rebuild the whole text)."""
    if start >= end:
        return ""
    return str(doc[start:end].text)


def strip_det(text: str) -> str:
    text = text.strip().strip(",;:").strip()
    for det in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(det):
            return text[len(det) :]
    return text
