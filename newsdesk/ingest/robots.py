"""robots.txt for article pages, read with protego and cached per site.

Only pages are checked: a feed is something its publisher offers for
machines to poll, and the person subscribing asked for it.  The rules follow
RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be
fetched (5xx, network error, timeout) disallows the site until the cache
entry expires, since the site may be struggling; a huge one is cut at 500 KiB.
``Crawl-delay`` is honoured (capped) through :meth:`RobotsCache.crawl_delay`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from ..errors import FetchError, HTTPStatus
from .fetch import Fetcher
from .polite import HostGate

MAX_ROBOTS_BYTES = 500 * 1024
MAX_CRAWL_DELAY = 30.0
TTL = 24 * 3600.0
RETRY_UNREACHABLE = 3600.0


class RobotsCache:
    """Per-site robots rules; thread-safe, one fetch per site at a time."""

    def __init__(
        self,
        fetcher: Fetcher,
        user_agent: str,
        clock: Callable[[], float] = time.monotonic,
        gate: HostGate | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.gate = gate
        self.agent = user_agent.split("/")[0]
        self.clock = clock
        self._rules: dict[str, tuple[float, Protego | None, bool]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @staticmethod
    def site(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _get(self, url: str) -> tuple[Protego | None, bool]:
        """(rules, allow_all); rules None with allow_all False means disallow all."""
        site = self.site(url)
        with self._guard:
            lock = self._locks.setdefault(site, threading.Lock())
        with lock:
            cached = self._rules.get(site)
            if cached is not None and cached[0] > self.clock():
                return cached[1], cached[2]
            rules, allow_all, ttl = self._fetch(site)
            self._rules[site] = (self.clock() + ttl, rules, allow_all)
            return rules, allow_all

    def _fetch(self, site: str) -> tuple[Protego | None, bool, float]:
        url = f"{site}/robots.txt"
        try:
            if self.gate is not None:
                with self.gate.slot(url):
                    result = self.fetcher.fetch(
                        url, accept="text/plain", max_bytes=MAX_ROBOTS_BYTES
                    )
            else:
                result = self.fetcher.fetch(url, accept="text/plain", max_bytes=MAX_ROBOTS_BYTES)
        except HTTPStatus as exc:
            if 400 <= exc.status < 500:
                return None, True, TTL
            return None, False, RETRY_UNREACHABLE
        except FetchError:
            return None, False, RETRY_UNREACHABLE
        text = result.content.decode("utf-8", errors="replace")
        try:
            return Protego.parse(text), False, TTL
        except Exception:  # an unparseable robots.txt restricts nothing
            return None, True, TTL

    def allowed(self, url: str) -> bool:
        rules, allow_all = self._get(url)
        if allow_all:
            return True
        if rules is None:
            return False
        return bool(rules.can_fetch(url, self.agent))

    def crawl_delay(self, url: str) -> float:
        """The site's ``Crawl-delay`` for us, capped; 0 when none was set."""
        rules, _ = self._get(url)
        if rules is None:
            return 0.0
        delay = rules.crawl_delay(self.agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0
