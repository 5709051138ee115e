"""The feed and web commands: ``feeds ...``, ``crawl``, ``run``, ``ingest URL``.

Registered on the main group by :mod:`newsdesk.cli`; like it, a thin layer
over the library (:mod:`newsdesk.pipeline.crawl`, the store).  Nothing here imports
``cli`` (it imports us), so the few helpers are repeated in small.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk.cli.common import db_option, err_console, make_settings, open_or_exit
from newsdesk.errors import NewsdeskError
from newsdesk.ingest.feeds import parse_opml, write_opml
from newsdesk.ingest.fetch import check_url
from newsdesk.ingest.netguard import AddressPolicy
from newsdesk.model import Feed
from newsdesk.pipeline import IngestReport
from newsdesk.pipeline.crawl import Crawler, CrawlReport, PageTask, run_forever
from newsdesk.settings import Settings


def private_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--allow-private-networks",
        is_flag=True,
        default=None,
        help="Allow loopback, private and link-local addresses (intranets, tests). "
        "Env NEWSDESK_ALLOW_PRIVATE_NETWORKS=1.",
    )(fn)


def _progress(what: str) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn(what),
        BarColumn(),
        TextColumn("{task.completed} pages"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _valid_url(url: str) -> str:
    if not _is_url(url):
        raise click.BadParameter(f"{url!r} is not an http(s) URL")
    try:
        check_url(url, AddressPolicy(allow_private=True))  # syntax only; the guard runs on fetch
    except NewsdeskError as exc:
        raise click.BadParameter(str(exc)) from exc
    return url


@click.group()
def feeds() -> None:
    """Subscribe to feeds and see how polling goes."""


@feeds.command(name="add")
@click.argument("url")
@click.option("--section", default=None, help="Section for this feed's articles.")
@click.option("--title", default=None, help="Name to show until the feed gives its own.")
@db_option
def feeds_add(url: str, section: str | None, title: str | None, db: str | None) -> None:
    """Subscribe to a feed (again: enables it and makes it due now)."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        feed, created = store.add_feed(
            _valid_url(url), interval=settings.feed_interval, title=title, section=section
        )
    click.echo(f"{'added' if created else 'enabled'} feed {feed.id}: {feed.url}")


@feeds.command(name="import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False))
@db_option
def feeds_import(opml: str, db: str | None) -> None:
    """Subscribe to every feed in an OPML file (folders become sections)."""
    settings = make_settings(db=db)
    try:
        subscriptions = parse_opml(Path(opml).read_bytes())
    except NewsdeskError as exc:
        raise click.ClickException(f"{opml}: {exc}") from exc
    added = 0
    with open_or_exit(settings) as store:
        for sub in subscriptions:
            _feed, created = store.add_feed(
                sub.url, interval=settings.feed_interval, title=sub.title, section=sub.section
            )
            added += created
    click.echo(f"imported {len(subscriptions)} feeds ({added} new)")


@feeds.command(name="export")
@db_option
def feeds_export(db: str | None) -> None:
    """Print the subscriptions as OPML."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        click.echo(write_opml(store.feeds()), nl=False)


@feeds.command(name="list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
def feeds_list(db: str | None, fmt: str) -> None:
    """Each feed with its status, last fetch, last error and next poll."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        rows = [_feed_row(f) for f in store.feeds()]
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "feed", "section", "status", "last fetch", "next poll", "last error")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["title"] or r["url"],
            r["section"] or "",
            r["status"],
            (r["last_fetch_at"] or "never")[:19],
            (r["next_poll_at"] or "now")[:19] if not r["disabled_reason"] else "-",
            r["disabled_reason"] or r["last_error"] or "",
        )
    Console(width=200).print(table)


def _feed_row(feed: Feed) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    status = "disabled" if feed.disabled else (feed.last_status or "new")
    if feed.failures and not feed.disabled:
        status = f"failing ({feed.failures})"
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "section": feed.section,
        "status": status,
        "last_fetch_at": iso(feed.last_fetch_at),
        "last_success_at": iso(feed.last_success_at),
        "next_poll_at": iso(feed.next_poll_at),
        "failures": feed.failures,
        "last_error": feed.last_error,
        "disabled_reason": feed.disabled_reason,
    }


@feeds.command(name="remove")
@click.argument("feed")
@db_option
def feeds_remove(feed: str, db: str | None) -> None:
    """Unsubscribe (by id or URL); its stored articles stay."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        if not store.remove_feed(feed):
            raise click.ClickException(f"no feed {feed!r}")
    click.echo(f"removed {feed}")


def _echo_crawl(report: CrawlReport) -> None:
    ing = report.ingest
    click.echo(
        f"polled {report.polled} feeds ({report.not_modified} not modified, "
        f"{len(report.feed_errors)} failed); {report.entries} new entries: "
        f"stored {ing.stored}, updated {ing.updated}, already known {ing.known}, "
        f"failed {len(ing.failed)}"
    )
    for url, reason in report.feed_errors[:20]:
        click.echo(f"  feed failed {url}: {reason}", err=True)
    for url, reason in report.disabled:
        click.echo(f"  feed disabled {url}: {reason}", err=True)
    for failure in ing.failed[:20]:
        click.echo(f"  failed {failure.location}: {failure.reason}", err=True)


@click.command()
@db_option
@click.option("--workers", type=int, default=None, help="Extraction processes (default: cores).")
@private_option
def crawl(db: str | None, workers: int | None, allow_private_networks: bool | None) -> None:
    """One pass over the due feeds: fetch new entries' pages, extract, store."""
    settings = make_settings(db=db, workers=workers, allow_private_networks=allow_private_networks)
    with open_or_exit(settings) as store, Crawler(store, settings) as crawler:
        progress = _progress("crawling")
        with progress, _stop_on_signals(crawler.stop):
            task = progress.add_task("crawling", total=None)
            try:
                report = crawler.crawl(on_item=lambda _r: progress.advance(task))
            except NewsdeskError as exc:
                raise click.ClickException(str(exc)) from exc
    _echo_crawl(report)
    sys.exit(1 if report.feed_errors or report.ingest.failed else 0)


@click.command()
@db_option
@click.option("--workers", type=int, default=None, help="Extraction processes (default: cores).")
@private_option
def run(db: str | None, workers: int | None, allow_private_networks: bool | None) -> None:
    """Poll feeds as they fall due until SIGINT or SIGTERM, then stop cleanly."""
    settings = make_settings(db=db, workers=workers, allow_private_networks=allow_private_networks)
    stop = threading.Event()
    # Handlers go in before the worker pool forks, so the workers inherit
    # them and a terminal's Ctrl-C does not kill them mid-item.
    with (
        open_or_exit(settings) as store,
        _stop_on_signals(stop),
        Crawler(store, settings, stop=stop) as crawler,
    ):
        click.echo(f"newsdesk is polling {len(store.feeds())} feeds; Ctrl-C to stop", err=True)
        try:
            run_forever(crawler, on_pass=_echo_crawl)
        except NewsdeskError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo("stopped", err=True)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set ``stop`` (the current item finishes, nothing half-written)."""
    previous = {}

    def handler(_signum: int, _frame: Any) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def ingest_web(urls: list[str], sitemap: str | None, settings: Settings) -> None:
    """``newsdesk ingest URL...`` and ``newsdesk ingest --sitemap URL``."""
    tasks = [PageTask(location=u, url=_valid_url(u), check_robots=False) for u in urls]
    with open_or_exit(settings) as store, Crawler(store, settings) as crawler:
        failed = []
        if sitemap:
            found, failed = crawler.sitemap_tasks(_valid_url(sitemap))
            tasks += found
            for failure in failed:
                store.add_failure(failure)
        progress = _progress("fetching")
        with progress, _stop_on_signals(crawler.stop):
            task = progress.add_task("fetching", total=len(tasks))
            try:
                report: IngestReport = crawler.ingest_urls(
                    tasks, on_item=lambda _r: progress.advance(task)
                )
            except NewsdeskError as exc:
                raise click.ClickException(str(exc)) from exc
    report.failed[:0] = failed
    click.echo(
        f"stored {report.stored}, updated {report.updated}, "
        f"already known {report.known}, failed {len(report.failed)}"
    )
    for failure in report.failed[:50]:
        click.echo(f"  failed {failure.location}: {failure.reason}", err=True)
    sys.exit(1 if report.failed else 0)


def register(main: click.Group) -> None:
    main.add_command(feeds)
    main.add_command(crawl)
    main.add_command(run)
