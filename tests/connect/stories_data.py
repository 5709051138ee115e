"""Small synthetic news corpus for the story tests: two similar events, one loner."""

from __future__ import annotations

import json
from pathlib import Path

QUAKE = [
    "A magnitude 6.1 earthquake struck Napa Valley in northern California early Sunday, "
    "damaging wineries and historic buildings in downtown Napa.",
    "Napa residents cleaned up after the 6.1 earthquake, the strongest in the Bay Area since "
    "1989, cut power and broke water mains across Napa Valley.",
    "Governor Jerry Brown declared a state of emergency after the Napa earthquake injured "
    "dozens and set fires at a mobile home park in Napa.",
    "Winemakers in Napa Valley counted broken barrels after Sunday's 6.1 quake near "
    "American Canyon shook the wine country north of San Francisco.",
    "The United States Geological Survey said the Napa earthquake of magnitude 6.1 was "
    "centred near American Canyon, with aftershocks expected in Napa Valley.",
]
FLOOD = [
    "Floods swept through Venice on Tuesday as the acqua alta tide reached 187 centimetres, "
    "flooding St Mark's Basilica and most of the lagoon city.",
    "Venice mayor Luigi Brugnaro called the acqua alta flood a disaster after water reached "
    "187 centimetres and submerged St Mark's Square.",
    "Shops and hotels in Venice counted the damage after the highest acqua alta tide in "
    "fifty years flooded the lagoon city and St Mark's Basilica.",
]
LONER = (
    "A village bakery in Cornwall won the national sourdough prize with a loaf proved for "
    "three days, beating four hundred entries from across Britain."
)


def write(path: Path, records: list[tuple[str, str, str]]) -> Path:
    """``(url, source, body)`` records as a newsdesk ``.jsonl`` with ``body`` fields."""
    with path.open("w", encoding="utf-8") as out:
        for url, source, body in records:
            out.write(json.dumps({"url": url, "source": source, "body": body}) + "\n")
    return path
