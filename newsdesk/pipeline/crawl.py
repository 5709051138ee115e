"""Wires feeds and the live web into the pipeline: poll -> fetch -> extract -> store.

One :meth:`Crawler.crawl` pass polls every due feed (conditional GET, in a
thread pool, each host behind :class:`~newsdesk.ingest.polite.HostGate`),
fetches the pages of entries not seen before (robots.txt obeyed), and sends
them through :func:`newsdesk.pipeline.ingest_documents`, so extraction runs in
the worker processes and failures are recorded as for any other input.  A
page that cannot be had (network, HTTP error, robots, no article in it) falls
back to the entry's own content.

State is written so an interruption loses nothing: an entry is marked seen
only after its article or failure is stored, and a feed's new ETag and
Last-Modified are saved only once all its new entries are handled; a feed cut
off halfway keeps its old validators and stays due, so the next pass sees the
remaining entries again instead of a 304.
"""

from __future__ import annotations

import html
import random
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest

from newsdesk.errors import Disallowed, FetchError, MalformedInput, NewsdeskError, UnsupportedInput
from newsdesk.ingest import charsets, schedule
from newsdesk.ingest.feeds import parse_feed
from newsdesk.ingest.fetch import Fetcher, FetchResult
from newsdesk.ingest.polite import HostGate
from newsdesk.ingest.robots import RobotsCache
from newsdesk.ingest.sitemaps import parse_sitemap
from newsdesk.model import Article, Document, Failed, Feed, FeedEntry, ParsedFeed
from newsdesk.parallel import Executor
from newsdesk.pipeline import Extracted, IngestReport, extract_document, ingest_documents
from newsdesk.settings import Settings
from newsdesk.store.base import Store

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"
MAX_SITEMAPS = 50
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass
class PageTask:
    """One page to fetch, with what its feed (or sitemap) said about it."""

    location: str
    url: str | None
    source: str | None = None
    hints: dict[str, str] = field(default_factory=dict)
    fallback_html: str | None = None
    check_robots: bool = True


@dataclass
class CrawlItem:
    """What the fetch threads hand to the extraction workers (it pickles)."""

    location: str
    page: Document | None = None
    fallback: Document | None = None
    failed: Failed | None = None  # why the page itself could not be had


@dataclass
class CrawlReport:
    polled: int = 0
    not_modified: int = 0
    entries: int = 0
    feed_errors: list[tuple[str, str]] = field(default_factory=list)
    disabled: list[tuple[str, str]] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)
    interrupted: bool = False


def extract_item(item: CrawlItem) -> Extracted:
    """Worker: the page's article, else the entry's own, else the page's failure."""
    first: Failed | None = item.failed
    for doc in (item.page, item.fallback):
        if doc is None:
            continue
        result = extract_document(doc)
        if isinstance(result, Article):
            return Extracted(document=doc, article=_finish(result, doc))
        first = first or result
    if first is None:
        first = Failed(item.location, "no page and no entry content", "NoArticle")
    return Extracted(document=None, failed=replace(first, location=item.location))


def _finish(article: Article, doc: Document) -> Article:
    """What the feed knew and the page did not say: section, date (from the feed)."""
    if not article.section and doc.hints.get("section"):
        article.section = doc.hints["section"]
    if article.date_source == "input" and doc.hints.get("date_from") == "feed":
        article.date_source = "feed"
    if not article.url:
        article.url = doc.url
    return article


def page_document(result: FetchResult, task: PageTask) -> Document:
    """A fetched page as a Document; refuses what is no web page (PDF, images)."""
    media = result.media_type
    if media not in _PAGE_TYPES and not media.endswith("+xml"):
        raise UnsupportedInput(f"not a web page: {media}")
    content: bytes | str = result.content
    declared = charsets.header_charset(result.content_type)
    if declared:
        codec = charsets.choose(result.content, declared)
        if codec in ("utf-8", "utf-8-sig", charsets.normalise(declared)):
            content = result.content.decode(codec, errors="replace")
        # else the header lies: leave bytes, the extractor reads the page's meta
    return Document(
        location=task.location,
        content=content,
        content_type="text" if media == "text/plain" else "html",
        url=result.url,
        fetched_at=result.fetched_at,
        source=task.source,
        hints=dict(task.hints),
    )


def fallback_document(task: PageTask, now: datetime) -> Document | None:
    """The entry's own HTML wrapped as a page, for when its page cannot be had."""
    if not task.fallback_html:
        return None
    title = html.escape(task.hints.get("title", ""))
    body = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    body += f"{task.fallback_html}</article></body></html>"
    return Document(
        location=task.location,
        content=body,
        content_type="html",
        url=task.url,
        fetched_at=now,
        source=task.source,
        hints={**task.hints, "via": "feed entry"},
    )


def _round_robin(tasks: list[PageTask]) -> list[PageTask]:
    """Interleave hosts so one big site does not hold every fetch thread at its gate."""
    by_host: dict[str, list[PageTask]] = defaultdict(list)
    for task in tasks:
        by_host[HostGate.host(task.url or "")].append(task)
    return [t for group in zip_longest(*by_host.values()) for t in group if t is not None]


@dataclass
class _Poll:
    feed: Feed
    result: FetchResult | None = None
    parsed: ParsedFeed | None = None
    error: NewsdeskError | None = None


class Crawler:
    """Polls feeds and fetches pages; one per process, used from one thread.

    ``clock`` gives "now" for the schedule (tests pass a fake one); ``stop``
    is checked between items so a signal ends a pass cleanly.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
        stop: threading.Event | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.fetcher = fetcher or Fetcher.from_settings(settings)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.rng = rng or random.Random()
        self.stop = stop or threading.Event()
        self.executor = executor
        self.gate = HostGate(settings.host_concurrency, settings.host_delay)
        self.robots = RobotsCache(self.fetcher, settings.user_agent, gate=self.gate)
        self.threads = ThreadPoolExecutor(max(1, settings.fetch_workers), "newsdesk-fetch")

    def close(self) -> None:
        self.threads.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()

    def __enter__(self) -> Crawler:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- feeds ---------------------------------------------------------------

    def crawl(self, on_item: Callable[[Extracted], None] | None = None) -> CrawlReport:
        """One pass over the due feeds."""
        report = CrawlReport()
        now = self.clock()
        due = self.store.due_feeds(now)
        polls = [self.threads.submit(self._poll, feed) for feed in due]
        tasks: list[PageTask] = []
        pending: dict[int, tuple[Feed, set[str]]] = {}  # feed id -> (next state, keys left)
        owners: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
        for future in polls:
            poll = future.result()
            report.polled += 1
            state = self._after_poll(poll, report)
            if poll.parsed is None:
                self.store.save_feed(state)
                continue
            fresh = self._new_entries(poll.feed, poll.parsed.entries)
            report.entries += len(fresh)
            for entry in fresh:
                task = self._task(poll.feed, entry, poll.parsed)
                if task.location not in owners:
                    tasks.append(task)
                owners[task.location].append((poll.feed.id, entry.key, entry.url))
            if fresh:
                pending[poll.feed.id] = (state, {e.key for e in fresh})
            else:
                self.store.save_feed(state)

        def handled(result: Extracted) -> None:
            loc = result.document.location if result.document else result.failed.location  # type: ignore[union-attr]
            for feed_id, key, url in owners.pop(loc, []):
                self.store.mark_entries(feed_id, [(key, url)])
                state, left = pending.get(feed_id, (None, set()))
                left.discard(key)
                if state is not None and not left:
                    self.store.save_feed(state)
                    del pending[feed_id]
            if on_item is not None:
                on_item(result)

        report.ingest = self._ingest(_round_robin(tasks), handled)
        report.interrupted = bool(pending)
        return report

    def _poll(self, feed: Feed) -> _Poll:
        poll = _Poll(feed)
        try:
            with self.gate.slot(feed.url):
                poll.result = self.fetcher.fetch(
                    feed.url,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    accept=FEED_ACCEPT,
                )
            if poll.result.status != 304:
                poll.parsed = parse_feed(
                    poll.result.content, poll.result.content_type, poll.result.url
                )
        except NewsdeskError as exc:
            poll.error = exc
        except Exception as exc:  # a bug must cost one feed, not the pass
            poll.error = MalformedInput(f"internal error: {type(exc).__name__}: {exc}")
        return poll

    def _after_poll(self, poll: _Poll, report: CrawlReport) -> Feed:
        now = self.clock()
        if poll.error is not None:
            reason = f"{type(poll.error).__name__}: {poll.error}"
            state = schedule.after_failure(
                poll.feed,
                now,
                reason,
                max_failures=self.settings.feed_max_failures,
                retry_after=getattr(poll.error, "retry_after", None),
                rng=self.rng,
            )
            report.feed_errors.append((poll.feed.url, reason))
            if state.disabled:
                report.disabled.append((poll.feed.url, state.disabled_reason or reason))
            return state
        assert poll.result is not None
        if poll.result.status == 304:
            report.not_modified += 1
            return schedule.after_success(poll.feed, now, not_modified=True)
        parsed = poll.parsed
        return schedule.after_success(
            poll.feed,
            now,
            etag=poll.result.etag,
            last_modified=poll.result.last_modified,
            title=parsed.title if parsed else None,
            site_url=parsed.site_url if parsed else None,
        )

    def _new_entries(self, feed: Feed, entries: list[FeedEntry]) -> list[FeedEntry]:
        """Entries neither seen in this feed nor already stored from elsewhere."""
        seen = self.store.seen_entries(feed.id, [e.key for e in entries])
        fresh = [e for e in entries if e.key not in seen]
        stored = self.store.known_urls([e.url for e in fresh if e.url])
        if stored:
            self.store.mark_entries(feed.id, [(e.key, e.url) for e in fresh if e.url in stored])
        unique: dict[str, FeedEntry] = {}
        for e in fresh:
            if e.url not in stored:
                unique.setdefault(e.key, e)
        return list(unique.values())

    @staticmethod
    def _task(feed: Feed, entry: FeedEntry, parsed: ParsedFeed) -> PageTask:
        hints = {"feed": feed.url}
        if entry.title:
            hints["title"] = entry.title
        if entry.published_at:
            hints["published_at"] = entry.published_at
            hints["date_from"] = "feed"
        if feed.section:
            hints["section"] = feed.section
        if entry.author:
            hints["author"] = entry.author
        return PageTask(
            location=entry.url or f"{feed.url}#{entry.key}",
            url=entry.url,
            source=feed.title or parsed.title,
            hints=hints,
            fallback_html=entry.content,
        )

    # -- pages ---------------------------------------------------------------

    def fetch_page(self, task: PageTask) -> CrawlItem:
        """Fetch one page (robots, politeness, safety); never raises."""
        item = CrawlItem(location=task.location, fallback=fallback_document(task, self.clock()))
        if task.url is None:
            return item
        try:
            delay = 0.0
            if task.check_robots:
                if not self.robots.allowed(task.url):
                    raise Disallowed(f"robots.txt disallows {task.url}")
                delay = self.robots.crawl_delay(task.url)
            with self.gate.slot(task.url, delay):
                result = self.fetcher.fetch(task.url, accept=PAGE_ACCEPT)
            item.page = page_document(result, task)
        except NewsdeskError as exc:
            item.failed = Failed(task.location, str(exc), type(exc).__name__, task.url)
        except Exception as exc:  # one page's bug must not end the pass
            reason = f"internal error: {type(exc).__name__}: {exc}"
            item.failed = Failed(task.location, reason, "InternalError", task.url)
        return item

    def _items(self, tasks: Iterable[PageTask]) -> Iterator[CrawlItem]:
        """Fetched pages as they complete, a bounded number in flight; stops on ``stop``."""
        window = max(1, self.settings.fetch_workers) * 2
        todo = deque(tasks)
        running: set[Future[CrawlItem]] = set()
        while True:
            while todo and len(running) < window and not self.stop.is_set():
                running.add(self.threads.submit(self.fetch_page, todo.popleft()))
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def _ingest(
        self, tasks: Iterable[PageTask], on_item: Callable[[Extracted], None] | None
    ) -> IngestReport:
        return ingest_documents(
            self._items(tasks),
            self.store,
            self.settings,
            on_item=on_item,
            executor=self.executor,
            work=extract_item,
        )

    # -- one page, a sitemap ---------------------------------------------------

    def ingest_urls(
        self,
        tasks: Iterable[PageTask],
        on_item: Callable[[Extracted], None] | None = None,
    ) -> IngestReport:
        """Fetch, extract and store the given pages (``newsdesk ingest URL``)."""
        return self._ingest(_round_robin(list(tasks)), on_item)

    def sitemap_tasks(self, url: str) -> tuple[list[PageTask], list[Failed]]:
        """The pages a sitemap (or sitemap index, two levels) lists, as tasks."""
        tasks: list[PageTask] = []
        failed: list[Failed] = []
        queue: deque[tuple[str, int]] = deque([(url, 0)])
        visited: set[str] = set()
        while queue and len(visited) < MAX_SITEMAPS and not self.stop.is_set():
            current, depth = queue.popleft()
            if current in visited:
                continue
            visited.add(current)
            try:
                with self.gate.slot(current):
                    result = self.fetcher.fetch(current, accept="application/xml, text/xml, */*")
                sitemap = parse_sitemap(result.content, self.settings.max_document_bytes)
            except (FetchError, NewsdeskError) as exc:
                failed.append(Failed(current, str(exc), type(exc).__name__, current))
                continue
            if depth < 2:
                queue.extend((child, depth + 1) for child in sitemap.sitemaps)
            for page in sitemap.pages:
                hints = {"sitemap": current}
                if page.title:
                    hints["title"] = page.title
                if page.published_at:
                    hints["published_at"] = page.published_at
                tasks.append(PageTask(location=page.url, url=page.url, hints=hints))
        return tasks, failed


def run_forever(
    crawler: Crawler,
    *,
    idle: float = 60.0,
    on_pass: Callable[[CrawlReport], None] | None = None,
) -> None:
    """Crawl passes until ``crawler.stop`` is set, sleeping until the next feed is due."""
    while not crawler.stop.is_set():
        report = crawler.crawl()
        if on_pass is not None:
            on_pass(report)
        wait_s = schedule.next_wake(crawler.store.feeds(), crawler.clock(), idle=idle)
        crawler.stop.wait(max(1.0, wait_s))
