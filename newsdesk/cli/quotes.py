"""``newsdesk quotes``, ``newsdesk enrich`` and the entity/quote fields of ``show``.

Kept out of :mod:`newsdesk.cli` so the command module stays a thin list of
commands; the work is in :mod:`newsdesk.pipeline.quotes` and the store.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from newsdesk.cli.common import make_settings, open_or_exit
from newsdesk.errors import NewsdeskError
from newsdesk.pipeline.quotes import enrich_stored
from newsdesk.store.base import Store

QUOTE_FIELDS = ("article_url", "kind", "text", "speaker", "role", "cue", "start", "end")


def quote_record(row: dict[str, Any]) -> dict[str, Any]:
    """Exactly the documented ``--format jsonl`` fields, in order."""
    return {name: row.get(name) for name in QUOTE_FIELDS}


def show_json(store: Store, article_id: int) -> dict[str, Any]:
    """``entities`` and ``quotes`` for ``show --format json``; ``enrichment`` says
    whether they were looked for (a skipped article has none, and why)."""
    status = store.enrichment_status(article_id)
    return {
        "entities": [
            {"id": e["id"], "name": e["name"], "kind": e["kind"], "mentions": e["mentions"]}
            for e in store.article_entities(article_id)
        ],
        "quotes": [
            {k: q[k] for k in ("kind", "text", "speaker", "role", "cue", "start", "end")}
            for q in store.article_quotes(article_id)
        ],
        "enrichment": None
        if status is None
        else {"status": status["status"], "reason": status["reason"]},
    }


def show_text(store: Store, article_id: int) -> str:
    quotes = store.article_quotes(article_id)
    if not quotes:
        return ""
    lines = ["", "quotes:"]
    for q in quotes:
        who = q["speaker"] or "(unattributed)"
        role = f", {q['role']}" if q["role"] else ""
        lines.append(f"  [{q['kind']}] {who}{role}: {q['text'][:100]}")
    return "\n".join(lines)


@click.command()
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
@click.option("--speaker", default=None, help="Only quotes by this speaker (full name or surname).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table")
@click.option("--limit", type=int, default=None, help="At most this many quotes.")
def quotes(db: str | None, speaker: str | None, fmt: str, limit: int | None) -> None:
    """Attributed quotes from the stored articles, newest article first."""
    settings = make_settings(db=db)
    with open_or_exit(settings) as store:
        rows = store.quote_sources(speaker, limit)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(quote_record(row), ensure_ascii=False))
        return
    table = Table("speaker", "role", "kind", "quote", "article")
    for row in rows:
        table.add_row(
            row["speaker"] or "",
            row["role"] or "",
            row["kind"],
            row["text"][:120],
            str(row["article_id"]),
        )
    Console().print(table)


@click.command()
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--all", "redo", is_flag=True, help="Enrich every article again, not only new ones.")
def enrich(db: str | None, workers: int | None, redo: bool) -> None:
    """Find entities and quotes in stored articles (those not enriched yet)."""
    settings = make_settings(db=db, workers=workers)
    with open_or_exit(settings) as store:
        ids = store.unenriched_ids(redo)

        def items():  # type: ignore[no-untyped-def]
            for article_id in ids:
                stored = store.get_article(article_id)
                if stored is not None:
                    yield article_id, stored.article

        started = time.perf_counter()
        try:
            report = enrich_stored(store, items(), workers=settings.worker_count)
        except NewsdeskError as exc:
            raise click.ClickException(str(exc)) from exc
        seconds = time.perf_counter() - started
    done = report.enriched + report.skipped + report.failed
    rate = done / seconds if seconds > 0 else 0.0
    click.echo(
        f"enriched {report.enriched}, skipped {report.skipped}, failed {report.failed}: "
        f"{report.quotes} quotes, {report.entities} entities ({rate:.1f} articles/s)"
    )
    for article_id, reason in report.reasons[:50]:
        click.echo(f"  article {article_id}: {reason}", err=True)
    sys.exit(1 if report.failed else 0)
