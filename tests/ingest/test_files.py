"""iter_documents over real files: pages, JSONL, folders, and every kind of bad input."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from newsdesk.ingest import SUFFIXES, describe, iter_documents, kind_of
from newsdesk.model import Document, Failed

SHARED_HTML = Path(__file__).resolve().parents[3] / "shared/bench/article-extraction/html"
PAGE = b"<html><head><title>Hello</title></head><body><p>Some news.</p></body></html>"


def run(*paths: Path | str, **kw: int) -> list[Document | Failed]:
    return list(iter_documents(list(paths), **kw))


def one(path: Path, **kw: int) -> Document | Failed:
    items = run(path, **kw)
    assert len(items) == 1, items
    return items[0]


def failed(item: Document | Failed, error: str) -> Failed:
    assert isinstance(item, Failed), item
    assert item.error == error, item
    return item


# -- pages ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.html", "a.HTM", "a.html.gz", "a.htm.GZ"])
def test_html_page(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(PAGE) if name.lower().endswith(".gz") else PAGE)
    doc = one(path)
    assert isinstance(doc, Document)
    assert doc.content == PAGE
    assert doc.content_type == "html"
    assert doc.location == str(path)


def test_gzip_detected_by_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "saved.html"  # gzipped, but no .gz in the name
    path.write_bytes(gzip.compress(PAGE))
    doc = one(path)
    assert isinstance(doc, Document) and doc.content == PAGE


@pytest.mark.parametrize("name", ["a.txt", "a.txt.gz"])
def test_text_page(tmp_path: Path, name: str) -> None:
    text = "Headline\n\nFirst paragraph, with ünïcode.\n".encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    doc = one(path)
    assert isinstance(doc, Document)
    assert (doc.content, doc.content_type) == (text, "text")


def test_real_article_html(tmp_path: Path) -> None:
    files = sorted(SHARED_HTML.glob("*.html.gz"))[:3] if SHARED_HTML.is_dir() else []
    if not files:
        pytest.skip("shared benchmark HTML not present")
    docs = run(*files)
    assert [d.location for d in docs] == [str(f) for f in files]
    for doc, f in zip(docs, files, strict=True):
        assert isinstance(doc, Document)
        assert doc.content == gzip.decompress(f.read_bytes())


# -- folders -------------------------------------------------------------------


def test_folder_walk_sorted_recursive_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.html").write_bytes(PAGE)
    (tmp_path / "a.txt").write_bytes(b"text page")
    (tmp_path / "c.html").write_bytes(PAGE)
    (tmp_path / ".hidden.html").write_bytes(PAGE)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.html").write_bytes(PAGE)
    locations = [d.location for d in run(tmp_path)]
    assert locations == [str(tmp_path / p) for p in ("a.txt", "b/z.html", "c.html")]


def test_single_path_and_pathlike_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_bytes(PAGE)
    assert [d.location for d in iter_documents(str(path))] == [str(path)]  # type: ignore[arg-type]
    assert [d.location for d in iter_documents([path])] == [str(path)]


# -- bad input -----------------------------------------------------------------


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")
    item = failed(one(path), "UnsupportedInput")
    assert item.reason == "unsupported file type: .pdf"


def test_binary_named_html(tmp_path: Path) -> None:
    path = tmp_path / "image.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary" in failed(one(path), "UnsupportedInput").reason


def test_binary_named_txt_gz(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt.gz"
    path.write_bytes(gzip.compress(bytes(range(256)) * 8))
    assert "binary" in failed(one(path), "UnsupportedInput").reason


@pytest.mark.parametrize(
    "name,data", [("e.html", b""), ("e.txt", b" \n\t\n"), ("e.html.gz", gzip.compress(b""))]
)
def test_empty_files(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert failed(one(path), "InputError").reason == "empty file"


def test_sparse_100mb_file_rejected_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with open(path, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: all NULs, costs no disk
    item = failed(one(path), "TooLarge")
    assert "limit" in item.reason


def test_large_text_file_over_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"a perfectly ordinary line of text\n" * 10_000)  # ~340 KB
    failed(one(path, max_bytes=100_000), "TooLarge")
    assert isinstance(one(path, max_bytes=1_000_000), Document)


def test_gzip_bomb_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9))
    assert path.stat().st_size < 64 * 1024
    failed(one(path, max_bytes=1024 * 1024), "TooLarge")


def test_truncated_gzip_page(tmp_path: Path) -> None:
    data = gzip.compress(os.urandom(2000).hex().encode())
    path = tmp_path / "cut.html.gz"
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in failed(one(path), "Truncated").reason


def test_missing_path(tmp_path: Path) -> None:
    item = failed(one(tmp_path / "nope.html"), "InputError")
    assert "No such file" in item.reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.html"
    path.write_bytes(PAGE)
    path.chmod(0)
    try:
        assert "Permission denied" in failed(one(path), "InputError").reason
    finally:
        path.chmod(0o644)


def test_bad_files_do_not_stop_the_batch(tmp_path: Path) -> None:
    (tmp_path / "1.html").write_bytes(PAGE)
    (tmp_path / "2.html").write_bytes(b"")
    (tmp_path / "3.bin").write_bytes(b"x")  # not input: skipped inside a folder
    (tmp_path / "4.txt").write_bytes(b"fine")
    kinds = [type(d).__name__ for d in run(tmp_path, tmp_path / "3.bin", tmp_path / "missing")]
    assert kinds == ["Document", "Failed", "Document", "Failed", "Failed"]


# -- JSONL ---------------------------------------------------------------------


def jsonl_lines() -> list[str]:
    return [
        json.dumps({"url": "https://ex.com/a", "html": "<p>A</p>", "title": "A", "source": "Ex"}),
        "",
        json.dumps({"url": "https://ex.com/b", "text": "Plain B", "published_at": 1700000000}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"url": "https://ex.com/c"}),
        json.dumps({"url": "https://ex.com/d", "html": 42}),
        json.dumps({"url": 7, "html": "<p>x</p>"}),
        json.dumps({"url": "https://ex.com/e", "html": "<p>E</p>", "title": ["x"]}),
        json.dumps({"html": "<p>no url</p>", "published_at": "2024-05-01T10:00:00Z"}),
        "[" * 100_000,
    ]


@pytest.mark.parametrize("name", ["in.jsonl", "in.jsonl.gz"])
def test_jsonl(tmp_path: Path, name: str) -> None:
    data = ("\n".join(jsonl_lines()) + "\n").encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    items = run(path)
    assert [(type(i).__name__, i.location) for i in items] == [
        ("Document", f"{path}:1"),
        ("Document", f"{path}:3"),
        ("Failed", f"{path}:4"),
        ("Failed", f"{path}:5"),
        ("Failed", f"{path}:6"),
        ("Failed", f"{path}:7"),
        ("Failed", f"{path}:8"),
        ("Failed", f"{path}:9"),
        ("Document", f"{path}:10"),
        ("Failed", f"{path}:11"),
    ]
    a, b = items[0], items[1]
    assert isinstance(a, Document) and isinstance(b, Document)
    assert (a.content, a.content_type, a.url) == ("<p>A</p>", "html", "https://ex.com/a")
    assert a.hints == {"title": "A", "source": "Ex"} and a.source == "Ex"
    assert (b.content, b.content_type) == ("Plain B", "text")
    assert b.hints == {"published_at": "1700000000"}
    for f in items[2:8] + items[9:]:
        failed(f, "MalformedInput")
    assert "not valid JSON" in items[2].reason
    assert "not an object" in items[3].reason
    assert 'neither "html", "text" nor "body"' in items[4].reason
    assert items[4].url == "https://ex.com/c"  # kept on the failure
    assert items[6].url is None
    assert items[8].url is None and items[8].hints["published_at"].startswith("2024")


def test_jsonl_long_line_skipped_and_file_continues(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    big = json.dumps({"url": "u", "html": "x" * 50_000})
    ok = json.dumps({"url": "v", "html": "<p>ok</p>"})
    path.write_text(f"{ok}\n{big}\n{ok}\n")
    items = run(path, max_bytes=10_000)
    assert [type(i).__name__ for i in items] == ["Document", "Failed", "Document"]
    assert failed(items[1], "TooLarge").location == f"{path}:2"
    assert items[2].location == f"{path}:3"


def test_truncated_jsonl_gz_yields_lines_then_failed(tmp_path: Path) -> None:
    lines = [json.dumps({"url": f"u{i}", "text": os.urandom(40).hex()}) for i in range(500)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = run(path)
    *docs, last = items
    assert docs and all(isinstance(d, Document) for d in docs)
    assert [d.url for d in docs] == [f"u{i}" for i in range(len(docs))]
    assert failed(last, "Truncated").location == f"{path}:{len(docs) + 1}"


def test_jsonl_gzip_bomb_line(tmp_path: Path) -> None:
    line = json.dumps({"url": "u", "text": " " * (5 * 1024 * 1024)})
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(line.encode() + b"\n" + b'{"text": "after"}\n'))
    items = run(path, max_bytes=1024 * 1024)
    assert [type(i).__name__ for i in items] == ["Failed", "Document"]
    failed(items[0], "TooLarge")


def test_empty_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n   \n")
    assert failed(one(path), "InputError").reason == "empty file"


def test_big_jsonl_is_read_lazily(tmp_path: Path) -> None:
    """The first document arrives before the file is read to the end: rewriting
    the last line after the first item is out shows up in what comes later."""
    path = tmp_path / "big.jsonl"
    n = 20_000
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"url": f"https://a.example/{i:05d}", "text": "body"}) + "\n")
    it = iter_documents([path])
    first = next(it)
    assert isinstance(first, Document) and first.url == "https://a.example/00000"
    with open(path, "r+b") as f:  # same length, so earlier offsets do not move
        f.seek(-len(b'{"url": "https://a.example/19999", "text": "body"}\n'), os.SEEK_END)
        f.write(b'{"url": "https://b.example/19999", "text": "body"}\n')
    rest = list(it)
    assert len(rest) == n - 1
    assert rest[-1].url == "https://b.example/19999"


# -- naming --------------------------------------------------------------------


def test_kind_and_describe() -> None:
    assert kind_of("x/A.WARC.WET.GZ") == "wet"
    assert kind_of("a.wet") == "wet"
    assert kind_of("a.warc.gz") == "warc"
    assert kind_of("a.jsonl.gz") == "jsonl"
    assert kind_of("a.json") is None
    assert describe("a.html.gz").endswith("(gzip)")
    assert describe("a.zip") == "unsupported"
    assert all(kind_of(f"x{s}") for s in SUFFIXES)


def test_folder_walk_skips_files_that_are_not_input(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes")
    (tmp_path / "LICENSE").write_text("MIT")
    (tmp_path / "page.html").write_text("<html><body><p>hello</p></body></html>")
    assert [d.location for d in iter_documents([tmp_path])] == [str(tmp_path / "page.html")]
