"""What every command module shares: the console, ``--db``, settings and the store.

Errors from building settings are usage errors (exit 2); a store that cannot
be opened is a clean one-line error, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from newsdesk.errors import NewsdeskError
from newsdesk.settings import Settings
from newsdesk.store import SqlStore, open_store

err_console = Console(stderr=True)


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", default=None, help="Database path or URL (env NEWSDESK_DB, default ./newsdesk.db)."
    )(fn)


def make_settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except NewsdeskError as exc:
        raise click.UsageError(str(exc)) from exc


def open_or_exit(settings: Settings) -> SqlStore:
    try:
        return open_store(settings.db)
    except NewsdeskError as exc:
        raise click.ClickException(str(exc)) from exc
