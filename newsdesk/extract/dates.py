"""Date parsing shared by the text and HTML extractors.

Pages print dates in many shapes ("Published 11:26 pm EST, Tuesday, November 19,
2019", "2019.11.20", "20 ноября 2019", "2019年11月20日", ISO stamps), so this is a
small scanner of precompiled regexes rather than ``dateparser`` (slow to import,
and too eager: it reads "May" or "2 days" as dates).

Every function returns a *naive* ``datetime``: a date with no time is midnight;
a printed time is kept as the page's own wall-clock time (its zone names such as
"EST" are not resolved); an ISO stamp with an offset is converted to UTC and the
offset dropped.  So values compare with each other, and the store can treat them
all as UTC without guessing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

MIN_YEAR, MAX_YEAR = 1990, 2100

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan januari janvier enero januar gennaio janeiro",
        "february feb februari février fevrier febrero februar febbraio fevereiro",
        "march mar maret mars marzo märz maerz março",
        "april apr avril abril aprile",
        "may mei mai mayo maggio maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho",
        "august aug agustus août aout agosto",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro okt",
        "november nov novembre noviembre novembro",
        "december dec desember décembre decembre diciembre dezember dicembre dezembro dez",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num
# Russian month names take case endings ("ноября", "ноябрь"): match on stems.
_RU_STEMS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_RU_ALT = r"(?:январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]{0,3}"
_MONTH = rf"(?P<mon>{_MONTH_ALT}|{_RU_ALT})"
_YEAR = r"(?P<y>(?:19|20)\d\d)"

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)"
    r"(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.\d+)?)?(?P<tz>Z|[+-]\d\d:?\d\d)?)?"
)
# Order matters: the most specific shapes first.
_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[./](?P<m>\d{1,2})[./](?P<d>\d{1,2})(?!\d)"),
    re.compile(
        rf"(?<!\w){_MONTH}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)\.?,?\s*(?:\w+,?\s+)??{_YEAR}",
        re.I,
    ),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{_MONTH}\.?,?\s+(?:de\s+)?{_YEAR}",
        re.I,
    ),
    re.compile(
        r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)(?!\d)"
    ),
]
_TIME = re.compile(
    r"(?P<kap>오전|오후|午前|午後|上午|下午)?\s*(?<![\d:])(?P<H>\d{1,2})[:時时](?P<M>\d\d)(?!\d)"
    r"\s*(?P<ap>[ap]\.?\s?m\.?)?",
    re.I,
)
_PM = {"pm", "오후", "午後", "下午"}
_AM = {"am", "오전", "午前", "上午"}

# Words that may sit around a date on a line that is "only a date".
_FILLER = re.compile(
    r"^(?:published|updated|posted|last|first|modified|on|at|the|am|pm|a\.m|p\.m|"
    r"[ap]m|utc|gmt|est|edt|cst|cdt|pst|pdt|mst|mdt|bst|cet|cest|ist|jst|kst|hkt|msk|et|pt|ct|mt|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|date|time|\d{1,4}|[а-я]{1,3}|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|"
    r"[월화수목금토일]요일|[月火水木金土日]曜日|星期.|周.|年|月|日|時|时|分|입력|수정|"
    r"오전|오후|午前|午後|上午|下午|"
    r"опубликовано|обновлено)$",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_ANY_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*", re.U)

# A publication cue; "updated" is weaker evidence and only used when alone.
_PUBLISHED_CUE = re.compile(
    r"\b(?:published|posted|first published|publication date|date published)\b|"
    r"опубликовано|опубликован|입력|작성|公開日|公開|发布|發布|投稿日|配信",
    re.I,
)
_UPDATED_CUE = re.compile(r"\b(?:updated|modified)\b|обновлено|수정|更新", re.I)
_BY_CUE = re.compile(r"^(?:by|posted by|written by|von|par|por)\s", re.I)


def _month(name: str) -> int | None:
    low = name.lower().rstrip(".")
    if low in _MONTHS:
        return _MONTHS[low]
    for stem in sorted(_RU_STEMS, key=len, reverse=True):
        if low.startswith(stem):
            # "ма" alone is too short to trust unless the word is a May form.
            if stem == "ма" and low not in ("май", "мая", "мае"):
                return None
            return _RU_STEMS[stem]
    return None


def _build(y: int, m: int, d: int) -> datetime | None:
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    try:
        return datetime(y, m, d)
    except ValueError:
        return None


def _with_time(day: datetime, text: str) -> datetime:
    """Add the first clock time printed in ``text`` (the same line) to ``day``."""
    t = _TIME.search(text)
    if not t:
        return day
    hour, minute = int(t["H"]), int(t["M"])
    ap = (t["ap"] or t["kap"] or "").lower().replace(".", "").replace(" ", "")
    if ap in _PM and hour < 12:
        hour += 12
    elif ap in _AM and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day
    return day.replace(hour=hour, minute=minute)


def _iso(match: re.Match[str]) -> datetime | None:
    day = _build(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None or match["H"] is None:
        return day
    try:
        stamp = day.replace(
            hour=int(match["H"]), minute=int(match["M"]), second=int(match["S"] or 0)
        )
    except ValueError:
        return day
    tz = match["tz"]
    if tz:
        try:
            off = datetime.fromisoformat("2000-01-01T00:00:00" + ("+00:00" if tz == "Z" else tz))
        except ValueError:  # an offset of a day or more ("+31:07") is no time zone
            return stamp
        stamp = (stamp.replace(tzinfo=off.tzinfo)).astimezone(UTC).replace(tzinfo=None)
    return stamp


def find_date_span(text: str) -> tuple[datetime, int, int] | None:
    """The first date written anywhere in ``text``, with its character span."""
    if not _ANY_DIGIT.search(text):
        return None
    best: tuple[datetime, int, int] | None = None
    m = _ISO.search(text)
    if m and (day := _iso(m)) is not None:
        best = (day, m.start(), m.end())
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            if best is not None and m.start() >= best[1]:
                break
            groups = m.groupdict()
            if "a" in groups and groups["a"] is not None:
                a, b = int(m["a"]), int(m["b"])
                # Day-first unless that is impossible (US "11/19/2019").
                day, mon = (a, b) if b <= 12 else (b, a)
            else:
                mon = int(m["m"]) if groups.get("m") else _month(m["mon"])
                day = int(m["d"])
            if mon is None:
                continue
            built = _build(int(m["y"]), mon, day)
            if built is not None:
                rest = text[: m.start()] + " " + text[m.end() :]
                best = (_with_time(built, rest), m.start(), m.end())
                break
    return best


def find_date(text: str) -> datetime | None:
    """The first date written anywhere in ``text`` (with its time, if printed)."""
    found = find_date_span(text)
    return found[0] if found else None


def parse_date(s: str) -> datetime | None:
    """Parse a date string: ISO 8601 first, then the written shapes ``find_date`` knows.

    Accepts surrounding words ("Published Nov. 19, 2019, 6:18 p.m."); returns
    ``None`` when no plausible date (years 1990-2100) is found.
    """
    s = s.strip()
    if not s:
        return None
    m = _ISO.fullmatch(s)
    if m:
        return _iso(m)
    return find_date(s)


def find_date_line(line: str) -> datetime | None:
    """The date on a line that holds nothing but a date (a weekday, a time, "Updated").

    Such lines are page furniture: a site header clock, or a byline date.  A
    sentence that merely mentions a date returns ``None``.
    """
    if len(line) > 80:
        return None
    found = find_date_span(line)
    if not found:
        return None
    _, start, end = found
    rest = line[:start] + " " + line[end:]
    for word in _WORD.findall(rest):
        core = _DIGITS.sub("", word)
        if core and not _FILLER.match(core) and core.strip("年月日時时分秒"):
            return None
    return found[0]


def find_byline_date(line: str) -> datetime | None:
    """The publication date on a byline-like line ("Published 11:11 PM EST Nov 19, 2019").

    The line must carry a publication cue ("Published", "Posted", "By ...",
    "입력", "发布"); when it has both a published and an updated date the
    published one wins, and an "Updated" date counts only when it is alone.
    """
    if len(line) > 200:
        return None
    cue = _PUBLISHED_CUE.search(line)
    if cue:
        segment = line[cue.end() :]
        upd = _UPDATED_CUE.search(segment)
        if upd:
            segment = segment[: upd.start()] or segment
        day = find_date(segment)
        if day is not None:
            return day
    if _BY_CUE.match(line) or _UPDATED_CUE.search(line):
        return find_date(line)
    return None


__all__ = ["find_byline_date", "find_date", "find_date_line", "find_date_span", "parse_date"]
