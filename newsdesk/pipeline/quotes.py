"""Wires enrichment (entities and quotes) to the store: batches, processes, ledger.

Enrichment runs after extraction, in batches: each batch is parsed with
``nlp.pipe`` inside a worker process (the model loads once per process), and
the results are written here, by the one writer.  A batch whose worker fails
is recorded as a failed enrichment per article and the articles stay stored:
enrichment can always be run again with ``newsdesk enrich``.

Names are made canonical across articles here, since only this layer sees
both the article and the store: a person named only by surname ("Putin") in
an article that never writes the full name becomes the stored full name
("Vladimir Putin") when exactly that surname is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from newsdesk.enrich import enrich_batch
from newsdesk.model import Article, Enrichment
from newsdesk.parallel import Executor, ProcessExecutor
from newsdesk.store.base import Store

CHUNK = 16  # articles per worker task: big enough for nlp.pipe, small for balance


def _enrich_chunk(articles: list[Article]) -> list[Enrichment]:
    try:
        return enrich_batch(articles)
    except Exception as exc:  # a parser crash must not lose the batch's articles
        reason = f"enrichment failed: {type(exc).__name__}: {exc}"
        return [Enrichment(skipped=reason) for _ in articles]


def _chunk_crashed(item: object, exc: BaseException) -> list[Enrichment]:
    n = len(item) if isinstance(item, list) else 1
    return [Enrichment(skipped=f"enrichment worker crashed: {exc}") for _ in range(n)]


def enrich_many(
    articles: Sequence[Article], workers: int = 1, executor: Executor | None = None
) -> list[Enrichment]:
    """Enrich articles in order, in ``workers`` processes (1: in this process).

    ``executor`` reuses a running pool (ingest passes its extraction workers),
    so enrichment does not start a second set of processes.
    """
    chunks = [list(articles[i : i + CHUNK]) for i in range(0, len(articles), CHUNK)]
    if executor is not None:
        out: list[Enrichment] = []
        for chunk, result in zip(chunks, executor.map(_enrich_chunk, chunks), strict=True):
            if not isinstance(result, list):  # the pool's own crash record
                result = _chunk_crashed(chunk, RuntimeError("worker process crashed"))
            out.extend(result)
        return out
    if workers <= 1 or len(chunks) <= 1:
        return [e for chunk in chunks for e in _enrich_chunk(chunk)]
    runner = ProcessExecutor(min(workers, len(chunks)), on_crash=_chunk_crashed)
    try:
        return [e for result in runner.map(_enrich_chunk, chunks) for e in result]
    finally:
        runner.close()


@dataclass
class EnrichReport:
    enriched: int = 0
    skipped: int = 0
    failed: int = 0
    quotes: int = 0
    entities: int = 0
    reasons: list[tuple[int, str]] = field(default_factory=list)


def canonical_across(store: Store, result: Enrichment) -> Enrichment:
    """Surnames left alone in an article become the stored full name, when unique."""
    lone = [e for e in result.entities if e.kind == "person" and " " not in e.name.strip()]
    if not lone:
        return result
    rename: dict[str, str] = {}
    for entity in lone:
        full = store.person_full_name(entity.name)
        if full and full != entity.name:
            rename[entity.name] = full
    if not rename:
        return result
    entities = [replace(e, name=rename.get(e.name, e.name)) for e in result.entities]
    quotes = [replace(q, speaker=rename.get(q.speaker or "", q.speaker)) for q in result.quotes]
    return replace(result, entities=entities, quotes=quotes)


def enrich_stored(
    store: Store,
    items: Iterable[tuple[int, Article]],
    workers: int = 1,
    on_batch: Callable[[int], None] | None = None,
    batch: int = 256,
    executor: Executor | None = None,
) -> EnrichReport:
    """Enrich stored articles and save entities, quotes and the ledger entries."""
    report = EnrichReport()
    pending: list[tuple[int, Article]] = []

    def flush() -> None:
        results = enrich_many([a for _i, a in pending], workers, executor)
        for (article_id, _article), result in zip(pending, results, strict=True):
            if result.skipped:
                failed = result.skipped.startswith("enrichment")
                report.failed += failed
                report.skipped += not failed
                report.reasons.append((article_id, result.skipped))
            else:
                result = canonical_across(store, result)
                report.enriched += 1
                report.quotes += len(result.quotes)
                report.entities += len(result.entities)
            store.save_enrichment(article_id, result)
        if on_batch is not None:
            on_batch(len(pending))
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return report
