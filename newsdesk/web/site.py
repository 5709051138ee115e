"""What every page and API module of the web package shares: the store, the
settings, the templates, and the two helpers each handler needs.

:func:`~newsdesk.web.app.create_app` builds one :class:`Site` and hands it to
the route modules (``pages``, ``api``, ``admin``), so each stays a plain list
of handlers over the same store calls and no module reaches for globals.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from ..settings import Settings
from .security import NONCE_KEY

if TYPE_CHECKING:
    from ..store.base import Store

T = TypeVar("T")

SQLITE_MAX_INT = 2**63 - 1  # ids above this cannot exist and would overflow the driver
MAX_QUERY_CHARS = 300  # a search box, not a bulk API; bounds FTS work per request
MAX_FILTER_CHARS = 200
MAX_PAGE = 1000  # bounds OFFSET so deep paging cannot become a slow scan
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
# A request that came through a proxy is not local, whatever its socket says.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host")


@dataclass
class Site:
    store: Store
    settings: Settings
    templates: Jinja2Templates
    page_size: int

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (synchronous) store call in the threadpool: the loop stays free."""
        return await run_in_threadpool(fn, *args, **kwargs)

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("title", None)
        context[NONCE_KEY] = getattr(request.state, NONCE_KEY, "")
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    @property
    def admin_enabled(self) -> bool:
        return admin_enabled(self.settings)


def admin_enabled(settings: Settings) -> bool:
    """``admin = on|off|auto``; auto means on only when serving on a loopback address.

    The feeds admin has no accounts: its protection is that only this machine
    can reach it.  Binding to a public address therefore switches it off unless
    the operator says ``NEWSDESK_ADMIN=on`` (and even then, see :func:`is_local`).
    """
    mode = str(settings.admin).strip().lower()
    if mode in {"on", "1", "true", "yes"}:
        return True
    if mode in {"off", "0", "false", "no", ""}:
        return False
    return is_loopback(settings.host)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_local(request: Request) -> bool:
    """The request comes from this machine, directly (no proxy headers)."""
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    client = request.client
    return client is not None and is_loopback(client.host)


def int_param(request: Request, name: str, default: int | None) -> int | None:
    """A positive integer query parameter; anything else means the default."""
    raw = request.query_params.get(name, "")
    if not raw.isdigit():  # isdigit: no sign, no spaces, no "1e9"
        return default
    value = int(raw)
    return value if 0 < value <= SQLITE_MAX_INT else default


def text_param(request: Request, name: str, limit: int = MAX_FILTER_CHARS) -> str:
    """A free-text parameter, stripped and bounded; control characters removed."""
    raw = request.query_params.get(name, "")
    return "".join(ch for ch in raw if ch.isprintable()).strip()[:limit]


def parse_day(raw: str, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (or a full ISO timestamp) as an aware UTC datetime.

    With ``end`` a bare date means the start of the next day, so "until
    2024-03-05" includes all of the 5th.  Raises ``ValueError`` on bad input.
    """
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) == 10:
        day = date.fromisoformat(raw)
        value = datetime.combine(day, time(), tzinfo=UTC)
        if end:
            try:
                value = value + timedelta(days=1)
            except OverflowError:
                raise ValueError(f"date out of range: {raw}") from None
        return value
    value = datetime.fromisoformat(raw)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
