"""Is a quoted stretch someone's words?  A small learned filter for direct quotes.

Quotation marks in news text also hold show and book titles ("Face the
Nation"), slogans, nicknames, headlines and scare-quoted phrases; in
transcripts the words after "WALLACE:" are speech but often not attributed as
such.  No single rule separates these from speech (a title-cased quote is as
often a slogan the candidate said as a show name), so the decision is a
logistic regression over plain signs of each quoted stretch: how it was
attributed (a reporting verb whose clause holds it, a verb next to it, a label,
only the previous speaker or the last person named), how far the cue is, its
length and case, sentence punctuation inside it and at its end, first-person
words and verbs inside, the word before the opening mark ("on", "the",
"called"), a transcript turn at the paragraph start, and a few combinations.

The weights and the acceptance threshold are learned on the PolNeAR training
split by ``bench/quotes_train.py`` (threshold by two-fold cross-fitting there)
and shipped as ``quote_filter.json``: feature names and numbers only, no text
of the corpus.  Only quotes of ``MIN_FILTERED_WORDS`` or more words are judged;
shorter ones keep the rules of :mod:`.quotes`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("quote_filter.json")
MIN_FILTERED_WORDS = 3
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "i'm", "we're", "i’m", "we’re"})
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_TURN = re.compile(r"[A-Z][A-Z.'’ -]{1,30}:")  # 'WALLACE:', 'MR. TRUMP:' opening a paragraph
_WEB = re.compile(r"https?://|www\.|\.com\b|@\w|#\w|pic\.twitter")
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "be",
        "it",
        "its",
        "this",
        "that",
    ]
)
_GOVERNING_DEPS = frozenset({"ccomp", "dobj", "xcomp", "advcl", "parataxis", "oprd", "attr"})


@dataclass
class Candidate:
    """One quoted stretch with what the quote finder learned about it."""

    start: int  # text between the marks (trimmed)
    end: int
    paragraph: tuple[int, int]  # character span of its paragraph
    closed: bool
    kind: str  # direct | partial
    how: str  # how it was attributed: listed, edge, label, colon, previous, fallback, none
    cue: Any | None  # the cue token, if any
    has_speaker: bool


def _bucket(n: float, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _title_case(words: list[str]) -> str:
    """'title' when every longer word is capitalised ("Face the Nation"), 'some'
    when most are, else 'lower'."""
    content = [w for w in words[1:] if w.lower() not in _SMALL] or words[:1]
    caps = sum(1 for w in content if w[:1].isupper())
    if caps == len(content):
        return "title"
    return "some" if caps * 2 >= len(content) else "lower"


def _tokens(doc: Any, start: int, end: int) -> Any:
    return doc.char_span(start, end, alignment_mode="expand")


def _governs(cue: Any, start: int, end: int) -> bool:
    for child in cue.children:
        if child.dep_ in _GOVERNING_DEPS:
            left = child.left_edge.idx
            right = child.right_edge.idx + len(child.right_edge)
            if left < end and right > start:
                return True
    return False


def features(cand: Candidate, doc: Any, body: str) -> list[str]:
    """What the learned weights look at; see the module note."""
    text = body[cand.start : cand.end]
    words = _WORD.findall(text)
    n = len(words)
    lower = {w.lower() for w in words}
    how, kind = cand.how, cand.kind
    out = [
        f"k={kind}",
        f"h={how}",
        f"kh={kind}|{how}",
        f"n={_bucket(n, (3, 5, 8, 15, 30))}",
        f"nh={_bucket(n, (3, 5, 8, 15))}|{how}",
    ]
    case = _title_case(words)
    out += [f"case={case}", f"caseh={case}|{how}", f"casek={case}|{kind}"]
    if not cand.has_speaker:
        out.append("nospeaker")
    if not cand.closed:
        out.append("open")
    # punctuation inside and at the end (the end is trimmed of , ; : by the finder)
    last = text[-1:]
    end_mark = last if last in ".?!" else ("-" if last.isalnum() else "o")
    after = body[cand.end : cand.end + 2].lstrip('”"’ ')[:1]
    if body[cand.end : cand.end + 1] in ",;:":
        end_mark = ","
    out.append(f"end={end_mark}")
    out.append(f"endh={end_mark}|{how}")
    out.append(f"after={after if after in ',.?!;:—)' else ('w' if after.isalnum() else 'o')}")
    inner = len(re.findall(r"[.?!][”\"’]?\s+[A-Z“\"]", text))
    out.append(f"sents={_bucket(inner, (0, 1, 3))}")
    if lower & FIRST_PERSON:
        out.append("p1")
    if "you" in lower or "your" in lower:
        out.append("p2")
    if _WEB.search(text):
        out.append("web")
    digits = sum(1 for w in words if w.isdigit())
    if digits * 3 >= n:
        out.append("digits")
    if sum(1 for w in words if len(w) > 1 and w.isupper()) * 2 >= n:
        out.append("caps")
    p_start, p_end = cand.paragraph
    if cand.start - 1 <= p_start:
        out.append("opens")
        out.append(f"opensh={how}")
    if cand.end + 2 >= p_end and cand.start - 1 <= p_start:
        out.append("whole")
    if _TURN.match(body, p_start):
        out.append("turn")
    span = _tokens(doc, cand.start, cand.end)
    if span is not None and len(span):
        verbs = sum(1 for t in span if t.tag_.startswith("VB"))
        out.append(f"verbs={_bucket(verbs, (0, 1, 3))}")
        out.append(f"vck={min(verbs, 1)}|{case}|{kind}")
        if span.start > 0:
            prev = doc[span.start - 1]
            j = span.start - 1
            while j > 0 and (doc[j].is_quote or doc[j].is_space):
                j -= 1
            prev = doc[j]
            if prev.idx >= p_start and j < span.start - 1:
                if prev.pos_ in {"ADP", "DET"} or prev.tag_ in {"PRP$", "POS"}:
                    out.append(f"prev={prev.lower_}")
                    out.append(f"prevk={prev.pos_}|{kind}")
                elif prev.is_punct:
                    out.append(f"prevp={prev.text[:1]}")
                else:
                    out.append(f"prevpos={prev.pos_}|{kind}")
                    if prev.pos_ != "PROPN":  # a verb or noun ("titled", "podcast"), never a name
                        out.append(f"prevw={prev.lower_}")
        nxt = span.end
        while nxt < len(doc) and (doc[nxt].is_quote or doc[nxt].is_space):
            nxt += 1
        if nxt < len(doc) and nxt > span.end and doc[nxt].idx < p_end:
            tok = doc[nxt]
            out.append(f"next={tok.pos_ if not tok.is_punct else tok.text[:1]}|{case}")
    cue = cand.cue
    if cue is not None:
        out.append(f"cue={cue.lower_}")
        gap = cue.idx - cand.end if cue.idx >= cand.end else cand.start - (cue.idx + len(cue))
        side = "after" if cue.idx >= cand.end else "before"
        out.append(f"dist={side}|{_bucket(max(gap, 0), (3, 10, 30, 80))}")
        if _governs(cue, cand.start, cand.end):
            out.append("governs")
        if cue.sent.start_char <= cand.start < cue.sent.end_char:
            out.append("samesent")
    return out


@dataclass
class Model:
    """Logistic weights per feature and the acceptance threshold (see the module note)."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, feats: list[str]) -> float:
        total = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


@lru_cache(maxsize=1)
def load_model(path: Path = TABLE) -> Model | None:
    """The shipped filter, or None where none is shipped (every quote kept)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data["weights"], data["bias"], data["threshold"])
