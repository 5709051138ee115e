"""Politeness per host: a cap on concurrent requests and a gap between starts.

Every fetch of a crawl passes :meth:`HostGate.slot` for its URL's host, so
however many worker threads there are, one site sees at most ``concurrency``
requests at once from us, started at least ``delay`` seconds apart (or the
site's own ``Crawl-delay`` when that is longer).  The clock and sleep are
parameters so the tests can check the schedule without waiting for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


class HostGate:
    def __init__(
        self,
        concurrency: int = 2,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self.clock = clock
        self.sleep = sleep
        self._guard = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._starts: dict[str, threading.Lock] = {}

    @staticmethod
    def host(url: str) -> str:
        return (urlsplit(url).hostname or "").lower()

    @contextmanager
    def slot(self, url: str, delay: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots for the duration of a request."""
        host = self.host(url)
        with self._guard:
            sem = self._slots.setdefault(host, threading.Semaphore(self.concurrency))
            start_lock = self._starts.setdefault(host, threading.Lock())
        gap = max(self.delay, delay or 0.0)
        with sem:
            with start_lock:  # starts to one host are serialised and spaced
                wait = self._next_start.get(host, 0.0) - self.clock()
                if wait > 0:
                    self.sleep(wait)
                self._next_start[host] = self.clock() + gap
            yield
