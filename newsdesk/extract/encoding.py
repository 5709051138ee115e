"""Bytes to text for inputs that carry no reliable charset of their own."""

from __future__ import annotations

from charset_normalizer import from_bytes

from ..errors import DecodeError, UnsupportedInput

_SNIFF = 8192
_NOT_CONTROL = bytes(range(9, 14)) + bytes(range(32, 256))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters early on mean this is no text page."""
    head = data[:_SNIFF]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    # bytes.translate deletes every byte that is *not* a control: C speed.
    controls = len(head.translate(None, _NOT_CONTROL))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes | str) -> str:
    """UTF-8 when it is valid (the common case, and fast), else the best guess.

    Raises :class:`DecodeError` when no encoding gives readable text, and
    :class:`UnsupportedInput` for binary data, so a batch records why.
    """
    if isinstance(data, str):
        return data
    if not data.strip():
        raise DecodeError("empty input")
    if looks_binary(data):
        raise UnsupportedInput("binary data, not a text or HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("could not determine the text encoding")
    return data.decode(best.encoding, errors="replace")
