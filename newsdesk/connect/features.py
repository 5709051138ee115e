"""Text features for stories and related articles: weighted terms, names, numbers.

Pure functions: no store, no SQL.  An article becomes a sparse vector (a
``dict`` from feature to weight) in three steps:

1. :func:`article_terms` counts features.  Words (lower-cased, stop words
   dropped); *names* (``@kim jong un``: runs of capitalised words not opening a
   sentence, since events are told apart mostly by who and where); and
   *numbers* (``#31-24``, ``#2013``: scores, tolls and years separate two
   otherwise similar events); and *dates* (``%2013-05``, ``%2013-05-03``,
   ``%05-03``: "May 3, 2013", "3 May", "05/03/2013" say when the event
   happened, which is what tells two same-kind events apart).  When the
   entities stage ran, its people, organisations and places replace the
   capitalised runs as names (:func:`article_terms` ``entities=``).  The
   headline and the lead count double: news is written as an inverted pyramid
   and the later paragraphs recap background shared with earlier, different
   events.
2. :func:`weigh` turns counts into sublinear TF-IDF with document frequencies
   that the store keeps incrementally, L2-normalises and keeps the strongest
   :data:`MAX_TERMS` features so vectors stay small enough to store.
3. :func:`cosine` / :func:`dot` compare them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

Vector = dict[str, float]

MAX_TERMS = 200
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5  # the first paragraphs of the body
LEAD_PARAGRAPHS = 2
NAME_WEIGHT = 1.0
NUMBER_WEIGHT = 1.0
DATE_WEIGHT = 2.0  # per date mention; 1-4 measure the same (bench/RESULTS.md)
MAX_CHARS = 20_000  # long bodies add little beyond their first pages and cost time

# A compact English stop list: function words and newsroom verbs that say
# nothing about which event an article reports.
_STOP_TEXT = """a about above after again against all almost also although always am among an and
    another any are around as at back be became because become been before being below
    between both but by can cannot could did do does doing done down during each either
    else enough etc even ever every few for from further get gets got had has have having
    he her here hers herself him himself his how however i if in into is it its itself
    just last least less let like made make many may me might more most much must my
    myself near neither never new next no nor not now of off often on once one only onto
    or other others our ours ourselves out over own per perhaps put rather really said
    same say says see seen several she should since so some still such than that the
    their theirs them themselves then there these they this those though three through
    thus to too told two under until up upon us very via was we well were what whatever
    when where whether which while who whom whose why will with within without would yet
    you your yours yourself yourselves year years mr mrs ms dr according reported
    reports today yesterday tomorrow monday tuesday wednesday thursday friday saturday
    sunday week weeks time times people including"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d+(?:[.,:/-]\d+)*", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“”‘’`']\s*)$")
_NAME = re.compile(
    r"[A-Z][\w'’.-]*\w(?:\s+(?:(?:of|de|del|da|di|van|von|al|bin|la|le)\s+)?[A-Z][\w'’.-]*\w)*"
)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATES = [
    re.compile(rf"\b{_MON}\s+{_DAY}\b(?:\s*,\s*|\s+)?{_YEAR}?\b", re.IGNORECASE),  # May 3, 2013
    re.compile(rf"\b{_DAY}\s+{_MON}\b(?:\s*,?\s*{_YEAR}\b)?", re.IGNORECASE),  # 3 May 2013
    re.compile(rf"\b{_MON}\s*,?\s+{_YEAR}\b", re.IGNORECASE),  # May 2013
]
_DIGIT = re.compile(r"\d")
_MONTH_HINT = re.compile(r"\b(?:" + "|".join(_MONTH_NAMES) + ")", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4}|\d{2})\b")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "`": '"'})


def tokens(text: str) -> list[str]:
    """Lower-cased words and numbers of ``text``, stop words removed."""
    out: list[str] = []
    for raw in _WORD.findall(text.translate(_QUOTES)):
        word = raw.lower().strip("'-")
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append("#" + word if word[0].isdigit() else word)
    return out


def names(text: str) -> list[str]:
    """Capitalised word runs that do not merely open a sentence, as ``@name`` features.

    A single capitalised word at a sentence start is usually just grammar; a
    run of two or more (``Betty Ford Center``) is a name wherever it stands.
    This is a stand-in until the entities stage tags people, places and
    organisations properly.
    """
    text = text.translate(_QUOTES)
    out: list[str] = []
    for match in _NAME.finditer(text):
        name = match.group(0).strip(".'-")
        single = " " not in name
        if single and _SENTENCE_START.search(text, 0, match.start()):
            continue
        key = name.lower()
        if single and key in STOP_WORDS or len(key) < 2:
            continue
        out.append("@" + key)
    return out


def dates(text: str) -> list[str]:
    """Calendar dates written in ``text``, as ``%`` features at the precision given.

    "May 3, 2013" gives the month and the day (``%2013-05``, ``%2013-05-03``),
    "3 May" the day without a year (``%05-03``), "May 2013" the month;
    "05/03/2013" is read month first unless that cannot be a date.  Years
    alone are already number features.
    """
    out: list[str] = []
    if not _DIGIT.search(text):  # most sentences: no date can be written without a digit
        return out
    for k, pattern in enumerate(_DATES if _MONTH_HINT.search(text) else ()):
        for match in pattern.finditer(text):
            month = _MONTHS[match["mon"][:3].lower()]
            year = match["year"]
            day = int(match["day"]) if k < 2 else None
            if day is not None and not 1 <= day <= 31:
                continue
            out.extend(_date_terms(year, month, day))
    for match in _NUMERIC_DATE.finditer(text) if "/" in text else ():
        a, b, year = int(match[1]), int(match[2]), match[3]
        year = year if len(year) == 4 else "20" + year
        if 1 <= a <= 12 and 1 <= b <= 31:
            out.extend(_date_terms(year, a, b))
        elif 1 <= b <= 12 and 1 <= a <= 31:
            out.extend(_date_terms(year, b, a))
    return out


def _date_terms(year: str | None, month: int, day: int | None) -> list[str]:
    if year is None:
        return [f"%{month:02d}-{day:02d}"] if day is not None else []
    out = [f"%{year}-{month:02d}"]
    if day is not None:
        out.append(f"%{year}-{month:02d}-{day:02d}")
    return out


def article_terms(
    title: str,
    paragraphs: Iterable[str],
    entities: Iterable[tuple[str, int]] | None = None,
) -> Counter[str]:
    """Weighted feature counts of one article (headline and lead count more).

    ``entities`` (name, mentions), when the entities stage found any, are the
    names; otherwise capitalised word runs stand in.  Tagged entities do
    better: on ECB+ they lift B-cubed F1 by about 0.01 (bench/RESULTS.md),
    because a tagger does not take "Police" or "Sunday" for a name.
    """
    named = list(entities or ())
    counts: Counter[str] = Counter()
    _add(counts, title, TITLE_WEIGHT, not named)
    used = 0
    for i, text in enumerate(paragraphs):
        if used >= MAX_CHARS:
            break
        text = text[: MAX_CHARS - used]
        used += len(text)
        _add(counts, text, LEAD_WEIGHT if i < LEAD_PARAGRAPHS else 1.0, not named)
    for name, mentions in named:
        key = name.strip().lower()
        if key:
            counts["@" + key] += NAME_WEIGHT * mentions
    return counts


def _add(counts: Counter[str], text: str, weight: float, with_names: bool = True) -> None:
    if not text:
        return
    for term in tokens(text):
        counts[term] += weight * (NUMBER_WEIGHT if term[0] == "#" else 1.0)
    if with_names:
        for name in names(text):
            counts[name] += weight * NAME_WEIGHT
    for date in dates(text):
        counts[date] += DATE_WEIGHT


def idf(df: int, n_docs: int) -> float:
    """Smoothed inverse document frequency (scikit-learn's form, never zero)."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def weigh(
    counts: Mapping[str, float],
    doc_freq: Callable[[str], int],
    n_docs: int,
    max_terms: int = MAX_TERMS,
) -> Vector:
    """Sublinear TF-IDF, L2-normalised, strongest ``max_terms`` features kept."""
    raw = {
        term: (1.0 + math.log(c) if c >= 1 else c) * idf(doc_freq(term), n_docs)
        for term, c in counts.items()
        if c > 0
    }
    if len(raw) > max_terms:
        raw = dict(sorted(raw.items(), key=lambda kv: -kv[1])[:max_terms])
    return normalise(raw)


def weigh_idf(
    counts: Mapping[str, float], idf_of: Mapping[str, float], max_terms: int = MAX_TERMS
) -> Vector:
    """:func:`weigh` with the IDF of every term already known (many articles, one corpus)."""
    log = math.log
    raw = {
        term: (1.0 + log(c) if c >= 1 else c) * idf_of[term] for term, c in counts.items() if c > 0
    }
    if len(raw) > max_terms:
        raw = dict(sorted(raw.items(), key=lambda kv: -kv[1])[:max_terms])
    return normalise(raw)


def normalise(vector: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm == 0:
        return {}
    return {k: v / norm for k, v in vector.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot(a, b) / (na * nb) if na and nb else 0.0


def add_into(total: dict[str, float], vector: Mapping[str, float], scale: float = 1.0) -> None:
    for k, v in vector.items():
        total[k] = total.get(k, 0.0) + v * scale


def top_terms(vector: Mapping[str, float], n: int) -> Vector:
    """The ``n`` heaviest features: bounds what a stored cluster sum costs."""
    if len(vector) <= n:
        return dict(vector)
    return dict(sorted(vector.items(), key=lambda kv: -kv[1])[:n])
