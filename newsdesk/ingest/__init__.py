"""Files to documents: paths in, a lazy stream of ``Document | Failed`` out.

``iter_documents`` is the one entry point (the CLI's ``ingest``, the
benchmarks and the tests all use it).  It reads HTML and text pages, JSON
Lines, WARC and WET archives, each optionally gzipped, and reports every
unusable input as a :class:`~newsdesk.model.Failed` instead of raising, so a
batch over a messy folder always finishes and says what it skipped.
"""

from __future__ import annotations

from .files import DEFAULT_MAX_BYTES, SUFFIXES, describe, iter_documents, kind_of
from .jsonl import iter_jsonl, parse_line
from .warc import iter_warc

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUFFIXES",
    "describe",
    "iter_documents",
    "iter_jsonl",
    "iter_warc",
    "kind_of",
    "parse_line",
]
