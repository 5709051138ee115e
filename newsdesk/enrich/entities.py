"""People, organisations and places in one parsed article, with canonical names.

News writing names a person in full once ("Russian President Vladimir
Putin") and by surname after that ("Putin said"), so a surname alone is
folded into the full name it belongs to.  When a short name fits several full
names ("Kim": Kim Jong Un and Soo Kim) the one written out most often wins:
the article's main subject is named in full again and again, a quoted expert
once.  Titles and possessives are stripped so "President Putin" and
"Putin’s" count as Putin.  Across articles the store keeps one row per
``(kind, key)`` and a bare surname is matched to a stored full name by the
wiring in :mod:`newsdesk.pipeline.quotes`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Entity

EntityKind = Literal["person", "org", "place"]

KINDS: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}

TITLES = frozenset(
    [
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "miss",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "sir",
        "dame",
        "lord",
        "lady",
        "president",
        "vice",
        "prime",
        "minister",
        "premier",
        "chancellor",
        "sen",
        "sen.",
        "senator",
        "rep",
        "rep.",
        "representative",
        "gov",
        "gov.",
        "governor",
        "mayor",
        "gen",
        "gen.",
        "general",
        "col",
        "col.",
        "lt",
        "lt.",
        "capt",
        "capt.",
        "adm",
        "adm.",
        "secretary",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "rev",
        "rev.",
        "reverend",
        "judge",
        "justice",
        "chairman",
        "chairwoman",
        "ceo",
        "leader",
        "ambassador",
        "former",
        "the",
    ]
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Mention:
    """One name in the text: character span, kind and canonical name."""

    start: int
    end: int
    kind: EntityKind
    name: str


@dataclass
class EntityIndex:
    """The article's entities and, per mention, who it is.

    ``aliases`` maps a cleaned surface form ("Putin", "Wi") to its canonical
    full name; quote attribution uses it to name speakers.
    """

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def canonical(self, name: str) -> str:
        """The full name for ``name`` (a surname, a titled name), else ``name`` cleaned."""
        cleaned = clean_name(name)
        if not cleaned:
            return name.strip()
        found = self.aliases.get(name_key(cleaned))
        if found:
            return found
        words = cleaned.split()
        # "President Vladimir Putin" or "Soo Kim's": try the name without its first words
        for i in range(1, len(words)):
            found = self.aliases.get(name_key(" ".join(words[i:])))
            if found:
                return found
        return cleaned


def name_key(name: str) -> str:
    """Case, accent and punctuation-insensitive key of a name (for matching and the store)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s-]", "", text.casefold())
    return _SPACE.sub(" ", text.replace("-", " ")).strip()


def clean_name(text: str) -> str:
    """Drop a leading "the", titles and a trailing possessive: "President Putin’s" -> "Putin"."""
    text = _SPACE.sub(" ", text).strip().strip(",.;:\"“”'")
    text = _POSSESSIVE.sub("", text).strip()
    words = text.split(" ")
    while len(words) > 1 and words[0].lower() in TITLES:
        words = words[1:]
    return " ".join(words)


def _place_name(text: str) -> str:
    text = _POSSESSIVE.sub("", _SPACE.sub(" ", text).strip()).strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return text


def find_entities(doc: Any) -> EntityIndex:
    """Entities of a parsed article (a spaCy ``Doc``), people canonicalised."""
    raw: list[tuple[int, int, EntityKind, str]] = []
    for ent in doc.ents:
        kind = KINDS.get(ent.label_)
        if kind is None:
            continue
        text, start = ent.text, ent.start_char
        if kind == "person" and " " not in text and ent.start > 0:
            prev = doc[ent.start - 1]  # "said Go Myong-hyun": the tagger cut the name
            before = doc[prev.i - 1].text if prev.i > 0 else ""
            starts = prev.is_sent_start or before in {"“", '"', "‘", "(", ":", "—"}
            name_like = prev.is_alpha and prev.is_title and not prev.ent_type_
            if name_like and not starts and prev.lower_ not in TITLES:
                text, start = f"{prev.text} {text}", prev.idx
        name = clean_name(text) if kind == "person" else _place_name(text)
        if not name or not any(c.isalpha() for c in name) or name.islower():
            continue
        raw.append((start, ent.end_char, kind, name))

    full_counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for start, _end, kind, name in raw:
        if kind == "person" and len(name.split()) > 1:
            full_counts[name] += 1
            first_seen.setdefault(name, start)
    aliases = _person_aliases(full_counts, first_seen)

    mentions: list[Mention] = []
    for start, end, kind, name in raw:
        key = name_key(name)
        if key in aliases:  # a surname, even when NER called it an ORG or place
            mentions.append(Mention(start, end, "person", aliases[key]))
        else:
            mentions.append(Mention(start, end, kind, name))

    counts: Counter[tuple[str, EntityKind]] = Counter()
    display: dict[tuple[str, EntityKind], str] = {}
    for m in mentions:
        k = (name_key(m.name), m.kind)
        counts[k] += 1
        display.setdefault(k, m.name)
    entities = [
        Entity(name=display[k], kind=k[1], mentions=n)
        for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], display[kv[0]]))
    ]
    return EntityIndex(entities=entities, mentions=mentions, aliases=aliases)


def _person_aliases(full_counts: Counter[str], first_seen: dict[str, int]) -> dict[str, str]:
    """Surname/first-word -> full name, the most written-out full name on a clash."""
    candidates: dict[str, list[str]] = {}
    for full in full_counts:
        words = full.split()
        keys = {name_key(full), name_key(words[-1]), name_key(words[0])}
        # "Jai-chun" style given names are not used alone; multi-word tails are
        keys |= {name_key(" ".join(words[i:])) for i in range(1, len(words) - 1)}
        for key in keys:
            if key:
                candidates.setdefault(key, []).append(full)
    aliases: dict[str, str] = {}
    for key, fulls in candidates.items():
        exact = [f for f in fulls if name_key(f) == key]
        best = exact or sorted(fulls, key=lambda f: (-full_counts[f], first_seen[f]))
        aliases[key] = best[0]
    return aliases
