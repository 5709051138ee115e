"""The feed methods of the store, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from newsdesk.model import Article, Document, Paragraph

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_add_feed_is_new_once_and_resubscribing_enables_it_again(store):
    feed, created = store.add_feed("https://a.example/rss", interval=900, title="A")
    assert created and feed.id and feed.interval == 900 and feed.failures == 0
    assert feed.title == "A" and feed.next_poll_at is None
    store.save_feed(replace(feed, failures=5, disabled_reason="gone", next_poll_at=NOW))
    again, created = store.add_feed("https://a.example/rss", interval=60, section="World")
    assert not created and again.id == feed.id
    assert again.disabled_reason is None and again.failures == 0 and again.next_poll_at is None
    assert again.section == "World" and again.title == "A"  # a title is never overwritten
    assert [f.url for f in store.feeds()] == ["https://a.example/rss"]


def test_get_feed_by_id_or_url_and_remove(store):
    feed, _ = store.add_feed("https://a.example/rss", interval=900)
    assert store.get_feed(feed.id) == feed
    assert store.get_feed(str(feed.id)) == feed
    assert store.get_feed("https://a.example/rss") == feed
    assert store.get_feed("https://nope.example/") is None
    store.mark_entries(feed.id, [("k1", "https://a.example/1")])
    assert store.remove_feed(feed.url) is True
    assert store.remove_feed(feed.id) is False
    assert store.feeds() == []
    again, created = store.add_feed("https://a.example/rss", interval=900)
    assert created and store.seen_entries(again.id, ["k1"]) == set()  # entries went too


def test_save_feed_keeps_every_polling_field_in_utc(store):
    feed, _ = store.add_feed("https://a.example/rss", interval=900)
    polled = replace(
        feed,
        title="Feed title",
        site_url="https://a.example/",
        etag='W/"abc"',
        last_modified="Sun, 29 Nov 2026 11:00:00 GMT",
        next_poll_at=NOW + timedelta(minutes=15),
        last_fetch_at=NOW,
        last_success_at=NOW - timedelta(hours=1),
        last_status="not modified",
        last_error="timeout " * 40,
        failures=2,
    )
    store.save_feed(polled)
    stored = store.get_feed(feed.id)
    assert stored == polled
    assert stored.next_poll_at.tzinfo is not None
    assert stored.next_poll_at.utcoffset() == timedelta(0)


def test_due_feeds_most_overdue_first_never_disabled(store):
    new, _ = store.add_feed("https://new.example/rss", interval=900)  # never polled: due now
    late, _ = store.add_feed("https://late.example/rss", interval=900)
    later, _ = store.add_feed("https://later.example/rss", interval=900)
    future, _ = store.add_feed("https://future.example/rss", interval=900)
    off, _ = store.add_feed("https://off.example/rss", interval=900)
    store.save_feed(replace(late, next_poll_at=NOW - timedelta(hours=2)))
    store.save_feed(replace(later, next_poll_at=NOW - timedelta(minutes=1)))
    store.save_feed(replace(future, next_poll_at=NOW + timedelta(minutes=1)))
    store.save_feed(replace(off, disabled_reason="410 Gone"))
    due = [f.url for f in store.due_feeds(NOW)]
    assert due == [new.url, late.url, later.url]
    assert [f.url for f in store.due_feeds(NOW, limit=2)] == [new.url, late.url]


def test_entries_are_marked_once_per_feed(store):
    a, _ = store.add_feed("https://a.example/rss", interval=900)
    b, _ = store.add_feed("https://b.example/rss", interval=900)
    keys = [f"guid-{i}" for i in range(1200)]  # more than one chunk of IN (...)
    store.mark_entries(a.id, [(k, f"https://a.example/{k}") for k in keys[:700]])
    store.mark_entries(a.id, [(k, None) for k in keys[600:]])  # overlap is kept once
    store.mark_entries(a.id, [])
    assert store.seen_entries(a.id, keys) == set(keys)
    assert store.seen_entries(b.id, keys) == set()
    assert store.seen_entries(a.id, ["guid-5", "guid-5", "other"]) == {"guid-5"}


def test_known_urls_are_the_stored_articles(store):
    for i in range(3):
        article = Article(
            url=f"https://a.example/{i}", title=f"t{i}", paragraphs=[Paragraph("Body text.")]
        )
        store.add_article(
            article, Document(location=f"{i}.html", content=b"x", content_type="html")
        )
    asked = [f"https://a.example/{i}" for i in range(1100)]
    assert store.known_urls(asked) == {f"https://a.example/{i}" for i in range(3)}
    assert store.known_urls([]) == set()


def test_times_in_another_zone_are_stored_as_the_same_instant(store):
    feed, _ = store.add_feed("https://a.example/rss", interval=900)
    east = timezone(timedelta(hours=5))
    store.save_feed(replace(feed, next_poll_at=(NOW + timedelta(minutes=30)).astimezone(east)))
    assert store.get_feed(feed.id).next_poll_at == NOW + timedelta(minutes=30)
    assert store.due_feeds(NOW.astimezone(east)) == []
    assert len(store.due_feeds((NOW + timedelta(hours=1)).astimezone(east))) == 1
