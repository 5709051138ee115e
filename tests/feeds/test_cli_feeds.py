"""The feed commands end to end, as a user runs them, against a local server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from webserver import Reply, TestServer, article_html, rss, wait_until

from newsdesk.store import open_store


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("NEWSDESK_HOST_DELAY", "0")
    with TestServer() as srv:
        items = []
        for name in ("one", "two"):
            srv.route(f"/news/{name}", Reply(body=article_html(f"Story {name}").encode()))
            items.append((name, srv.url(f"/news/{name}"), f"Story {name}"))
        srv.route("/feed.xml", Reply(body=rss(items, title="CLI Paper")))
        yield srv


def test_feeds_add_list_crawl_export_import_remove(run_cli, server, tmp_path):
    db = tmp_path / "cli.db"
    out = run_cli("feeds", "add", server.url("/feed.xml"), "--section", "World", db=db).stdout
    assert "added feed 1" in out
    listed = run_cli("feeds", "list", "--format", "jsonl", db=db).stdout
    row = json.loads(listed.splitlines()[0])
    assert row["status"] == "new" and row["section"] == "World" and row["next_poll_at"] is None

    out = run_cli("crawl", db=db).stdout
    assert "stored 2" in out
    row = json.loads(run_cli("feeds", "list", "--format", "jsonl", db=db).stdout)
    assert row["title"] == "CLI Paper" and row["status"] == "ok" and row["last_fetch_at"]
    assert "CLI Paper" in run_cli("feeds", "list", db=db).stdout

    opml = run_cli("feeds", "export", db=db).stdout
    assert server.url("/feed.xml") in opml and 'text="World"' in opml
    path = tmp_path / "subs.opml"
    path.write_text(opml)
    other = tmp_path / "other.db"
    assert "imported 1 feeds (1 new)" in run_cli("feeds", "import", str(path), db=other).stdout

    assert "removed" in run_cli("feeds", "remove", "1", db=db).stdout
    assert run_cli("feeds", "list", "--format", "jsonl", db=db).stdout == ""
    assert run_cli("feeds", "remove", "1", db=db, check=1).returncode == 1


def test_failing_feed_shows_its_error(run_cli, server, tmp_path):
    db = tmp_path / "cli.db"
    server.route("/bad.xml", Reply(503, b"", headers={"Retry-After": "60"}))
    run_cli("feeds", "add", server.url("/bad.xml"), db=db)
    proc = run_cli("crawl", db=db, check=1)
    assert "HTTP 503" in proc.stderr
    row = json.loads(run_cli("feeds", "list", "--format", "jsonl", db=db).stdout)
    assert row["status"] == "failing (1)" and "503" in row["last_error"]


def test_guard_is_on_without_the_setting(run_cli, server, tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSDESK_ALLOW_PRIVATE_NETWORKS")
    db = tmp_path / "cli.db"
    proc = run_cli("ingest", server.url("/news/one"), db=db, check=1)
    assert "Blocked" in proc.stderr or "refused" in proc.stderr
    proc = run_cli("ingest", server.url("/news/one"), "--allow-private-networks", db=db)
    assert "stored 1" in proc.stdout


def test_ingest_url_and_sitemap(run_cli, server, tmp_path):
    db = tmp_path / "cli.db"
    assert "stored 1" in run_cli("ingest", server.url("/news/one"), db=db).stdout
    sitemap = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>{server.url("/news/one")}</loc></url><url><loc>{server.url("/news/two")}</loc></url>
    </urlset>"""
    server.route("/sitemap.xml", Reply(body=sitemap.encode(), content_type="application/xml"))
    out = run_cli("ingest", "--sitemap", server.url("/sitemap.xml"), db=db).stdout
    assert "stored 1" in out and "already known 1" in out
    assert run_cli("ingest", db=db, check=2).returncode == 2


def test_run_polls_until_sigterm_then_stops_cleanly(server, tmp_path):
    db = tmp_path / "run.db"
    with open_store(str(db)) as store:
        store.add_feed(server.url("/feed.xml"), interval=3600)
    exe = Path(sys.executable).with_name("newsdesk")
    env = {**os.environ, "NEWSDESK_DB": str(db), "NEWSDESK_WORKERS": "2"}
    proc = subprocess.Popen(
        [str(exe), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:

        def stored() -> bool:
            with open_store(str(db)) as store:
                return store.count_articles() == 2

        assert wait_until(stored, timeout=60)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in err and "stored 2" in out
    with open_store(str(db)) as store:
        (feed,) = store.feeds()
        assert feed.last_status == "ok" and store.seen_entries(feed.id, ["one", "two"]) == {
            "one",
            "two",
        }
