"""Article -> Enrichment: entities and attributed quotes.

``enrich`` and ``enrich_batch`` are the entry points every caller uses (the
pipeline, ``newsdesk enrich``, the benchmark), so there is one code path.
The batch form parses with :func:`.nlp.parse` (``pipe`` over the batch, the
parser only where speech may be), which is faster per article than one call
each; run several batches in worker processes for more cores
(:func:`newsdesk.pipeline.quotes.enrich_many`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Article, Enrichment
from .attributions import add_attributions
from .entities import find_entities
from .language import detect_english
from .nlp import MAX_CHARS, parse
from .quotes import find_quotes

BATCH_SIZE = 32


def enrich(article: Article) -> Enrichment:
    return enrich_batch([article])[0]


def enrich_batch(articles: Iterable[Article], batch_size: int = BATCH_SIZE) -> list[Enrichment]:
    """Enrich each article; a non-English or empty one is skipped with the reason why."""
    items = list(articles)
    results: list[Enrichment | None] = [None] * len(items)
    todo: list[tuple[int, str]] = []
    for i, article in enumerate(items):
        body = article.body
        guess = detect_english(body, article.language)
        if not body.strip():
            results[i] = Enrichment(skipped="no body text")
        elif not guess.english:
            results[i] = Enrichment(language=article.language, skipped=guess.reason)
        else:
            todo.append((i, body[:MAX_CHARS]))
    if todo:
        docs = parse((body for _i, body in todo), batch_size=batch_size)
        for (i, body), doc in zip(todo, docs, strict=True):
            results[i] = enrich_parsed(doc, body)
    return [r if r is not None else Enrichment(skipped="not analysed") for r in results]


def enrich_parsed(doc: object, body: str) -> Enrichment:
    """Entities and quotes of an already parsed body (the benchmark parses its own)."""
    index = find_entities(doc)
    quotes = find_quotes(doc, body, index.canonical)
    quotes = add_attributions(doc, body, index.canonical, quotes)
    return Enrichment(entities=index.entities, quotes=quotes, language="en")


__all__ = ["enrich", "enrich_batch", "enrich_parsed", "detect_english"]
