"""Paths in, a stream of :class:`Document` or :class:`Failed` out.

This is the only place that touches the file system for input.  It walks
folders, picks a reader by file name, undoes gzip, and enforces the size limit
while streaming, so one bad or enormous file becomes one ``Failed`` record
instead of an exception or an out-of-memory kill, and memory stays flat however
many gigabytes go through.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ..errors import (
    InputError,
    MalformedInput,
    NewsdeskError,
    TooLarge,
    Truncated,
    UnsupportedInput,
)
from ..extract.encoding import looks_binary
from ..model import ContentType, Document, Failed
from .jsonl import iter_jsonl
from .limits import read_limited
from .warc import iter_warc

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1024 * 1024

# Base suffix -> reader kind.  Every one may also carry a trailing ``.gz``.
_KINDS: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".jsonl": "jsonl",
    ".warc": "warc",
    ".wet": "wet",
}

#: Every file name ending newsdesk reads (case-insensitive).
SUFFIXES: tuple[str, ...] = (
    *_KINDS,
    *(f"{s}.gz" for s in _KINDS),
    ".warc.wet.gz",
)

_DESCRIPTIONS = {
    "html": "HTML page",
    "text": "plain-text page",
    "jsonl": "JSON Lines, one document per line",
    "warc": "web archive (WARC), one document per HTML response",
    "wet": "WET archive, one plain-text document per conversion record",
}


def kind_of(path: str | os.PathLike[str]) -> str | None:
    """The reader for ``path`` by its name: html, text, jsonl, warc, wet, or None."""
    name = os.path.basename(os.fspath(path)).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".warc.wet"):
        return "wet"
    return _KINDS.get(os.path.splitext(name)[1])


def describe(path: str | os.PathLike[str]) -> str:
    """One line saying how ``path`` would be read, for ``--dry-run`` style listings."""
    kind = kind_of(path)
    if kind is None:
        return "unsupported"
    gz = " (gzip)" if os.fspath(path).lower().endswith(".gz") else ""
    return _DESCRIPTIONS[kind] + gz


def iter_documents(
    paths: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Failed]:
    """Yield every document in ``paths`` (files or folders), lazily, in a stable order.

    Folders are walked recursively in sorted order, skipping hidden entries and
    not following symlinked folders (no loops).  ``max_bytes`` bounds one page,
    one JSONL line or one archive record, counted after decompression.  Every
    per-item problem is yielded as a :class:`Failed`; nothing is raised.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]  # one path is a common slip; a str would iterate by character
    for given in paths:
        path = os.fsdecode(os.fspath(given))
        try:
            st = os.stat(path)
        except OSError as exc:
            yield _os_failure(path, exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            for item in _walk(path):
                if isinstance(item, Failed):
                    yield item
                elif kind_of(item) is not None:
                    yield from _iter_file(item, max_bytes)
                # else: a README, LICENSE or .cdx beside the pages is not input;
                # only a file named explicitly is reported as unsupported.
        else:
            yield from _iter_file(path, max_bytes)


def _walk(folder: str) -> Iterator[str | Failed]:
    """File paths under ``folder`` in sorted order; an unreadable folder is a Failed."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _os_failure(folder, exc)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path)
        else:
            yield entry.path


def _iter_file(path: str, max_bytes: int) -> Iterator[Document | Failed]:
    """Read one file with the reader its name asks for."""
    kind = kind_of(path)
    if kind is None:
        suffix = os.path.splitext(path)[1] or os.path.basename(path)
        yield Failed(path, f"unsupported file type: {suffix}", "UnsupportedInput")
        return
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UnsupportedInput("not a regular file")
        if st.st_size == 0:
            raise InputError("empty file")
        if kind in ("warc", "wet"):
            yield from iter_warc(path, wet=kind == "wet", max_bytes=max_bytes)
        elif kind == "jsonl":
            with open_input(path) as stream:
                yield from iter_jsonl(stream, path, max_bytes=max_bytes)
        else:
            yield _read_page(path, "html" if kind == "html" else "text", max_bytes, st.st_size)
    except NewsdeskError as exc:
        yield Failed(path, str(exc), type(exc).__name__)
    except OSError as exc:
        yield _os_failure(path, exc)


def _read_page(path: str, content_type: ContentType, max_bytes: int, size: int) -> Document:
    """One whole file as one Document, checked for size, emptiness and binary data."""
    with open_input(path) as stream:
        if not stream.gzipped and size > max_bytes:
            # The file system already knows: reject without reading a byte.
            raise TooLarge(f"file is {size} bytes, over the {max_bytes}-byte limit")
        data = read_limited(stream, max_bytes)
    if not data.strip():
        raise InputError("empty file")
    if looks_binary(data):
        what = "an HTML" if content_type == "html" else "a text"
        raise UnsupportedInput(f"binary data, not {what} page")
    return Document(location=path, content=data, content_type=content_type)


class GuardedReader:
    """A binary reader that turns gzip and OS failures into newsdesk errors.

    Readers downstream (JSONL) then only need to catch :class:`InputError` to
    tell "the rest of this file is unreadable" from a bad line.
    """

    def __init__(self, raw: BinaryIO, *, gzipped: bool) -> None:
        self._raw = raw
        self.gzipped = gzipped

    def read(self, size: int = -1) -> bytes:
        try:
            return self._raw.read(size)
        except Exception as exc:
            raise _stream_error(exc) from exc

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._raw.readline(size)
        except Exception as exc:
            raise _stream_error(exc) from exc


def _stream_error(exc: Exception) -> Exception:
    if isinstance(exc, EOFError):
        return Truncated("truncated gzip stream (the file was cut off)")
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return MalformedInput(f"corrupt gzip stream: {exc}")
    if isinstance(exc, OSError):
        return InputError(f"cannot read: {exc.strerror or exc}")
    return exc


@contextmanager
def open_input(path: str) -> Iterator[GuardedReader]:
    """Open ``path`` for reading, transparently gunzipping when the bytes say gzip.

    The magic bytes decide, not the name: a ``.gz`` that is plain text is read
    as is, and a gzipped file without ``.gz`` is still decompressed.
    """
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
        raw.seek(0)
        if gzipped:
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield GuardedReader(gz, gzipped=True)  # type: ignore[arg-type]
        else:
            yield GuardedReader(raw, gzipped=False)


def _os_failure(path: str, exc: OSError) -> Failed:
    return Failed(path, f"cannot read: {exc.strerror or exc}", "InputError")
