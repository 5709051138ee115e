"""Declared versus detected character sets for fetched bytes.

Servers and feeds lie about their encoding in both directions: a koi8-r feed
served as ``charset=utf-8``, a UTF-8 page declared ``iso-8859-1``.  The rule
here is the browsers' one, with one addition:

1. a byte-order mark wins;
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever was
   declared (valid multi-byte UTF-8 by accident is vanishingly rare, while
   the reverse mislabel is common);
3. otherwise the first declared charset that decodes the bytes without error,
   read as its WHATWG superset (``gb2312`` -> ``gb18030``, ``shift_jis`` ->
   ``cp932``, ``iso-8859-1`` -> ``cp1252``) because servers name the base set
   and send the extensions;
4. otherwise detection (charset-normalizer).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)


def normalise(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None if it is unknown."""
    if not name:
        return None
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None


def header_charset(content_type: str | None) -> str | None:
    """``text/xml; charset=KOI8-R`` -> ``KOI8-R``."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def xml_declared(data: bytes) -> str | None:
    """The ``encoding=`` of an XML declaration, as written."""
    match = _XML_DECL.match(data[:1024])
    return match.group(1).decode("latin-1") if match else None


def choose(data: bytes, *declared: str | None) -> str:
    """The codec to decode ``data`` with (see the module docstring for the rule)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    try:
        data.decode("utf-8")
        if not data.isascii():
            return "utf-8"
        utf8_ok = True
    except UnicodeDecodeError:
        utf8_ok = False
    for name in declared:
        codec = normalise(name)
        if codec is None or codec.startswith(("utf-16", "utf-32")):
            continue
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec
    if utf8_ok:
        return "utf-8"
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return normalise(best.encoding) or "cp1252"
    return "cp1252"


def decode(data: bytes, *declared: str | None) -> str:
    """``data`` as text by :func:`choose`; undecodable bytes become U+FFFD."""
    return data.decode(choose(data, *declared), errors="replace")
