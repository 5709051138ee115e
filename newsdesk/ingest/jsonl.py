"""JSON Lines input: one page per line, ``{"url", "html" | "text", ...}``.

Scrapers and exports hand over pages this way.  Each line stands alone, so a
bad line becomes one :class:`Failed` at ``path:LINE`` and the file goes on;
lines are read one at a time with a length cap, so a multi-gigabyte export (or
one absurd line) never sits in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from ..errors import InputError, MalformedInput
from ..model import ContentType, Document, Failed

# Optional fields copied into Document.hints for the extractor to fall back on.
_HINT_FIELDS = ("title", "published_at", "source")
_SKIP_CHUNK = 1024 * 1024


class LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def iter_jsonl(stream: LineReader, path: str, *, max_bytes: int) -> Iterator[Document | Failed]:
    """Yield one Document per non-blank line of ``stream``, a Failed per bad line.

    ``stream`` raising :class:`InputError` (a truncated gzip, a read error) ends
    the file with one Failed at the line it happened on.  A file with no
    non-blank line at all is reported as empty, so it does not vanish silently.
    """
    lineno = 0
    seen_any = False
    while True:
        lineno += 1
        location = f"{path}:{lineno}"
        try:
            line = stream.readline(max_bytes + 1)
            if not line:
                break
            if len(line) > max_bytes and not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
                seen_any = True
                yield Failed(location, f"line is over the {max_bytes}-byte limit", "TooLarge")
                continue
        except InputError as exc:
            yield Failed(location, str(exc), type(exc).__name__)
            return
        if not line.strip():
            continue
        seen_any = True
        yield parse_line(line, location)
    if not seen_any:
        yield Failed(path, "empty file", "InputError")


def _skip_rest_of_line(stream: LineReader) -> None:
    """Discard up to the next newline in bounded chunks."""
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def parse_line(line: bytes | str, location: str) -> Document | Failed:
    """One JSONL line to a Document, or a Failed saying what is wrong with it."""
    url: str | None = None
    try:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            # ValueError covers JSONDecodeError and undecodable bytes.
            raise MalformedInput(f"not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise MalformedInput(f"line is a JSON {type(obj).__name__}, not an object")
        raw_url = obj.get("url")
        if raw_url is not None and not isinstance(raw_url, str):
            raise MalformedInput('"url" must be a string')
        url = raw_url or None
        return _document(obj, location, url)
    except MalformedInput as exc:
        return Failed(location, str(exc), "MalformedInput", url)


def _document(obj: dict[str, Any], location: str, url: str | None) -> Document:
    content_type: ContentType
    if obj.get("html") is not None:
        content_type, content = "html", obj["html"]
    elif obj.get("text") is not None:
        content_type, content = "text", obj["text"]
    elif obj.get("body") is not None:  # already the article text: no page cleaning
        content_type, content = "text", obj["body"]
    else:
        raise MalformedInput('line has neither "html", "text" nor "body"')
    if not isinstance(content, str):
        raise MalformedInput(f'"{content_type}" must be a string')
    if not content.strip():
        raise MalformedInput(f'"{content_type}" is empty')
    hints: dict[str, str] = {}
    for name in _HINT_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if (
            name == "published_at"
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            value = str(value)  # an epoch timestamp; the date parser decides what it means
        if not isinstance(value, str):
            raise MalformedInput(f'"{name}" must be a string')
        if value.strip():
            hints[name] = value.strip()
    if obj.get("html") is None and obj.get("text") is None and obj.get("body") is not None:
        hints["text_is_body"] = "1"  # read by newsdesk.extract.body
    return Document(
        location=location,
        content=content,
        content_type=content_type,
        url=url,
        source=hints.get("source"),
        hints=hints,
    )
