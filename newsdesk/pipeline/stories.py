"""The pipeline's stories step: wires :mod:`newsdesk.connect` to the store.

Kept beside :mod:`newsdesk.pipeline` (which calls :func:`cluster_articles`
after storing a batch) so the ingest wiring stays small.  The CLI and the web
app call :func:`top_stories` and :func:`related` here rather than touching
clustering or SQL themselves.

One run: count features of the new articles (with the entities stage's names
when it has run on them: the ingest pipeline enriches a batch before it
clusters it), add their document frequencies
to the store (so IDF grows with the corpus), weigh them, put each into a topic
in time order, settle the touched topics (their stored articles are weighed
again from their raw counts with today's document frequencies, and one that
now fits another topic better moves there: :meth:`TopicIndex.settle`),
re-split only the topics that changed, write the result in one transaction.
Nothing outside the touched topics (and those strays moved to) is read or
re-clustered.  Stored articles' vectors keep the weights of their arrival
(related links read them); clustering weighs from the counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from newsdesk.connect.features import Vector, article_terms, idf, tokens, weigh, weigh_idf
from newsdesk.connect.related import Candidate, StoryCandidate, more_like_this, see_also
from newsdesk.connect.stories import (
    GROWTH_WINDOW,
    Member,
    StoryParams,
    Topic,
    TopicIndex,
    distinct_sources,
    keep_ids,
    split_topic,
    summarise,
    top_story_score,
)
from newsdesk.model import Article, Related, Story
from newsdesk.store.base import Store

TOP_STORIES_WINDOW = timedelta(days=3)
FUTURE_SLACK = timedelta(days=1)


@dataclass
class StoryRun:
    clustered: int = 0
    topics_touched: int = 0
    stories_written: int = 0


def article_source(article: Article) -> str | None:
    """Who published it: the input's source, the site name, else the URL's host."""
    if article.source:
        return article.source.strip().lower() or None
    if article.site_name:
        return article.site_name.strip().lower() or None
    url = article.canonical_url or article.url
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def article_time(article: Article, ingested_at: datetime) -> tuple[datetime, bool]:
    """``(time, dated)``: its own date if it has a believable one, else its arrival.

    Arrival time orders and displays an undated article but does not keep it
    out of older topics: an archive imported today is not today's news.
    """
    at = article.published_at
    if at is None:
        return ingested_at, False
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at > ingested_at + FUTURE_SLACK:
        return ingested_at, False
    return at, True


def cluster_articles(
    store: Store,
    items: Sequence[tuple[int, Article]],
    params: StoryParams | None = None,
    now: datetime | None = None,
) -> StoryRun:
    """Cluster newly stored articles into stories (articles already placed are skipped)."""
    params = params or StoryParams()
    now = now or datetime.now(UTC)
    known = store.story_known_articles([i for i, _ in items])
    items = [(i, a) for i, a in items if i not in known]
    if not items:
        return StoryRun()
    # Names from the entities stage where it ran (it tags better than the
    # capitalised-run stand-in features.py falls back to).
    named = store.story_entity_names([i for i, _ in items])
    counts = [
        article_terms(a.title, (p.text for p in a.paragraphs), named.get(i)) for i, a in items
    ]
    deltas: Counter[str] = Counter()
    for c in counts:
        deltas.update(c.keys())
    store.add_story_terms(deltas, len(items))
    df, n_docs = store.story_doc_freqs(deltas.keys())
    members = []
    for (article_id, article), c in zip(items, counts, strict=True):
        at, dated = article_time(article, now)
        members.append(
            Member(
                article_id=article_id,
                vector=weigh(c, lambda t: df.get(t, 0), n_docs),
                at=at,
                source=article_source(article),
                title=article.title or _first_words(article.body),
                dated=dated,
                counts=c,
            )
        )
    start = min(m.at for m in members) - params.window
    end = max(m.at for m in members) + params.window
    topics = [
        Topic(t["id"], t["size"], t["total"], t["first"], t["last"])
        for t in store.story_topics_between(start, end, now - params.window)
    ]
    index = TopicIndex(topics, params)
    for member in sorted(members, key=lambda m: (m.at, m.article_id)):
        index.add(member)
    reweigh = _Reweigh(store, df, n_docs)
    loaded = index.settle(lambda keys: _load_members(store, keys, reweigh))
    changed = index.changed()
    rest = [k for t in changed for k in (t.key, *t.absorbed) if k > 0 and k not in loaded]
    old_by_topic = _load_members(store, rest, reweigh)
    run: dict[str, Any] = {
        "new_members": [_member_row(m) for m in members],
        "topics": [],
        "merged": sorted(k for k in index.merged_away if k > 0),
        "stories": [],
    }
    kept: set[int] = set()  # story ids kept so far (each goes to one group only)
    for topic in changed:
        group_members = [*topic.new_members, *topic.old_members]
        for key in (topic.key, *topic.absorbed):
            group_members.extend(old_by_topic.get(key, []))
        run["topics"].append(
            {
                "key": topic.key,
                "size": topic.size,
                "total": topic.total,
                "first": topic.first,
                "last": topic.last,
            }
        )
        groups = split_topic(group_members, params)
        for story_id, group in zip(keep_ids(groups, kept), groups, strict=True):
            draft = summarise(story_id, topic.key, group)
            run["stories"].append(
                {
                    "topic_key": topic.key,
                    "story_id": story_id,
                    "article_ids": [m.article_id for m in group],
                    "values": {
                        "title": draft.title,
                        "article_id": draft.representative_id,
                        "first_seen": draft.first_seen,
                        "last_seen": draft.last_seen,
                        "n_articles": len(group),
                        "n_sources": distinct_sources(group),
                        "sources": draft.sources,
                        "total": draft.total,
                    },
                }
            )
    store.save_story_run(run)
    return StoryRun(len(members), len(changed), len(run["stories"]))


class _Reweigh:
    """Weighs stored articles again from their raw counts with today's document
    frequencies (rows stored before the counts were kept keep their vector)."""

    def __init__(self, store: Store, df: dict[str, int], n_docs: int) -> None:
        self.store = store
        self.n_docs = n_docs
        self.idf = {t: idf(d, n_docs) for t, d in df.items()}

    def __call__(self, members: list[Member]) -> None:
        wanted = {t for m in members if m.counts for t in m.counts if t not in self.idf}
        if wanted:
            found, _ = self.store.story_doc_freqs(wanted)
            self.idf.update((t, idf(found.get(t, 0), self.n_docs)) for t in wanted)
        for m in members:
            if m.counts:
                m.vector = weigh_idf(m.counts, self.idf)


def _load_members(store: Store, keys: list[int], reweigh: _Reweigh) -> dict[int, list[Member]]:
    """Stored members of topics ``keys``, by topic id, weighed again."""
    out: dict[int, list[Member]] = defaultdict(list)
    if not keys:
        return out
    rows = [_member(row) for row in store.story_topic_members(keys)]
    reweigh([m for m, _ in rows])
    for m, topic_id in rows:
        out[topic_id].append(m)
    return out


def _first_words(text: str, n: int = 12) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def _member(row: dict[str, Any]) -> tuple[Member, int]:
    """A stored article as clustering sees it, and its topic id."""
    member = Member(
        article_id=row["article_id"],
        vector=row["vector"],
        at=row["at"],
        source=row["source"],
        title=row["title"],
        story_id=row["story_id"],
        dated=row["dated"],
        counts=row.get("counts"),
    )
    return member, row["topic_id"]


def _member_row(m: Member) -> dict[str, Any]:
    return {
        "article_id": m.article_id,
        "topic_id": 0,
        "story_id": 0,
        "at": m.at,
        "dated": m.dated,
        "source": m.source,
        "title": m.title,
        "vector": m.vector,
        "counts": dict(m.counts) if m.counts is not None else None,
    }


# -- reading: Top Stories and related links ----------------------------------


def top_stories(store: Store, limit: int = 10, now: datetime | None = None) -> list[Story]:
    """Stories ranked by distinct sources, recency and growth (``Story.score``).

    The clock is the newest story activity, not the wall clock, when the
    database is quiet (an archive, a demo): its newest stories still lead.
    """
    latest = store.latest_story_time()
    if latest is None:
        return []
    ref = min(now or datetime.now(UTC), latest)
    candidates = store.stories_since(ref - TOP_STORIES_WINDOW, ref - GROWTH_WINDOW)
    for story in candidates:
        recent = int(story.score)
        story.score = round(
            top_story_score(story.n_sources, story.n_articles, story.last_seen or ref, recent, ref),
            4,
        )
    ranked = sorted(candidates, key=lambda s: (-s.score, -(s.id or 0)))[:limit]
    full = store.stories_with_articles([s.id for s in ranked if s.id is not None])
    for story, scored in zip(full, ranked, strict=True):
        story.score = scored.score
    return full


def related(store: Store, article_id: int) -> tuple[int | None, list[Related], list[Related]]:
    """``(story id, see also, more like this)`` for one article, each list scored."""
    me = store.story_of(article_id)
    if me is None:
        return None, [], []
    members = store.story_members(me["story_id"])
    titles = {m["article_id"]: (m["title"], m["source"]) for m in members}
    total: Vector = {}
    for m in members:
        for k, v in m["vector"].items():
            total[k] = total.get(k, 0.0) + v
    cands = [Candidate(m["article_id"], m["source"], m["vector"]) for m in members]
    see = [
        Related(s.id, titles[s.id][0], s.score, source=titles[s.id][1])
        for s in see_also(article_id, me["source"], me["vector"], cands)
    ]
    story_ids = {sid for sid, _ in store.story_totals(topic_ids=[me["topic_id"]])}
    story_ids.update(_search_neighbours(store, total))
    story_ids.discard(me["story_id"])
    totals = store.story_totals(ids=sorted(story_ids)) if story_ids else []
    ranked = more_like_this(me["story_id"], total, [StoryCandidate(i, t) for i, t in totals])
    stories = {s.id: s for s in store.stories_with_articles([r.id for r in ranked])}
    more = [Related(r.id, stories[r.id].title, r.score) for r in ranked if r.id in stories]
    return me["story_id"], see, more


def _search_neighbours(store: Store, total: Vector, words: int = 8, hits: int = 40) -> set[int]:
    """Stories of the articles full-text search finds for the story's heaviest words."""
    plain = [t for t, _ in sorted(total.items(), key=lambda kv: -kv[1]) if t[0] not in "@#"]
    query = " OR ".join(w for w in plain[:words] if tokens(w))
    if not query:
        return set()
    out: set[int] = set()
    for hit in store.search(query, limit=hits):
        row = store.story_of(hit.id)
        if row is not None:
            out.add(row["story_id"])
    return out
