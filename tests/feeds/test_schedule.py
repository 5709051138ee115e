"""The polling policy with a fake clock: intervals, backoff, Retry-After, disabling."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newsdesk.ingest import schedule
from newsdesk.ingest.polite import HostGate
from newsdesk.model import Feed

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def feed(**kw) -> Feed:
    return Feed(id=1, url="http://example.org/feed", interval=1800, **kw)


def test_new_feed_is_due_and_success_schedules_one_interval():
    f = feed()
    assert schedule.is_due(f, T0)
    ok = schedule.after_success(f, T0, etag='"a"', last_modified="x", title="T")
    assert ok.next_poll_at == T0 + timedelta(seconds=1800)
    assert not schedule.is_due(ok, T0 + timedelta(seconds=1799))
    assert schedule.is_due(ok, T0 + timedelta(seconds=1800))
    assert (ok.etag, ok.title, ok.last_status) == ('"a"', "T", "ok")
    same = schedule.after_success(ok, T0, not_modified=True)
    assert same.etag == '"a"' and same.last_status == "not modified"


def test_backoff_grows_with_jitter_and_is_capped():
    rng = random.Random(7)
    f = feed()
    delays = []
    for i in range(12):
        now = T0 + timedelta(days=i)
        f = schedule.after_failure(f, now, "HTTPStatus: HTTP 500", max_failures=100, rng=rng)
        delays.append((f.next_poll_at - now).total_seconds())
    for n, delay in enumerate(delays, start=1):
        step = min(300 * 2 ** (n - 1), schedule.MAX_BACKOFF)
        assert step / 2 <= delay <= step
    assert delays[-1] <= schedule.MAX_BACKOFF
    assert f.failures == 12 and f.last_status == "error"


def test_jitter_spreads_feeds_that_failed_together():
    delays = {
        schedule.after_failure(
            feed(failures=3), T0, "x", max_failures=10, rng=random.Random(s)
        ).next_poll_at
        for s in range(20)
    }
    assert len(delays) > 10


def test_retry_after_honoured_and_capped():
    f = schedule.after_failure(
        feed(), T0, "429", max_failures=10, retry_after=3600, rng=random.Random(1)
    )
    assert f.next_poll_at == T0 + timedelta(seconds=3600)
    f = schedule.after_failure(
        feed(), T0, "429", max_failures=10, retry_after=10**9, rng=random.Random(1)
    )
    assert f.next_poll_at == T0 + timedelta(seconds=schedule.RETRY_AFTER_CAP)
    # A short Retry-After never shortens the backoff.
    f = schedule.after_failure(
        feed(failures=5), T0, "503", max_failures=10, retry_after=1, rng=random.Random(1)
    )
    assert (f.next_poll_at - T0).total_seconds() >= 300 * 2**5 / 2


def test_disabled_after_n_failures_with_reason_and_success_resets():
    f = feed()
    for _ in range(3):
        f = schedule.after_failure(
            f, T0, "Timeout: timed out", max_failures=3, rng=random.Random(1)
        )
    assert f.disabled and "3 consecutive failures" in f.disabled_reason
    assert "Timeout: timed out" in f.disabled_reason
    assert not schedule.is_due(f, T0 + timedelta(days=365))
    g = schedule.after_failure(feed(), T0, "x", max_failures=3, rng=random.Random(1))
    g = schedule.after_success(g, T0)
    assert g.failures == 0 and g.last_error is None
    assert g.next_poll_at == T0 + timedelta(seconds=1800)


def test_next_wake():
    a = feed(next_poll_at=T0 + timedelta(seconds=30))
    b = feed(next_poll_at=T0 + timedelta(seconds=10))
    assert schedule.next_wake([a, b], T0) == 10
    assert schedule.next_wake([feed()], T0) == 0
    assert schedule.next_wake([], T0, idle=60) == 60


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_host_gate_spaces_starts_per_host():
    clock = FakeClock()
    gate = HostGate(concurrency=2, delay=1.5, clock=clock, sleep=clock.sleep)
    starts = []
    for url in ["http://a.test/1", "http://a.test/2", "http://b.test/1", "http://a.test/3"]:
        with gate.slot(url):
            starts.append((HostGate.host(url), clock.now))
    a = [t for h, t in starts if h == "a.test"]
    assert all(later - earlier >= 1.5 for earlier, later in zip(a, a[1:], strict=False))
    assert ("b.test", 1.5) in starts  # another host does not wait for a.test's gap
    with gate.slot("http://c.test/", delay=10):
        pass
    before = clock.now
    with gate.slot("http://c.test/2"):
        assert clock.now - before == 10  # a Crawl-delay longer than ours is kept
    assert clock.sleeps == [1.5, 1.5, 10]
