"""Plain dataclasses passed between the stages.

Every stage is a function from one of these to another, so a stage can run in a
worker process (they pickle), be tested alone, and never needs the store.  A
stage that cannot produce its output returns or yields a :class:`Failed` that
carries the reason, never ``None``: the batch goes on and the reason is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ContentType = Literal["html", "text"]
ParagraphKind = Literal["p", "h"]
DateSource = Literal["meta", "byline", "text", "url", "feed", "input", "none"]


@dataclass(frozen=True)
class Source:
    """Where documents come from: a site, a feed, an archive, a folder."""

    name: str
    url: str | None = None
    kind: str = "file"


@dataclass
class Document:
    """One raw page as it was read, before any extraction.

    ``location`` says where it was read from (a path, ``path#record-3`` inside an
    archive, or a URL) so a failure can always be traced back.  ``hints`` holds
    what the container already knew (a JSONL line's title, a WARC record's
    date, a feed entry's summary) for the extractor to fall back on.
    """

    location: str
    content: bytes | str
    content_type: ContentType
    url: str | None = None
    fetched_at: datetime | None = None
    source: str | None = None
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def raw_bytes(self) -> bytes:
        if isinstance(self.content, bytes):
            return self.content
        return self.content.encode("utf-8")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw_bytes).hexdigest()


@dataclass(frozen=True)
class Paragraph:
    """A block of body text; ``kind`` is ``"h"`` for a subhead, ``"p"`` otherwise."""

    text: str
    kind: ParagraphKind = "p"


@dataclass
class Article:
    """The clean article extracted from one :class:`Document`.

    ``published_at`` is the date the article claims for itself and
    ``date_source`` says where that claim was found; ``page_date`` is whatever
    date the page showed (a site header clock, a republish date) and is never
    promoted to ``published_at`` without evidence.
    """

    url: str | None
    title: str
    paragraphs: list[Paragraph]
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    dateline: str | None = None
    published_at: datetime | None = None
    date_source: DateSource = "none"
    page_date: datetime | None = None
    language: str | None = None
    source_link: str | None = None
    source: str | None = None
    location: str | None = None
    content_type: ContentType = "html"

    @property
    def body(self) -> str:
        """Paragraphs as one string separated by blank lines (the CLI's ``body``)."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def content_hash(self) -> str:
        """Hash of the normalised body: equal for byte-different copies of one text."""
        return content_hash(self.body)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form shared by the CLI and the API (dates as ISO 8601)."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "site_name": self.site_name,
            "title": self.title,
            "section": self.section,
            "authors": list(self.authors),
            "contributors": list(self.contributors),
            "dateline": self.dateline,
            "published_at": _iso(self.published_at),
            "date_source": self.date_source,
            "page_date": _iso(self.page_date),
            "language": self.language,
            "source": self.source,
            "source_link": self.source_link,
            "content_type": self.content_type,
            "content_hash": self.content_hash,
            "body": self.body,
            "paragraphs": [{"kind": p.kind, "text": p.text} for p in self.paragraphs],
        }


@dataclass
class Failed:
    """An item that could not go through a stage, with the reason why."""

    location: str
    reason: str
    error: str = "NewsdeskError"
    url: str | None = None


@dataclass
class Entity:
    """A named person, organisation or place (filled in by ``enrich``)."""

    name: str
    kind: Literal["person", "org", "place"]
    mentions: int = 1


@dataclass
class Quote:
    """An attributed quote with its exact span in the clean body (``enrich``).

    ``cue_at`` is where its cue word stands in the body: quotes sharing it are one
    attribution (the pieces of one quote around "he said", a quote carried on from
    the cue of the one before it, a reported clause and the partial quote its cue
    also reports).  Not stored: the store keeps the cue as written."""

    text: str
    start: int
    end: int
    kind: Literal["direct", "partial", "indirect"] = "direct"
    speaker: str | None = None
    role: str | None = None
    cue: str | None = None
    cue_at: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "speaker": self.speaker,
            "role": self.role,
            "cue": self.cue,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Enrichment:
    """What ``enrich`` found in one article: its entities and attributed quotes.

    ``skipped`` says why an article was not analysed (not English, no body),
    so a skip is recorded with its reason instead of looking like "no quotes".
    """

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    language: str | None = None
    skipped: str | None = None


@dataclass
class Story:
    """A group of articles about one real-world event (``connect``)."""

    title: str
    article_ids: list[int] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    id: int | None = None
    representative_id: int | None = None  # the article whose headline is the title
    n_articles: int = 0
    n_sources: int = 0  # distinct sources; an article of unknown source counts as one
    sources: list[str] = field(default_factory=list)
    articles: list[StoryArticle] = field(default_factory=list)  # timeline, oldest first
    score: float = 0.0  # Top Stories rank, when it was ranked


@dataclass
class StoryArticle:
    """One entry of a story's timeline."""

    id: int
    title: str
    url: str | None
    source: str | None
    at: datetime


@dataclass
class Related:
    """A scored related link: an article ("See also") or a story ("More like this")."""

    id: int
    title: str
    score: float
    url: str | None = None
    source: str | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Canonical form for hashing: NFKC, casefolded, whitespace collapsed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass
class Feed:
    """A subscribed feed and its polling state (``newsdesk feeds list``).

    ``next_poll_at`` None means due now.  ``failures`` counts consecutive
    failed polls; at the configured limit the feed is disabled and
    ``disabled_reason`` says why.  ``etag``/``last_modified`` are only saved
    once every entry of that version was handled, so an interrupted crawl
    cannot lose entries behind a 304.
    """

    id: int
    url: str
    title: str | None = None
    section: str | None = None
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    interval: int = 1800
    next_poll_at: datetime | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    failures: int = 0
    disabled_reason: str | None = None

    @property
    def disabled(self) -> bool:
        return self.disabled_reason is not None


@dataclass
class FeedEntry:
    """One item of a parsed feed: where its page is and what the feed said of it.

    ``key`` identifies the entry across polls (its guid, else its link);
    ``content`` is the entry's own HTML (full content, else summary), kept as the
    fallback when the page itself cannot be fetched or extracted.
    """

    key: str
    url: str | None
    title: str | None = None
    published_at: str | None = None  # ISO 8601, UTC
    author: str | None = None
    content: str | None = None


@dataclass
class ParsedFeed:
    """A feed as parsed: its title, site link and entries, newest as the feed lists them."""

    title: str | None
    site_url: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    version: str | None = None


@dataclass
class StoredArticle:
    """An article as the store returns it: with its id and when it was ingested."""

    id: int
    article: Article
    ingested_at: datetime


@dataclass
class SearchHit:
    """One search result; ``snippet`` is plain text with the matches between
    ``\\x02`` and ``\\x03`` markers so each front end highlights safely."""

    id: int
    title: str
    url: str | None
    snippet: str
    published_at: datetime | None
    source: str | None
    section: str | None = None


@dataclass
class FailureRecord:
    id: int
    location: str
    reason: str
    error: str
    failed_at: datetime
    url: str | None = None


@dataclass(frozen=True)
class CopySignature:
    """What copy detection needs of one body, computed in the extraction workers.

    ``minhash`` is the raw MinHash (little-endian uint32s) kept so the index can
    be re-banded later without re-reading bodies; ``bands`` are the LSH bucket
    keys (positive 63-bit ints, band number folded in) the store indexes;
    ``text_hash`` is equal for bodies with the same words (the exact step);
    ``shingles`` are the sorted unique 32-bit shingle hashes (little-endian),
    stored so a later copy is verified without re-reading and re-tokenising
    this body.
    """

    text_hash: str
    words: int
    minhash: bytes
    bands: tuple[int, ...]
    shingles: bytes = b""

    def __reduce__(self) -> tuple[object, ...]:
        # Sent from every extraction worker: a plain tuple unpickles in half the time.
        fields = (self.text_hash, self.words, self.minhash, self.bands, self.shingles)
        return (CopySignature, fields)


@dataclass
class CopyMember:
    """The facts about one member of a copy group that origin choice and the
    republish flag weigh (no body: ``lead`` is its first few hundred characters,
    where wire credits and "Originally published by" notes sit)."""

    id: int
    title: str
    url: str | None = None
    location: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    source_link: str | None = None
    published_at: datetime | None = None
    date_source: str = "none"
    page_date: datetime | None = None
    words: int = 0
    lead: str = ""


@dataclass
class CopyGroup:
    """Copies of one article across sources, with the chosen original and why."""

    id: int
    members: list[CopyMember]
    original_id: int | None = None
    origin_reason: str | None = None
