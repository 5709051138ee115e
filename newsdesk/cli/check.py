"""``newsdesk check``: is this database whole?

Runs the store's consistency checks (:mod:`newsdesk.store.durability`): page
integrity, the search index against its articles, and every pointer between
tables.  For an operator after a crash, a full disk or a restore; exit code 0
when all is well, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import sys

import click

from newsdesk.errors import NewsdeskError
from newsdesk.settings import Settings
from newsdesk.store import open_store


@click.command()
@click.option("--db", default=None, help="Database path or URL (env NEWSDESK_DB).")
def check(db: str | None) -> None:
    """Check the database for damage: integrity, search index, dangling rows."""
    try:
        settings = Settings.from_env(db=db)
        with open_store(settings.db) as store:
            problems = store.check_consistency()
            counts = store.count_rows()
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
    if not problems:
        click.echo(f"ok: {summary}")
        return
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{len(problems)} problem(s): {summary}")
    sys.exit(1)
