"""Stories: incremental clustering of articles into real-world events, and Top Stories.

Pure functions and plain data: no store, no SQL.  Clustering works on two levels,
because one similarity threshold cannot both gather a story's articles and keep
two similar events apart (two earthquakes, two boxing title defences):

* **Topics** are loose groups built online by average linkage: a new article
  joins the topic whose articles it is, on average, most similar to (cosine of
  TF-IDF vectors, computed exactly from each topic's vector *sum*), if that is
  at least :attr:`StoryParams.join`, and only within the time window.  An
  article similar enough to two topics merges them, so topics form and merge as
  articles arrive in any order, and nothing is re-clustered but the topics an
  article touched.  A touched topic is first *settled*: its stored articles
  are weighed again with today's document frequencies and one whose mean
  cosine to the rest fell below ``join`` moves to a topic it now fits (an
  article that joined while IDF came from a few dozen documents).
* **Stories** are the events inside one topic.  Each touched topic is split
  again with *local* weights: a feature present in most of the topic's articles
  ("earthquake", "Klitschko") is what the topic is about and is damped, so the
  features that differ (who, where, the score) decide.  The split is a
  recursive average-linkage bisection that stops when the two halves are not
  clearly less similar to each other than within themselves
  (:attr:`StoryParams.split_ratio`): a relative test, so it does not depend on
  how long or wordy a topic's articles are.  Two events of one kind can share
  so much that the ratio cannot tell them from one event cut in two; the
  split is then still made when a few features each cover most of one half
  and little of the other (:func:`split_evidence`: two names, two dates), and
  a cut that only peels off an odd article or two is redone without them
  (:func:`_cut`).  A last pass moves each article
  to the story it is, on average, most similar to: a bisection decides on the
  two halves as wholes and can leave an article on the wrong side.

Stories keep their ids across re-splits: a new group takes the old id most of
its articles had (:func:`keep_ids`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .features import Vector, add_into, dot, top_terms


@dataclass(frozen=True)
class StoryParams:
    """Clustering knobs; the defaults were chosen on ECB+ (see bench/RESULTS.md)."""

    join: float = 0.07  # mean cosine to a topic's articles needed to join it
    split_ratio: float = 0.3  # split when between-halves similarity < ratio x within
    min_side: int = 3  # fewer on a side of a cut: set aside as outliers, cut the rest again
    outliers: float = 0.15  # at most this share of a group is set aside before giving up
    evidence_p: float = 1e-4  # or split when features separate the halves at this p (0: off)
    evidence_gap: float = 0.6  # ... and are on this much larger a share of one half
    evidence_features: int = 2  # ... and at least this many such features exist
    window: timedelta = timedelta(days=7)  # no topic spans a gap longer than this
    candidates: int = 8  # topics scored exactly per article, found by heaviest terms
    probe_terms: int = 30
    sum_terms: int = 1000  # features kept in a stored topic sum
    max_split: int = 1500  # a topic is split over at most its newest articles
    reassign_rounds: int = 3  # passes moving articles to their closest story
    recheck: float = 0.07  # touched topics let go of articles below this mean cosine (0: off)
    stray_home: bool = True  # a stray no other topic takes stays in its own
    settle_rounds: int = 3  # rounds of loading, re-checking and placing strays again


@dataclass
class Member:
    """An article as clustering sees it."""

    article_id: int
    vector: Vector
    at: datetime
    source: str | None
    title: str
    story_id: int | None = None  # its story before this run, if any
    dated: bool = True  # False: ``at`` is only when it arrived, not when it happened
    counts: Mapping[str, float] | None = None  # raw feature counts, to weigh it again


@dataclass
class Topic:
    """A loose group of articles; ``key`` is its id, negative while it is new.

    ``first``/``last`` span its *dated* articles only (None when it has none):
    an article without a date of its own is not kept out of any topic by time.
    """

    key: int
    size: int
    total: Vector
    first: datetime | None
    last: datetime | None
    new_members: list[Member] = field(default_factory=list)
    absorbed: list[int] = field(default_factory=list)  # keys of topics merged into it
    old_members: list[Member] = field(default_factory=list)  # stored ones, once loaded


class TopicIndex:
    """Online average-linkage over topics, with an inverted index for candidates."""

    def __init__(self, topics: list[Topic], params: StoryParams) -> None:
        self.params = params
        self.topics: dict[int, Topic] = {t.key: t for t in topics}
        self.postings: dict[str, set[int]] = {}
        for t in topics:
            self._index(t)
        self._next_key = -1
        self.touched: set[int] = set()
        self.merged_away: set[int] = set()

    def _index(self, topic: Topic, terms: Iterable[str] | None = None) -> None:
        for term in terms if terms is not None else topic.total:
            self.postings.setdefault(term, set()).add(topic.key)

    def _in_window(self, topic: Topic, member: Member) -> bool:
        if not member.dated or topic.first is None or topic.last is None:
            return True
        w = self.params.window
        return topic.first - w <= member.at <= topic.last + w

    def scores(self, member: Member) -> list[tuple[float, int]]:
        """Mean cosine of ``member`` to each candidate topic's articles, best first."""
        vector = member.vector
        probe = sorted(vector.items(), key=lambda kv: -kv[1])[: self.params.probe_terms]
        rough: Counter[int] = Counter()
        for term, weight in probe:
            for key in self.postings.get(term, ()):
                topic = self.topics.get(key)  # a posting can outlive its topic
                if topic is not None:
                    rough[key] += weight * topic.total.get(term, 0.0) / topic.size
        out = []
        for key, _ in rough.most_common(self.params.candidates):
            topic = self.topics[key]
            if self._in_window(topic, member):
                out.append((dot(vector, topic.total) / topic.size, key))
        out.sort(reverse=True)
        return out

    def add(self, member: Member) -> Topic:
        """Put ``member`` in its best topic (merging topics it bridges) or a new one."""
        scores = [(s, k) for s, k in self.scores(member) if s >= self.params.join]
        if not scores:
            topic = Topic(self._next_key, 0, {}, None, None)
            self._next_key -= 1
            self.topics[topic.key] = topic
        else:
            topic = self.topics[scores[0][1]]
        self._join(topic, member)
        for _, key in scores[1:]:
            other = self.topics.get(key)
            if other is None or key == topic.key:
                continue
            if dot(topic.total, other.total) / (topic.size * other.size) >= self.params.join:
                topic = self._merge(topic, other)
        return topic

    def _join(self, topic: Topic, member: Member) -> None:
        add_into(topic.total, member.vector)
        topic.size += 1
        if member.dated:
            topic.first = _min(topic.first, member.at)
            topic.last = _max(topic.last, member.at)
        topic.new_members.append(member)
        self._index(topic, member.vector)
        self.touched.add(topic.key)

    def _merge(self, a: Topic, b: Topic) -> Topic:
        """Merge the smaller topic into the larger; an existing id wins over a new one."""
        if (a.key > 0) != (b.key > 0):
            keep, gone = (a, b) if a.key > 0 else (b, a)
        else:
            keep, gone = (a, b) if a.size >= b.size else (b, a)
        add_into(keep.total, gone.total)
        keep.size += gone.size
        keep.first = _min(keep.first, gone.first)
        keep.last = _max(keep.last, gone.last)
        keep.new_members.extend(gone.new_members)
        keep.old_members.extend(gone.old_members)
        keep.absorbed.extend([gone.key, *gone.absorbed])
        for term in gone.total:
            keys = self.postings.get(term)
            if keys is not None:
                keys.discard(gone.key)
                keys.add(keep.key)
        del self.topics[gone.key]
        self.touched.discard(gone.key)
        self.merged_away.add(gone.key)
        self.touched.add(keep.key)
        return keep

    def settle(self, load: Callable[[list[int]], dict[int, list[Member]]]) -> set[int]:
        """Bring the touched topics' stored articles in and let go of strays.

        An article joins a topic by the weights of the day it arrived, when
        document frequencies came from few articles; what looked shared then
        can be everyday words now.  ``load`` returns the stored members of
        topic ids, weighed with today's document frequencies; each touched
        topic's sum is rebuilt from them, and a stored article whose mean
        cosine to the rest fell below :attr:`StoryParams.recheck` is placed
        again like a new one if another topic takes it (which is then settled
        in turn); else it stays.  The run's new articles are not re-checked:
        they were just placed with today's weights, so one ingest clusters as
        it did before.  Returns the stored topic ids loaded; absorbed ones not loaded
        after :attr:`StoryParams.settle_rounds` are the caller's to read.
        """
        loaded: set[int] = set()
        done: set[int] = set()
        for _ in range(self.params.settle_rounds):
            todo = [
                k
                for k in sorted(self.touched)
                if k not in done or any(o > 0 and o not in loaded for o in self.topics[k].absorbed)
            ]
            if not todo:
                break
            keys = [
                o for k in todo for o in (k, *self.topics[k].absorbed) if o > 0 and o not in loaded
            ]
            stored = load(keys)
            loaded.update(keys)
            strays: list[tuple[Member, int]] = []
            for key in todo:
                topic = self.topics[key]
                for o in (key, *topic.absorbed):
                    topic.old_members.extend(stored.pop(o, []))
                strays.extend((m, key) for m in self._recheck(topic))
                done.add(key)
            for member, home in sorted(strays, key=lambda s: (s[0].at, s[0].article_id)):
                self._place_stray(member, home)
        return loaded

    def _place_stray(self, member: Member, home: int) -> None:
        """Move a stray to the topic it now fits best, if any other fits; else
        it stays where it was (a topic of its own would only splinter a story
        that average linkage drifted on)."""
        if not self.params.stray_home or home not in self.topics:
            self.add(member)
            return
        others = [k for s, k in self.scores(member) if s >= self.params.join and k != home]
        if others:
            self.add(member)
        else:
            self._join(self.topics[home], member)

    def _recheck(self, topic: Topic) -> list[Member]:
        """Rebuild ``topic``'s sum from its members; remove and return the strays.

        A member's mean cosine to the others is ``(v . total - 1) / (n - 1)``:
        vectors are unit length.
        """
        members = [*topic.new_members, *topic.old_members]
        total: Vector = {}
        for m in members:
            add_into(total, m.vector)
        n = len(members)
        strays: list[Member] = []
        if self.params.recheck > 0 and n > 1:
            low = self.params.recheck
            strays = [m for m in topic.old_members if (dot(m.vector, total) - 1.0) / (n - 1) < low]
        if strays:
            gone = {id(m) for m in strays}
            topic.new_members = [m for m in topic.new_members if id(m) not in gone]
            topic.old_members = [m for m in topic.old_members if id(m) not in gone]
            for m in strays:
                add_into(total, m.vector, -1.0)
            members = [*topic.new_members, *topic.old_members]
        known = topic.total
        topic.total = {k: v for k, v in total.items() if v > 1e-9}
        topic.size = len(members)
        dated = [m.at for m in members if m.dated]
        topic.first = min(dated) if dated else None
        topic.last = max(dated) if dated else None
        if not members:
            del self.topics[topic.key]
            self.touched.discard(topic.key)
            self.merged_away.add(topic.key)
        else:
            self._index(topic, [t for t in topic.total if t not in known])
        return strays

    def changed(self) -> list[Topic]:
        """Touched topics, their sums trimmed to what is worth storing."""
        out = []
        for key in sorted(self.touched):
            topic = self.topics[key]
            topic.total = top_terms(topic.total, self.params.sum_terms)
            out.append(topic)
        return out


def _min(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def split_topic(members: list[Member], params: StoryParams) -> list[list[Member]]:
    """The stories inside one topic: recursive bisection on locally re-weighted vectors."""
    if len(members) < 2 * params.min_side:
        return [members]
    terms = _term_matrix([m.vector for m in members])
    sims = _cosines(terms)
    groups = _bisect(sims, terms, np.arange(len(members)), params)
    labels = np.empty(len(members), dtype=np.int64)
    for g, group in enumerate(groups):
        labels[group] = g
    labels = _reassign(sims, labels, params.reassign_rounds)
    return [[members[i] for i in np.flatnonzero(labels == g)] for g in np.unique(labels)]


def _reassign(sims: np.ndarray, labels: np.ndarray, rounds: int) -> np.ndarray:
    """Move each article to the group it is most similar to on average (itself left out)."""
    k = int(labels.max()) + 1
    if k < 2:
        return labels
    n = len(labels)
    sims = sims.copy()
    np.fill_diagonal(sims, 0.0)
    rows = np.arange(n)
    for _ in range(rounds):
        onehot = np.zeros((n, k))
        onehot[rows, labels] = 1.0
        sizes = onehot.sum(axis=0)
        denom = np.tile(sizes, (n, 1))
        denom[rows, labels] -= 1.0  # an article's own group, without itself
        new = ((sims @ onehot) / np.maximum(denom, 1.0)).argmax(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def _local_similarities(vectors: list[Vector]) -> np.ndarray:
    """Cosine similarities after damping features common across the whole topic."""
    return _cosines(_term_matrix(vectors))


def _term_matrix(vectors: list[Vector]) -> sparse.csr_matrix:
    """Articles x features, the vectors' weights (a zero weight is never stored)."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, vec in enumerate(vectors):
        for term, weight in vec.items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(weight)
    n = len(vectors)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(vocab)), dtype=np.float64)
    matrix.eliminate_zeros()
    return matrix


def _cosines(matrix: sparse.csr_matrix) -> np.ndarray:
    """Cosines of the rows after damping features common across the whole topic."""
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    matrix = matrix.multiply(np.log((1.0 + n) / (1.0 + df))).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.diags(1.0 / np.where(norms == 0, 1.0, norms)) @ matrix
    return (matrix @ matrix.T).toarray()


def _bisect(
    sims: np.ndarray, terms: sparse.csr_matrix, idx: np.ndarray, params: StoryParams
) -> list[np.ndarray]:
    stack, done = [idx], []
    while stack:
        part = stack.pop()
        halves = _halves(sims, terms, part, params)
        if halves is None:
            done.append(part)
        else:
            stack.extend(halves)
    return done


def _halves(
    sims: np.ndarray, terms: sparse.csr_matrix, part: np.ndarray, params: StoryParams
) -> tuple[np.ndarray, np.ndarray] | None:
    """Split ``part`` in two if its best bisection separates two events.

    Two tests, either suffices.  The similarity ratio (between the halves vs
    within them) catches events that share little.  Two events of one kind
    share most of their words and can sit at the same ratio as an arbitrary
    cut through one event; what still tells them apart is a few features
    that each cover most of one half and little of the other (two names,
    two dates, two magnitudes): :func:`split_evidence`.  A cut whose halves
    only exist after setting outliers aside must pass that second test.
    """
    if len(part) < 2 * params.min_side:
        return None
    sub = sims[np.ix_(part, part)]
    cut = _cut(sub, params)
    if cut is None:
        return None
    a, b, out = cut
    by_ratio = not len(out) and _ratio(sub, a, b) < params.split_ratio
    if not by_ratio and not (
        params.evidence_p > 0
        and split_evidence(terms[part[a]], terms[part[b]], params) >= params.evidence_features
    ):
        return None
    if len(out):  # an outlier goes with the half it is closer to
        to_a = sub[np.ix_(out, a)].mean(axis=1) >= sub[np.ix_(out, b)].mean(axis=1)
        a, b = np.concatenate([a, out[to_a]]), np.concatenate([b, out[~to_a]])
    return part[a], part[b]


def _cut(sub: np.ndarray, params: StoryParams) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Average-linkage bisection of ``sub``'s rows, setting small outlier groups aside.

    The top merge of an average-linkage tree often joins one odd article
    (a recap, a digest) to everything else; cutting there says nothing about
    whether the rest holds two events.  Such a side (under
    :attr:`StoryParams.min_side` articles) is set aside and the rest is cut
    again, up to :attr:`StoryParams.outliers` of the group.  Returns the two
    halves and the outliers, as row indices, or None when no cut is left.
    """
    n = len(sub)
    keep = np.arange(n)
    out: list[int] = []
    while len(keep) >= 2 * params.min_side:
        block = sub[np.ix_(keep, keep)]
        dist = np.clip(1.0 - block, 0.0, None).astype(np.float64)
        np.fill_diagonal(dist, 0.0)
        labels = fcluster(linkage(squareform(dist, checks=False), "average"), 2, "maxclust")
        a, b = np.flatnonzero(labels == 1), np.flatnonzero(labels == 2)
        if len(a) >= params.min_side and len(b) >= params.min_side:
            return keep[a], keep[b], np.asarray(out, dtype=np.int64)
        small = a if len(a) < len(b) else b
        if not len(small) or len(out) + len(small) > params.outliers * n:  # no cut / too many
            return None
        out.extend(keep[small].tolist())
        keep = np.delete(keep, small)
    return None


def _ratio(sub: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Mean similarity between the halves over the mean within them."""
    between = float(sub[np.ix_(a, b)].mean())
    within = (_within(sub, a) * len(a) + _within(sub, b) * len(b)) / (len(a) + len(b))
    return between / within if within > 0 else math.inf


def split_evidence(
    side_a: sparse.csr_matrix, side_b: sparse.csr_matrix, params: StoryParams
) -> int:
    """How many features back a bisection: each mostly on one side, rare on the other.

    ``side_a``/``side_b`` are the article x feature matrices of the two halves
    (same columns; a stored entry means the article has the feature).  A
    feature counts when the share of one half having it exceeds the other's
    by :attr:`StoryParams.evidence_gap` and the hypergeometric test (could a
    random half of this size hold that many of the articles having it?)
    gives p < :attr:`StoryParams.evidence_p`.  The test is what makes it fair
    across sizes: two articles that share a rare word prove nothing, twelve
    against none do.
    """
    na, nb = side_a.shape[0], side_b.shape[0]
    ca, cb = side_a.getnnz(axis=0), side_b.getnnz(axis=0)
    gap = ca / na - cb / nb
    count = 0
    for mine, theirs, size, keep in (
        (ca, cb, na, gap >= params.evidence_gap),
        (cb, ca, nb, -gap >= params.evidence_gap),
    ):
        for k, other in zip(mine[keep].tolist(), theirs[keep].tolist(), strict=True):
            count += _tail(k, k + other, na + nb, size) < params.evidence_p
    return count


def _tail(k: int, having: int, total: int, drawn: int) -> float:
    """P(at least ``k`` of ``having`` marked articles among ``drawn`` of ``total``)."""
    top = min(having, drawn)
    ways = sum(
        math.comb(having, x) * math.comb(total - having, drawn - x) for x in range(k, top + 1)
    )
    return ways / math.comb(total, drawn)


def _within(sub: np.ndarray, group: np.ndarray) -> float:
    block = sub[np.ix_(group, group)]
    k = len(group)
    return float((block.sum() - np.trace(block)) / (k * (k - 1)))


def keep_ids(groups: list[list[Member]], used: set[int] | None = None) -> list[int | None]:
    """The old story id each group keeps: the one most of its articles had, used once.

    ``used`` holds the ids other topics of the run kept (an article that moved
    topic brings its old story id along); the ids kept here are added to it.
    """
    used = set() if used is None else used
    claims = []
    for g, group in enumerate(groups):
        for story_id, count in Counter(m.story_id for m in group if m.story_id).items():
            claims.append((count, -g, story_id))
    result: list[int | None] = [None] * len(groups)
    for _count, neg_g, story_id in sorted(claims, reverse=True):
        g = -neg_g
        if result[g] is None and story_id not in used:
            result[g] = story_id
            used.add(story_id)
    return result


@dataclass
class StoryDraft:
    """A story as computed, before the store gives it an id."""

    story_id: int | None
    topic_key: int
    members: list[Member]
    title: str
    representative_id: int
    first_seen: datetime
    last_seen: datetime
    sources: list[str]
    total: Vector


def summarise(story_id: int | None, topic_key: int, members: list[Member]) -> StoryDraft:
    """Headline = the article nearest the story's centre (its most typical report)."""
    total: Vector = {}
    for m in members:
        add_into(total, m.vector)
    best = max(members, key=lambda m: (dot(m.vector, total), -m.at.timestamp()))
    sources = sorted({m.source for m in members if m.source})
    return StoryDraft(
        story_id=story_id,
        topic_key=topic_key,
        members=members,
        title=best.title,
        representative_id=best.article_id,
        first_seen=min(m.at for m in members),
        last_seen=max(m.at for m in members),
        sources=sources,
        total=top_terms(total, StoryParams.sum_terms),
    )


def distinct_sources(members: list[Member]) -> int:
    """Known sources count once each; an article of unknown source counts as its own."""
    known = {m.source for m in members if m.source}
    return len(known) + sum(1 for m in members if not m.source)


# -- Top Stories -------------------------------------------------------------

HALF_LIFE = timedelta(hours=24)
GROWTH_WINDOW = timedelta(hours=6)


def top_story_score(
    n_sources: int,
    n_articles: int,
    last_seen: datetime,
    recent_articles: int,
    now: datetime,
    half_life: timedelta = HALF_LIFE,
) -> float:
    """Distinct sources first, then volume, decayed by age, lifted by recent growth.

    Sources dominate because many outlets reporting an event is what makes it
    news; articles add only logarithmically (one site posting ten updates is
    not ten sources).  Age halves the score every ``half_life``; the share of a
    story's articles that arrived within :data:`GROWTH_WINDOW` lifts a story
    that is breaking now by up to 50 %.
    """
    age = max((now - last_seen).total_seconds(), 0.0)
    decay = 0.5 ** (age / half_life.total_seconds())
    growth = recent_articles / n_articles if n_articles else 0.0
    return (n_sources + 0.5 * math.log1p(n_articles)) * decay * (1.0 + 0.5 * growth)
