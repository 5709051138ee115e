"""Paths shared by the tests (import as ``from support import ...``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample"
SEED = SAMPLE / "republished-article.txt"
SHARED = REPO.parent / "shared"
