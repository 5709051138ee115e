"""Article extraction from plain-text dumps of whole web pages.

A crawled text dump (a WET record, a "save as text") holds every block of the
page on its own line: navigation, the headline, bylines, the article, inserted
links to other stories, "Latest articles" teasers, footers.  General-purpose
extractors keep the inserted headlines because they look like paragraphs, so
this is a line-level cleaner of our own:

1. Measure every line (length in word units, sentence ending, junk vocabulary).
2. Find the article as the best-scoring run of lines: prose lines add their
   length, short or junk lines subtract a little, so a run may bridge a subhead
   or a photo credit but not a whole menu (a maximum-sum subarray).
3. Inside that run drop junk (share prompts, "See also", credits, inserted
   headlines of other stories) and mark subheads.
4. Read the metadata around it: title and section above the run, byline and
   dates between title and run, contributors and "Source link" below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..errors import NoArticle
from ..model import Article, DateSource, Document, Paragraph
from . import boilerplate as bp
from .dates import find_byline_date, find_date_line, parse_date
from .encoding import decode_text

# A prose line: long enough, or ending like a sentence and not tiny.
PROSE_UNITS = 12
LONG_UNITS = 20
# Per-line cost of a non-prose line inside a run, and of a junk line.
GAP_COST = 3.0
JUNK_COST = 8.0
SUBHEAD_MAX_UNITS = 12
HEADER_BONUS = 30.0
AFTER_ARTICLE_PROSE = 80.0
AFTER_ARTICLE_FACTOR = 0.25
HEADER_WINDOW = 12  # lines above the body searched for title, byline and dates

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BY = re.compile(r"^(?:by|written by|posted by|von|par|por|автор[:]?)\s+(?P<names>.+)$", re.I)
_BY_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_BY_TAIL = re.compile(
    r"\s*(?:[|,–—-]|\bon\b|\bin\b|\bupdated\b|\bpublished\b|\bposted\b).*$|\s+\d.*$", re.I
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,4})"
    r"(?:\s*\([A-Za-z.&/ ]{1,20}\))?\s*(?:[—–]|--|-(?=\s))\s*\S"
)
_HOME = re.compile(r"^(?:home|startseite|accueil|inicio|главная|홈|首页|ホーム)", re.I)
_CRUMB_SEP = re.compile(r"\s*[>›»/|·•]\s*")
_SLUG_WORD = re.compile(r"[a-z0-9]+")
_URL = re.compile(r"https?://\S+")
_TOKEN = re.compile(r"[^\W_]+")


@dataclass
class _Line:
    text: str
    units: float
    ends: bool
    junk: bool
    repeated: bool
    date: datetime | None  # the date, when the line is nothing but a date

    @property
    def prose(self) -> bool:
        """Body-like: a long line, or a sentence of some length, and not a cut-off teaser."""
        if self.junk or bp.is_truncated(self.text):
            return False
        return self.units >= LONG_UNITS or (self.units >= PROSE_UNITS and self.ends)


def _lines(text: str) -> list[_Line]:
    raw = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    raw = [line for line in raw if line]
    counts: dict[str, int] = {}
    for line in raw:
        counts[line] = counts.get(line, 0) + 1
    return [
        _Line(
            line,
            bp.units(line),
            bp.ends_sentence(line),
            bp.is_boilerplate(line),
            counts[line] > 1,
            find_date_line(line),
        )
        for line in raw
    ]


def _prose_quality(text: str) -> float:
    """Share of running-text words: lowercase or caseless (CJK, Hangul, Arabic...).

    Body text is mostly lowercase words; Title Case headline lists, contact
    blocks full of numbers and lists of names are not.
    """
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 0.0
    lower = sum(1 for t in tokens if not t[0].isupper() and not t[0].isdigit())
    return lower / len(tokens)


def _gap_cost(line: _Line) -> float:
    """Cost of a non-prose line inside the body: list items and short sentences with
    running text cost little, Title Case menu entries and bare words cost more."""
    if line.units >= 4 and (_prose_quality(line.text) >= 0.5 or line.ends):
        return GAP_COST / 3
    return GAP_COST


def _is_header_cue(line: _Line, slug: set[str], title: str | None) -> bool:
    t = line.text
    if line.units > 40:
        return False
    if (title and t == title) or _BY.match(t) or line.date is not None:
        return True
    return bool(slug) and len(set(_SLUG_WORD.findall(t.lower())) & slug) >= max(2, len(slug) * 0.6)


def _listing_items(lines: list[_Line], dated: list[int]) -> set[int]:
    """Prose lines that are entries of a dated listing (teasers, archives, comments).

    A listing repeats "headline / author / date / summary": when three or more
    date-only lines each come one or two lines before a prose line, close
    together, those prose lines are summaries of other pages.
    """
    items = [d + k for d in dated for k in (1, 2) if d + k < len(lines) and lines[d + k].prose]
    items = sorted(set(items))
    out: set[int] = set()
    run: list[int] = []
    for i in items + [10**9]:
        if run and i - run[-1] > 8:
            if len(run) >= 3:
                out.update(run)
            run = []
        run.append(i)
    return out


def _scores(lines: list[_Line], slug: set[str], title: str | None) -> list[float]:
    """Per-line scores for the maximum-sum run.

    The first prose line shortly after the article header (the headline, a
    "By" line, a date line) earns a bonus, once: a body starts right after its
    header, which tells a short article from a long footer blurb.  After a
    comments or "related stories" heading that follows some prose, prose
    counts for a quarter: reader comments can outweigh a short article.
    """
    out = []
    dated = [i for i, line in enumerate(lines) if line.units <= 12 and line.date]
    listing = _listing_items(lines, dated)
    header_at, bonus_left = -100, True
    prose_seen, after = 0.0, 1.0
    for i, line in enumerate(lines):
        t = line.text
        if bp.is_section_end(t) or bp.is_comment_marker(t):
            out.append(-3 * JUNK_COST)
            if prose_seen >= AFTER_ARTICLE_PROSE:
                after = AFTER_ARTICLE_FACTOR
            continue
        if line.prose and not line.junk:
            q = 1.0 if bp.cjk_share(t) > 0.3 else min(1.0, 0.25 + _prose_quality(t))
            # A prose line seen twice is a teaser or caption repeated, not the body.
            s = line.units * q * (0.3 if line.repeated or i in listing else 1.0) * after
            prose_seen += s
            if bonus_left and i - header_at <= 4:
                s += HEADER_BONUS
                bonus_left = False
            out.append(s)
            continue
        cue = _is_header_cue(line, slug, title)
        # Byline and date lines end the standfirst and open the body: hard to bridge.
        out.append(-JUNK_COST if line.junk or (cue and line.units <= 12) else -_gap_cost(line))
        if bonus_left and cue:
            header_at = i
    return out


def _body_run(scores: list[float]) -> tuple[int, int] | None:
    """The maximum-sum run of line scores, as [start, end) indexes."""
    best, best_span = 0.0, None
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += s
        if total > best:
            best, best_span = total, (start, i + 1)
    if best_span is None or best < PROSE_UNITS:
        return None
    return best_span


def _soft(line: _Line) -> bool:
    """A short line that may continue the body at its edges: running text, not furniture."""
    t = line.text
    if line.junk or line.repeated or line.units < 3 or bp.is_truncated(t):
        return False
    if not (line.ends or _prose_quality(t) >= 0.5 or bp.cjk_share(t) > 0.3):
        return False
    return line.date is None and not _BY.match(t) and not bp.is_related_teaser(t)


def _extend(lines: list[_Line], start: int, end: int) -> tuple[int, int]:
    """Grow the run over adjacent short running-text lines (list items, one-line
    paragraphs, a lead sentence), bridging one other line when two soft ones follow."""

    def soft(i: int) -> bool:
        return 0 <= i < len(lines) and _soft(lines[i])

    def lead(i: int) -> bool:  # above the body only whole sentences: headlines stay out
        return soft(i) and lines[i].ends

    def bridgeable(i: int) -> bool:
        line = lines[i]
        return not line.junk and line.date is None and not _BY.match(line.text)

    while lead(start - 1) or (lead(start - 2) and lead(start - 3) and bridgeable(start - 1)):
        start -= 1
    while soft(end) or (soft(end + 1) and soft(end + 2) and bridgeable(end)):
        end += 1
    # A line ending in ":" announces a list (tour dates, ingredients): take its items.
    if lines[end - 1].text.rstrip().endswith((":", "：")):
        while end < len(lines) and _list_item(lines[end]):
            end += 1
    return start, end


def _list_item(line: _Line) -> bool:
    """An item of a list announced by a colon: short, not furniture, with some content."""
    t = line.text
    if line.junk or line.units > 40 or bp.is_section_end(t) or bp.is_comment_marker(t):
        return False
    return line.ends or any(c.isdigit() for c in t) or _prose_quality(t) >= 0.5 or t[0] in "-*•–·"


def _is_subhead(lines: list[_Line], i: int, end: int) -> bool:
    """A short heading line that introduces the prose after it."""
    line = lines[i]
    if line.units > SUBHEAD_MAX_UNITS or line.units < 1 or line.junk or line.repeated:
        return False
    if _BY.match(line.text):
        return False
    core = line.text.rstrip(" \"'”’")
    if core.endswith((".", ",", ";", "…")) or bp.is_related_teaser(line.text):
        return False
    if line.date is not None:
        return False
    nxt = i + 1
    return nxt < end and lines[nxt].prose


def _near_sentence(lines: list[_Line], i: int) -> bool:
    """Whether a neighbour of line ``i`` is running prose: a lone line without a full
    stop belongs to the text around it, while a stack of them is a list of links."""
    return any(
        0 <= j < len(lines) and (lines[j].prose or (lines[j].ends and not lines[j].junk))
        for j in (i - 1, i + 1)
    )


def _body(lines: list[_Line], start: int, end: int) -> tuple[list[Paragraph], list[str], bool]:
    """Paragraphs of the run, the contributors named in it, and whether a source was credited."""
    paragraphs: list[Paragraph] = []
    contributors: list[str] = []
    credited = False
    seen: set[str] = set()
    in_list = False
    for i in range(start, end):
        line = lines[i]
        text = line.text
        if in_list and _list_item(line) and not line.prose:
            paragraphs.append(Paragraph(text))
            continue
        in_list = False
        if bp.is_source_link(text):
            credited = True
            continue
        names = bp.contributors_line(text)
        if names:
            contributors.extend(names)
            continue
        if line.junk or text in seen or bp.is_truncated(text):
            continue
        if line.prose:
            if line.units < 25 and bp.is_related_teaser(text):
                continue
            paragraphs.append(Paragraph(text))
        elif _is_subhead(lines, i, end):
            paragraphs.append(Paragraph(text, "h"))
        elif _soft(line) and (line.ends or (line.units >= 4 and _near_sentence(lines, i))):
            paragraphs.append(Paragraph(text))
        else:
            continue
        seen.add(text)
        in_list = text.endswith((":", "："))
    while paragraphs and paragraphs[-1].kind == "h":
        paragraphs.pop()
    paragraphs = _drop_blobs(paragraphs)
    return paragraphs, contributors, credited


def _drop_blobs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Drop a huge line that repeats other paragraphs (the whole article copied into a
    description or JSON field of the dump)."""
    if len(paragraphs) < 4:
        return paragraphs
    out = []
    for p in paragraphs:
        if len(p.text) > 1500:
            inside = sum(
                1 for q in paragraphs if q is not p and len(q.text) > 40 and q.text in p.text
            )
            if inside >= 3:
                continue
        out.append(p)
    return out


def _slug_words(url: str | None) -> set[str]:
    if not url:
        return set()
    path = url.split("://", 1)[-1].partition("/")[2]
    return {w for w in _SLUG_WORD.findall(path.lower()) if len(w) > 2 and not w.isdigit()}


def _title(lines: list[_Line], start: int, url: str | None) -> tuple[int | None, str | None]:
    """The headline: a standalone line above the body that also closes a breadcrumb,
    or else the best headline-like line just above the body."""
    lo = max(0, start - 40)
    texts = [line.text for line in lines[lo:start]]
    for j, t in enumerate(texts):
        if bp.units(t) < 3:
            continue
        for other in texts:
            if other != t and other.endswith(t) and len(other) - len(t) < 80:
                return lo + j, t
    slug = _slug_words(url)
    best, best_i = 0.0, None
    for i in range(start - 1, max(-1, start - HEADER_WINDOW - 1), -1):
        line = lines[i]
        t = line.text
        if line.junk or not 3 <= line.units <= 30 or t.endswith((".", ",", ";", ":", "…")):
            continue
        if line.date is not None or _BY.match(t):
            continue
        score = 1.0 + (1.0 if line.repeated else 0.0) - (start - i) * 0.05
        if slug:
            words = set(_SLUG_WORD.findall(t.lower()))
            score += 3 * len(words & slug) / max(1, len(slug))
        if score > best:
            best, best_i = score, i
    return (best_i, lines[best_i].text) if best_i is not None else (None, None)


def _section(lines: list[_Line], title: str | None, start: int) -> str | None:
    """The breadcrumb step just above the title ("Home › Top Stories › Title")."""
    if not title:
        return None
    for line in lines[max(0, start - 40) : start]:
        t = line.text
        if t != title and t.endswith(title) and _HOME.match(t):
            middle = t[_HOME.match(t).end() : len(t) - len(title)]  # type: ignore[union-attr]
            steps = [s for s in _CRUMB_SEP.split(middle.strip(" >›»/|·•")) if s.strip()]
            return steps[-1].strip() if steps else None
    return None


def _byline(lines: list[_Line], lo: int, hi: int) -> tuple[list[str], datetime | None]:
    """Authors from "By ..." lines and the publication date from byline lines in [lo, hi)."""
    authors: list[str] = []
    published = None
    for line in lines[lo:hi]:
        t = line.text
        if published is None and line.units <= 30:
            published = find_byline_date(t)
        m = _BY.match(t)
        if m and line.units <= 14 and not authors:
            names = _BY_TAIL.sub("", m["names"]).strip()
            authors = [n.strip() for n in _BY_SPLIT.split(names) if n.strip()]
    return authors, published


def extract_text(doc: Document) -> Article:
    """Extract the article from a plain-text page; raise ``NoArticle`` when there is none."""
    text = decode_text(doc.content)
    lines = _lines(text)
    hints = doc.hints or {}
    url = doc.url or hints.get("url")
    span = _body_run(_scores(lines, _slug_words(url), hints.get("title")))
    if span is None:
        raise NoArticle("no run of prose lines that could be an article body")
    start, end = _extend(lines, *span)
    # Contributor and "Source link" lines just after the run still belong to it.
    tail = end
    while tail < min(len(lines), end + 4) and not bp.is_section_end(lines[tail].text):
        tail += 1
    paragraphs, contributors, credited = _body(lines, start, end)
    _, more, credited_after = _body(lines, end, tail)
    contributors += more
    if not paragraphs:
        raise NoArticle("the page has no article paragraphs")

    title_i, title = _title(lines, start, url)
    title = hints.get("title") or title or paragraphs[0].text[:120]
    head_lo = title_i if title_i is not None else max(0, start - HEADER_WINDOW)
    authors, published = _byline(lines, head_lo, start)
    date_source: DateSource = "byline" if published else "none"
    if published is None and hints.get("published_at"):
        published = parse_date(hints["published_at"])
        date_source = "input" if published else "none"
    page_date = None
    for line in lines[: head_lo + 1]:
        page_date = line.date
        if page_date:
            break
    if published is None:
        for line in lines[head_lo:start]:
            day = line.date
            if day is not None and day != page_date:
                published, date_source = day, "text"
                break

    source_link = None
    for line in lines[start:tail]:
        if bp.is_source_link(line.text):
            m = _URL.search(line.text)
            source_link = m.group(0) if m else source_link
    if source_link is None and (credited or credited_after):
        source_link = "Source link"

    first = paragraphs[0].text if paragraphs[0].kind == "p" else ""
    m = _DATELINE.match(first)
    return Article(
        url=doc.url,
        title=title,
        paragraphs=paragraphs,
        section=_section(lines, title, start),
        authors=authors,
        contributors=contributors,
        dateline=m["place"].strip(" ,") if m else None,
        published_at=published,
        date_source=date_source,
        page_date=page_date,
        source_link=source_link,
        source=doc.source,
        location=doc.location,
        content_type="text",
    )


__all__ = ["extract_text"]
