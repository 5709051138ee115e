"""Junk-line rules applied to the paragraphs trafilatura kept from an HTML page."""

from __future__ import annotations

from ..model import Paragraph


def clean_paragraphs(
    paragraphs: list[Paragraph],
    *,
    title: str = "",
    description: str | None = None,
    language: str | None = None,
) -> list[Paragraph]:
    out = list(paragraphs)
    if out and title and out[0].text.strip() == title.strip():
        out = out[1:]
    return out
