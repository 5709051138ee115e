"""Crawling feeds from a real local server into a real store, on a fake clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from webserver import Reply, TestServer, article_html, rss

from newsdesk.pipeline.crawl import Crawler
from newsdesk.settings import Settings
from newsdesk.store import open_store

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def server():
    with TestServer() as srv:
        srv.route(
            "/robots.txt",
            Reply(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        )
        yield srv


@pytest.fixture
def env(tmp_path, server):
    settings = Settings(
        db=str(tmp_path / "crawl.db"),
        workers=1,
        allow_private_networks=True,
        host_delay=0,
        fetch_workers=4,
        feed_max_failures=3,
        fetch_deadline=5,
        user_agent="newsdesk-test/1.0 (+https://example.org/bot)",
    )
    clock = Clock()
    with (
        open_store(settings.db) as store,
        Crawler(store, settings, clock=clock, rng=random.Random(1)) as crawler,
    ):
        yield store, crawler, clock


def pages(server, names):
    for name in names:
        server.route(f"/news/{name}", Reply(body=article_html(f"Story {name}").encode()))
    return [(f"guid-{n}", server.url(f"/news/{n}"), f"Story {n}") for n in names]


def test_crawl_stores_pages_then_304_then_only_new_entries(server, env):
    store, crawler, clock = env
    items = pages(server, ["a", "b", "c"])
    version = {"etag": '"v1"', "items": items}

    def feed(request):
        if request.headers.get("if-none-match") == version["etag"]:
            return Reply(304)
        return Reply(
            body=rss(version["items"], title="Local Paper"),
            headers={"ETag": version["etag"]},
            content_type="application/rss+xml",
        )

    server.route("/feed.xml", feed)
    store.add_feed(server.url("/feed.xml"), interval=600, section="Local")
    report = crawler.crawl()
    assert report.polled == 1 and report.entries == 3 and report.ingest.stored == 3
    stored = {s.article.url: s.article for s in store.latest(10)}
    article = stored[server.url("/news/a")]
    assert article.title == "Story a" and article.source == "Local Paper"
    assert article.section == "Local"
    (state,) = store.feeds()
    assert state.etag == '"v1"' and state.title == "Local Paper" and state.failures == 0
    assert state.next_poll_at == T0 + timedelta(seconds=600)

    # Not due yet: nothing is requested.
    before = len(server.log)
    assert crawler.crawl().polled == 0 and len(server.log) == before

    # Due, unchanged: a 304, nothing parsed or stored, no page fetched.
    clock.advance(600)
    report = crawler.crawl()
    assert report.not_modified == 1 and report.entries == 0 and report.ingest.total == 0
    assert server.paths()[before:] == ["/feed.xml"]

    # The feed changes: only the new entry's page is fetched.
    version["etag"] = '"v2"'
    version["items"] = pages(server, ["d"]) + items
    clock.advance(600)
    before = len(server.log)
    report = crawler.crawl()
    assert report.entries == 1 and report.ingest.stored == 1
    assert server.paths()[before:] == ["/feed.xml", "/news/d"]
    assert store.count_articles() == 4


def test_failing_feed_backs_off_then_is_disabled_with_reason(server, env):
    store, crawler, clock = env
    server.route("/broken.xml", Reply(500, b"oops"))
    store.add_feed(server.url("/broken.xml"), interval=600)
    for attempt in range(1, 4):
        report = crawler.crawl()
        assert report.polled == 1 and "HTTP 500" in report.feed_errors[0][1]
        (state,) = store.feeds()
        assert state.failures == attempt
        clock.now = state.next_poll_at
    assert state.disabled and "3 consecutive failures" in state.disabled_reason
    assert report.disabled and "HTTP 500" in report.disabled[0][1]
    clock.advance(10**6)
    assert crawler.crawl().polled == 0  # disabled feeds are not polled
    # Subscribing again enables it; a success resets the count.
    server.route(
        "/broken.xml", Reply(body=rss([], title="Fixed"), content_type="application/rss+xml")
    )
    store.add_feed(server.url("/broken.xml"), interval=600)
    assert crawler.crawl().feed_errors == []
    (state,) = store.feeds()
    assert state.failures == 0 and not state.disabled and state.title == "Fixed"


def test_retry_after_is_honoured(server, env):
    store, crawler, clock = env
    server.route("/busy.xml", Reply(429, b"", headers={"Retry-After": "7200"}))
    store.add_feed(server.url("/busy.xml"), interval=600)
    crawler.crawl()
    (state,) = store.feeds()
    assert state.next_poll_at == T0 + timedelta(seconds=7200)
    assert "429" in state.last_error


def test_crashing_and_malformed_feeds_are_recorded_errors(server, env):
    store, crawler, _ = env
    server.route("/crash.xml", Reply(body=b'<?xml version="1.0" encoding="utf\x008"?><rss/>'))
    server.route("/html.xml", Reply(body=b"<html><body>moved</body></html>"))
    store.add_feed(server.url("/crash.xml"), interval=600)
    store.add_feed(server.url("/html.xml"), interval=600)
    report = crawler.crawl()
    assert len(report.feed_errors) == 2
    assert all("MalformedInput" in reason for _url, reason in report.feed_errors)
    assert all(f.last_status == "error" for f in store.feeds())


def test_unavailable_page_falls_back_to_entry_content(server, env):
    store, crawler, _ = env
    items = [
        ("g1", server.url("/gone"), "Gone page"),  # 404
        ("g2", server.url("/private/secret"), "Robots page"),  # robots.txt disallows
    ]
    server.route("/feed.xml", Reply(body=rss(items), content_type="application/rss+xml"))
    store.add_feed(server.url("/feed.xml"), interval=600)
    report = crawler.crawl()
    assert report.ingest.stored == 2 and not report.ingest.failed
    assert "/private/secret" not in server.paths()
    titles = sorted(s.article.title for s in store.latest(10))
    assert titles == ["Gone page", "Robots page"]
    doc = store.get_document(store.latest(1)[0].id)
    assert doc.hints["via"] == "feed entry"
    art = store.latest(10)[0].article
    assert art.date_source == "feed" and art.published_at == datetime(2023, 9, 12, 8, tzinfo=UTC)


def test_page_without_fallback_is_a_recorded_failure(server, env):
    store, crawler, _ = env
    server.route(
        "/feed.xml",
        Reply(
            body=(
                b'<rss version="2.0"><channel><title>F</title><item><guid>x</guid>'
                b"<link>" + server.url("/missing").encode() + b"</link></item></channel></rss>"
            )
        ),
    )
    store.add_feed(server.url("/feed.xml"), interval=600)
    report = crawler.crawl()
    assert len(report.ingest.failed) == 1 and "404" in report.ingest.failed[0].reason
    assert store.failures()[0].location == server.url("/missing")
    assert store.seen_entries(1, ["x"]) == {"x"}  # handled: not fetched again


def test_wrong_charset_header_page(server, env):
    store, crawler, _ = env
    html = article_html("Élection à Montréal : résultats", charset="windows-1252").encode("cp1252")
    server.route("/p", Reply(body=html, content_type="text/html; charset=utf-8"))
    server.route("/feed.xml", Reply(body=rss([("g", server.url("/p"), "x")])))
    store.add_feed(server.url("/feed.xml"), interval=600)
    crawler.crawl()
    assert store.latest(1)[0].article.title == "Élection à Montréal : résultats"


def test_per_host_concurrency_is_limited(server, tmp_path):
    items = pages(server, [str(i) for i in range(8)])
    for _, url, _ in items:  # slow pages so requests would overlap if allowed
        path = url.split(str(server.port))[1]
        server.route(path, Reply(body=server.routes[path].body, trickle=0.0005))
    server.route("/feed.xml", Reply(body=rss(items)))
    settings = Settings(
        db=str(tmp_path / "c.db"),
        workers=1,
        allow_private_networks=True,
        host_delay=0,
        fetch_workers=8,
        host_concurrency=1,
    )
    with open_store(settings.db) as store, Crawler(store, settings) as crawler:
        store.add_feed(server.url("/feed.xml"), interval=600)
        assert crawler.crawl().ingest.stored == 8
    assert server.max_in_flight == 1


def test_guard_on_refuses_the_local_feed(server, tmp_path):
    server.route("/feed.xml", Reply(body=rss([])))
    settings = Settings(db=str(tmp_path / "g.db"), workers=1, host_delay=0)
    assert settings.allow_private_networks is False
    with open_store(settings.db) as store, Crawler(store, settings) as crawler:
        store.add_feed(server.url("/feed.xml"), interval=600)
        report = crawler.crawl()
    assert "Blocked" in report.feed_errors[0][1]
    assert server.log == []


def test_stop_leaves_feed_due_with_old_validators(server, env):
    store, crawler, _ = env
    items = pages(server, ["a", "b"])
    server.route("/feed.xml", Reply(body=rss(items), headers={"ETag": '"v1"'}))
    store.add_feed(server.url("/feed.xml"), interval=600)
    crawler.stop.set()  # a signal arrived before any page was fetched
    report = crawler.crawl()
    assert report.interrupted and report.ingest.total == 0
    (state,) = store.feeds()
    assert state.etag is None and state.next_poll_at is None  # still due, nothing lost
    crawler.stop.clear()
    assert crawler.crawl().ingest.stored == 2
