"""Stories: the clustering core on plain values, then through a real SQLite store."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from scipy import sparse
from stories_data import FLOOD, LONER, QUAKE, write

from newsdesk.connect.features import article_terms, dates, names, tokens
from newsdesk.connect.related import Candidate, see_also
from newsdesk.connect.stories import (
    Member,
    StoryParams,
    Topic,
    TopicIndex,
    _reassign,
    keep_ids,
    split_evidence,
    split_topic,
    top_story_score,
)
from newsdesk.pipeline import ingest_paths
from newsdesk.pipeline.stories import top_stories
from newsdesk.settings import Settings
from newsdesk.store import open_store

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def member(i: int, vector: dict[str, float], at: datetime = NOW) -> Member:
    return Member(i, vector, at, f"site{i}", f"article {i}")


def test_features_keep_names_and_numbers_and_drop_stop_words():
    assert tokens("The magnitude 6.1 quake hit Napa") == [
        "magnitude",
        "#6.1",
        "quake",
        "hit",
        "napa",
    ]
    assert names("Rescuers in Napa Valley said. Officials met Jerry Brown.") == [
        "@napa valley",
        "@jerry brown",
    ]
    counts = article_terms("Napa quake", ["Napa shook.", "later text about napa"])
    assert counts["napa"] > counts["text"]  # headline and lead count more


def test_dates_are_features_at_the_precision_written():
    assert dates("Lohan checks in | May 03, 2013 | after 8 / 2 / 13") == [
        "%2013-05",
        "%2013-05-03",
        "%2013-08",
        "%2013-08-02",
    ]
    assert dates("on 14th June and in September 2010") == ["%06-14", "%2010-09"]
    assert dates("31 / 12 / 2008") == ["%2008-12", "%2008-12-31"]  # day first: no month 31
    assert dates("on 45 May") == []
    counts = article_terms("Quake", ["It struck on 3 May 2014."])
    assert counts["%2014-05-03"] > 0


def test_tagged_entities_replace_capitalised_runs_as_names():
    text = ["Police said Tara Reid entered Promises on Sunday."]
    guessed = article_terms("Reid in rehab", text)
    assert "@police" not in guessed and "@tara reid" in guessed
    tagged = article_terms("Reid in rehab", text, [("Tara Reid", 2), ("Promises", 1)])
    assert tagged["@tara reid"] == 2 and tagged["@promises"] == 1
    assert not {"@reid in rehab", "@sunday"} & set(tagged)  # no guessed names left
    assert tagged["rehab"] == guessed["rehab"]  # words are the same either way


def test_reassignment_moves_an_article_to_the_story_it_resembles():
    sims = np.array(
        [
            [1.0, 0.9, 0.9, 0.1],
            [0.9, 1.0, 0.9, 0.1],
            [0.9, 0.9, 1.0, 0.1],
            [0.8, 0.8, 0.8, 1.0],  # placed with nobody, but like the first three
        ]
    )
    assert _reassign(sims, np.array([0, 0, 1, 1]), 3).tolist() == [0, 0, 0, 0]
    assert _reassign(sims, np.array([0, 0, 0, 0]), 3).tolist() == [0, 0, 0, 0]


def test_split_keeps_two_same_kind_events_apart():
    quake = {"quake": 0.5, "magnitude": 0.5}
    napa = [member(i, {**quake, "@napa": 0.5, "%2014-08-24": 0.5}) for i in range(4)]
    iran = [member(10 + i, {**quake, "@qeshm": 0.5, "%2005-11-27": 0.5}) for i in range(4)]
    groups = split_topic(napa + iran, StoryParams())
    assert sorted(sorted(m.article_id for m in g) for g in groups) == [
        [0, 1, 2, 3],
        [10, 11, 12, 13],
    ]


def test_split_evidence_counts_features_that_separate_the_halves():
    # columns: a name on all of half A, a word on 3 articles of A only, a word on both
    a = sparse.csr_matrix([[1, i < 3, 1] for i in range(12)], dtype=np.int32)
    b = sparse.csr_matrix([[0, 0, 1] for _ in range(12)], dtype=np.int32)
    assert split_evidence(a, b, StoryParams()) == 1  # only the name: 12 vs 0
    assert split_evidence(b, a, StoryParams()) == 1  # either side
    # two against two proves nothing, however exclusive (p = 1/6)
    tiny = sparse.csr_matrix([[1], [1]], dtype=np.int32)
    assert split_evidence(tiny, sparse.csr_matrix([[0], [0]], dtype=np.int32), StoryParams()) == 0


def _quakes(places: list[str], n: int, words: int, seed: int = 0) -> list[Member]:
    """``n`` reports per place: the place, and 4 of ``words`` background words at random."""
    rng = random.Random(seed)
    out = []
    for e, place in enumerate(places):
        for i in range(n):
            vector = {"quake": 1.0, place: 1.0, f"%{place}-date": 1.0}
            vector.update({f"bg{w}": 1.0 for w in rng.sample(range(words), 4)})
            out.append(member(100 * e + i, vector))
    return out


def test_split_keeps_same_kind_events_apart_when_they_share_background():
    # Two quakes whose reports share as much background with the other quake's as with
    # their own: the similarity ratio alone (about 0.43) keeps them together; the place
    # and the date, each on every report of one quake and none of the other, split them.
    both = _quakes(["@napa", "@qeshm"], 12, words=8)
    assert len(split_topic(both, StoryParams(evidence_p=0.0))) == 1
    groups = split_topic(both, StoryParams())
    assert sorted(sorted(m.article_id for m in g) for g in groups) == [
        list(range(12)),
        list(range(100, 112)),
    ]
    # One quake with diffuse background: a bisection exists, but no feature backs it.
    assert len(split_topic(_quakes(["@napa"], 24, words=16), StoryParams())) == 1


def test_identical_articles_stay_one_story():
    # The tree of identical vectors has no second cluster to cut off.
    assert len(split_topic([member(i, {"quake": 1.0}) for i in range(8)], StoryParams())) == 1


def test_an_odd_article_does_not_stop_a_split():
    # The top cut of the tree separates the one unrelated article from everything;
    # it is set aside and the rest is cut again.
    napa = [member(i, {"quake": 0.5, "@napa": 0.5, f"n{i}": 0.7}) for i in range(9)]
    qeshm = [member(100 + i, {"quake": 0.5, "@qeshm": 0.5, f"q{i}": 0.7}) for i in range(9)]
    odd = member(999, {"weather": 1.0})
    groups = split_topic([*napa, odd, *qeshm], StoryParams())
    ids = [{m.article_id for m in g} - {999} for g in groups]
    assert sorted(sorted(g) for g in ids if g) == [list(range(9)), list(range(100, 109))]
    old = StoryParams(min_side=2, evidence_p=0.0)  # before: a side of 1 ended the split
    assert len(split_topic([*napa, odd, *qeshm], old)) == 1


def test_topics_form_and_merge_when_a_bridging_article_arrives_last():
    index = TopicIndex([], StoryParams())
    a = index.add(member(1, {"quake": 1.0}))
    b = index.add(member(2, {"napa": 1.0}))
    assert a.key != b.key  # nothing in common: two topics
    bridge = index.add(member(3, {"quake": 0.7071, "napa": 0.7071}))
    assert len(index.topics) == 1
    assert sorted(m.article_id for m in bridge.new_members) == [1, 2, 3]


def _stored(i: int, vector: dict[str, float], story_id: int) -> Member:
    m = member(i, vector)
    m.story_id = story_id
    return m


def test_settle_moves_a_stored_stray_to_the_topic_it_fits_today():
    # Topic 1 was built when "report" looked rare; weighed again today, article 3
    # shares nothing with 1 and 2 but matches topic 2 (which stays untouched).
    quake = Topic(1, 3, {"quake": 2.0, "report": 1.0}, None, None)
    flood = Topic(2, 1, {"flood": 1.0}, None, None)
    index = TopicIndex([quake, flood], StoryParams())
    index.add(member(10, {"quake": 1.0}))  # a new article touches topic 1
    stored = {
        1: [_stored(1, {"quake": 1.0}, 7), _stored(2, {"quake": 1.0}, 7)],
        2: [_stored(5, {"flood": 1.0}, 8)],
    }
    stored[1].append(_stored(3, {"flood": 1.0}, 7))  # today's weights: a flood report
    asked: list[list[int]] = []

    def load(keys: list[int]) -> dict[int, list[Member]]:
        asked.append(keys)
        return {k: stored[k] for k in keys if k in stored}

    loaded = index.settle(load)
    assert asked == [[1], [2]] and loaded == {1, 2}  # the stray's new topic is settled too
    ids = {
        k: sorted(m.article_id for m in (*t.new_members, *t.old_members))
        for k, t in index.topics.items()
    }
    assert ids == {1: [1, 2, 10], 2: [3, 5]}
    assert index.topics[1].size == 3 and index.topics[1].total == {"quake": 3.0}


def test_settle_keeps_a_stray_no_other_topic_takes():
    index = TopicIndex([Topic(1, 2, {"quake": 2.0}, None, None)], StoryParams())
    index.add(member(10, {"quake": 1.0}))
    odd = _stored(3, {"bakery": 1.0}, 7)
    index.settle(lambda keys: {1: [_stored(1, {"quake": 1.0}, 7), odd]})
    assert [
        sorted(m.article_id for m in (*t.new_members, *t.old_members))
        for t in index.topics.values()
    ] == [[1, 3, 10]]
    off = TopicIndex([Topic(1, 2, {"quake": 2.0}, None, None)], StoryParams(stray_home=False))
    off.add(member(10, {"quake": 1.0}))
    off.settle(lambda keys: {1: [_stored(1, {"quake": 1.0}, 7), _stored(3, {"bakery": 1.0}, 7)]})
    assert len(off.topics) == 2  # without the rule it would be a topic of its own


def test_keep_ids_gives_a_story_id_to_one_group_across_topics():
    used: set[int] = set()
    first = keep_ids([[_stored(1, {"a": 1.0}, 7)]], used)
    # an article that moved topic brings story 7 along; the id is taken already
    second = keep_ids([[_stored(2, {"b": 1.0}, 7)], [_stored(3, {"c": 1.0}, 9)]], used)
    assert first == [7] and second == [None, 9] and used == {7, 9}


def test_time_window_keeps_dated_events_apart_but_not_undated_ones():
    index = TopicIndex([], StoryParams(window=timedelta(days=7)))
    old = index.add(member(1, {"quake": 1.0}, NOW - timedelta(days=400)))
    new = index.add(member(2, {"quake": 1.0}, NOW))
    assert old.key != new.key
    undated = Member(3, {"quake": 1.0}, NOW, None, "x", dated=False)
    assert index.add(undated).key in {old.key, new.key}


def test_see_also_skips_same_source_and_ranks_by_similarity():
    members = [
        Candidate(1, "a.com", {"x": 1.0}),
        Candidate(2, "a.com", {"x": 1.0}),
        Candidate(3, "b.com", {"x": 0.6, "y": 0.8}),
        Candidate(4, None, {"x": 1.0}),
    ]
    ranked = see_also(1, "a.com", {"x": 1.0}, members)
    assert [r.id for r in ranked] == [4, 3]
    assert ranked[0].score > ranked[1].score


def test_top_story_score_prefers_sources_then_recency():
    five = top_story_score(5, 5, NOW, 0, NOW)
    one = top_story_score(1, 1, NOW, 0, NOW)
    assert five > one
    assert top_story_score(5, 5, NOW - timedelta(days=3), 0, NOW) < five
    assert top_story_score(2, 4, NOW, 4, NOW) > top_story_score(2, 4, NOW, 0, NOW)


def _stories(db: str) -> list[set[str]]:
    with open_store(db) as store:
        return [{a.url for a in s.articles} for s in store.stories()]


def test_stories_form_and_merge_as_articles_arrive_out_of_order(tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    records += [(f"https://f{i}.example/venice", f"f{i}", t) for i, t in enumerate(FLOOD)]
    records.append(("https://bakery.example/", "bakery", LONER))
    random.Random(7).shuffle(records)
    db = str(tmp_path / "s.db")
    settings = Settings.from_env(db=db, workers=1)
    with open_store(db) as store:
        for i, record in enumerate(records):  # one ingest per article, shuffled
            ingest_paths([write(tmp_path / f"in{i}.jsonl", [record])], store, settings)
    groups = _stories(db)
    quake = {u for u, _, _ in records if "napa" in u}
    flood = {u for u, _, _ in records if "venice" in u}
    assert quake in groups and flood in groups
    assert {"https://bakery.example/"} in groups  # no neighbours: its own story
    assert len(groups) == 3


def test_top_stories_rank_five_sources_above_one(tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    records.append(("https://bakery.example/", "bakery", LONER))
    db = str(tmp_path / "t.db")
    with open_store(db) as store:
        ingest_paths([write(tmp_path / "in.jsonl", records)], store, Settings.from_env(db=db))
        ranked = top_stories(store)
    assert [s.n_sources for s in ranked] == [5, 1]
    assert ranked[0].score > ranked[1].score


def test_clustering_uses_the_entities_stage_names_when_it_ran(tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    db = str(tmp_path / "e.db")
    settings = Settings.from_env(db=db)
    with open_store(db) as store:
        report = ingest_paths([write(tmp_path / "in.jsonl", records)], store, settings)
        assert report.enriched >= 4  # enriched before clustering, in the same ingest
        named = store.story_entity_names(report.article_ids)
        assert len(named) >= 4
        for article_id, pairs in named.items():
            story = store.story_of(article_id)
            assert story is not None
            vector = story["vector"]
            assert {"@" + name.lower() for name, _ in pairs} & set(vector)
            assert "@governor jerry brown" not in vector  # a guessed run, not a tagged name


def test_ingest_keeps_raw_counts_so_stored_articles_can_be_weighed_again(tmp_path):
    records = [(f"https://q{i}.example/napa", f"q{i}", t) for i, t in enumerate(QUAKE)]
    db = str(tmp_path / "c.db")
    settings = Settings.from_env(db=db, workers=1)
    with open_store(db) as store:
        for i, record in enumerate(records):  # one ingest each: later runs re-weigh earlier ones
            ingest_paths([write(tmp_path / f"c{i}.jsonl", [record])], store, settings)
        topic_id = store.story_of(1)["topic_id"]
        rows = store.story_topic_members([topic_id])
    assert len(rows) == len(QUAKE)
    assert all(r["counts"] and r["counts"].get("napa", 0) > 0 for r in rows)
