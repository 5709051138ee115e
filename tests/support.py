"""Paths shared by the tests (import as ``from support import ...``)."""

from __future__ import annotations

from pathlib import Path

from newsdesk.enrich import enrich
from newsdesk.model import Article, Enrichment, Paragraph, Quote

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample"
SEED = SAMPLE / "republished-article.txt"
SHARED = REPO.parent / "shared"


COPY_SENTENCE = (
    "the summit ended without a joint statement but officials from both sides said talks on "
    "energy trade and rail links would go on next month in the capital while analysts warned "
    "that sanctions would limit any deal and markets reacted calmly to the news of the meeting"
)
COPY_WORDS = COPY_SENTENCE.split(" ")


def copy_paragraphs(seed: int, paragraphs: int = 8) -> list[str]:
    """Distinct deterministic paragraphs for copy tests: word order varies with the seed."""
    out = []
    for p in range(paragraphs):
        k = (seed * 7919 + p * 104729) % len(COPY_WORDS)
        words = COPY_WORDS[k:] + COPY_WORDS[:k]
        out.append(f"Paragraph {seed}-{p}: " + " ".join(words[: 20 + p]) + f" ref{seed}x{p}.")
    return out


def enrich_paragraphs(*paragraphs: str) -> Enrichment:
    """Entities and quotes of a small hand-written article, with the real model."""
    return enrich(Article(url=None, title="t", paragraphs=[Paragraph(p) for p in paragraphs]))


def quote_starting(result: Enrichment, start_of_text: str) -> Quote:
    """The first quote whose text starts so; a clear failure when there is none."""
    found = [q for q in result.quotes if q.text.startswith(start_of_text)]
    assert found, f"no quote starting {start_of_text!r}: {result.quotes}"
    return found[0]
