"""``newsdesk export``: every stored article as JSONL, CSV or Parquet.

Registered on the main group by :mod:`newsdesk.cli`; the work is
:mod:`newsdesk.export`, which ``GET /api/v1/export`` uses too.
"""

from __future__ import annotations

import sys

import click

from newsdesk import export
from newsdesk.errors import NewsdeskError
from newsdesk.settings import Settings
from newsdesk.store import open_store


@click.command(name="export")
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="jsonl")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write here instead of standard output.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N, newest first.")
def export_command(db: str | None, fmt: str, output: str | None, limit: int | None) -> None:
    """Export stored articles, newest first (one row per article)."""
    try:
        settings = Settings.from_env(db=db)
        store = open_store(settings.db)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    with store:
        if output is None:
            export.write(store, fmt, sys.stdout.buffer, limit)  # type: ignore[arg-type]
            sys.stdout.buffer.flush()
        else:
            with open(output, "wb") as sink:
                export.write(store, fmt, sink, limit)  # type: ignore[arg-type]


def register(main: click.Group) -> None:
    main.add_command(export_command)
