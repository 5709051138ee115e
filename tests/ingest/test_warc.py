"""WARC and WET archives built with warcio's writer, including damaged ones."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdesk.ingest import iter_documents
from newsdesk.model import Document, Failed

SHARED_HTML = Path(__file__).resolve().parents[3] / "shared/bench/article-extraction/html"
DATE = "2024-03-05T06:07:08Z"


def article(n: int) -> bytes:
    return f"<html><body><h1>Story {n}</h1><p>{'Words. ' * 300}</p></body></html>".encode()


def http(content_type: str, status: str = "200 OK", **extra: str) -> StatusAndHeaders:
    """HTTP response headers; ``Transfer_Encoding="chunked"`` becomes Transfer-Encoding."""
    extras = [(k.replace("_", "-"), v) for k, v in extra.items()]
    headers = [("Content-Type", content_type), *extras]
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def write_warc(path: Path, *, gz: bool = True, real_html: bytes | None = None) -> None:
    """warcinfo, request, a PNG, a 404, chunked, gzip-encoded, xhtml, resource, metadata."""
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)

        def response(url: str, body: bytes, headers: StatusAndHeaders) -> None:
            w.write_record(
                w.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": DATE},
                )
            )

        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        w.write_record(
            w.create_warc_record(
                "https://ex.com/1",
                "request",
                payload=io.BytesIO(b"GET /1 HTTP/1.1\r\nHost: ex.com\r\n\r\n"),
            )
        )
        response("https://ex.com/1", article(1), http("text/html; charset=utf-8"))
        response("https://ex.com/logo.png", b"\x89PNG\r\n\x1a\n" * 10, http("image/png"))
        response("https://ex.com/gone", b"<html>not found</html>", http("text/html", "404 X"))
        chunked = b"9\r\n<html><p>\r\n9\r\nchunked</\r\n6\r\np></ht\r\n3\r\nml>\r\n0\r\n\r\n"
        response(
            "https://ex.com/2",
            chunked,
            http("text/html", Transfer_Encoding="chunked"),
        )
        response(
            "https://ex.com/3",
            gzip.compress(article(3)),
            http("text/html", Content_Encoding="gzip"),
        )
        response("https://ex.com/4", article(4), http("application/xhtml+xml"))
        w.write_record(
            w.create_warc_record(
                "https://ex.com/5",
                "resource",
                payload=io.BytesIO(real_html or article(5)),
                warc_content_type="text/html",
                warc_headers_dict={"WARC-Date": DATE},
            )
        )
        w.write_record(
            w.create_warc_record(
                "https://ex.com/1",
                "metadata",
                payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                warc_content_type="application/warc-fields",
            )
        )


EXPECTED = [
    ("https://ex.com/1", article(1)),
    ("https://ex.com/2", b"<html><p>chunked</p></html>"),
    ("https://ex.com/3", article(3)),
    ("https://ex.com/4", article(4)),
    ("https://ex.com/5", article(5)),
]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc", "CRAWL.WARC.GZ"])
def test_warc_html_responses(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, gz=name.lower().endswith(".gz"))
    docs = list(iter_documents([path]))
    assert all(isinstance(d, Document) for d in docs), docs
    assert [(d.url, d.content) for d in docs] == EXPECTED
    first = docs[0]
    assert first.content_type == "html"
    assert first.fetched_at == datetime(2024, 3, 5, 6, 7, 8, tzinfo=UTC)
    assert first.location == f"{path}#record-3"
    assert first.hints["content_type"] == "text/html; charset=utf-8"
    offsets = [int(d.hints["warc_offset"]) for d in docs]
    assert offsets == sorted(offsets) and offsets[0] > 0


def test_warc_offsets_point_at_records(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    for doc in iter_documents([path]):
        with open(path, "rb") as f:
            f.seek(int(doc.hints["warc_offset"]))
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_headers.get_header("WARC-Target-URI") == doc.url


def test_warc_with_real_article(tmp_path: Path) -> None:
    files = sorted(SHARED_HTML.glob("*.html.gz"))[:1] if SHARED_HTML.is_dir() else []
    if not files:
        pytest.skip("shared benchmark HTML not present")
    html = gzip.decompress(files[0].read_bytes())
    path = tmp_path / "real.warc.gz"
    write_warc(path, real_html=html)
    docs = list(iter_documents([path]))
    assert docs[-1].content == html


def test_record_over_limit_is_failed_and_archive_continues(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    items = list(iter_documents([path], max_bytes=1000))
    kinds = [(type(i).__name__, i.url) for i in items]
    assert kinds == [
        ("Failed", "https://ex.com/1"),
        ("Document", "https://ex.com/2"),
        ("Failed", "https://ex.com/3"),  # counted decompressed: a content-encoding bomb stops
        ("Failed", "https://ex.com/4"),
        ("Failed", "https://ex.com/5"),
    ]
    assert {i.error for i in items if isinstance(i, Failed)} == {"TooLarge"}


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_truncated_warc_yields_what_was_read_then_failed(tmp_path: Path, name: str) -> None:
    full = tmp_path / name
    write_warc(full, gz=name.endswith(".gz"))
    data = full.read_bytes()
    cut = tmp_path / f"cut-{name}"
    cut.write_bytes(data[: len(data) // 2])
    *docs, last = list(iter_documents([cut]))
    assert docs, "the first half holds complete records"
    assert [(d.url, d.content) for d in docs] == EXPECTED[: len(docs)]
    assert isinstance(last, Failed) and last.error == "Truncated"
    assert "truncated or corrupt archive" in last.reason


def test_every_cut_point_is_safe(tmp_path: Path) -> None:
    """Cutting a .warc.gz anywhere never raises and never yields a partial page."""
    full = tmp_path / "crawl.warc.gz"
    write_warc(full)
    data = full.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    for end in range(0, len(data), 7):
        cut.write_bytes(data[:end])
        items = list(iter_documents([cut]))
        docs = [(d.url, d.content) for d in items if isinstance(d, Document)]
        assert docs == EXPECTED[: len(docs)]
        assert sum(isinstance(i, Failed) for i in items) <= 1


def test_whole_file_gzip_warc(tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    write_warc(plain, gz=False)
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert [(d.url, d.content) for d in iter_documents([path])] == EXPECTED
    cut = tmp_path / "whole-cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    *docs, last = list(iter_documents([cut]))
    assert [(d.url, d.content) for d in docs] == EXPECTED[: len(docs)]
    assert isinstance(last, Failed) and last.error == "Truncated"


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "page.warc"
    path.write_bytes(b"<html>this is not an archive</html>\n")
    (item,) = list(iter_documents([path]))
    assert isinstance(item, Failed) and item.error == "MalformedInput"
    assert "not a WARC archive" in item.reason


def test_empty_warc(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    (item,) = list(iter_documents([path]))
    assert isinstance(item, Failed) and item.reason == "empty file"


# -- WET -------------------------------------------------------------------------


def write_wet(path: Path, texts: list[str]) -> None:
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=path.name.endswith(".gz"))
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for i, text in enumerate(texts):
            w.write_record(
                w.create_warc_record(
                    f"https://ex.com/{i}",
                    "conversion",
                    payload=io.BytesIO(text.encode()),
                    warc_content_type="text/plain",
                    warc_headers_dict={
                        "WARC-Date": DATE,
                        "WARC-Identified-Content-Language": "eng",
                    },
                )
            )


@pytest.mark.parametrize("name", ["cc.warc.wet.gz", "cc.wet", "cc.wet.gz"])
def test_wet(tmp_path: Path, name: str) -> None:
    texts = ["Headline one\nBody of the first page.", "Zweite Seite\nMit Umlauten: äöü."]
    path = tmp_path / name
    write_wet(path, texts)
    docs = list(iter_documents([path]))
    assert all(isinstance(d, Document) for d in docs), docs
    assert [d.content for d in docs] == [t.encode() for t in texts]
    assert [d.url for d in docs] == ["https://ex.com/0", "https://ex.com/1"]
    assert {d.content_type for d in docs} == {"text"}
    assert docs[0].hints["language"] == "eng"
    assert docs[0].fetched_at == datetime(2024, 3, 5, 6, 7, 8, tzinfo=UTC)
