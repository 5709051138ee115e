"""When to poll each feed next: pure functions of a feed's state and the clock.

Nothing here does I/O or reads the time itself, so the whole policy is tested
with a fake clock and a seeded random generator.

* A healthy feed is polled every ``interval`` seconds (a 304 counts as healthy).
* A failing one backs off exponentially from ``min(interval, 5 min)``, up to a
  day, with jitter (a random point in the upper half of the step) so feeds
  that failed together do not all retry together.
* ``Retry-After`` (429, 503) is honoured when it asks for longer, capped at
  six hours so one header cannot silence a feed for good.
* After ``max_failures`` consecutive failures the feed is disabled with the
  reason; ``feeds add`` of the same URL enables it again.
* Any success resets the failure count and the backoff.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from newsdesk.model import Feed

MAX_BACKOFF = 24 * 3600.0
RETRY_AFTER_CAP = 6 * 3600.0
BACKOFF_BASE_CAP = 300.0


def is_due(feed: Feed, now: datetime) -> bool:
    return not feed.disabled and (feed.next_poll_at is None or feed.next_poll_at <= now)


def after_success(
    feed: Feed,
    now: datetime,
    *,
    not_modified: bool = False,
    etag: str | None = None,
    last_modified: str | None = None,
    title: str | None = None,
    site_url: str | None = None,
) -> Feed:
    """The state after a good poll: counters reset, next poll one interval on."""
    return replace(
        feed,
        etag=feed.etag if not_modified else etag,
        last_modified=feed.last_modified if not_modified else last_modified,
        title=title or feed.title,
        site_url=site_url or feed.site_url,
        next_poll_at=now + timedelta(seconds=feed.interval),
        last_fetch_at=now,
        last_success_at=now,
        last_status="not modified" if not_modified else "ok",
        last_error=None,
        failures=0,
        disabled_reason=None,
    )


def backoff_seconds(feed: Feed, failures: int, rng: random.Random) -> float:
    """Exponential from ``min(interval, 5 min)``, capped at a day, jittered."""
    base = min(float(feed.interval), BACKOFF_BASE_CAP)
    step = min(base * 2 ** max(0, failures - 1), MAX_BACKOFF)
    return rng.uniform(step / 2, step)


def after_failure(
    feed: Feed,
    now: datetime,
    error: str,
    *,
    max_failures: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> Feed:
    """The state after a failed poll: backed off, or disabled at the limit."""
    failures = feed.failures + 1
    delay = backoff_seconds(feed, failures, rng or random.Random())
    if retry_after is not None:
        delay = max(delay, min(retry_after, RETRY_AFTER_CAP))
    disabled = None
    if failures >= max_failures:
        disabled = f"disabled after {failures} consecutive failures; last: {error}"
    return replace(
        feed,
        next_poll_at=now + timedelta(seconds=delay),
        last_fetch_at=now,
        last_status="error",
        last_error=error[:2000],
        failures=failures,
        disabled_reason=disabled,
    )


def next_wake(feeds: list[Feed], now: datetime, idle: float = 60.0) -> float:
    """Seconds until the earliest enabled feed is due (``idle`` when none is)."""
    times = [f.next_poll_at for f in feeds if not f.disabled]
    if not times:
        return idle
    if any(t is None for t in times):
        return 0.0
    earliest = min(t for t in times if t is not None)
    return max(0.0, min(idle, (earliest - now).total_seconds()))
