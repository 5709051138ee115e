"""Copies of one article across sources: signatures, similarity, origin, diff.

Pure functions, no SQL and no other stage: the pipeline computes a
:class:`~newsdesk.model.CopySignature` in the extraction workers, the store
indexes its LSH band keys, and the candidates it returns are verified here by
a real similarity over word shingles before anything is called a copy.

Why these choices:

* **Shingles of 5 words** are specific enough that two different articles
  about one event (same names, same quotes) share few, while a copy with
  inserted junk, a dropped paragraph or a rewritten lead keeps most.
* **Own vectorised MinHash** (multiply-shift hashing in numpy) instead of
  datasketch: same estimator, ~20x faster per document (bench/copies.py
  measures both), and signatures are stable across processes because token
  hashes are a fixed polynomial hash of the UTF-8 bytes, not Python's
  per-process ``hash``.
* **Bands of 2 rows** put the LSH threshold low (a pair at Jaccard 0.3 is a
  candidate 95% of the time) so truncated copies are still found; the
  verification step, not the LSH, decides.
* **Containment** (shared shingles over the smaller set) is the verified
  score, with a floor on the smaller side's share of the larger, because a
  truncated copy ("Read more at ...") has a low Jaccard but is wholly
  contained in its original.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np

from ..model import CopyMember, CopySignature, normalise_text

SHINGLE_WORDS = 5
BAND_ROWS = 2
BANDS = 32
NUM_PERM = BAND_ROWS * BANDS
MIN_WORDS = 40  # bodies shorter than this never form groups (paywall stubs, captions)
MAX_WORDS = 20_000  # a huge document is signed on its first MAX_WORDS words only
MIN_CONTAINMENT = 0.8  # bench/copies.py: 99% of edited copies are above; ECB+ same-event pairs
# above it are, on reading, one wire story run twice
MIN_SIZE_RATIO = 0.2  # a 3-paragraph excerpt of a 40-paragraph article is a teaser, not a copy
STALE_AFTER_DAYS = 30  # a copy dated this long after its original is a stale republish

# CJK scripts are written without spaces: there each ideograph / kana is a token.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+")
MAX_CHARS = MAX_WORDS * 12
MAX_BYTES = 256 * 1024  # of UTF-8 text hashed per body
_U64 = np.uint64
_BIN_SHIFT = _U64(64 - 6)  # NUM_PERM = 64 bins: the top 6 bits of a shingle hash
_VALUE_MASK = _U64(2**58 - 1)
_rng = np.random.default_rng(0x6E657773)  # fixed: signatures must agree across runs
_SHINGLE_MULT = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | _U64(1)
_BAND_MULT = _rng.integers(1, 2**63, size=BAND_ROWS, dtype=np.uint64) | _U64(1)
_BAND_SALT = _rng.integers(0, 2**63, size=BANDS, dtype=np.uint64)
_DENSIFY = _rng.integers(1, 2**31, size=NUM_PERM, dtype=np.uint64)
# A byte is part of a word if it is an ASCII letter or digit or any byte of a
# multi-byte UTF-8 character (accented letters, Cyrillic, Hangul, curly quotes).
_WORD_BYTE = np.zeros(256, dtype=bool)
for _lo, _hi in ((48, 57), (65, 90), (97, 122), (128, 255)):
    _WORD_BYTE[_lo : _hi + 1] = True
# Polynomial hashing of every token at once: prefix sums of byte * P^i, and the
# inverse powers to bring each token's sum back to position 0 (P odd, so P is
# invertible modulo 2^64; numpy's uint64 arithmetic wraps, which is that modulus).
_P = 0x100000001B3
_POW = np.ones(MAX_BYTES + 1, dtype=np.uint64)
_POW[1:] = _P
np.cumprod(_POW, out=_POW)
_INV_POW = np.ones(MAX_BYTES + 1, dtype=np.uint64)
_INV_POW[1:] = pow(_P, -1, 2**64)
np.cumprod(_INV_POW, out=_INV_POW)


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64) so every output bit depends on every input bit."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def token_hashes(text: str) -> np.ndarray:
    """A stable 64-bit hash per word of the lowercased text, at most ``MAX_WORDS``.

    Vectorised over the UTF-8 bytes (no Python call per word), which is where
    the time went with per-word hashing; CJK text is split per character first
    (looked for only in non-ASCII text: the regex scan cost as much as the rest).
    """
    text = text[:MAX_CHARS].lower()
    if not text.isascii() and _CJK.search(text):
        text = " ".join(_TOKEN.findall(text)[:MAX_WORDS])
    data = np.frombuffer(text.encode("utf-8")[:MAX_BYTES], dtype=np.uint8)
    n = len(data)
    if not n:
        return np.empty(0, dtype=np.uint64)
    inside = np.zeros(n + 2, dtype=bool)
    inside[1:-1] = _WORD_BYTE[data]
    edges = np.flatnonzero(inside[1:] != inside[:-1])  # start, end, start, end, ...
    if not len(edges):
        return np.empty(0, dtype=np.uint64)
    starts = edges[0::2][:MAX_WORDS]
    ends = edges[1::2][:MAX_WORDS]
    weighted = data.astype(np.uint64)
    weighted += _U64(1)
    weighted *= _POW[:n]
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(weighted, out=prefix[1:])
    hashes = prefix[ends]
    hashes -= prefix[starts]
    hashes *= _INV_POW[starts]
    return _mix(hashes)


def word_count(text: str) -> int:
    return len(token_hashes(text))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sort in place and drop repeats (cheaper than ``np.unique`` on short arrays)."""
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _shingles_of(ids: np.ndarray) -> np.ndarray:
    """Sorted unique 64-bit shingle hashes (what the MinHash bins)."""
    if not len(ids):
        return np.empty(0, dtype=np.uint64)
    n = len(ids) - SHINGLE_WORDS + 1
    if n < 1:
        acc = (ids * _SHINGLE_MULT[: len(ids)]).sum(dtype=np.uint64, keepdims=True)
    else:
        acc = ids[:n] * _SHINGLE_MULT[0]
        for j in range(1, SHINGLE_WORDS):
            acc += ids[j : j + n] * _SHINGLE_MULT[j]
    return _sorted_unique(_mix(acc))


def _narrow(hashes: np.ndarray) -> np.ndarray:
    """The top 32 bits of sorted 64-bit hashes: still sorted, unique after one
    pass.  Half the bytes to store, ship and intersect; at 600 shingles a
    32-bit collision changes a containment in about one pair in 10,000."""
    return _sorted_unique((hashes >> _U64(32)).astype(np.uint32))


def shingles(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the text's 5-word shingles (a text shorter
    than one shingle gives one hash of its words; an empty text none)."""
    return _narrow(_shingles_of(token_hashes(text)))


def shingle_array(signature: CopySignature) -> np.ndarray:
    """The shingle set a signature carries (empty for one stored without it)."""
    return np.frombuffer(signature.shingles, dtype="<u4")


_BIN_EDGES = np.arange(NUM_PERM, dtype=np.uint64) << _BIN_SHIFT


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    """One-permutation MinHash with densification: ``NUM_PERM`` uint32 values.

    Each shingle hash falls in one of ``NUM_PERM`` bins by its top bits and each
    bin keeps its minimum, so one sort does the work of ``NUM_PERM`` hash
    functions (Li et al. 2012); an empty bin borrows from the next non-empty
    bin with a per-bin offset (Shrivastava & Li 2014) so short texts still
    compare.  Two sets agree on a bin with probability about their Jaccard.
    """
    if not len(shingle_hashes):
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    ordered = shingle_hashes  # sorted and unique
    bounds = np.searchsorted(ordered, _BIN_EDGES)
    stop = np.empty_like(bounds)
    stop[:-1] = bounds[1:]
    stop[-1] = len(ordered)
    full = bounds < stop
    if full.all():  # the usual case for a long text: no densification
        return ((ordered[bounds] & _VALUE_MASK) >> _U64(26)).astype(np.uint32)
    values = np.zeros(NUM_PERM, dtype=np.uint64)
    values[full] = (ordered[bounds[full]] & _VALUE_MASK) >> _U64(26)
    filled = np.flatnonzero(full)
    idx = np.arange(NUM_PERM)
    pos = np.searchsorted(filled, idx) % len(filled)
    donor = filled[pos]
    distance = ((donor - idx) % NUM_PERM).astype(np.uint64)
    borrowed = (values[donor] + distance * _DENSIFY[idx]) & _U64(2**32 - 1)
    return np.where(full, values, borrowed).astype(np.uint32)


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    """One positive 63-bit key per band; the band number is folded into the key
    so one indexed column holds every band."""
    rows = signature.astype(np.uint64).reshape(BANDS, BAND_ROWS)
    keys = _mix((rows * _BAND_MULT).sum(axis=1, dtype=np.uint64) + _BAND_SALT)
    return tuple((keys & _U64(2**63 - 1)).tolist())


def copy_signature(body: str) -> CopySignature | None:
    """The signature of a body (shingles included), or ``None`` for one too
    short to be grouped."""
    ids = token_hashes(body)
    if len(ids) < MIN_WORDS:
        return None
    sh = _shingles_of(ids)
    sig = minhash(sh)
    return CopySignature(
        text_hash=hashlib.blake2b(ids.tobytes(), digest_size=16).hexdigest(),
        words=len(ids),
        minhash=sig.astype("<u4").tobytes(),
        bands=band_keys(sig),
        shingles=_narrow(sh).astype("<u4", copy=False).tobytes(),
    )


def signature_and_shingles(body: str) -> tuple[CopySignature | None, np.ndarray]:
    """The signature and its shingle set (empty for a short body)."""
    signature = copy_signature(body)
    if signature is None:
        return None, np.empty(0, dtype=np.uint32)
    return signature, shingle_array(signature)


@dataclass(frozen=True)
class Similarity:
    """Exact shingle overlap of two bodies."""

    jaccard: float
    containment: float  # shared shingles over the smaller set
    size_ratio: float  # smaller set over larger set

    @property
    def is_copy(self) -> bool:
        return self.containment >= MIN_CONTAINMENT and self.size_ratio >= MIN_SIZE_RATIO


def similarity(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Exact Jaccard and containment of two sorted unique shingle arrays."""
    if len(a) == 0 or len(b) == 0:
        return Similarity(0.0, 0.0, 0.0)
    shared = len(np.intersect1d(a, b, assume_unique=True))
    small, large = sorted((len(a), len(b)))
    return Similarity(shared / (len(a) + len(b) - shared), shared / small, small / large)


def is_copy(body_a: str, body_b: str) -> bool:
    """Whether two bodies are copies of one text (both long enough, verified)."""
    if word_count(body_a) < MIN_WORDS or word_count(body_b) < MIN_WORDS:
        return False
    return similarity(shingles(body_a), shingles(body_b)).is_copy


# -- origin ----------------------------------------------------------------

_WIRE = re.compile(
    r"\((Reuters|AP|AFP|Bloomberg|dpa|Xinhua|Yonhap|Kyodo|UPI|PA|ANSA|EFE)\)\s*[-—–]",
)
_WIRE_HOSTS = {
    "reuters": "reuters.com",
    "ap": "apnews.com",
    "afp": "afp.com",
    "bloomberg": "bloomberg.com",
    "dpa": "dpa.com",
    "xinhua": "xinhuanet.com",
    "yonhap": "yna.co.kr",
    "kyodo": "kyodonews.net",
    "upi": "upi.com",
    "pa": "pamediagroup.com",
    "ansa": "ansa.it",
    "efe": "efe.com",
}
_ORIGINALLY = re.compile(
    r"\b(originally (published|appeared)|first (published|appeared)|republished (from|with)"
    r"|this (article|story) (was|is) (re)?published)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Origin:
    original_id: int
    reason: str


@lru_cache(maxsize=1 << 16)  # a group's origin is chosen again each time it grows
def url_key(url: str | None) -> str | None:
    """Host and path without scheme, ``www.``, query or trailing slash: how two
    spellings of one page's address are compared."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    return host + parts.path.rstrip("/")


def host(url: str | None) -> str | None:
    key = url_key(url)
    return key.split("/", 1)[0] if key else None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def credible_date(member: CopyMember) -> datetime | None:
    """The date the article claims for itself, when the extractor found one."""
    return _utc(member.published_at) if member.date_source != "none" else None


def shown_date(member: CopyMember) -> datetime | None:
    """The claimed date, else the date the page showed (a republish date)."""
    return credible_date(member) or _utc(member.page_date) or _utc(member.published_at)


def _disclaims(member: CopyMember, keys: dict[str, int]) -> str | None:
    """Why this member says of itself that it is a copy, if it does."""
    canonical = url_key(member.canonical_url)
    own = url_key(member.url)
    if canonical and own and canonical != own and host(canonical) != host(own):
        return "its canonical link points to another site"
    if member.source_link:
        if url_key(member.source_link) and url_key(member.source_link) != own:
            return "it links to its source"
        return f"it credits a source ({member.source_link.strip()[:40]!r})"
    if _ORIGINALLY.search(member.lead):
        return "it says it was originally published elsewhere"
    return None


def _pointer_target(member: CopyMember, keys: dict[str, int]) -> tuple[int, str] | None:
    """The other member this one names as its source (canonical or source link)."""
    for attr, what in (("canonical_url", "canonical link"), ("source_link", "source link")):
        key = url_key(getattr(member, attr))
        target = keys.get(key) if key else None
        if target is not None and target != member.id:
            return target, what
    return None


def choose_origin(members: Sequence[CopyMember]) -> Origin:
    """Pick the original of a group and say why, strongest evidence first.

    1. A member another one names as its source (canonical link or source link).
    2. The wire service's own copy, when the copies carry a wire credit.
    3. Among members that do not disclaim being original ("Source link",
       "Originally published by", a canonical link to another site): the
       earliest credible publication date, then the earliest date shown on
       the page, then the most complete version (most words).
    """
    if not members:
        raise ValueError("an empty group has no original")
    by_id = {m.id: m for m in members}
    keys = {k: m.id for m in members if (k := url_key(m.url))}

    pointed: dict[int, list[str]] = {}
    for m in members:
        hit = _pointer_target(m, keys)
        if hit is not None:
            pointed.setdefault(hit[0], []).append(f"#{m.id}'s {hit[1]}")
    for target in sorted(pointed, key=lambda t: -len(pointed[t])):
        seen = {target}
        final = target
        while (nxt := _pointer_target(by_id[final], keys)) is not None and nxt[0] not in seen:
            seen.add(nxt[0])
            final = nxt[0]
        return Origin(final, f"named as the source by {', '.join(pointed[target])}")

    credits = {w.lower() for m in members for w in _WIRE.findall(m.lead[:400])}
    for credit in sorted(credits):
        wire_host = _WIRE_HOSTS.get(credit)
        for m in members:
            if wire_host and host(m.url) and host(m.url).endswith(wire_host):  # type: ignore[union-attr]
                return Origin(m.id, f"the wire service's own copy ({credit.upper()} credit)")

    disclaim = {m.id: why for m in members if (why := _disclaims(m, keys))}
    pool = [m for m in members if m.id not in disclaim] or list(members)
    note = ""
    if disclaim and len(pool) < len(members):
        note = "; " + "; ".join(f"#{i} is a copy: {why}" for i, why in sorted(disclaim.items()))

    dated = [m for m in pool if shown_date(m)]
    if dated:
        best = min(dated, key=_date_rank)
        when = shown_date(best).date().isoformat()  # type: ignore[union-attr]
        what = "publication date" if credible_date(best) else "date shown on the page"
        return Origin(best.id, f"earliest {what} ({when}){note}")
    best = max(pool, key=lambda m: (m.words, -m.id))
    return Origin(best.id, f"most complete version ({best.words} words; no dates){note}")


def _date_rank(m: CopyMember) -> tuple[object, ...]:
    """Earliest day first.  A page date counts too: a page cannot show a date
    before its text existed, so it bounds the publication from above.  On one
    day, a claimed publication date beats a page date, then an earlier time
    of day (when it is known), then the longer text."""
    when = shown_date(m)
    assert when is not None
    timed = (when.hour, when.minute, when.second) != (0, 0, 0)
    latest = datetime.max.replace(tzinfo=UTC)  # aware, as ``when`` is
    return (when.date(), credible_date(m) is None, when if timed else latest, -m.words, m.id)


def republished_after_days(copy: CopyMember, original: CopyMember) -> int | None:
    """Whole days between the original's date and the copy's date (page date
    included: a republish usually shows only its own), or ``None`` if either
    is unknown."""
    a, b = shown_date(original), shown_date(copy)
    if a is None or b is None:
        return None
    return (b.date() - a.date()).days


def is_stale(after_days: int | None) -> bool:
    return after_days is not None and after_days >= STALE_AFTER_DAYS


# -- diff ------------------------------------------------------------------


@dataclass
class DiffSide:
    """One side of a copy diff: the clean article and, for text dumps, the
    page's raw lines (the only place junk the cleaner removed can be seen)."""

    title: str
    paragraphs: list[str]
    page_lines: list[str] | None = None
    source_link: str | None = None
    contributors: list[str] = field(default_factory=list)


@dataclass
class CopyDiff:
    """What a copy changed against its original."""

    title_changed: tuple[str, str] | None = None
    paragraphs_dropped: list[str] = field(default_factory=list)
    paragraphs_added: list[str] = field(default_factory=list)
    paragraphs_changed: list[tuple[str, str]] = field(default_factory=list)
    junk_inserted: list[str] = field(default_factory=list)
    reordered: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.title_changed
            or self.paragraphs_dropped
            or self.paragraphs_added
            or self.paragraphs_changed
            or self.junk_inserted
            or self.reordered
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "title_changed": None
            if self.title_changed is None
            else {"from": self.title_changed[0], "to": self.title_changed[1]},
            "paragraphs_dropped": list(self.paragraphs_dropped),
            "paragraphs_added": list(self.paragraphs_added),
            "paragraphs_changed": [{"from": a, "to": b} for a, b in self.paragraphs_changed],
            "junk_inserted": list(self.junk_inserted),
            "reordered": self.reordered,
        }


MAX_DIFF_ITEMS = 50


def _word_set(text: str) -> set[str]:
    return set(_TOKEN.findall(normalise_text(text)))


def _pair_changed(dropped: list[str], added: list[str]) -> list[tuple[str, str]]:
    """Pair a dropped and an added paragraph that share most words: an edit."""
    pairs: list[tuple[str, str]] = []
    added_words = [_word_set(a) for a in added]
    used: set[int] = set()
    for d in dropped:
        dw = _word_set(d)
        best, best_score = -1, 0.5
        for i, aw in enumerate(added_words):
            if i in used or not dw or not aw:
                continue
            score = len(dw & aw) / len(dw | aw)
            if score >= best_score:
                best, best_score = i, score
        if best >= 0:
            used.add(best)
            pairs.append((d, added[best]))
    return pairs


def _article_span(lines: list[str], body: set[str], side: DiffSide) -> tuple[int, int] | None:
    """First and last raw line that belong to the article: body lines, and just
    after them the credit and source-link lines the extractor recognised."""
    hits = [i for i, n in enumerate(lines) if n in body]
    if not hits:
        return None
    start, end = hits[0], hits[-1]
    markers = [normalise_text(side.source_link or "")] + [
        normalise_text(c) for c in side.contributors if c
    ]
    for i in range(end + 1, min(len(lines), end + 6)):
        if any(m and m in lines[i] for m in markers):
            end = i
    return start, end


def copy_diff(copy: DiffSide, original: DiffSide) -> CopyDiff:
    """Paragraphs dropped, added, edited or reordered; title change; junk inserted.

    "Junk inserted" is read from the copy's raw page where there is one: lines
    inside the article (between its first and last body line, plus the credit
    and "Source link" lines just after) that the cleaner did not keep as body
    and that the original does not have either.  Those are exactly what a
    republishing site adds ("See also ..." teasers, "Source link"); page chrome
    outside the article (menus, "Latest articles") is the site's template, not
    a change to the article, so it is not listed.
    """
    diff = CopyDiff()
    if normalise_text(copy.title) != normalise_text(original.title):
        diff.title_changed = (original.title, copy.title)
    o_norm = [normalise_text(p) for p in original.paragraphs]
    c_norm = [normalise_text(p) for p in copy.paragraphs]
    o_set, c_set = set(o_norm), set(c_norm)
    # A paragraph still on the other page (the two extractors classified it
    # differently, e.g. a credit line kept as body on one side only) is not a change.
    c_page = {normalise_text(line) for line in copy.page_lines or []} | c_set
    o_page = {normalise_text(line) for line in original.page_lines or []} | o_set
    dropped = [p for p, n in zip(original.paragraphs, o_norm, strict=True) if n not in c_page]
    added = [p for p, n in zip(copy.paragraphs, c_norm, strict=True) if n not in o_page]
    changed = _pair_changed(dropped[:200], added[:200])
    gone = {a for a, _ in changed} | {b for _, b in changed}
    diff.paragraphs_changed = changed[:MAX_DIFF_ITEMS]
    diff.paragraphs_dropped = [p for p in dropped if p not in gone][:MAX_DIFF_ITEMS]
    diff.paragraphs_added = [p for p in added if p not in gone][:MAX_DIFF_ITEMS]
    shared_o = [n for n in o_norm if n in c_set]
    shared_c = [n for n in c_norm if n in o_set]
    diff.reordered = _dedupe(shared_o) != _dedupe(shared_c)

    if copy.page_lines:
        raw = [" ".join(line.split()) for line in copy.page_lines if line.strip()]
        norm = [normalise_text(line) for line in raw]
        span = _article_span(norm, c_set, copy)
        if span is not None:
            known = o_set | c_set | {normalise_text(original.title), normalise_text(copy.title)}
            known |= {normalise_text(line) for line in original.page_lines or []}
            names = [normalise_text(c) for c in original.contributors if c]
            junk: list[str] = []
            for i in range(span[0], span[1] + 1):
                n = norm[i]
                if n in known or any(name and name in n for name in names):
                    continue
                junk.append(raw[i])
            diff.junk_inserted = _dedupe(junk)[:MAX_DIFF_ITEMS]
    return diff


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
