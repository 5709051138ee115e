"""The ``newsdesk`` command: a thin layer over the library API.

Each command builds one :class:`~newsdesk.settings.Settings` from its flags and
``NEWSDESK_*`` variables and calls the same functions a library user would.
Exit codes: 0 all went well, 1 some items failed (the rest were done), 2 usage
or configuration error.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsdesk import pipeline
from newsdesk.cli import check as cli_check
from newsdesk.cli import copies as cli_copies
from newsdesk.cli import export as cli_export
from newsdesk.cli import feeds as cli_feeds
from newsdesk.cli import quotes as cli_quotes
from newsdesk.cli import stories as cli_stories
from newsdesk.cli.common import db_option, err_console, make_settings, open_or_exit
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import iter_documents
from newsdesk.model import Article, Failed, StoredArticle
from newsdesk.pipeline import copies as pipeline_copies


@click.group()
@click.version_option(package_name="newsdesk")
def main() -> None:
    """newsdesk: news aggregation and article intelligence."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "text"]),
    default="json",
    show_default=True,
)
def extract(paths: tuple[str, ...], fmt: str) -> None:
    """Extract articles from files and print them; no database involved."""
    settings = make_settings()
    failed = 0
    results: list[dict[str, Any]] = []
    for item in iter_documents(paths, max_bytes=settings.max_document_bytes):
        result = item if isinstance(item, Failed) else pipeline.extract_document(item)
        location = item.location
        if isinstance(result, Failed):
            failed += 1
            err_console.print(f"[red]failed[/red] {location}: {result.reason}")
            record: dict[str, Any] = {
                "path": location,
                "error": result.error,
                "reason": result.reason,
            }
        else:
            record = {"path": location, **result.to_dict()}
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        elif fmt == "text":
            if isinstance(result, Article):
                click.echo(_as_text(result))
        else:
            results.append(record)
    if fmt == "json":
        payload: Any = results[0] if len(results) == 1 else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


def _as_text(article: Article) -> str:
    lines = [article.title, "=" * min(len(article.title), 80)]
    meta = [
        f"section: {article.section}" if article.section else "",
        f"by: {', '.join(article.authors)}" if article.authors else "",
        f"published: {article.published_at.date()} ({article.date_source})"
        if article.published_at
        else "published: unknown",
        f"page date: {article.page_date.date()}" if article.page_date else "",
    ]
    lines += [m for m in meta if m]
    lines.append("")
    for p in article.paragraphs:
        lines.append(f"## {p.text}" if p.kind == "h" else p.text)
        lines.append("")
    if article.contributors:
        lines.append(f"contributors: {', '.join(article.contributors)}")
    return "\n".join(lines)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--sitemap", default=None, help="Fetch every page a (news) sitemap lists.")
@cli_feeds.private_option
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    workers: int | None,
    sitemap: str | None,
    allow_private_networks: bool | None,
) -> None:
    """Read files, folders, archives or web pages (URLs); extract and store every article."""
    if not paths and not sitemap:
        raise click.UsageError("give PATHS or URLs to ingest, or --sitemap URL")
    settings = make_settings(db=db, workers=workers, allow_private_networks=allow_private_networks)
    if sitemap or any(cli_feeds._is_url(p) for p in paths):
        if not all(cli_feeds._is_url(p) for p in paths):
            raise click.UsageError("give either files or URLs, not both")
        cli_feeds.ingest_web(list(paths), sitemap, settings)
        return
    store = open_or_exit(settings)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} items"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    try:
        with progress:
            task = progress.add_task("ingesting", total=None)
            report = pipeline.ingest_paths(
                paths, store, settings, on_item=lambda _r: progress.advance(task)
            )
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()
    click.echo(
        f"stored {report.stored}, updated {report.updated}, "
        f"already known {report.known}, failed {len(report.failed)}"
    )
    for failure in report.failed[:50]:
        click.echo(f"  failed {failure.location}: {failure.reason}", err=True)
    if len(report.failed) > 50:
        click.echo(f"  … and {len(report.failed) - 50} more (newsdesk list --failed)", err=True)
    sys.exit(1 if report.failed else 0)


@main.command(name="list")
@db_option
@click.option("--failed", is_flag=True, help="List the inputs that failed, with reasons.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--limit", type=int, default=100, show_default=True)
def list_(db: str | None, failed: bool, fmt: str, limit: int) -> None:
    """List stored articles, newest first (or the failures)."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        if failed:
            rows = [
                {
                    "id": f.id,
                    "location": f.location,
                    "url": f.url,
                    "error": f.error,
                    "reason": f.reason,
                    "failed_at": f.failed_at.isoformat(),
                }
                for f in store.failures(limit)
            ]
            columns = ["location", "error", "reason"]
        else:
            rows = [_summary(s) for s in store.latest(limit)]
            columns = ["id", "title", "source", "published_at"]
    _print_rows(rows, columns, fmt)


def _summary(stored: StoredArticle) -> dict[str, Any]:
    a = stored.article
    return {
        "id": stored.id,
        "url": a.url,
        "title": a.title,
        "source": a.source or a.site_name,
        "published_at": a.published_at.isoformat() if a.published_at else None,
    }


def _print_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    Console().print(table)


@main.command()
@click.argument("article_id", type=int)
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(article_id: int, db: str | None, fmt: str) -> None:
    """Show one stored article."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        stored = store.get_article(article_id)
        if stored is None:
            raise click.ClickException(f"no article with id {article_id}")
        copies = pipeline_copies.copies_json(store, stored)  # issue 5
        copies_text = cli_copies.show_text(store, stored) if fmt != "json" else ""
        story_json = cli_stories.show_json(store, stored.id) if fmt == "json" else {}  # issue 6
        story_text = cli_stories.show_text(store, stored.id) if fmt != "json" else ""
        quote_json = cli_quotes.show_json(store, stored.id) if fmt == "json" else {}  # issue 7
        quote_text = cli_quotes.show_text(store, stored.id) if fmt != "json" else ""
    if fmt == "json":
        payload = {
            "id": stored.id,
            "ingested_at": stored.ingested_at.isoformat(),
            **stored.article.to_dict(),
            **copies,
            **story_json,
            **quote_json,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(_as_text(stored.article) + copies_text + story_text + quote_text)


@main.command()
@click.argument("article_id", type=int, required=False)
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--limit", type=int, default=None, help="At most this many groups.")
def copies(article_id: int | None, db: str | None, fmt: str, limit: int | None) -> None:
    """Copies of one article across sources: each group, its original and why."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        try:
            groups = cli_copies.groups_for(store, article_id, limit)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
    if article_id is not None and not groups:
        err_console.print(f"article {article_id} has no copies")
    cli_copies.echo_groups(groups, fmt)


@main.command()
@click.argument("query")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--limit", type=int, default=20, show_default=True)
def search(query: str, db: str | None, fmt: str, limit: int) -> None:
    """Full-text search over titles and bodies."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        try:
            hits = store.search(query, limit=limit)
        except NewsdeskError as exc:
            raise click.ClickException(str(exc)) from exc
    rows = [
        {
            "id": h.id,
            "url": h.url,
            "title": h.title,
            "source": h.source,
            "published_at": h.published_at.isoformat() if h.published_at else None,
            "snippet": h.snippet.replace("\x02", "").replace("\x03", ""),
        }
        for h in hits
    ]
    _print_rows(rows, ["id", "title", "source", "snippet"], fmt)


@main.command()
@db_option
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8000).")
def serve(db: str | None, host: str | None, port: int | None) -> None:
    """Serve the web site and API."""
    import uvicorn

    from newsdesk.web.app import create_app

    settings = make_settings(db=db, host=host, port=port)
    app = create_app(settings)
    click.echo(f"newsdesk is serving {settings.db} at http://{settings.host}:{settings.port}/")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


@main.command(name="copy-db")
@click.argument("source")
@click.argument("target")
@click.option("--batch-size", type=int, default=500, show_default=True)
def copy_db(source: str, target: str, batch_size: int) -> None:
    """Copy everything from one database to another (SQLite <-> PostgreSQL).

    Interrupted, it resumes where it stopped when run again.  It ends by
    comparing row counts and content hashes of both sides.
    """
    from newsdesk.store.copydb import copy_database

    src, dst = open_or_exit(make_settings(db=source)), open_or_exit(make_settings(db=target))
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed} rows"),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        ) as progress:
            task = progress.add_task("copying", total=None)

            def on_batch(table: str, rows: int) -> None:
                progress.update(task, description=f"copying {table}", advance=rows)

            report = copy_database(src.engine, dst.engine, batch_size=batch_size, on_batch=on_batch)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        src.close()
        dst.close()
    for t in report.tables:
        click.echo(f"{t.name}: copied {t.copied}, source {t.source_rows}, target {t.target_rows}")
    if not report.verified:
        raise click.ClickException("verification failed: counts or content hashes differ")
    click.echo("verified: row counts and content hashes are equal")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--out", "out_dir", type=click.Path(), default="batch-out", show_default=True)
@click.option("--load/--no-load", default=True, help="Bulk-load the results into the store.")
@click.option("--workers", type=int, default=None, help="Processes or Ray CPUs (default: cores).")
@db_option
def batch(
    paths: tuple[str, ...],
    executor: str,
    out_dir: str,
    load: bool,
    workers: int | None,
    db: str | None,
) -> None:
    """Batch-process large WARC/WET sets: one shard per file, Parquet out, resumable."""
    from pathlib import Path

    from newsdesk.pipeline.batch import run_batch

    settings = make_settings(db=db, workers=workers)
    store = open_or_exit(settings) if load else None
    try:
        report = run_batch(paths, Path(out_dir), settings, executor=executor, store=store)
    except ImportError as exc:
        raise click.ClickException(
            f"{exc}: install the extra, pip install 'newsdesk[ray]'"
        ) from exc
    finally:
        if store is not None:
            store.close()
    click.echo(
        f"shards done {report.shards_done}, skipped (already done) {report.shards_skipped}; "
        f"rows {report.rows}, failed {report.failed}; copy groups {len(report.copy_groups)}"
    )
    if report.loaded is not None:
        loaded = report.loaded
        click.echo(
            f"store: stored {loaded.stored}, updated {loaded.updated}, "
            f"already known {loaded.known}, failed {len(loaded.failed)}"
        )


main.add_command(cli_stories.stories)
main.add_command(cli_stories.related)
main.add_command(cli_quotes.quotes)
main.add_command(cli_quotes.enrich)
main.add_command(cli_check.check)  # consistency after a crash or full disk (issue 10)


cli_feeds.register(main)  # feeds, crawl, run (issue 4)
cli_export.register(main)  # export --format jsonl|csv|parquet (issue 8)


if __name__ == "__main__":  # pragma: no cover
    main()
