"""Paths shared by the tests (import as ``from support import ...``)."""

from __future__ import annotations

from pathlib import Path

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
