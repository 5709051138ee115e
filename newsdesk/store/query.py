"""What a person types into the search box, parsed once for every backend.

Words are ANDed, "quoted phrases" stay phrases, a trailing ``*`` asks for a
prefix, ``OR`` between terms is kept.  Everything else (stray quotes,
brackets, column filters, operators of one engine) is dropped, so no input
can become a syntax error in either database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'"([^"]+)"|(\w+)(\*?)', re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False


Query = list[Term | str]  # terms, with "OR" between some of them


def parse(text: str) -> Query:
    parts: Query = []
    for match in _TOKEN.finditer(text[:1000]):
        phrase, word, star = match.groups()
        if phrase is not None:
            words = tuple(_WORD.findall(phrase))
            if words:
                parts.append(Term(words))
        elif word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
        else:
            parts.append(Term((word,), prefix=bool(star)))
    while parts and parts[-1] == "OR":
        parts.pop()
    return parts
