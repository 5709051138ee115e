"""Reading with a size limit: the one guard behind files, archive records and lines."""

from __future__ import annotations

from typing import Protocol

from ..errors import TooLarge

CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def read_limited(stream: Readable, max_bytes: int, what: str = "file") -> bytes:
    """Read to the end, raising :class:`TooLarge` as soon as more than ``max_bytes``
    arrive, so a huge file or a gzip bomb (counted decompressed) costs at most
    ``max_bytes`` of memory."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"{what} is over the {max_bytes}-byte limit")
        parts.append(chunk)
