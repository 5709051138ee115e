"""Web archives: WARC (HTML responses) and WET (extracted plain text).

Crawls arrive as WARC files of many thousands of records; only HTTP responses
(and ``resource`` records) that carry HTML are pages worth extracting, the rest
(requests, metadata, images, redirects) is skipped and counted.  WET files are
Common Crawl's plain-text side files, one ``conversion`` record per page.

warcio does the parsing: it is a declared dependency, pure Python, reads
per-record and whole-file gzip, and undoes chunked transfer and gzip/deflate
content encodings in ``record.content_stream()``.  It does *not* notice a
cut-off archive (it just stops early, or hands out a short record), so each
record's length is checked here against its ``Content-Length``: a truncated
record is never passed on as if it were whole.
"""

from __future__ import annotations

import gzip
import logging
import os
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import TooLarge
from ..model import Document, Failed
from .limits import read_limited

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_CHUNK = 1024 * 1024


def iter_warc(path: str, *, wet: bool = False, max_bytes: int) -> Iterator[Document | Failed]:
    """Yield a Document per HTML response (or per WET conversion record) in ``path``.

    Locations are ``path#record-N`` (N counts every record from 1) and the
    record's byte offset goes into ``hints["warc_offset"]`` for
    ``warcio extract``.  A truncated or corrupt archive yields what was read
    intact and then one Failed; nothing is raised.
    """
    scan = _Scan(path, wet, max_bytes)
    # An OSError opening the file propagates: the caller reports unreadable paths.
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(5)
        fh.seek(0)
        scan.looks_warc = head.startswith((b"WARC/", b"\x1f\x8b"))
        try:
            archive = ArchiveIterator(fh)
            try:
                yield from scan.records(archive, with_offsets=True)
            except ArchiveLoadFailed as exc:
                if "recompress" not in str(exc):
                    raise
                # The whole file is one gzip stream rather than one member per
                # record: valid data, just not seekable.  Read it through gzip.
                yield from _whole_file_gzip(path, scan)
                return
            if scan.failed:
                return
            if archive.offset < size or not _ends_cleanly(fh, size, head):
                # warcio stops quietly when the file ends inside a record header.
                yield scan.truncated("the file ends inside a record", next_record=True)
                return
        except Exception as exc:
            # warcio signals a damaged archive with assorted exception types
            # (ArchiveLoadFailed, ValueError, AttributeError, zlib.error...); all
            # mean the rest of this file cannot be trusted.
            yield scan.truncated(f"{type(exc).__name__}: {exc}", next_record=True)
            return
        finally:
            log.debug("%s: %d records, %s", path, scan.index, dict(scan.counts))
    if scan.index == 0:
        yield Failed(path, "empty file: no WARC records", "InputError")


def _ends_cleanly(fh: BinaryIO, size: int, head: bytes) -> bool:
    """An uncompressed WARC ends with the blank lines after its last record."""
    if head.startswith(b"\x1f\x8b") or size == 0:
        return True
    fh.seek(max(size - 1, 0))
    return fh.read(1) == b"\n"


def _whole_file_gzip(path: str, scan: _Scan) -> Iterator[Document | Failed]:
    """Re-read a singly gzipped archive, skipping the records already yielded."""
    skip, scan.index = scan.index, 0
    with gzip.open(path, "rb") as gz:
        stream = _TolerantGzip(gz)
        yield from scan.records(ArchiveIterator(stream), with_offsets=False, skip=skip)
        if not scan.failed and stream.cut_off:
            yield scan.truncated("the gzip stream ends early", next_record=True)


class _TolerantGzip:
    """A gzip reader that hands out every byte it can before a cut-off end.

    ``GzipFile.read(n)`` raises ``EOFError`` and drops the partial block when
    the stream is cut, and warcio takes that for a clean end; ``read1`` keeps
    the partial data, and ``cut_off`` remembers that the end was not clean.
    """

    def __init__(self, gz: gzip.GzipFile) -> None:
        self._gz = gz
        self._pos = 0
        self.cut_off = False

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        want = size if size >= 0 else 1 << 62
        while want > 0 and not self.cut_off:
            try:
                chunk = self._gz.read1(min(want, _CHUNK))
            except EOFError:
                self.cut_off = True
                break
            if not chunk:
                break
            parts.append(chunk)
            want -= len(chunk)
        data = b"".join(parts)
        self._pos += len(data)
        return data

    def tell(self) -> int:
        return self._pos


class _Scan:
    """Walks the records of one archive, keeping the count and skip tallies."""

    def __init__(self, path: str, wet: bool, max_bytes: int) -> None:
        self.path = path
        self.wet = wet
        self.max_bytes = max_bytes
        self.index = 0
        self.url: str | None = None
        self.failed = False
        self.looks_warc = True
        self.counts: Counter[str] = Counter()

    def records(
        self, archive: ArchiveIterator, *, with_offsets: bool, skip: int = 0
    ) -> Iterator[Document | Failed]:
        for record in archive:
            self.index += 1
            if self.index <= skip:
                continue
            location = f"{self.path}#record-{self.index}"
            self.url = record.rec_headers.get_header("WARC-Target-URI")
            item = _convert(record, location, self.url, self.wet, self.max_bytes, self.counts)
            if record.rec_headers.get_header("Content-Length") is None:
                # Every WARC record has one; without it the header was cut off.
                _drain(record.raw_stream)
                yield self.truncated("a record header is incomplete")
                return
            if _remaining(record) > 0:
                yield self.truncated("the file ends inside this record")
                return
            if isinstance(item, Document) and with_offsets:
                item.hints["warc_offset"] = str(archive.get_record_offset())
            if item is not None:
                yield item

    def truncated(self, detail: str, *, next_record: bool = False) -> Failed:
        """The one Failed that ends a damaged archive."""
        self.failed = True
        self.counts["truncated"] += 1
        index = self.index + 1 if next_record else self.index
        if index <= 1 and not self.looks_warc:
            return Failed(self.path, f"not a WARC archive ({detail})", "MalformedInput")
        return Failed(
            f"{self.path}#record-{max(index, 1)}",
            f"truncated or corrupt archive: {detail}",
            "Truncated",
            None if next_record else self.url,
        )


def _convert(
    record: Any,
    location: str,
    url: str | None,
    wet: bool,
    max_bytes: int,
    counts: Counter[str],
) -> Document | Failed | None:
    """The Document a record stands for, a Failed, or None to skip it."""
    rec_type = record.rec_type
    if wet:
        if rec_type != "conversion":
            counts[f"skipped {rec_type}"] += 1
            return None
        content_type = "text"
        mime = record.rec_headers.get_header("Content-Type") or "text/plain"
    elif rec_type == "response":
        if record.http_headers is None:
            counts["skipped non-http response"] += 1
            return None
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            counts["skipped non-2xx response"] += 1
            return None
        mime = record.http_headers.get_header("Content-Type") or ""
        content_type = "html"
    elif rec_type == "resource":
        mime = record.rec_headers.get_header("Content-Type") or ""
        content_type = "html"
    else:
        counts[f"skipped {rec_type}"] += 1
        return None
    if content_type == "html" and mime.split(";")[0].strip().lower() not in HTML_TYPES:
        counts["skipped non-html"] += 1
        return None
    try:
        body = read_limited(record.content_stream(), max_bytes, "record")
    except TooLarge as exc:
        counts["too large"] += 1
        return Failed(location, str(exc), "TooLarge", url)
    finally:
        _drain(record.raw_stream)
    if not body.strip():
        counts["empty"] += 1
        return Failed(location, "empty record", "InputError", url)
    hints = {"content_type": mime} if mime else {}
    language = record.rec_headers.get_header("WARC-Identified-Content-Language")
    if language:
        hints["language"] = language
    counts["documents"] += 1
    return Document(
        location=location,
        content=body,
        content_type=content_type,
        url=url,
        fetched_at=parse_warc_date(record.rec_headers.get_header("WARC-Date")),
        hints=hints,
    )


def _drain(raw: Any) -> None:
    """Consume the rest of the record so its remaining length can be checked."""
    while raw.read(_CHUNK):
        pass


def _remaining(record: Any) -> int:
    """Bytes the record's Content-Length promised but the file did not hold."""
    _drain(record.raw_stream)
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def parse_warc_date(value: str | None) -> datetime | None:
    """``WARC-Date`` (W3C ISO 8601, normally ``...Z``) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset: no such UTC instant (fuzzing)
        return None
