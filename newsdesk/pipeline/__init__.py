"""Wires the stages together: ingest -> extract -> store.

Reading and extraction may fail per item; each failure becomes a
:class:`~newsdesk.model.Failed` with its reason, is recorded in the store and
the batch goes on.  Only one process (this one) writes to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

from newsdesk.connect.duplicates import copy_signature
from newsdesk.errors import NewsdeskError
from newsdesk.extract import extract
from newsdesk.ingest import iter_documents
from newsdesk.model import Article, CopySignature, Document, Failed
from newsdesk.parallel import Executor, InlineExecutor, ProcessExecutor
from newsdesk.pipeline.copies import CopyItem, link_copy_batch
from newsdesk.pipeline.quotes import enrich_stored
from newsdesk.pipeline.stories import cluster_articles
from newsdesk.settings import Settings
from newsdesk.store.base import Store


@dataclass
class Extracted:
    """What a worker sends back: the article with its document, or the failure."""

    document: Document | None
    article: Article | None = None
    failed: Failed | None = None
    copy_signature: CopySignature | None = None  # computed here: it costs as much as a parse


def extract_document(doc: Document) -> Article | Failed:
    """The extract stage with failures as values, never exceptions."""
    try:
        return extract(doc)
    except NewsdeskError as exc:
        return Failed(doc.location, str(exc) or type(exc).__name__, type(exc).__name__, doc.url)
    except Exception as exc:  # a bug or a parser crash must not end the batch
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return Failed(doc.location, reason, "InternalError", doc.url)


def _work(item: Document | Failed) -> Extracted:
    if isinstance(item, Failed):
        return Extracted(document=None, failed=item)
    result = extract_document(item)
    if isinstance(result, Failed):
        return Extracted(document=None, failed=result)
    return Extracted(document=item, article=result, copy_signature=copy_signature(result.body))


def _crashed(item: object, exc: BaseException) -> Extracted:
    location = getattr(item, "location", "?")
    return Extracted(
        document=None,
        failed=Failed(location, f"worker process crashed: {exc}", "WorkerCrash"),
    )


# New articles join stories in batches: IDF is updated with the whole batch
# first, and one write transaction per batch keeps up with ingest.
STORY_BATCH = 1000
# New and changed articles are linked to their copies in batches: one store
# transaction and a few IN queries per batch instead of several per article.
# 5,000: per batch the memory bucket index grows by one array copy and a group
# touched again is reloaded once, so bigger batches cost less per article
# (100k docs: 3.5k -> 5.4k docs/s from 1,000 to 5,000 on SQLite).
COPY_BATCH = 5000
# New and changed articles are enriched (entities, quotes) in batches, in the
# extraction workers: big enough for nlp.pipe, small enough to keep up.
ENRICH_BATCH = 64


def _unplaced(store: Store, queued: set[int]) -> list[tuple[int, Article]]:
    """Stored articles a crash kept out of stories (a killed run's last batch).

    A rerun finds them ``known``, and a crawl skips their entries as already
    stored, so they are picked up here, at the end of any ingest.
    """
    out: list[tuple[int, Article]] = []
    for article_id in store.articles_without_story(limit=STORY_BATCH):
        if article_id not in queued and (stored := store.get_article(article_id)) is not None:
            out.append((article_id, stored.article))
    return out


def _unlinked(store: Store, queued: set[int]) -> list[CopyItem]:
    """Stored articles a crash kept out of the copy index (a killed run's last
    batch): a rerun finds them ``known`` and a crawl skips them as stored."""
    out: list[CopyItem] = []
    for article_id in store.articles_without_copy_index(limit=COPY_BATCH):
        if article_id not in queued and (stored := store.get_article(article_id)) is not None:
            out.append(CopyItem(article_id, copy_signature(stored.article.body), fresh=False))
    return out


def make_executor(settings: Settings) -> Executor:
    if settings.worker_count <= 1:
        return InlineExecutor()
    return ProcessExecutor(settings.worker_count, on_crash=_crashed)


@dataclass
class IngestReport:
    stored: int = 0
    updated: int = 0
    known: int = 0
    failed: list[Failed] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    clustered: int = 0  # articles placed into stories (pipeline_stories)
    enriched: int = 0  # articles given entities and quotes (pipeline_quotes)

    @property
    def total(self) -> int:
        return self.stored + self.updated + self.known + len(self.failed)


def ingest_paths(
    paths: Iterable[str | PathLike[str]],
    store: Store,
    settings: Settings,
    *,
    on_item: Callable[[Extracted], None] | None = None,
    executor: Executor | None = None,
) -> IngestReport:
    documents = iter_documents(paths, max_bytes=settings.max_document_bytes)
    return ingest_documents(documents, store, settings, on_item=on_item, executor=executor)


def ingest_documents(
    documents: Iterable[Document | Failed],
    store: Store,
    settings: Settings,
    *,
    on_item: Callable[[Extracted], None] | None = None,
    executor: Executor | None = None,
    work: Callable[[Any], Extracted] | None = None,
) -> IngestReport:
    """Extract in the executor, store here, one item at a time.

    ``work`` replaces the per-item worker (a picklable module-level function
    returning :class:`Extracted`): the crawler's tries a fetched page, then the
    feed entry's own content, so its items are not plain documents.
    """
    report = IngestReport()
    pending: list[tuple[int, Article]] = []  # new articles waiting to join stories
    to_link: list[CopyItem] = []  # new or changed, waiting to be linked to their copies
    to_enrich: list[tuple[int, Article]] = []  # new or changed, waiting for enrichment
    own_executor = executor is None
    runner = make_executor(settings) if executor is None else executor
    try:
        for result in runner.map(work or _work, documents):
            if result.failed is not None:
                store.add_failure(result.failed)
                report.failed.append(result.failed)
            elif result.article is not None and result.document is not None:
                article_id, status = store.add_article(result.article, result.document)
                report.article_ids.append(article_id)
                setattr(report, status, getattr(report, status) + 1)
                signature = result.copy_signature or copy_signature(result.article.body)
                # A known article may lack follow-ups a crash cut off: finish them.
                redo = store.missing_follow_ups(article_id) if status == "known" else set()
                if status != "known" or "copies" in redo:
                    to_link.append(CopyItem(article_id, signature, fresh=status == "stored"))
                if len(to_link) >= COPY_BATCH:
                    link_copy_batch(store, to_link)
                    to_link = []
                if settings.enrich and (status != "known" or "enrich" in redo):
                    to_enrich.append((article_id, result.article))
                if len(to_enrich) >= ENRICH_BATCH:
                    report.enriched += enrich_stored(store, to_enrich, executor=runner).enriched
                    to_enrich = []
                if status == "stored" or "stories" in redo:
                    pending.append((article_id, result.article))
                if len(pending) >= STORY_BATCH:
                    if to_enrich:  # entities first: stories use them as names
                        report.enriched += enrich_stored(store, to_enrich, executor=runner).enriched
                        to_enrich = []
                    report.clustered += cluster_articles(store, pending).clustered
                    pending = []
            if on_item is not None:
                on_item(result)
        to_link += _unlinked(store, {i.article_id for i in to_link})
        if to_link:
            link_copy_batch(store, to_link)
        if to_enrich:
            report.enriched += enrich_stored(store, to_enrich, executor=runner).enriched
        pending += _unplaced(store, {i for i, _ in pending})
        if pending:
            report.clustered += cluster_articles(store, pending).clustered
    finally:
        if own_executor:
            runner.close()
    return report
