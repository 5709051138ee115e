"""Related links for one article: "See also" and "More like this", with scores.

Pure ranking over plain values; the store supplies the candidates.

* **See also** = other articles of the *same story* from *other sources*,
  ranked by cosine similarity to the article: the reader wants the same event
  told by someone else, not the same outlet's update.  An article whose source
  is unknown is taken as its own source.
* **More like this** = *other stories*, ranked by the cosine of the story
  centroids (the mean of their articles' vectors): related coverage, such as
  an earlier, similar event.
"""

from __future__ import annotations

from dataclasses import dataclass

from .features import Vector, cosine

SEE_ALSO = 5
MORE_LIKE_THIS = 5


@dataclass(frozen=True)
class Candidate:
    """An article of the same story: what :func:`see_also` ranks."""

    article_id: int
    source: str | None
    vector: Vector


@dataclass(frozen=True)
class StoryCandidate:
    """Another story: what :func:`more_like_this` ranks."""

    story_id: int
    total: Vector


@dataclass(frozen=True)
class Scored:
    id: int
    score: float


def see_also(
    article_id: int,
    source: str | None,
    vector: Vector,
    story_members: list[Candidate],
    limit: int = SEE_ALSO,
) -> list[Scored]:
    """Same story, other sources, best first; one article per source."""
    best: dict[str, Scored] = {}
    for cand in story_members:
        if cand.article_id == article_id:
            continue
        if source and cand.source == source:
            continue
        scored = Scored(cand.article_id, round(cosine(vector, cand.vector), 4))
        key = cand.source or f"#{cand.article_id}"
        if key not in best or scored.score > best[key].score:
            best[key] = scored
    return sorted(best.values(), key=lambda s: (-s.score, s.id))[:limit]


def more_like_this(
    story_id: int | None,
    total: Vector,
    stories: list[StoryCandidate],
    limit: int = MORE_LIKE_THIS,
    min_score: float = 0.05,
) -> list[Scored]:
    """Other stories by centroid cosine, best first; near-zero matches are dropped."""
    out = []
    for cand in stories:
        if cand.story_id == story_id:
            continue
        score = cosine(total, cand.total)
        if score >= min_score:
            out.append(Scored(cand.story_id, round(score, 4)))
    return sorted(out, key=lambda s: (-s.score, s.id))[:limit]
