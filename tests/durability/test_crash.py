"""SIGKILL an ingest at random moments: the store stays whole and a rerun finishes the job.

Each scenario (files: HTML pages and a WARC; crawl: a feed on a real local
server) is first run cleanly to get the reference state.  Then chains of
killed runs work on one database: after every kill the store's consistency
checks must pass (SQLite ``integrity_check``, the search index against its
articles, no row pointing at nothing, no raw document without its article);
at the end of a chain one run to completion must reach the reference state
exactly: the same articles with the same content hashes, and every article
with its follow-ups (copy index, copy group membership, story placement).

Kill delays are drawn (seeded) from the measured length of a clean run, so the
kills land anywhere from start-up to the last commit, and the total time stays
bounded by a few dozen runs of a small input.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from crashkit import State, env_for, kill_after, run_to_end, state
from inputs import article_page, write_inputs
from webserver import Reply, TestServer, rss

CHAIN = 5  # kills on one database before the run that must finish the job
SEED = 10
# Counts that must match the clean run (story and group ids may differ by batch order).
COMPARED = (
    "documents",
    "articles",
    "copy_signatures",
    "copy_members",
    "copy_groups",
    "article_stories",
    "article_enrichments",
    "feed_entries",
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return write_inputs(tmp_path_factory.mktemp("crash-inputs"))


@pytest.fixture(scope="module")
def feed_server() -> Iterator[TestServer]:
    with TestServer() as srv:
        items = []
        for n in range(12):
            path = f"/news/{n}"
            srv.route(path, Reply(body=article_page(300 + n, srv.url(path))))
            items.append((f"guid-{n}", srv.url(path), f"Report {n}"))
        srv.route("/feed.xml", Reply(body=rss(items), content_type="application/rss+xml"))
        yield srv


def _compare(reference: State, after: State) -> None:
    assert after.problems == []
    assert after.hashes == reference.hashes
    for name in COMPARED:
        assert after.counts[name] == reference.counts[name], (name, after.counts, reference.counts)


def _kill_chains(
    new_db: Callable[[], str],
    prepare: Callable[[str], None],
    args: list[str],
    kills: int,
    seed: int,
) -> None:
    reference_db = new_db()
    prepare(reference_db)
    length = run_to_end(args, env_for(reference_db))
    reference = state(reference_db)
    assert reference.problems == [] and reference.counts["articles"] >= 10
    rng = random.Random(seed)
    done = 0
    while done < kills:
        db = new_db()
        prepare(db)
        env = env_for(db)
        in_chain = 0
        attempts = 0
        while in_chain < min(CHAIN, kills - done) and attempts < 4 * CHAIN:
            attempts += 1
            if not kill_after(args, env, rng.uniform(0.05, 1.0) * length):
                continue  # finished before the kill: try again with a new delay
            in_chain += 1
            after = state(db)
            assert after.problems == [], f"after kill {done + in_chain}: {after.problems}"
        assert in_chain > 0, "every run finished before its kill"
        done += in_chain
        run_to_end(args, env)
        _compare(reference, state(db))


def _files(inputs: list[str]) -> tuple[Callable[[str], None], list[str]]:
    return (lambda _db: None), ["ingest", *inputs]


def _crawl(server: TestServer) -> tuple[Callable[[str], None], list[str]]:
    def prepare(db: str) -> None:
        run_to_end(["feeds", "add", server.url("/feed.xml")], env_for(db))

    return prepare, ["crawl"]


@pytest.mark.parametrize(("scenario", "kills"), [("files", 35), ("crawl", 15)])
def test_sqlite_survives_sigkill(scenario, kills, inputs, feed_server, new_db):
    prepare, args = _files(inputs) if scenario == "files" else _crawl(feed_server)
    _kill_chains(lambda: new_db("sqlite"), prepare, args, kills, SEED + kills)


@pytest.mark.parametrize(("scenario", "kills"), [("files", 5), ("crawl", 5)])
def test_postgresql_survives_sigkill(scenario, kills, inputs, feed_server, new_db):
    prepare, args = _files(inputs) if scenario == "files" else _crawl(feed_server)
    _kill_chains(lambda: new_db("postgresql"), prepare, args, kills, SEED + 100 + kills)


def test_enrichment_survives_sigkill(inputs, new_db):
    """Entities and quotes are written too when enrichment is on (slower: a few kills)."""
    prepare, args = _files(inputs)

    def make() -> str:
        return new_db("sqlite")

    reference_db = make()
    env = env_for(reference_db, NEWSDESK_ENRICH="1")
    length = run_to_end(args, env)
    reference = state(reference_db)
    assert reference.counts["article_enrichments"] == reference.counts["articles"]
    rng = random.Random(SEED)
    db = make()
    env = env_for(db, NEWSDESK_ENRICH="1")
    kills = 0
    for _ in range(12):
        if kill_after(args, env, rng.uniform(0.3, 1.0) * length):
            kills += 1
            assert state(db).problems == []
        if kills == 3:
            break
    run_to_end(args, env)
    _compare(reference, state(db))


def test_check_command_reports_damage(run_cli, tmp_path, inputs):
    """``newsdesk check`` is ok on a clean store and names dangling rows in a damaged one."""
    db = tmp_path / "damaged.db"
    run_cli("ingest", *inputs, db=db)
    assert run_cli("check", db=db).stdout.startswith("ok: ")
    import sqlite3

    with sqlite3.connect(db) as conn:  # damage it behind the store's back
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM documents WHERE id = (SELECT min(document_id) FROM articles)")
        conn.execute("DELETE FROM articles WHERE id = (SELECT max(article_id) FROM copy_members)")
    proc = run_cli("check", db=db, check=1)
    assert "without their raw document" in proc.stderr
    assert "copy member(s) that are missing articles" in proc.stderr
    assert Path(db).exists()
